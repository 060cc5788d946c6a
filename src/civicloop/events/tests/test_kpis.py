"""The events' figures, hand-counted over the events of March 2026 in
``civicloop/testing/figures.py`` (its docstring has the table)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from civicloop.core.figures import Period, figures
from civicloop.events import kpis, services
from civicloop.events.choices import EventState, Source
from civicloop.events.models import Event
from civicloop.testing.cases import at
from civicloop.testing.figures import march_2026
from civicloop.testing.journeys import report, walk

MARCH = Period.month(2026, 3)


def value(key: str, period: Period = MARCH, region=None):
    return figures.get(key).value(period, region)


@pytest.fixture
def march(world, settings):
    settings.CIVICLOOP_MAX_DISSATISFIED_REWORKS = 0
    return march_2026(world)


@pytest.mark.django_db
def test_the_fixture_is_what_the_table_says(march):
    assert march["dup"].state == EventState.CLOSED and march["dup"].merged_into == march["grid1"]
    assert march["station"].state == EventState.CLOSED
    assert march["station"].checks.filter(passed=False).count() == 1
    assert march["firm"].state == EventState.CLOSED
    assert march["grid2"].state == EventState.DISPATCHED


@pytest.mark.django_db
def test_events_figures_for_the_county(march):
    assert value("events.collected") == 5
    assert value("events.collected_by_source") == {
        "liaison_station": 1,
        "grid_patrol": 2,
        "hotline": 0,
        "public_portal": 1,
        "enterprise": 1,
        "open311": 0,
    }
    assert value("events.resolved_share") == 0.4  # grid1 and firm of 5
    assert value("events.satisfaction") == 0.5  # grid1 satisfied, station dissatisfied
    assert value("events.petitions") == 1  # portal (the voided hotline report is not counted)
    assert value("events.closing_rate") == 0.75  # grid1, station, firm of 4 dispatched
    assert value("events.on_time_closing_rate") == 0.5  # firm's feedback came late
    assert value("events.rework_rate") == 0.25  # station's check failed
    assert value("events.public_report_rate") == 0.4  # portal and firm of 5


@pytest.mark.django_db
def test_station_and_grid_figures(march):
    assert value("stations.clues") == 1
    assert value("stations.satisfaction") == 0.0
    assert value("grid.problems") == 2  # grid1 and grid2; the merged duplicate is not counted
    assert value("grid.resolved_share") == 0.5
    assert value("grid.satisfaction") == 1.0


@pytest.mark.django_db
def test_the_period_ends_at_local_midnight(march):
    april = Period.month(2026, 4)
    assert value("events.collected", april) == 1  # "late", reported at 00:00 on 1 April
    assert value("events.petitions", april) == 1
    assert value("events.collected", Period(dt.date(2026, 3, 31), dt.date(2026, 3, 31))) == 1
    # The firm's satisfied rating was given in May, when it counts.
    assert value("events.satisfaction", Period.month(2026, 5)) == 1.0


@pytest.mark.django_db
def test_a_town_counts_its_villages_and_grids_not_its_neighbours(march, world):
    assert value("events.collected", region=world.wuyuan) == 3  # grid1, station, grid2
    assert value("events.collected", region=world.ganpu) == 2  # portal, firm
    assert value("events.collected", region=world.wuyuan_village) == 2  # grid1, station
    assert value("events.collected", region=world.wuyuan_grid) == 1
    assert value("events.petitions", region=world.wuyuan) == 0
    assert value("events.satisfaction", region=world.ganpu) is None  # no rating in March
    assert value("events.closing_rate", region=world.wuyuan) == round(2 / 3, 4)


@pytest.mark.django_db
def test_year_on_year(march):
    assert MARCH.last_year() == Period.month(2025, 3)
    assert value("events.collected", MARCH.last_year()) == 1
    assert value("grid.problems", MARCH.last_year()) == 1
    assert value("events.resolved_share", MARCH.last_year()) == 0.0


# --- drill-downs --------------------------------------------------------------------------


def listed(client, url: str) -> set[str]:
    page = client.get(url)
    assert page.status_code == 200
    return {event.number for event in page.context["paginator"].object_list}


@pytest.mark.django_db
def test_every_drill_down_opens_for_a_leader(march, world, client):
    client.force_login(world.leader)
    keys = [f.key for f in figures if f.key.split(".")[0] in ("events", "stations", "grid")]
    assert len(keys) >= 17
    for key in keys:
        for region in (None, world.wuyuan):
            url = figures.get(key).records_url(MARCH, region)
            assert url, key
            assert client.get(url).status_code == 200, (key, url)


def numbers(*events) -> set[str]:
    return {event.number for event in events}


@pytest.mark.django_db
def test_drill_downs_list_exactly_the_rows_counted(march, world, client):
    client.force_login(world.leader)
    m = march
    url = figures.get("events.collected").records_url(MARCH)
    assert listed(client, url) == numbers(
        m["grid1"], m["station"], m["portal"], m["firm"], m["grid2"]
    )
    url = figures.get("events.collected").records_url(MARCH, world.wuyuan)
    assert listed(client, url) == numbers(m["grid1"], m["station"], m["grid2"])
    url = figures.get("events.closing_rate").records_url(MARCH)
    assert listed(client, url) == numbers(m["grid1"], m["station"], m["firm"], m["grid2"])
    url = figures.get("events.petitions").records_url(Period.month(2026, 4))
    assert listed(client, url) == numbers(m["late"])
    url = figures.get("events.satisfaction").records_url(MARCH)
    assert listed(client, url) == numbers(m["grid1"], m["station"])
    url = figures.get("grid.problems").records_url(MARCH)
    assert listed(client, url) == numbers(m["grid1"], m["grid2"])
    assert parse_qs(urlsplit(url).query)["source"] == ["grid_patrol"]


# --- the list's filters behind the drill-downs -------------------------------------------


@pytest.mark.django_db
def test_list_filters_by_dates_place_source_rating_outcome_and_dispatch(march, world, client):
    client.force_login(world.leader)
    m = march
    url = reverse("events:list")

    def get(**query):
        return listed(client, url + "?" + "&".join(f"{k}={v}" for k, v in query.items()))

    assert get(closed_after="2026-05-10", closed_before="2026-05-10") == numbers(m["firm"])
    assert get(closed_after="2026-03-31", closed_before="2026-03-31") == numbers(
        m["grid1"], m["dup"]
    )
    assert get(closed_before="2026-03-30") == numbers(m["station"])
    assert get(code_prefix="330424105") == numbers(m["portal"], m["firm"])
    assert get(code_prefix="33042410x") == set()
    assert listed(client, url + "?source=hotline&source=public_portal") == numbers(
        m["late"], m["portal"]
    ) | {Event.objects.get(state=EventState.VOIDED).number}
    assert get(rating="dissatisfied") == numbers(m["station"])
    assert get(rated_after="2026-05-01") == numbers(m["firm"])
    # One condition: a satisfied rating given in March (firm's satisfied rating is in May).
    assert get(rating="satisfied", rated_before="2026-03-31") == numbers(m["grid1"])
    assert get(outcome="partly_resolved") == numbers(m["station"])
    assert get(outcome="resolved") == numbers(m["grid1"], m["firm"])
    assert get(dispatched="true", code_prefix="330424105") == numbers(m["firm"])
    assert get(dispatched="false", code_prefix="330424105") == numbers(m["portal"])
    assert get(duplicate="true") == numbers(m["dup"])
    assert m["dup"].number not in get(duplicate="false")


def test_every_source_is_either_a_public_report_or_a_supervisors_finding():
    """监督举报率's base is all counted events: a new source must be put on one side."""
    public, supervisors = set(kpis.PUBLIC_REPORT_SOURCES), set(kpis.SUPERVISOR_SOURCES)
    assert public | supervisors == set(Source.values)
    assert not public & supervisors


@pytest.mark.django_db
def test_an_event_returned_by_its_lead_unit_counts_as_rework(world):
    june = Period.month(2026, 6)
    with at(dt.datetime(2026, 6, 1, 9, 0)):
        returned = walk(world, report(world), EventState.ACCEPTED)
        services.return_event(returned, by=world.wuyuan_officer, reason="不属于本单位职责")
        report(world)  # never dispatched: not in the base of the rates
    assert value("events.collected", june) == 2
    assert value("events.rework_rate", june) == 1.0
    assert value("events.closing_rate", june) == 0.0
