"""The card of common enforcement matters of a grid (网格常见执法事项卡).

What it shows, all from records:

* **the most frequent matters** of the events located in the grid over the counting
  period (``PERIOD_DAYS`` up to the day of generation) — an event counts under its
  enforcement matter when judgement named one, else under its category; voided and
  merged reports do not count (a merged duplicate is the same problem). When the grid
  has fewer than ``MIN_EVENTS`` counted events the card counts its village's, and if
  the village has fewer too, its town's (the card says which);
* **who handles each** — the unit the routing rules send a general event of that matter
  to today: the town's squad when the town holds the matter (empowerment), else the
  owning county department (or the village station for village-level categories), with
  its duty phone;
* **how to report** — the grid team's red butler and professional grid worker (masked
  phone numbers), the village liaison station, and the public report page.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from civicloop.events.choices import EventState
from civicloop.events.models import Event
from civicloop.matters.models import Category, Matter
from civicloop.org.choices import Role
from civicloop.org.models import Region

from .choices import CardBasis, ItemKind
from .directory import grid_places, grid_units, staff_of, unit_data
from .routes import class_key, class_routes

PERIOD_DAYS = 365
MIN_EVENTS = 5
TOP_ITEMS = 8
NOT_COUNTED = (EventState.VOIDED, EventState.MERGED)


def counting_period(on: dt.date) -> tuple[dt.date, dt.date]:
    """The days whose events the card counts: ``PERIOD_DAYS`` days ending on ``on``."""
    return on - dt.timedelta(days=PERIOD_DAYS - 1), on


def _events(region: Region, start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return (
        Event.objects.in_region(region)
        .filter(reported_at__gte=since, reported_at__lt=until)
        .exclude(state__in=NOT_COUNTED)
    )


def count_classes(region: Region, start: dt.date, end: dt.date) -> list[tuple[str, int, int]]:
    """(kind, pk, count) of each matter, and of each category of events without a matter."""
    events = _events(region, start, end)
    rows = [
        (ItemKind.MATTER, r["matter"], r["n"])
        for r in events.filter(matter__isnull=False).values("matter").annotate(n=Count("id"))
    ]
    rows += [
        (ItemKind.CATEGORY, r["category"], r["n"])
        for r in events.filter(matter__isnull=True, category__isnull=False)
        .values("category")
        .annotate(n=Count("id"))
    ]
    return rows


def _basis(grid: Region, start: dt.date, end: dt.date) -> tuple[str, Region, list]:
    village, town = grid_places(grid)
    candidates = [(CardBasis.GRID, grid), (CardBasis.VILLAGE, village), (CardBasis.TOWN, town)]
    candidates = [(level, region) for level, region in candidates if region is not None]
    for index, (level, region) in enumerate(candidates):
        rows = count_classes(region, start, end)
        if sum(n for _k, _pk, n in rows) >= MIN_EVENTS or index == len(candidates) - 1:
            return level, region, rows
    raise AssertionError("a grid always has itself as a candidate")


def _matter_item(matter: Matter, on: dt.date) -> dict:
    version = matter.current_version(on)
    return {
        "kind": ItemKind.MATTER,
        "code": matter.code,
        "name": version.name if version else matter.name,
        "legal_basis": version.legal_basis if version else "",
        "category": {"code": matter.category.code, "name": matter.category.name},
    }


def _category_item(category: Category) -> dict:
    return {
        "kind": ItemKind.CATEGORY,
        "code": category.code,
        "name": category.name,
        "legal_basis": "",
        "category": {"code": category.code, "name": category.name},
    }


def top_items(grid: Region, rows: list[tuple[str, int, int]], on: dt.date) -> list[dict]:
    """The ``TOP_ITEMS`` most frequent classes, most frequent first (ties: matters before
    categories, then by code), each with the unit that handles it today."""
    matters = Matter.objects.select_related("category").in_bulk(
        [pk for kind, pk, _n in rows if kind == ItemKind.MATTER]
    )
    categories = Category.objects.in_bulk(
        [pk for kind, pk, _n in rows if kind == ItemKind.CATEGORY]
    )
    found = []
    for kind, pk, count in rows:
        if kind == ItemKind.MATTER:
            found.append((matters[pk], None, _matter_item(matters[pk], on), count))
        else:
            found.append((None, categories[pk], _category_item(categories[pk]), count))
    found.sort(key=lambda f: (-f[3], f[2]["kind"] != ItemKind.MATTER, f[2]["code"]))
    items = []
    for rank, (matter, category, item, count) in enumerate(found[:TOP_ITEMS], start=1):
        routes = class_routes(grid, matter=matter, category=category, on=on)
        items.append(
            {
                **item,
                "rank": rank,
                "count": count,
                "key": class_key(item["kind"], item["code"]),
                "handler": routes["general"]["lead"],
                "rule": routes["rule"],
                "held_by_town": routes["held_by_town"],
            }
        )
    return items


def how_to_report(grid: Region) -> dict:
    units = grid_units(grid)
    team, station = units["grid_team"], units["village_station"]
    staff = staff_of([u for u in (team, station) if u])
    members = staff.get(team.pk, []) if team else []

    def first(role: str) -> dict | None:
        return next((p for p in members if p["role"] == role), None)

    return {
        "grid_team": unit_data(team),
        "red_butler": first(Role.RED_BUTLER),
        "grid_worker": first(Role.PROFESSIONAL_GRID_WORKER),
        "others": sum(
            1 for p in members if p["role"] not in (Role.RED_BUTLER, Role.PROFESSIONAL_GRID_WORKER)
        ),
        "village_station": unit_data(station),
        "station_staff": staff.get(station.pk, []) if station else [],
        "command_room": unit_data(units["command_room"]),
        "public_report_path": reverse("public:report"),
    }


def build_card(grid: Region, *, on: dt.date) -> dict:
    start, end = counting_period(on)
    level, region, rows = _basis(grid, start, end)
    return {
        "basis": {
            "level": level,
            "code": region.code,
            "name": region.name,
            "events": sum(n for _k, _pk, n in rows),
        },
        "items": top_items(grid, rows, on),
        "report": how_to_report(grid),
    }
