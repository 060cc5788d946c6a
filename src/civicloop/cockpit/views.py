"""The leaders' cockpit (领导驾驶舱): the figures of a period and place as cards, the Haiyan
report's figures beside the system's, a trend, a ranking of the places one level down and a
map; its Excel export; and the page of every figure's definition.

The numbers come from ``services`` (baseline → rollups → records); this module only reads
the query, checks the place against the reader's scope and formats what it got.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from civicloop.core.downloads import XLSX, attachment_response
from civicloop.core.figures import COUNT, Figure, Period, figures
from civicloop.core.registry import home_panels_for
from civicloop.core.views import forbidden
from civicloop.org import maps as org_maps
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region

from . import rollups, services
from .access import home_region, may_read, may_view_region, viewable_levels
from .exporting import write_board_workbook
from .forms import EVERYWHERE, PERIOD_KINDS, BoardQuery, period_label
from .report import REPORT_FIGURES
from .services import (
    BASELINE_PRORATED,
    BASELINES,
    DAYS_KIND,
    SHARE_KIND,
    SOURCE_LABELS,
    Change,
    Reading,
    part_names,
)

TREND_MONTHS = 24


# --- formatting ---------------------------------------------------------------------------


def format_value(kind: str, value) -> str:
    """Shares as percentages with two decimals, days with one, counts with thousands
    separators; "—" when there is no value (a share of nothing)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    if kind == SHARE_KIND:
        return f"{value * 100:.2f}%"
    if kind == DAYS_KIND:
        return f"{value:,.1f}"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


@dataclass
class Delta:
    """A change as the card shows it: the text, the arrow and the colour."""

    change: Change | None
    label: str

    @property
    def text(self) -> str:
        return str(self.change) if self.change is not None else "—"

    @property
    def arrow(self) -> str:
        if self.change is None:
            return ""
        return {"up": "↑", "down": "↓"}.get(self.change.direction, "→")

    @property
    def tone(self) -> str:
        if self.change is None or self.change.good is None:
            return "neutral"
        return "good" if self.change.good else "bad"


@dataclass
class Part:
    name: str
    display: str
    against_last_year: Delta


@dataclass
class Card:
    reading: Reading
    kind: str
    url: str | None

    @property
    def figure(self) -> Figure:
        return self.reading.figure

    @property
    def display(self) -> str:
        return format_value(self.kind, self.reading.value)

    @property
    def unit(self) -> str:
        """The unit beside the number; a share already reads as a percentage."""
        return "" if self.kind == SHARE_KIND else str(self.figure.unit)

    @property
    def previous_display(self) -> str:
        return format_value(self.kind, self.reading.previous)

    @property
    def last_year_display(self) -> str:
        return format_value(self.kind, self.reading.last_year)

    @property
    def against_previous(self) -> Delta:
        return Delta(self.reading.against_previous, gettext("against the previous period"))

    @property
    def against_last_year(self) -> Delta:
        return Delta(self.reading.against_last_year, gettext("against the same period last year"))

    @property
    def from_baseline(self) -> bool:
        return bool(self.baseline_note)

    @property
    def baseline_note(self) -> str:
        """Which of the numbers on the card are historical baselines, not records."""
        reading = self.reading
        which = [
            label
            for source, label in (
                (reading.source, gettext("this period")),
                (reading.previous_source, gettext("the previous period")),
                (reading.last_year_source, gettext("the same period last year")),
            )
            if source in BASELINES
        ]
        if not which:
            return ""
        prorated = BASELINE_PRORATED in {
            reading.source,
            reading.previous_source,
            reading.last_year_source,
        }
        text = gettext("historical baseline: %(which)s") % {"which": "、".join(which)}
        if prorated:
            text += gettext(" (prorated by days)")
        return text

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS.get(self.reading.source, ""))

    @property
    def parts(self) -> list[Part]:
        names = part_names(self.figure)
        return [
            Part(
                name=str(names.get(part, part) or gettext("(none)")),
                display=format_value(self.kind, value),
                against_last_year=Delta(change, gettext("against the same period last year")),
            )
            for part, value, change in self.reading.parts
        ]


def card(reading: Reading) -> Card:
    return Card(
        reading=reading, kind=services.value_kind(reading.figure), url=reading.records_url()
    )


# --- the query ----------------------------------------------------------------------------


@dataclass
class Board:
    """What one cockpit request asks for, checked."""

    kind: str
    period: Period
    region: Region | None
    chosen: Figure | None
    query: BoardQuery

    def label(self, today: dt.date) -> str:
        return period_label(self.kind, self.period, today)


