"""The organisation's stock figures: liaison stations, their coverage of villages and the
red butlers and professional grid workers sent down (hand-counted over testing/world.py:
villages 百可 and 枣园 in 武原, 南北湖 in 澉浦; one village station, at 百可)."""

from __future__ import annotations

import datetime as dt

import pytest

from civicloop.core.figures import Period, figures
from civicloop.org.choices import Role, UnitKind
from civicloop.org.models import Post
from civicloop.testing.factories import UnitFactory

MARCH = Period.month(2026, 3)


def value(key: str, period: Period = MARCH, region=None):
    return figures.get(key).value(period, region)


@pytest.fixture
def stations(world):
    UnitFactory(kind=UnitKind.ENTERPRISE_STATION, region=world.ganpu, code="ganpu-enterprise")
    # A station registered at a grid serves the grid's village.
    UnitFactory(kind=UnitKind.VILLAGE_STATION, region=world.wuyuan_grid2, code="zaoyuan-station")
    # Closed: neither counted nor covering 南北湖.
    UnitFactory(
        kind=UnitKind.VILLAGE_STATION, region=world.ganpu_village, code="nbh", is_active=False
    )
    return world


@pytest.mark.django_db
def test_active_stations_by_kind(stations, world):
    assert value("stations.stations") == {"village_station": 2, "enterprise_station": 1}
    assert value("stations.stations", region=world.wuyuan) == {
        "village_station": 2,
        "enterprise_station": 0,
    }
    assert value("stations.stations", region=world.ganpu) == {
        "village_station": 0,
        "enterprise_station": 1,
    }


@pytest.mark.django_db
def test_coverage_of_villages_by_village_stations(stations, world):
    assert value("stations.village_coverage") == round(2 / 3, 4)
    assert value("stations.village_coverage", region=world.wuyuan) == 1.0
    assert value("stations.village_coverage", region=world.ganpu) == 0.0
    assert value("stations.village_coverage", region=world.wuyuan_village) == 1.0


@pytest.mark.django_db
def test_without_villages_coverage_has_no_value(world):
    assert value("stations.village_coverage", region=world.wuyuan_grid) is None


def post(user, role):
    return Post.objects.get(user=user, role=role)


@pytest.mark.django_db
def test_sent_down_counts_posts_held_on_the_last_day_of_the_period(world):
    Post.objects.filter(pk=post(world.ganpu_red_butler, Role.RED_BUTLER).pk).update(
        started_on=dt.date(2026, 4, 1)
    )
    Post.objects.filter(pk=post(world.other_grid_worker, Role.PROFESSIONAL_GRID_WORKER).pk).update(
        ended_on=dt.date(2026, 3, 15), is_active=False
    )
    # Made inactive without an end date: when it ended is not known, so it is not counted.
    Post.objects.filter(pk=post(world.grid_worker, Role.PROFESSIONAL_GRID_WORKER).pk).update(
        is_active=False
    )
    assert value("grid.sent_down") == {"red_butler": 2, "professional_grid_worker": 1}
    assert value("grid.sent_down", Period.month(2026, 4)) == {
        "red_butler": 3,
        "professional_grid_worker": 1,
    }
    assert value("grid.sent_down", Period.month(2026, 2), world.wuyuan) == {
        "red_butler": 2,
        "professional_grid_worker": 1,  # other_grid_worker, until 15 March
    }
    assert value("grid.sent_down", MARCH, world.ganpu) == {
        "red_butler": 0,
        "professional_grid_worker": 1,
    }
    # Year on year: the same posts, as they stood a year earlier.
    assert value("grid.sent_down", MARCH.last_year(), world.ganpu) == {
        "red_butler": 0,
        "professional_grid_worker": 1,
    }


@pytest.mark.django_db
def test_the_organisation_drill_downs_open_for_a_leader(stations, world, client):
    client.force_login(world.leader)
    for key in ("stations.stations", "stations.village_coverage", "grid.sent_down"):
        for region in (None, world.ganpu):
            url = figures.get(key).records_url(MARCH, region)
            assert client.get(url).status_code == 200, (key, url)
    url = figures.get("stations.stations").records_url(MARCH, world.ganpu)
    listed = client.get(url).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["code"] for row in rows] == ["ganpu-enterprise"]
