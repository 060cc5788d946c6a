"""Areas of regions on the map (区域范围): derived approximations and official imports.

Haiyan publishes no boundaries below county level. Until official ones are imported,
a village's area is the Voronoi cell of its (representative, approximate) point, clipped
to the county outline, and a town's area is the union of its villages' cells. The result
is honest about what it is: every such area is stored as ``derived`` and the map says so.

All geometries are GeoJSON dicts in GCJ-02, the datum of every coordinate we store
(``org/geo.py``); a WGS-84 base map gets converted copies from :func:`feature_collection`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import shapely
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import MultiPoint, Point, mapping, shape
from shapely.geometry.base import BaseGeometry

from .choices import CODE_PREFIX_LENGTH, AreaSource, RegionLevel
from .divisions import county_outline, pad12
from .geo import gcj02_to_wgs84, wgs84_to_gcj02
from .models import Region, RegionArea, User
from .services import short_region_name

# Degrees (≈50 m at Haiyan's latitude): the outline keeps its shape while the page
# carrying every village's area stays light.
SIMPLIFY_TOLERANCE = 0.0005
# Six decimals of a degree are about 0.1 m, far finer than any area we draw.
GRID_SIZE = 1e-6
DIGITS = 6

DERIVED_NOTE = "Voronoi cells of the village points clipped to the county outline (推算)"
TOWN_NOTE = "union of its villages' areas (推算)"
OUTLINE_NOTE = "county outline shipped with Civicloop (org/data/geo), simplified"

AREA_TYPES = ("Polygon", "MultiPolygon")


class Datum:
    GCJ02 = "gcj02"
    WGS84 = "wgs84"
    # CGCS2000 and WGS-84 differ by centimetres; at map scale they are the same datum.
    CGCS2000 = "cgcs2000"
    CHOICES = (GCJ02, WGS84, CGCS2000)


# --- GeoJSON helpers --------------------------------------------------------------------------


def _rounded(coords):
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(coords[0]), DIGITS), round(float(coords[1]), DIGITS)]
    return [_rounded(c) for c in coords]


def to_geojson(geom: BaseGeometry) -> dict:
    """A GeoJSON geometry dict with coordinates rounded to six decimals."""
    data = mapping(geom)
    return {"type": data["type"], "coordinates": _rounded(data["coordinates"])}


def _areal(geom: BaseGeometry) -> BaseGeometry:
    """Only the polygons of ``geom`` (an intersection may leave lines or points on edges)."""
    if geom.geom_type in AREA_TYPES:
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in AREA_TYPES]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _as_stored(geom: BaseGeometry) -> dict:
    """An imported area as given, rounded to six decimals (snapped to that grid only if
    rounding broke it, which would also reorder its rings)."""
    rounded = to_geojson(geom)
    return rounded if shape(rounded).is_valid else to_geojson(_fixed(geom))


def _fixed(geom: BaseGeometry) -> BaseGeometry:
    return _areal(shapely.set_precision(_areal(geom), GRID_SIZE))


def convert_coordinates(geometry: dict, convert: Callable[[float, float], tuple[float, float]]):
    """A copy of a GeoJSON geometry with every vertex passed through ``convert``."""

    def walk(coords):
        if coords and isinstance(coords[0], (int, float)):
            lng, lat = convert(float(coords[0]), float(coords[1]))
            return [round(lng, DIGITS), round(lat, DIGITS)]
        return [walk(c) for c in coords]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def to_wgs84(geometry: dict) -> dict:
    return convert_coordinates(geometry, gcj02_to_wgs84)


def to_gcj02(geometry: dict, datum: str) -> dict:
    if datum == Datum.GCJ02:
        return geometry
    return convert_coordinates(geometry, wgs84_to_gcj02)


class BadGeometry(ValueError):
    """A geometry we cannot store as an area; the message says why (translated)."""


def checked_area(geometry) -> BaseGeometry:
    """The shapely shape of a GeoJSON Polygon/MultiPolygon, or :class:`BadGeometry`."""
    if not isinstance(geometry, dict) or not geometry.get("type"):
        raise BadGeometry(_("the feature has no geometry"))
    if geometry["type"] not in AREA_TYPES:
        raise BadGeometry(
            _("the geometry is a %(kind)s; only Polygon and MultiPolygon are areas")
            % {"kind": geometry["type"]}
        )
    try:
        geom = shape(geometry)
    except (KeyError, TypeError, ValueError, IndexError, shapely.errors.GEOSException) as exc:
        raise BadGeometry(
            _("the geometry's coordinates cannot be read (%(error)s)") % {"error": exc}
        ) from exc
    if geom.is_empty:
        raise BadGeometry(_("the geometry is empty"))
    if not geom.is_valid:
        raise BadGeometry(
            _("the geometry is not valid (%(reason)s)") % {"reason": shapely.is_valid_reason(geom)}
        )
    return geom


# --- deriving approximate areas ---------------------------------------------------------------


def _village_sites(villages: list[Region]) -> list[tuple[float, float]]:
    """The villages' points, nudged apart where two coincide (a Voronoi diagram has one
    cell per distinct site, and each village needs its own)."""
    seen: set[tuple[float, float]] = set()
    sites = []
    for village in villages:
        lng, lat = float(village.longitude), float(village.latitude)
        step = 0
        while (round(lng, DIGITS), round(lat, DIGITS)) in seen:
            step += 1
            lng += 0.0002 * step
        seen.add((round(lng, DIGITS), round(lat, DIGITS)))
        sites.append((lng, lat))
    return sites


def _voronoi_cells(sites: list[tuple[float, float]], extent: BaseGeometry) -> list[BaseGeometry]:
    """One Voronoi cell per site, in the order of ``sites``."""
    if len(sites) == 1:
        return [extent]
    diagram = shapely.voronoi_polygons(MultiPoint(sites), extend_to=extent)
    cells = list(diagram.geoms)
    tree = shapely.STRtree(cells)
    found = []
    for lng, lat in sites:
        point = Point(lng, lat)
        candidates = tree.query(point, predicate="intersects")
        found.append(cells[int(candidates[0])] if len(candidates) else shapely.Polygon())
    return found


def _area_row(
    region: Region, geometry: dict, *, source: str, note: str, by, row: RegionArea | None = None
) -> RegionArea:
    """``row`` (the region's stored area), or a new one, holding these values."""
    area = row or RegionArea(region=region)
    area.geometry = geometry
    area.source = source
    area.source_note = note
    area.updated_by = by
    area.updated_at = timezone.now()
    return area


@transaction.atomic
def derive_areas(county_code: str) -> dict[str, int]:
    """Derive (or re-derive) the approximate areas of a county's towns and villages.

    Official areas are never overwritten; derived ones work around them: a village in a
    town with an official area is clipped to it, and no derived area covers an official one.
    Returns how many areas of each level were written and how many official ones were kept.
    """
    counts = {"county": 0, "towns": 0, "villages": 0, "official_kept": 0, "removed": 0}
    county = Region.objects.filter(code=pad12(county_code), level=RegionLevel.COUNTY).first()
    if county is None:
        return counts
    regions = list(Region.objects.within(county).exclude(level=RegionLevel.GRID))
    rows = {a.region_id: a for a in RegionArea.objects.filter(region__in=regions)}
    rows_by_pk = {a.pk: a.region_id for a in rows.values()}
    official = {
        region_id: shape(area.geometry)
        for region_id, area in rows.items()
        if area.source == AreaSource.OFFICIAL
    }
    counts["official_kept"] = len([pk for pk in official if pk != county.pk])
    to_save: list[RegionArea] = []

    if county.pk in official:
        extent = official[county.pk]
    else:
        outline = county_outline(county_code)
        if outline is None:
            return counts
        # Areas are clipped to the simplified outline, so the cells share its edges exactly
        # and need no simplifying of their own (their other edges are straight lines).
        extent = _fixed(shape(outline).simplify(SIMPLIFY_TOLERANCE, preserve_topology=True))
        to_save.append(
            _area_row(
                county, to_geojson(extent), source=AreaSource.OFFICIAL, note=OUTLINE_NOTE, by=None
            )
        )
        counts["county"] = 1

    towns = {r.code: r for r in regions if r.level == RegionLevel.TOWN}
    villages = [
        r
        for r in regions
        if r.level == RegionLevel.VILLAGE and r.latitude is not None and r.longitude is not None
    ]
    town_length = CODE_PREFIX_LENGTH[RegionLevel.TOWN]
    official_towns = {
        code[:town_length]: official[town.pk] for code, town in towns.items() if town.pk in official
    }
    official_villages = [official[v.pk] for v in villages if v.pk in official]
    taken_by_villages = shapely.union_all(official_villages) if official_villages else None
    taken = shapely.union_all(list(official_towns.values()) + official_villages)

    village_shapes: dict[str, list[BaseGeometry]] = {}
    if villages:
        cells = _voronoi_cells(_village_sites(villages), extent)
        for village, cell in zip(villages, cells, strict=True):
            town_prefix = village.code[:town_length]
            if village.pk in official:
                village_shapes.setdefault(town_prefix, []).append(official[village.pk])
                continue
            area = cell.intersection(extent)
            if town_prefix in official_towns:
                area = area.intersection(official_towns[town_prefix])
                if taken_by_villages is not None:
                    area = area.difference(taken_by_villages)
            elif not taken.is_empty:
                area = area.difference(taken)
            area = _fixed(area)
            if area.is_empty:
                continue
            village_shapes.setdefault(town_prefix, []).append(area)
            to_save.append(
                _area_row(
                    village,
                    to_geojson(area),
                    source=AreaSource.DERIVED,
                    note=DERIVED_NOTE,
                    by=None,
                )
            )
            counts["villages"] += 1

    for code, town in towns.items():
        parts = village_shapes.get(code[:town_length])
        if town.pk in official or not parts:
            continue
        area = _fixed(shapely.union_all(parts))
        to_save.append(
            _area_row(
                town,
                to_geojson(area),
                source=AreaSource.DERIVED,
                note=TOWN_NOTE,
                by=None,
            )
        )
        counts["towns"] += 1

    # Derived rows are replaced wholesale (nothing refers to them): one delete and one insert
    # instead of an update per row. A derived area that has no place left (its village's
    # point lies in another's official area) goes with them instead of lingering.
    written = {a.region_id for a in to_save}
    replaced = [
        a.pk for a in rows.values() if a.source == AreaSource.DERIVED or a.region_id in written
    ]
    RegionArea.objects.filter(pk__in=replaced).delete()
    RegionArea.objects.bulk_create(to_save)
    counts["removed"] = len([pk for pk in replaced if rows_by_pk[pk] not in written])
    return counts


# --- importing official boundaries ------------------------------------------------------------


class Match:
    CODE = "code"
    NAME = "name"
    CHOICES = (CODE, NAME)


@dataclass
class ImportReport:
    """What an import did, or why it did nothing: ``errors`` are one line per feature."""

    imported: list[Region] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _feature_label(index: int, properties: dict) -> str:
    for key in ("code", "name"):
        if properties.get(key):
            return _("feature %(number)d (%(label)s)") % {
                "number": index,
                "label": properties[key],
            }
    return _("feature %(number)d") % {"number": index}


def _region_by_code(code, level: str | None) -> Region | None:
    code = str(code or "").strip()
    if not code.isdigit() or len(code) not in (6, 9, 12):
        return None
    candidates = Region.objects.filter(code=pad12(code)).exclude(level=RegionLevel.GRID)
    if level:
        candidates = candidates.filter(level=level)
    return candidates.first()


def _regions_by_name(name, level: str | None, county: Region | None) -> list[Region]:
    name = str(name or "").strip()
    if not name:
        return []
    candidates = Region.objects.filter(
        level__in=[level] if level else [RegionLevel.TOWN, RegionLevel.VILLAGE]
    )
    if county is not None:
        candidates = candidates.within(county)
    return list(candidates.filter(name=name)) or list(
        candidates.filter(name__startswith=name)[:2] if len(name) >= 2 else []
    )


def _features(collection) -> list[dict]:
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise BadGeometry(_("the file is not a GeoJSON FeatureCollection"))
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise BadGeometry(_("the FeatureCollection has no features"))
    return features


def import_boundaries(
    collection: dict,
    *,
    level: str | None = None,
    match: str = Match.CODE,
    datum: str = Datum.GCJ02,
    by: User | None = None,
    county_code: str | None = None,
    source_note: str = "",
) -> ImportReport:
    """Replace the areas of the matched regions with the collection's official boundaries.

    All or nothing: every feature is matched and checked first; if any fails, nothing is
    written and the report lists each failure, so a half-imported town map never shows.
    Afterwards the county's derived areas are derived again around the official ones.
    """
    report = ImportReport()
    try:
        features = _features(collection)
    except BadGeometry as exc:
        report.errors.append(str(exc))
        return report
    county = (
        Region.objects.filter(code=pad12(county_code), level=RegionLevel.COUNTY).first()
        if county_code
        else None
    )
    planned: dict[int, tuple[Region, dict]] = {}
    for index, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            feature = {}
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            properties = {}
        label = _feature_label(index, properties)
        region, problem = _match(properties, match=match, level=level, county=county)
        if region is None:
            report.errors.append(
                _("%(feature)s: %(problem)s") % {"feature": label, "problem": problem}
            )
            continue
        try:
            # Checked as given first, so a malformed geometry fails before conversion.
            checked_area(feature.get("geometry"))
            geom = checked_area(to_gcj02(feature["geometry"], datum))
        except BadGeometry as exc:
            report.errors.append(_("%(feature)s: %(problem)s") % {"feature": label, "problem": exc})
            continue
        if region.pk in planned:
            report.errors.append(
                _("%(feature)s: %(region)s appears twice in the file")
                % {"feature": label, "region": region.code}
            )
            continue
        planned[region.pk] = (region, _as_stored(geom))
    if report.errors:
        return report
    note = source_note or _("official boundary imported")
    with transaction.atomic():
        rows = {a.region_id: a for a in RegionArea.objects.filter(region_id__in=list(planned))}
        for region, geometry in planned.values():
            area = _area_row(
                region,
                geometry,
                source=AreaSource.OFFICIAL,
                note=note,
                by=by,
                row=rows.get(region.pk),
            )
            area.save()
            report.imported.append(region)
        for code in sorted({r.code[:6] for r, _geometry in planned.values()}):
            derive_areas(code)
    return report


def _match(properties: dict, *, match: str, level: str | None, county: Region | None):
    """The region a feature stands for, or ``None`` and why not."""
    if match == Match.CODE:
        code = properties.get("code")
        region = _region_by_code(code, level)
        if region is None:
            if not code:
                return None, _("it has no code property")
            return None, _("no region has the code %(code)s") % {"code": code}
        if county is not None and not county.contains(region):
            return None, _("region %(code)s is outside the county") % {"code": region.code}
        return region, ""
    name = properties.get("name")
    regions = _regions_by_name(name, level, county)
    if not regions:
        if not name:
            return None, _("it has no name property")
        return None, _("no region is named %(name)s") % {"name": name}
    if len(regions) > 1:
        return None, _("the name %(name)s is ambiguous; match by code instead") % {"name": name}
    return regions[0], ""


# --- the map's FeatureCollection ---------------------------------------------------------------


def child_level(region: Region) -> str | None:
    return {
        RegionLevel.COUNTY: RegionLevel.TOWN,
        RegionLevel.TOWN: RegionLevel.VILLAGE,
    }.get(region.level)


def feature_collection(
    within: Region, *, level: str | None = None, datum: str = Datum.GCJ02
) -> dict:
    """The areas of the regions at ``level`` (default: one level down) inside ``within``,
    as a GeoJSON FeatureCollection in ``datum`` (GCJ-02 as stored, or WGS-84)."""
    level = level or child_level(within) or within.level
    areas = (
        RegionArea.objects.filter(region__level=level)
        .filter(region__code__startswith=within.prefix)
        .select_related("region")
        .order_by("region__code")
    )
    features = []
    for area in areas:
        point = shape(area.geometry).representative_point()
        label_point = [round(point.x, DIGITS), round(point.y, DIGITS)]
        geometry = area.geometry
        if datum == Datum.WGS84:
            geometry = to_wgs84(geometry)
            label_point = [round(c, DIGITS) for c in gcj02_to_wgs84(*label_point)]
        features.append(
            {
                "type": "Feature",
                "id": area.region.code,
                "geometry": geometry,
                "properties": {
                    "code": area.region.code,
                    "name": area.region.name,
                    # What the map writes on the area: 百可社区, not 百可社区居委会.
                    "short_name": short_region_name(area.region.name),
                    "level": area.region.level,
                    "source": area.source,
                    "approximate": area.is_approximate,
                    # Inside the area (a centroid of a concave town may not be): the name's place.
                    "label_point": label_point,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "datum": datum,
        "within": within.code,
        "level": level,
        "features": features,
    }