def _default_figure() -> Figure | None:
    """The first measured count of events, else the first figure with a card."""
    candidates = [f for f in figures if f.cockpit]
    for figure in candidates:
        if figure.subject == "events" and figure.measure is not None:
            if figure.measure.kind == COUNT and not figure.measure.part:
                return figure
    measured = [f for f in candidates if f.measure is not None]
    return (measured or candidates or [None])[0]


def _read_query(request) -> tuple[Board | None, list[str]]:
    query = BoardQuery(request.GET)
    if not query.is_valid():
        return None, query.error_messages_text()
    data = query.cleaned_data
    region = data["region"]
    if region is None:
        region = home_region(request.user)
    elif region == EVERYWHERE:
        region = None
    board = Board(
        kind=data["period"],
        period=data["the_period"],
        region=region,
        chosen=data["figure"] or _default_figure(),
        query=query,
    )
    return board, []


def _link(request, **changes) -> str:
    """This page's URL with some parameters changed (a place, a figure)."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"{reverse('cockpit:board')}?{encoded}" if encoded else reverse("cockpit:board")


def _picker_choices(today: dt.date) -> dict:
    return {
        "period_kinds": PERIOD_KINDS,
        "year_choices": range(today.year, today.year - 10, -1),
        "quarter_choices": range(1, 5),
        "month_choices": range(1, 13),
    }


def _checked(request):
    """The board, or the response refusing it (403 outside the reader's scope, 400 for a
    query the page cannot read)."""
    if not may_read(request.user):
        return None, forbidden(request)
    board, errors = _read_query(request)
    if errors:
        today = timezone.localdate()
        context = {
            "errors": errors,
            **_picker_choices(today),
            "board_url": reverse("cockpit:board"),
            "current": {"period": "year", "year": today.year, "region": "", "figure": ""},
        }
        return None, render(request, "cockpit/board.html", context, status=400)
    if not may_view_region(request.user, board.region):
        return None, forbidden(
            request, gettext("The figures of this place are outside your responsibility.")
        )
    return board, None


# --- the places ---------------------------------------------------------------------------


def _breadcrumb(request, region: Region | None) -> list[dict]:
    chain = []
    place = region
    while place is not None:
        chain.append(place)
        place = place.parent
    crumbs = []
    if may_view_region(request.user, None):
        crumbs.append({"name": gettext("Everywhere"), "url": _link(request, region="all")})
    for place in reversed(chain):
        viewable = place.level in viewable_levels() and may_view_region(request.user, place)
        crumbs.append(
            {
                "name": place.name,
                "url": _link(request, region=place.code) if viewable else None,
                "current": place == region,
            }
        )
    return crumbs


def _children(request, region: Region | None) -> list[dict]:
    return [
        {"name": place.name, "code": place.code, "url": _link(request, region=place.code)}
        for place in services.places_below(region)
        if place.level in viewable_levels() and may_view_region(request.user, place)
    ]


def _map_context(request, board: Board, values: dict[str, float]) -> dict | None:
    """The region map (org.maps, includes/region_map.html) of the places one level down,
    coloured by the charted figure; a village has no areas below it."""
    if board.region is None:
        return None
    level = {RegionLevel.COUNTY: RegionLevel.TOWN, RegionLevel.TOWN: RegionLevel.VILLAGE}.get(
        board.region.level
    )
    if level is None:
        return None
    return org_maps.region_map(
        within=board.region.code,
        level=level,
        values=values,
        value_label=board.chosen.title if board.chosen else "",
        click_url=_link(request, region="__code__").replace("__code__", "{code}"),
        element_id="cockpit-map",
    )


# --- the pages ----------------------------------------------------------------------------


def _chart(figure: Figure, kind: str, points: list[tuple[dt.date, object]]) -> dict:
    months = [month.strftime("%Y-%m") for month, _value in points]
    values = [value for _month, value in points]
    if any(isinstance(value, dict) for value in values):
        parts = sorted({part for value in values if isinstance(value, dict) for part in value})
        names = part_names(figure)
        series = [
            {
                "name": str(names.get(part, part)),
                "data": [value.get(part) if isinstance(value, dict) else None for value in values],
            }
            for part in parts
        ]
    else:
        series = [{"name": figure.title, "data": values}]
    return {
        "title": figure.title,
        "months": months,
        "series": series,
        "percent": kind == SHARE_KIND,
        "digits": 1 if kind == DAYS_KIND else 2,
    }


def _report_rows(by_key: dict[str, Reading]) -> list[dict]:
    rows = []
    for item in REPORT_FIGURES:
        row = {"item": item, "figure": item.figure, "system": None, "delta": None}
        reading = by_key.get(item.key)
        if reading is not None:
            # The report may quote one part of a breakdown (or its sum): item.pick says which.
            value = item.pick(reading.value)
            if item.compare == "last_year":
                against = services.change(reading.figure, value, item.pick(reading.last_year))
                row["delta"] = Delta(against, "")
            else:
                row["system"] = format_value(services.value_kind(reading.figure), value)
            row["url"] = reading.records_url()
        rows.append(row)
    return rows


def _readings(board: Board) -> list[Reading]:
    return services.read(board.period, board.region)


@login_required
def board(request):
    board, refused = _checked(request)
    if refused is not None:
        return refused
    today = timezone.localdate()
    readings = _readings(board)
    by_key = {reading.key: reading for reading in readings}
    groups = []
    for subject in figures.subjects():
        cards = [card(r) for r in readings if r.figure.subject == subject and r.figure.cockpit]
        if cards:
            groups.append(
                {"subject": subject, "label": figures.subject_label(subject), "cards": cards}
            )

    chosen = board.chosen
    chart = ranking = None
    values: dict[str, float] = {}
    if chosen is not None:
        kind = services.value_kind(chosen)
        end = min(board.period.end, today)
        chart = _chart(
            chosen, kind, services.trend(chosen, board.region, end=end, months=TREND_MONTHS)
        )
        ranking = []
        for rank, place, value in services.ranking(chosen, board.period, board.region):
            viewable = place.level in viewable_levels() and may_view_region(request.user, place)
            ranking.append(
                {
                    "rank": rank,
                    "place": place,
                    "url": _link(request, region=place.code) if viewable else None,
                    "display": format_value(kind, value),
                }
            )
            if isinstance(value, int | float) and not isinstance(value, bool):
                values[place.code] = value
    refreshed = rollups.refreshed_at()
    context = {
        "board": board,
        # Panels other apps register for the reader (core.registry.home_panels: a leader's duties).
        "home_panels": home_panels_for(request),
        "period_label": board.label(today),
        "board_url": reverse("cockpit:board"),
        "region": board.region,
        "breadcrumb": _breadcrumb(request, board.region),
        "children": _children(request, board.region),
        "refreshed_at": timezone.localtime(refreshed) if refreshed else None,
        "groups": groups,
        "report_rows": _report_rows(by_key),
        "chosen": chosen,
        "chart": chart,
        "ranking": ranking,
        "figure_choices": [
            {"key": f.key, "title": f.title, "selected": f == chosen} for f in figures if f.cockpit
        ],
        "region_map": _map_context(request, board, values),
        "export_url": f"{reverse('cockpit:export')}?{request.GET.urlencode()}",
        **_picker_choices(today),
        "current": {
            "period": board.kind,
            "year": board.period.start.year,
            "quarter": (board.period.start.month - 1) // 3 + 1,
            "month": board.period.start.month,
            "from": board.period.start.isoformat(),
            "to": board.period.end.isoformat(),
            "region": board.region.code if board.region else "",
            "figure": chosen.key if chosen else "",
        },
    }
    return render(request, "cockpit/board.html", context)


@login_required
def export(request):
    board, refused = _checked(request)
    if refused is not None:
        return refused
    today = timezone.localdate()
    readings = [r for r in _readings(board) if r.figure.cockpit]
    ranking = services.ranking(board.chosen, board.period, board.region) if board.chosen else []
    place = board.region.name if board.region is not None else gettext("Everywhere")
    label = board.label(today)
    filename = gettext("cockpit %(place)s %(period)s.xlsx") % {"place": place, "period": label}
    response = attachment_response(filename.replace(" ", "_"), XLSX, private=True)
    write_board_workbook(
        response,
        readings=readings,
        subject_labels={name: figures.subject_label(name) for name in figures.subjects()},
        chosen=board.chosen,
        ranking=ranking,
        title=f"{place} {label}",
    )
    return response


@login_required
def definitions(request):
    if not may_read(request.user):
        return forbidden(request)
    groups = [
        {
            "subject": subject,
            "label": figures.subject_label(subject),
            "figures": figures.of(subject),
        }
        for subject in figures.subjects()
    ]
    return render(request, "cockpit/definitions.html", {"groups": groups})
