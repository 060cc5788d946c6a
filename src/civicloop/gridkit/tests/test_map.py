"""The map of enforcement staff: GeoJSON in GCJ-02 (said in the data and on the page), towns,
villages and grids as representative points, the units with their people (masked phones),
the county outline, Leaflet served from our own static files and no tile server unless
one is configured."""

from __future__ import annotations

import re

from django.urls import reverse
from rest_framework.test import APIClient

from civicloop.gridkit.staffmap import DATUM, build_map, geojson
from civicloop.org.choices import RegionLevel, UnitKind


def by_code(data) -> dict[str, dict]:
    return {f["properties"]["code"]: f for f in data["features"]}


def test_the_map_is_a_feature_collection_in_gcj02_with_approximate_points(world):
    data = build_map(world.wuyuan_grid)
    assert data["type"] == "FeatureCollection"
    assert data["datum"] == DATUM == "GCJ-02" and data["approximate"] is True
    features = by_code(data)
    grid = features[world.wuyuan_grid.code]
    assert grid["geometry"] == {
        "type": "Point",
        "coordinates": [float(world.wuyuan_grid.longitude), float(world.wuyuan_grid.latitude)],
    }
    assert (
        grid["properties"] | {"kind": RegionLevel.GRID, "approximate": True, "current": True}
        == grid["properties"]
    )
    # Every town of the county; the villages and grids of the grid's town only.
    assert {world.wuyuan.code, world.ganpu.code} <= set(features)
    assert features[world.wuyuan.code]["properties"]["current"] is True
    assert features[world.ganpu.code]["properties"]["current"] is False
    assert world.wuyuan_grid2.code in features and world.wuyuan_village2.code in features
    assert world.ganpu_grid.code not in features and world.ganpu_village.code not in features


def test_the_grid_team_the_squad_the_command_room_and_the_station_carry_their_people(world):
    features = by_code(build_map(world.wuyuan_grid))
    team = features[world.wuyuan_grid_team.code]
    assert (
        team["properties"]["kind"] == UnitKind.GRID_TEAM and team["properties"]["current"] is True
    )
    assert (
        team["geometry"]["coordinates"]
        == features[world.wuyuan_grid.code]["geometry"]["coordinates"]
    )
    staff = team["properties"]["staff"]
    assert [p["role"] for p in staff][:2] == ["red_butler", "professional_grid_worker"]
    assert all(p["phone"] == "138****0000" for p in staff)
    squad = features[world.wuyuan_squad.code]["properties"]
    assert squad["kind"] == UnitKind.SQUAD and {p["name"] for p in squad["staff"]} >= {
        "wuyuan_officer"
    }
    assert features[world.wuyuan_command.code]["properties"]["kind"] == UnitKind.COMMAND_ROOM
    assert features[world.wuyuan_station.code]["properties"]["kind"] == UnitKind.VILLAGE_STATION
    # The other grid's team is on the map, but not "current".
    assert features[world.wuyuan_grid2_team.code]["properties"]["current"] is False
    assert world.ganpu_squad.code not in features


def test_a_place_without_a_point_keeps_its_people_with_a_null_geometry(world):
    type(world.wuyuan_village2).objects.filter(pk=world.wuyuan_village2.pk).update(
        latitude=None, longitude=None
    )
    features = by_code(build_map(world.wuyuan_grid))
    assert features[world.wuyuan_village2.code]["geometry"] is None


def test_the_served_geojson_adds_the_county_outline(world):
    data = geojson(build_map(world.wuyuan_grid))
    outline = data["features"][0]
    assert outline["properties"]["kind"] == "county"
    assert outline["geometry"]["type"] == "MultiPolygon"
    lng, lat = outline["geometry"]["coordinates"][0][0][0]
    assert 120.5 < lng < 121.2 and 30.2 < lat < 30.7  # Haiyan, in GCJ-02 degrees


def test_the_api_serves_the_map_as_geojson_with_the_datum(world):
    client = APIClient()
    client.force_authenticate(world.wuyuan_dispatcher)
    data = client.get(f"/api/gridkit/grids/{world.wuyuan_grid.code}/map/").json()
    assert data["type"] == "FeatureCollection" and data["datum"] == "GCJ-02"
    assert data["features"][0]["properties"]["kind"] == "county"
    assert data["version"]["number"] == 1


def test_the_map_page_states_the_datum_and_that_positions_are_representative(world, client):
    client.force_login(world.grid_worker)
    page = client.get(reverse("gridkit:map", args=[world.wuyuan_grid.code])).content.decode()
    assert 'data-datum="GCJ-02"' in page and "GCJ-02" in page
    assert "representative" in page or "代表" in page
    assert 'id="gk-map-data"' in page and '"datum": "GCJ-02"' in page
    assert (
        "/static/vendor/leaflet/leaflet.js" in page and "/static/vendor/leaflet/leaflet.css" in page
    )
    # Offline by default: no tile layer, and nothing is loaded from another host.
    assert "data-tile-url" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    # A sketch of the outline and points for print and browsers without JavaScript.
    assert '<svg class="gk-static-map"' in page and '<path class="outline" d="M' in page
    assert "百可第1网格队伍" in page and "138****0000" in page and "13800000000" not in page


def test_a_configured_tile_server_is_drawn_underneath(world, client, settings):
    settings.CIVICLOOP_MAP_TILE_URL = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    client.force_login(world.grid_worker)
    page = client.get(reverse("gridkit:map", args=[world.wuyuan_grid.code])).content.decode()
    assert 'data-tile-url="https://tiles.example.gov.cn/{z}/{x}/{y}.png"' in page


def test_leaflet_is_vendored_with_its_licence():
    from pathlib import Path

    import civicloop

    vendor = Path(civicloop.__file__).parent / "static" / "vendor"
    leaflet = vendor / "leaflet"
    assert (leaflet / "leaflet.js").read_text().startswith("/* @preserve\n * Leaflet 1.9.4")
    assert (leaflet / "leaflet.css").exists() and (leaflet / "images" / "marker-icon.png").exists()
    assert "BSD 2-Clause" in (leaflet / "LICENSE").read_text()
    assert "`leaflet/leaflet.js`" in (vendor / "README.md").read_text()
