"""Derived areas of the demo county, the map's endpoint and the base-map settings."""

import io
import json

import pytest
import shapely
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from shapely.geometry import Point, box, shape

from civicloop.org.areas import SIMPLIFY_TOLERANCE, derive_areas
from civicloop.org.choices import AreaSource, RegionLevel
from civicloop.org.divisions import county_outline, load_county
from civicloop.org.geo import gcj02_to_wgs84
from civicloop.org.maps import basemap_config, region_map
from civicloop.org.models import Region, RegionArea

HAIYAN = "330424"
# Rounding to six decimals moves a vertex by at most this much.
ROUNDING = 1e-6


@pytest.fixture
def demo_county(db):
    load_county(HAIYAN)
    derive_areas(HAIYAN)


def area_of(code: str):
    return shape(RegionArea.objects.get(region__code=code).geometry)


def test_every_village_and_town_of_the_demo_county_has_a_derived_area_around_its_point(
    demo_county,
):
    villages = Region.objects.filter(level=RegionLevel.VILLAGE)
    assert villages.count() > 100
    for village in villages:
        area = village.area
        assert area.source == AreaSource.DERIVED
        assert area.is_approximate
        assert area.geometry["type"] in ("Polygon", "MultiPolygon")
        point = Point(float(village.longitude), float(village.latitude))
        assert shape(area.geometry).buffer(ROUNDING).contains(point), village.name
    assert RegionArea.objects.filter(region__level=RegionLevel.TOWN).count() == 9


def test_derived_areas_lie_within_the_county_outline(demo_county):
    shipped = shape(county_outline(HAIYAN)).buffer(SIMPLIFY_TOLERANCE + ROUNDING)
    county = area_of("330424000000").buffer(ROUNDING)
    for area in RegionArea.objects.exclude(region__level=RegionLevel.COUNTY):
        geom = shape(area.geometry)
        assert county.contains(geom), area.region.name
        assert shipped.contains(geom), area.region.name


def test_villages_of_a_town_union_to_the_towns_area_and_do_not_overlap(demo_county):
    for town in Region.objects.filter(level=RegionLevel.TOWN):
        cells = [shape(a.geometry) for a in RegionArea.objects.filter(region__parent=town)]
        union = shapely.union_all(cells)
        town_area = area_of(town.code)
        assert union.symmetric_difference(town_area).area < 1e-4 * town_area.area, town.name
        assert sum(c.area for c in cells) == pytest.approx(union.area, rel=1e-4), town.name
    towns = [area_of(t.code) for t in Region.objects.filter(level=RegionLevel.TOWN)]
    assert shapely.union_all(towns).area == pytest.approx(area_of("330424000000").area, rel=1e-3)


def test_deriving_again_never_overwrites_an_official_area(demo_county):
    wuyuan = Region.objects.get(code="330424001000")
    square = box(120.93, 30.51, 120.96, 30.54)
    official = {"type": "Polygon", "coordinates": [[list(c) for c in square.exterior.coords]]}
    RegionArea.objects.filter(region=wuyuan).update(
        geometry=official, source=AreaSource.OFFICIAL, source_note="县测绘成果"
    )

    counts = derive_areas(HAIYAN)

    area = RegionArea.objects.get(region=wuyuan)
    assert (area.source, area.geometry, area.source_note) == (
        AreaSource.OFFICIAL,
        official,
        "县测绘成果",
    )
    assert counts["official_kept"] == 1
    # The derived areas around it respect it: Wuyuan's villages inside, the others outside.
    for village_area in RegionArea.objects.filter(region__level=RegionLevel.VILLAGE):
        geom = shape(village_area.geometry)
        if village_area.region.parent_id == wuyuan.pk:
            assert square.buffer(ROUNDING).contains(geom)
        else:
            assert geom.intersection(square).area < 1e-8


# --- the endpoint ------------------------------------------------------------------------------


@pytest.fixture
def world_areas(world):
    """The test world's 2 towns and 3 villages, with derived areas."""
    derive_areas(HAIYAN)
    return world


def get_areas(client, user, **params):
    client.force_login(user)
    return client.get(reverse("org:areas"), params)


def test_the_endpoint_refuses_anonymous_and_postless_users(client, world_areas):
    response = client.get(reverse("org:areas"))
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert get_areas(client, world_areas.users["outsider"]).status_code == 403


