"""Which town, village and grid a map point lies in (定位到网格).

A point (GCJ-02, as every stored coordinate) is looked up in the areas of ``RegionArea``:
the village whose area contains it, its town, and the village's grid nearest to the point
(grids have no areas of their own yet, only a point each). Without a village area around
the point the town area is tried. Derived areas are approximations (Voronoi cells, see
``org/areas.py``), so the answer says whether it rests on one: pages label it "approximate".

The shapes are parsed once per change of the areas table (its row count and last update),
so a tap on the intake map costs a bounding-box scan and one or two polygon tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Count, Max
from shapely import prepared
from shapely.geometry import Point, shape

from .choices import CODE_PREFIX_LENGTH, AreaSource, RegionLevel
from .geo import distance_m
from .models import Region, RegionArea


@dataclass(frozen=True)
class Place:
    """Where a point lies: the most specific region and the levels above it."""

    region: Region
    town: Region | None
    village: Region | None
    grid: Region | None
    # True when the village or town area that matched is derived (推算), not official.
    approximate: bool

    def as_json(self) -> dict:
        def part(region: Region | None) -> dict | None:
            if region is None:
                return None
            return {"id": region.pk, "code": region.code, "name": region.name}

        return {
            "found": True,
            "region": {**part(self.region), "level": self.region.level},
            "town": part(self.town),
            "village": part(self.village),
            "grid": part(self.grid),
            "approximate": self.approximate,
            "label": " › ".join(r.name for r in (self.town, self.village, self.grid) if r),
        }


@dataclass(frozen=True)
class _Area:
    region_id: int
    level: str
    code: str
    approximate: bool
    bounds: tuple[float, float, float, float]
    geometry: object  # a prepared shapely geometry

    def contains(self, lng: float, lat: float) -> bool:
        x0, y0, x1, y1 = self.bounds
        return x0 <= lng <= x1 and y0 <= lat <= y1 and self.geometry.contains(Point(lng, lat))


@lru_cache(maxsize=2)
def _areas(_version: tuple) -> tuple[_Area, ...]:
    rows = RegionArea.objects.filter(
        region__level__in=[RegionLevel.TOWN, RegionLevel.VILLAGE]
    ).values_list("region_id", "region__level", "region__code", "source", "geometry")
    areas = []
    for region_id, level, code, source, geometry in rows:
        geom = shape(geometry)
        areas.append(
            _Area(
                region_id=region_id,
                level=level,
                code=code,
                approximate=source != AreaSource.OFFICIAL,
                bounds=geom.bounds,
                geometry=prepared.prep(geom),
            )
        )
    # Villages first: the most specific area that contains the point wins.
    return tuple(sorted(areas, key=lambda a: a.level != RegionLevel.VILLAGE))


def _version() -> tuple:
    stats = RegionArea.objects.aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    return (stats["n"], stats["last"], stats["top"])


def _nearest_grid(village: Region, lng: float, lat: float) -> Region | None:
    grids = [g for g in Region.objects.grids().within(village) if g.latitude is not None]
    if not grids:
        return None
    return min(grids, key=lambda g: distance_m(lng, lat, float(g.longitude), float(g.latitude)))


def locate_point(*, longitude: float, latitude: float) -> Place | None:
    """The place of a GCJ-02 point from the region areas, or None when no area holds it."""
    lng, lat = float(longitude), float(latitude)
    match = next((a for a in _areas(_version()) if a.contains(lng, lat)), None)
    if match is None:
        return None
    region = Region.objects.get(pk=match.region_id)
    town_code = region.code[: CODE_PREFIX_LENGTH[RegionLevel.TOWN]].ljust(12, "0")
    town = (
        region
        if region.level == RegionLevel.TOWN
        else Region.objects.filter(code=town_code, level=RegionLevel.TOWN).first()
    )
    village = grid = None
    if region.level == RegionLevel.VILLAGE:
        village = region
        grid = _nearest_grid(village, lng, lat)
    return Place(
        region=grid or village or town or region,
        town=town,
        village=village,
        grid=grid,
        approximate=match.approximate,
    )
