"""Analysis of enterprise-related penalties (涉企行政处罚分析): penalty decisions against an
organisation, by matter, by town, by amount band and by month, each computed by one grouped
database query (never a loop over the cases).

**Which cases** (:func:`enterprise_penalties`) — decided cases whose outcome is a penalty or a
reduced penalty, with at least one principal party (当事人, not a third party or an agent) that
is an organisation (``parties.Party.kind``). The period is the decision's local date
(``decided_at``), the town the case's place (the place of the violation, else the handling
unit's area), the department the handling unit.

**Amount bands** — the fine in yuan, bands closed below and open above: with the default edges
1 000, 10 000, 50 000 and 200 000 a fine of exactly 1 000 yuan falls in “1千–1万”, exactly
10 000 in “1万–5万”, and so on. A penalty without a fine (a warning, a confiscation) is its own
row, “no fine”. ``CIVICLOOP_DISCRETION_AMOUNT_BANDS`` sets other edges (ascending yuan).

**By matter** — a case with two matters counts under each, so the rows may add up to more
than the total, which is counted once per case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from civicloop.cases.choices import Outcome, PartyRole
from civicloop.cases.models import Case, CaseParty
from civicloop.core.figures import TOWN_DIGITS
from civicloop.core.spreadsheets import append_header, append_row
from civicloop.org.models import Region
from civicloop.parties.choices import PartyKind

DEFAULT_BAND_EDGES = (1000, 10000, 50000, 200000)
PENALTY_OUTCOMES = (Outcome.PENALTY, Outcome.REDUCED_PENALTY)
NO_FINE = -1


def band_edges() -> tuple[Decimal, ...]:
    edges = getattr(settings, "CIVICLOOP_DISCRETION_AMOUNT_BANDS", None) or DEFAULT_BAND_EDGES
    edges = tuple(Decimal(str(edge)) for edge in edges)
    if list(edges) != sorted(set(edges)) or edges[0] <= 0:
        raise ValueError("CIVICLOOP_DISCRETION_AMOUNT_BANDS: ascending positive amounts, please")
    return edges


def _yuan(amount: Decimal) -> str:
    """1000 → 1千, 10000 → 1万, 2500 → 2500 (the way the county writes bands)."""
    if amount % 10000 == 0:
        return f"{int(amount // 10000)}万"
    if amount % 1000 == 0 and amount < 10000:
        return f"{int(amount // 1000)}千"
    return f"{amount.normalize():f}"


@dataclass(frozen=True)
class Band:
    index: int
    low: Decimal | None  # inclusive
    high: Decimal | None  # exclusive

    @property
    def label(self) -> str:
        if self.index == NO_FINE:
            return str(gettext_lazy("no fine"))
        if self.low is None:
            return f"<{_yuan(self.high)}"
        if self.high is None:
            return f"≥{_yuan(self.low)}"
        return f"{_yuan(self.low)}–{_yuan(self.high)}"


def bands() -> list[Band]:
    edges = band_edges()
    lows = (None, *edges)
    highs = (*edges, None)
    return [Band(i, low, high) for i, (low, high) in enumerate(zip(lows, highs, strict=True))]


def band_expression():
    """The band index of a case's fine (``NO_FINE`` without one), as a database expression."""
    whens = [When(Q(fine_amount__isnull=True) | Q(fine_amount__lte=0), then=Value(NO_FINE))]
    for band in bands():
        if band.high is not None:
            whens.append(When(fine_amount__lt=band.high, then=Value(band.index)))
    return models.Case(*whens, default=Value(len(bands()) - 1), output_field=IntegerField())


# --- which cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    start: dt.date | None = None
    end: dt.date | None = None
    town: Region | None = None
    unit: object = None  # an org.Unit (the handling unit: a squad or a department)


def enterprise_penalties(cases=None, filters: Filters | None = None):
    """Penalty decisions against an organisation, narrowed by ``filters``, with ``place_code``."""
    filters = filters or Filters()
    cases = (Case.objects.all() if cases is None else cases).filter(
        decided_at__isnull=False, outcome__in=PENALTY_OUTCOMES
    )
    organisation = CaseParty.objects.filter(
        case=OuterRef("pk"), role=PartyRole.PARTY, party__kind=PartyKind.ORGANISATION
    )
    cases = cases.filter(Exists(organisation))
    zone = timezone.get_current_timezone()
    if filters.start is not None:
        cases = cases.filter(decided_at__gte=dt.datetime.combine(filters.start, dt.time.min, zone))
    if filters.end is not None:
        after = filters.end + dt.timedelta(days=1)
        cases = cases.filter(decided_at__lt=dt.datetime.combine(after, dt.time.min, zone))
    if filters.unit is not None:
        cases = cases.filter(handling_unit=filters.unit)
    cases = cases.annotate(place_code=Coalesce("region__code", "handling_unit__region__code"))
    if filters.town is not None:
        cases = cases.filter(place_code__startswith=filters.town.prefix)
    return cases


# --- the tables --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cases: int
    fines: Decimal


