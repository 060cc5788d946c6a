"""The map of enforcement staff of a grid (网格执法人员分布图), as GeoJSON.

Coordinates are **GCJ-02** (the datum of the shipped county outline and of every point we
store; phone GPS and Open311 input are converted on entry by ``org.geo``), so nothing is
converted for display. No official boundaries exist below county level: towns, villages
and grids are *representative points*, flagged ``approximate``, and the page says so.

Features (each a Point but the county outline):

* ``town`` — every town/street of the county (the grid's own marked ``current``);
* ``village`` and ``grid`` — the villages and grids of the grid's town;
* units at the point of the place they serve, with their people (masked phones):
  the grid teams of the town (``grid_team``), its village liaison stations
  (``village_station``), its command room (``command_room``) and enforcement squad
  (``squad``, the officers);
* ``county`` — the outline (MultiPolygon), added when served, not stored in versions.

The GeoJSON carries foreign members ``datum`` ("GCJ-02") and ``approximate`` so that a
program reading it knows the points are not WGS-84 and not surveyed.
"""

from __future__ import annotations

import math

from django.conf import settings

from civicloop.org.choices import RegionLevel, UnitKind
from civicloop.org.divisions import county_outline
from civicloop.org.models import Region, Unit

from .directory import grid_places, region_data, staff_of, unit_data

DATUM = "GCJ-02"
MAP_UNIT_KINDS = (
    UnitKind.GRID_TEAM,
    UnitKind.VILLAGE_STATION,
    UnitKind.COMMAND_ROOM,
    UnitKind.SQUAD,
)


def _point(region: Region) -> dict | None:
    if region.latitude is None or region.longitude is None:
        return None
    return {"type": "Point", "coordinates": [float(region.longitude), float(region.latitude)]}


def build_map(grid: Region) -> dict:
    """The features of the grid's map (without the county outline)."""
    village, town = grid_places(grid)
    features = []
    county_prefix = grid.code[:6]
    for region in Region.objects.towns().filter(code__startswith=county_prefix).order_by("code"):
        features.append(_region_feature(region, current=town is not None and region.pk == town.pk))
    if town is not None:
        for region in Region.objects.filter(
            code__startswith=town.prefix, level__in=[RegionLevel.VILLAGE, RegionLevel.GRID]
        ).order_by("code"):
            current = region.pk == grid.pk or (village is not None and region.pk == village.pk)
            features.append(_region_feature(region, current=current))
        units = list(
            Unit.objects.active()
            .filter(kind__in=MAP_UNIT_KINDS, region__code__startswith=town.prefix)
            .select_related("region")
            .order_by("region__code", "kind", "id")
        )
        staff = staff_of(units)
        for unit in units:
            point = _point(unit.region)
            current = grid.code.startswith(unit.region.prefix)
            features.append(
                {
                    "type": "Feature",
                    "geometry": point,
                    "properties": {
                        "kind": unit.kind,
                        **unit_data(unit),
                        "place": unit.region.code,
                        "place_name": unit.region.name,
                        "approximate": unit.region.location_is_approximate,
                        "current": current,
                        "staff": staff.get(unit.pk, []),
                    },
                }
            )
    # A place without a point keeps its feature with a null geometry (RFC 7946 §3.2): its
    # people are still listed beside the map.
    return {"type": "FeatureCollection", "datum": DATUM, "approximate": True, "features": features}


def _region_feature(region: Region, *, current: bool) -> dict:
    data = region_data(region)
    return {
        "type": "Feature",
        "geometry": _point(region),
        "properties": {
            "kind": region.level,
            "code": data["code"],
            "name": data["name"],
            "approximate": data["approximate"],
            "current": current,
        },
    }


def outline_feature() -> dict | None:
    geometry = county_outline(settings.CIVICLOOP_COUNTY_CODE)
    if not geometry:
        return None
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "kind": "county",
            "code": settings.CIVICLOOP_COUNTY_CODE,
            "approximate": False,
        },
    }


def geojson(map_content: dict) -> dict:
    """The stored features plus the county outline: what the page and the API serve."""
    outline = outline_feature()
    features = ([outline] if outline else []) + list(map_content.get("features", []))
    return {**map_content, "features": features}


# --- a static drawing for print and for browsers without JavaScript ----------------------


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon[:1]]
    if geometry["type"] == "Polygon":
        return geometry["coordinates"][:1]
    return []


def static_map(map_content: dict, *, width: int = 600, height: int = 520, margin: int = 16) -> dict:
    """An equirectangular projection (longitude scaled by cos φ) of the outline and the
    points into an SVG box: paths and circles the template draws. Good enough at county
    scale; it is a sketch for paper, not a survey."""
    outline = outline_feature()
    points = [
        f
        for f in map_content.get("features", [])
        if f["geometry"] and f["geometry"]["type"] == "Point"
    ]
    coords = [c for ring in _rings(outline["geometry"]) for c in ring] if outline else []
    coords += [f["geometry"]["coordinates"] for f in points]
    if not coords:
        return {"width": width, "height": height, "outline": "", "points": []}
    lngs, lats = [c[0] for c in coords], [c[1] for c in coords]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lngs) - min(lngs)) * k, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)

    def xy(lng: float, lat: float) -> tuple[float, float]:
        return (
            round(margin + (lng - min(lngs)) * k * scale, 1),
            round(margin + (max(lats) - lat) * scale, 1),
        )

    path = ""
    if outline:
        for ring in _rings(outline["geometry"]):
            path += "M" + "L".join(f"{x},{y}" for x, y in (xy(*c) for c in ring)) + "Z"
    drawn = []
    for feature in points:
        x, y = xy(*feature["geometry"]["coordinates"])
        props = feature["properties"]
        drawn.append(
            {
                "x": x,
                "y": y,
                "kind": props["kind"],
                "name": props["name"],
                "current": props.get("current", False),
            }
        )
    return {"width": width, "height": height, "outline": path, "points": drawn}
