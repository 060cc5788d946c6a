"""A map point → its town, village and grid, from the region areas (org/locating.py)."""

import pytest
from django.urls import reverse
from shapely.geometry import box, mapping

from civicloop.events.models import Event
from civicloop.org.choices import AreaSource
from civicloop.org.geo import gcj02_to_wgs84
from civicloop.org.locating import locate_point
from civicloop.org.models import RegionArea
from civicloop.org.services import resolve_location


def _area(region, bounds, source=AreaSource.OFFICIAL):
    geometry = mapping(box(*bounds))
    RegionArea.objects.create(
        region=region,
        geometry={"type": geometry["type"], "coordinates": geometry["coordinates"]},
        source=source,
    )


@pytest.fixture
def areas(world):
    """百可 (world.wuyuan_village) covers a box east of its own point; 枣园 covers its point."""
    _area(world.wuyuan, (120.90, 30.49, 121.00, 30.56), source=AreaSource.DERIVED)
    _area(world.wuyuan_village, (120.955, 30.525, 120.99, 30.55), source=AreaSource.DERIVED)
    _area(world.wuyuan_village2, (120.94, 30.50, 120.955, 30.525))
    return world


def test_a_point_inside_a_village_area_is_placed_in_that_villages_grid_and_town(areas):
    place = locate_point(longitude=120.96, latitude=30.53)
    assert place.village == areas.wuyuan_village
    assert place.town == areas.wuyuan
    assert place.grid == areas.wuyuan_grid
    assert place.region == place.grid
    assert place.approximate is True  # the village area is derived


def test_a_point_in_an_official_village_area_is_not_approximate(areas):
    place = locate_point(longitude=120.95, latitude=30.51)
    assert place.village == areas.wuyuan_village2
    assert place.approximate is False


def test_a_point_in_the_town_but_in_no_village_area_is_placed_in_the_town(areas):
    place = locate_point(longitude=120.91, latitude=30.55)
    assert place.region == areas.wuyuan
    assert place.village is None and place.grid is None


def test_a_point_outside_every_area_is_not_placed(areas):
    assert locate_point(longitude=121.5, latitude=31.0) is None


def test_resolving_a_point_uses_the_area_it_lies_in_not_the_nearest_grid_point(areas):
    # 120.951, 30.527 is 500 m from 百可's point but inside 枣园's (official) area.
    region = resolve_location(latitude=30.524, longitude=120.951)
    assert region == areas.wuyuan_grid2


def test_resolving_a_point_without_areas_falls_back_to_the_nearest_grid(world):
    region = resolve_location(latitude=30.5271, longitude=120.9461)
    assert region == world.wuyuan_grid


def test_the_locate_endpoint_answers_the_place_of_a_gps_point(areas, client):
    client.force_login(areas.users["grid_worker"])
    lng, lat = gcj02_to_wgs84(120.96, 30.53)
    response = client.get(reverse("org:locate"), {"lng": lng, "lat": lat, "datum": "wgs84"})
    assert response.status_code == 200
    data = response.json()
    assert data["village"]["code"] == areas.wuyuan_village.code
    assert data["region"]["id"] == areas.wuyuan_grid.pk
    assert data["approximate"] is True
    assert "百可社区居委会" in data["label"]


def test_the_locate_endpoint_says_when_a_point_is_outside_the_county(areas, client):
    client.force_login(areas.users["grid_worker"])
    response = client.get(reverse("org:locate"), {"lng": 121.5, "lat": 31.0})
    assert response.json()["found"] is False


def test_the_locate_endpoint_refuses_bad_coordinates_and_outsiders(areas, client):
    client.force_login(areas.users["grid_worker"])
    assert client.get(reverse("org:locate"), {"lng": "x", "lat": 30}).status_code == 400
    client.force_login(areas.users["outsider"])
    assert client.get(reverse("org:locate"), {"lng": 120.96, "lat": 30.53}).status_code == 403


# --- the public report form's map -------------------------------------------------------------


def test_the_public_map_endpoints_answer_without_signing_in(areas, client):
    located = client.get(reverse("org:public-locate"), {"lng": 120.96, "lat": 30.53})
    assert located.status_code == 200 and located.json()["found"] is True
    shapes = client.get(reverse("org:public-areas"), {"level": "village"})
    assert shapes.status_code == 200 and shapes["Content-Type"] == "application/geo+json"
    assert "public" in shapes["Cache-Control"]
    # The staff endpoints still need a sign-in.
    assert client.get(reverse("org:locate"), {"lng": 120.96, "lat": 30.53}).status_code == 302


def test_the_public_endpoints_refuse_bad_input_with_a_message(areas, client):
    response = client.get(reverse("org:public-locate"), {"lng": "east", "lat": 30.53})
    assert response.status_code == 400 and response.json()["detail"]
    assert client.get(reverse("org:public-areas"), {"within": "abc"}).status_code == 400


def test_the_public_report_form_has_the_tap_to_place_map_on_the_public_endpoints(areas, client):
    page = client.get(reverse("public:report")).content.decode()
    assert 'id="public-map"' in page
    assert reverse("org:public-locate") in page and reverse("org:public-areas") in page
    assert reverse("org:locate") + '"' not in page


def test_a_citizens_map_tap_files_the_report_where_the_map_showed_it(areas, client):
    client.get(reverse("public:report"))
    response = client.post(
        reverse("public:report"),
        {
            "description": "路口井盖缺失，夜里有行人踩空",
            "longitude": 120.96,
            "latitude": 30.53,
            "datum": "gcj02",
        },
    )
    assert response.status_code == 200
    event = Event.objects.get(description="路口井盖缺失，夜里有行人踩空")
    assert event.region == areas.wuyuan_grid