def _rows(grouped, key: str, label) -> list[Row]:
    return [
        Row(
            key=str(row[key] if row[key] is not None else ""),
            label=label(row),
            cases=row["cases"],
            fines=row["fines"] or Decimal("0"),
        )
        for row in grouped
    ]


def _measures():
    return {"cases": Count("pk", distinct=True), "fines": Sum("fine_amount")}


def totals(cases) -> Row:
    row = cases.aggregate(cases=Count("pk"), fines=Sum("fine_amount"))
    return Row("", _("Total"), row["cases"], row["fines"] or Decimal("0"))


def by_matter(cases) -> list[Row]:
    grouped = (
        cases.values(code=F("matter_links__matter__code"), name=F("matter_links__matter__name"))
        .annotate(**_measures())
        .order_by("-cases", "code")
    )
    return _rows(grouped, "code", lambda r: f"{r['code'] or ''} {r['name'] or ''}".strip() or "—")


def by_town(cases) -> list[Row]:
    grouped = (
        cases.values(town=Substr("place_code", 1, TOWN_DIGITS))
        .annotate(cases=Count("pk"), fines=Sum("fine_amount"))
        .order_by("town")
    )
    grouped = list(grouped)
    codes = [f"{row['town']}{'0' * 3}" for row in grouped if row["town"]]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return _rows(
        grouped,
        "town",
        lambda r: names.get(f"{r['town']}000", r["town"] or "—") if r["town"] else "—",
    )


def by_band(cases) -> list[Row]:
    """Every band, in order, with zero rows where no case falls (the chart keeps its axis)."""
    counted = {
        row["band"]: row
        for row in cases.values(band=band_expression())
        .annotate(cases=Count("pk"), fines=Sum("fine_amount"))
        .order_by()
    }
    result = []
    for band in [Band(NO_FINE, None, None), *bands()]:
        row = counted.get(band.index, {"cases": 0, "fines": None})
        result.append(Row(str(band.index), band.label, row["cases"], row["fines"] or Decimal("0")))
    return result


def by_month(cases) -> list[Row]:
    month = TruncMonth("decided_at", tzinfo=timezone.get_current_timezone())
    grouped = (
        cases.values(month=month)
        .annotate(cases=Count("pk"), fines=Sum("fine_amount"))
        .order_by("month")
    )
    rows = []
    for row in grouped:
        day = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        rows.append(Row(day.isoformat()[:7], day.strftime("%Y-%m"), row["cases"],
                        row["fines"] or Decimal("0")))  # fmt: skip
    return rows


@dataclass(frozen=True)
class Analysis:
    total: Row
    matters: list[Row]
    towns: list[Row]
    bands: list[Row]
    months: list[Row]

    def sections(self) -> list[tuple[str, str, list[Row]]]:
        """(key, title, rows) of each table, in the page's order."""
        return [
            ("matter", _("By matter"), self.matters),
            ("town", _("By town"), self.towns),
            ("band", _("By amount of the fine"), self.bands),
            ("month", _("By month of the decision"), self.months),
        ]

    def chart_data(self) -> dict:
        """What the page's ECharts read (one JSON element)."""
        return {
            "cases_label": _("cases"),
            "fines_label": _("fines (yuan)"),
            **{
                key: {
                    "labels": [row.label for row in rows],
                    "cases": [row.cases for row in rows],
                    "fines": [float(row.fines) for row in rows],
                }
                for key, _title, rows in self.sections()
            },
        }


def analyse(cases) -> Analysis:
    """The four tables of ``cases`` (an :func:`enterprise_penalties` queryset)."""
    return Analysis(
        total=totals(cases),
        matters=by_matter(cases),
        towns=by_town(cases),
        bands=by_band(cases),
        months=by_month(cases),
    )


# --- Excel ---------------------------------------------------------------------------------------


def write_workbook(analysis: Analysis, conditions: list[tuple[str, str]], target) -> None:
    """One sheet per table (the rows as on the page, then the total) and a sheet stating the
    conditions the numbers were taken under."""
    workbook = Workbook(write_only=True)
    headers = {
        "matter": _("matter"),
        "town": _("town"),
        "band": _("amount of the fine (yuan)"),
        "month": _("month"),
    }
    for key, title, rows in analysis.sections():
        sheet = workbook.create_sheet(title)
        append_header(sheet, [headers[key], _("cases"), _("fines (yuan)")], widths=[36, 10, 16])
        for row in rows:
            append_row(sheet, [row.label, row.cases, row.fines])
        if key != "matter":
            append_row(sheet, [analysis.total.label, analysis.total.cases, analysis.total.fines],
                       bold=True)  # fmt: skip
    sheet = workbook.create_sheet(_("Conditions"))
    append_header(sheet, [_("condition"), _("value")], widths=[24, 60])
    for name, value in conditions:
        append_row(sheet, [name, value])
    append_row(
        sheet,
        [
            _("cases counted"),
            _(
                "Penalty decisions (penalty or reduced penalty) with at least one principal "
                "party that is an organisation; a case with several matters counts under each "
                "matter. Amount bands include their lower edge and exclude their upper edge."
            ),
        ],
        wrap=None,
    )
    workbook.save(target)
