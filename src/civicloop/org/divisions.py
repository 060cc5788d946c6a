"""Loading the official division tree (统计用区划代码) for a county.

The shipped CSVs cover every county of Jiaxing; another county adds its own
files in the same shape (see ``data/SOURCES.md``).
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.db import transaction

from civicloop.core.upsert import KnownRows

from .choices import RegionLevel
from .geo import as_decimal, point_in_multipolygon
from .models import Region
from .services import short_region_name

DATA_DIR = Path(__file__).resolve().parent / "data"


def pad12(code: str) -> str:
    return code.ljust(12, "0")


@dataclass
class DivisionRow:
    code: str
    name: str
    parent_code: str


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def county_rows(county_code: str) -> tuple[DivisionRow, list[DivisionRow], list[DivisionRow]]:
    counties = {r["code"]: r for r in _read("jiaxing_counties.csv")}
    if county_code not in counties:
        known = ", ".join(f"{c} {r['name']}" for c, r in sorted(counties.items()))
        raise ValueError(f"county {county_code} is not in the shipped division data ({known})")
    county = DivisionRow(county_code, counties[county_code]["name"], "")
    towns = [
        DivisionRow(r["code"], r["name"], county_code)
        for r in _read("jiaxing_towns.csv")
        if r["county_code"] == county_code
    ]
    villages = [
        DivisionRow(r["code"], r["name"], r["streetCode"])
        for r in _read("jiaxing_villages.csv")
        if r["areaCode"] == county_code
    ]
    return county, towns, villages


@lru_cache(maxsize=4)
def county_outline(county_code: str) -> dict | None:
    """The county's outline (GeoJSON geometry, GCJ-02), if shipped."""
    path = DATA_DIR / "geo" / f"{_slug(county_code)}_county_gcj02.geojson"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _slug(county_code: str) -> str:
    return {"330424": "haiyan"}.get(county_code, county_code)


def town_points(county_code: str) -> dict[str, tuple[float, float]]:
    path = DATA_DIR / f"{_slug(county_code)}_town_points.csv"
    if not path.exists():
        return {}
    return {r["code"]: (float(r["longitude"]), float(r["latitude"])) for r in _read(path.name)}


def _spread(
    centre: tuple[float, float],
    index: int,
    count: int,
    outline: dict | None,
    radius_km: float = 2.5,
) -> tuple[float, float]:
    """A deterministic point around ``centre`` (a sunflower spiral), nudged inward
    until it falls inside the county outline."""
    golden = math.pi * (3 - math.sqrt(5))
    lng0, lat0 = centre
    for shrink in (1.0, 0.7, 0.5, 0.3, 0.15, 0.0):
        r = radius_km * shrink * math.sqrt((index + 0.5) / max(count, 1))
        theta = index * golden
        dlat = (r / 111.0) * math.sin(theta)
        dlng = (r / (111.0 * math.cos(math.radians(lat0)))) * math.cos(theta)
        point = (lng0 + dlng, lat0 + dlat)
        if outline is None or point_in_multipolygon(point[0], point[1], outline):
            return point
    return centre


@transaction.atomic
def load_county(county_code: str, *, grids_per_village: int = 1) -> dict[str, int]:
    """Create or update the county, its towns and villages, and grids for each village.

    Idempotent: running it again updates names and adds what is missing.
    """
    county, towns, villages = county_rows(county_code)
    outline = county_outline(county_code)
    points = town_points(county_code)
    counts = {"towns": 0, "villages": 0, "grids": 0}
    regions = KnownRows(Region.objects.filter(code__startswith=county.code[:6]), "code")

    county_region = regions.update_or_create(
        pad12(county.code),
        {"name": county.name, "level": RegionLevel.COUNTY, "parent": None},
    )
    town_regions = {}
    for town in towns:
        point = points.get(town.code)
        region = regions.update_or_create(
            pad12(town.code),
            {
                "name": town.name,
                "level": RegionLevel.TOWN,
                "parent": county_region,
                "longitude": as_decimal(point[0]) if point else None,
                "latitude": as_decimal(point[1]) if point else None,
                "location_is_approximate": True,
            },
        )
        town_regions[town.code] = (region, point)
        counts["towns"] += 1
    by_town: dict[str, list[DivisionRow]] = {}
    for village in villages:
        by_town.setdefault(village.parent_code, []).append(village)
    for town_code, rows in by_town.items():
        town_region, town_point = town_regions[town_code]
        for index, village in enumerate(sorted(rows, key=lambda r: r.code)):
            point = _spread(town_point, index, len(rows), outline) if town_point else None
            village_region = regions.update_or_create(
                village.code,
                {
                    "name": village.name,
                    "level": RegionLevel.VILLAGE,
                    "parent": town_region,
                    "longitude": as_decimal(point[0]) if point else None,
                    "latitude": as_decimal(point[1]) if point else None,
                    "location_is_approximate": True,
                },
            )
            counts["villages"] += 1
            for n in range(1, grids_per_village + 1):
                grid_point = (
                    _spread(point, n, grids_per_village + 1, outline, radius_km=0.4)
                    if point and grids_per_village > 1
                    else point
                )
                regions.update_or_create(
                    f"{village.code}{n:03d}",
                    {
                        "name": f"{_short(village.name)}第{n}网格",
                        "level": RegionLevel.GRID,
                        "parent": village_region,
                        "longitude": as_decimal(grid_point[0]) if grid_point else None,
                        "latitude": as_decimal(grid_point[1]) if grid_point else None,
                        "location_is_approximate": True,
                    },
                )
                counts["grids"] += 1
    return counts


def _short(name: str) -> str:

    return short_region_name(name)