def test_the_endpoint_returns_the_towns_of_the_county_as_a_feature_collection(client, world_areas):
    response = get_areas(client, world_areas.users["centre"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    assert data["datum"] == "gcj02"
    assert [f["properties"]["name"] for f in data["features"]] == ["武原街道", "澉浦镇"]
    wuyuan = data["features"][0]
    assert wuyuan["geometry"] == RegionArea.objects.get(region__code="330424001000").geometry
    assert wuyuan["properties"] | {"label_point": None} == {
        "code": "330424001000",
        "name": "武原街道",
        "short_name": "武原街道",
        "level": "town",
        "source": "derived",
        "approximate": True,
        "label_point": None,
    }
    assert shape(wuyuan["geometry"]).contains(Point(wuyuan["properties"]["label_point"]))


def test_the_endpoint_lists_the_villages_within_a_town(client, world_areas):
    response = get_areas(client, world_areas.users["leader"], within="330424001", level="village")
    features = json.loads(response.content)["features"]
    assert [(f["properties"]["code"], f["properties"]["short_name"]) for f in features] == [
        ("330424001001", "百可社区"),
        ("330424001003", "枣园社区"),
    ]


def test_the_endpoint_converts_every_vertex_to_wgs84_for_a_wgs84_base_map(
    client, world_areas, settings
):
    settings.CIVICLOOP_BASEMAP_URL = "https://t{s}.tianditu.gov.cn/vec_w/wmts?tk={tk}"
    settings.CIVICLOOP_BASEMAP_DATUM = "wgs84"
    response = get_areas(client, world_areas.users["centre"], within="330424105", level="village")
    data = json.loads(response.content)
    assert data["datum"] == "wgs84"
    stored = RegionArea.objects.get(region__code="330424105201").geometry
    sent = data["features"][0]["geometry"]
    first_stored, first_sent = stored["coordinates"][0][0], sent["coordinates"][0][0]
    assert first_sent == pytest.approx(list(gcj02_to_wgs84(*first_stored)), abs=ROUNDING)
    assert len(sent["coordinates"][0]) == len(stored["coordinates"][0])
    # WGS-84 lies west and north of GCJ-02 around Haiyan (by about 500 m).
    assert first_sent[0] < first_stored[0] and first_sent[1] > first_stored[1]


@pytest.mark.parametrize(
    "params",
    [{"within": "12345"}, {"level": "grid"}, {"datum": "bd09"}],
)
def test_the_endpoint_rejects_bad_parameters(client, world_areas, params):
    assert get_areas(client, world_areas.users["centre"], **params).status_code == 400


def test_the_endpoint_answers_404_for_an_unknown_region(client, world_areas):
    assert get_areas(client, world_areas.users["centre"], within="330424999").status_code == 404


# --- the base map -----------------------------------------------------------------------------


def test_without_a_base_map_url_the_map_draws_gcj02_areas_without_tiles(settings):
    settings.CIVICLOOP_BASEMAP_URL = ""
    settings.CIVICLOOP_BASEMAP_DATUM = "wgs84"
    assert basemap_config() == {"url": "", "datum": "gcj02", "attribution": "", "subdomains": []}


def test_the_tianditu_key_is_filled_into_the_tile_url(settings):
    settings.CIVICLOOP_BASEMAP_URL = (
        "https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk={tk}"
    )
    settings.CIVICLOOP_BASEMAP_KEY = "abc123"
    settings.CIVICLOOP_BASEMAP_DATUM = "wgs84"
    settings.CIVICLOOP_BASEMAP_SUBDOMAINS = ["0", "1"]
    settings.CIVICLOOP_BASEMAP_ATTRIBUTION = "天地图"
    config = basemap_config()
    assert config["url"].endswith("l={z}&tk=abc123")
    assert (config["datum"], config["subdomains"], config["attribution"]) == (
        "wgs84",
        ["0", "1"],
        "天地图",
    )


def test_the_include_renders_the_container_and_its_config(db, settings):
    settings.CIVICLOOP_BASEMAP_URL = ""
    html = render_to_string(
        "includes/region_map.html",
        {"map": region_map(within="330424", values={"330424001000": 3}, element_id="m")},
    )
    assert 'id="m" data-regionmap="m-config"' in html
    assert '<script id="m-config" type="application/json">' in html
    assert "/org/areas.geojson?within=330424" in html
    assert "civicloop/regionmap.js" in html and "vendor/leaflet/leaflet.js" in html


def test_importing_the_divisions_derives_the_areas(db):
    call_command("import_divisions", county=HAIYAN, language="en", stdout=io.StringIO())
    assert RegionArea.objects.filter(region__level=RegionLevel.TOWN).count() == 9
    assert not RegionArea.objects.filter(
        region__level=RegionLevel.VILLAGE, source=AreaSource.OFFICIAL
    ).exists()
    assert RegionArea.objects.get(region__code="330424000000").source == AreaSource.OFFICIAL
