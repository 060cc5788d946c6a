"""Routing follows the empowerment in force on the event's date (C5 → C2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from civicloop.core.errors import InvalidInput
from civicloop.events import services as events
from civicloop.events.routing import route, town_may_handle
from civicloop.matters import services
from civicloop.testing.journeys import report
from civicloop.testing.matters import content, grant, make_matter

TODAY = timezone.localdate()


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def judged(world, *, occurred: dt.date | None = None, matter=None, category=None, **kwargs):
    event = report(
        world, occurred_at=at(occurred) if occurred else None, category=category, **kwargs
    )
    return events.judge_event(
        event,
        by=world.wuyuan_dispatcher,
        urgency="general",
        span="single",
        reason="研判",
        matter=matter,
    )


@pytest.fixture
def matter(world):
    return make_matter(world)


def test_a_town_holding_the_matter_on_the_event_date_gets_the_event(world, matter):
    grant(world, matter, start=TODAY - dt.timedelta(days=30))
    suggestion = route(judged(world, matter=matter))
    assert suggestion.lead == world.wuyuan_squad
    assert "ZD-001" in suggestion.explanation


def test_an_event_from_before_the_grant_started_goes_to_the_county_department(world, matter):
    grant(world, matter, start=TODAY - dt.timedelta(days=30))
    event = judged(world, matter=matter, occurred=TODAY - dt.timedelta(days=31))
    assert route(event).lead == world.dept_zhzf


def test_the_first_day_of_a_grant_counts_and_so_does_its_last(world, matter):
    start, end = TODAY - dt.timedelta(days=20), TODAY - dt.timedelta(days=10)
    grant(world, matter, start=start, end=end)
    assert route(judged(world, matter=matter, occurred=start)).lead == world.wuyuan_squad
    assert route(judged(world, matter=matter, occurred=end)).lead == world.wuyuan_squad


def test_an_event_after_the_grant_ended_goes_to_the_county_department(world, matter):
    grant_row = grant(world, matter, start=TODAY - dt.timedelta(days=60))
    services.end_grant(
        grant_row, by=world.centre, effective_to=TODAY - dt.timedelta(days=5), reason="收回"
    )
    assert (
        route(judged(world, matter=matter, occurred=TODAY - dt.timedelta(days=6))).lead
        == world.wuyuan_squad
    )
    assert (
        route(judged(world, matter=matter, occurred=TODAY - dt.timedelta(days=4))).lead
        == world.dept_zhzf
    )
    assert route(judged(world, matter=matter)).lead == world.dept_zhzf


def test_a_grant_that_starts_tomorrow_does_not_route_todays_event(world, matter):
    grant(world, matter, start=TODAY + dt.timedelta(days=1))
    event = services_dispatched(world, judged(world, matter=matter))
    assert event.lead_assignment().unit == world.dept_zhzf
    rule = event.history.get(action="dispatch").details["rule"]
    assert "ZD-001" in rule and TODAY.isoformat() in rule


def services_dispatched(world, event):
    return events.dispatch_event(event, by=world.wuyuan_dispatcher)


def test_another_town_holding_the_matter_does_not_help(world, matter):
    grant(world, matter, town=world.ganpu, start=TODAY - dt.timedelta(days=30))
    assert route(judged(world, matter=matter)).lead == world.dept_zhzf


def test_a_matter_owned_by_another_department_than_its_category_goes_to_the_matter_department(
    world,
):
    matter = make_matter(
        world,
        "GG-002",
        delegable=False,
        department=world.dept_scjg,
        name="对违规发布烟草广告的行政处罚",
    )
    assert route(judged(world, matter=matter)).lead == world.dept_scjg


def test_with_only_a_category_the_town_may_act_when_it_holds_any_matter_of_it(world, matter):
    make_matter(world, "ZD-002", name="对未按照批准的位置占用城市道路的行政处罚")
    event = judged(world)  # street vending, no matter named
    assert route(event).lead == world.dept_zhzf  # catalog has matters of the category, none held
    grant(world, matter, start=TODAY - dt.timedelta(days=1))
    assert town_may_handle(town=world.wuyuan, category=world.street_vending, on=TODAY)
    assert route(event).lead == world.wuyuan_squad


def test_a_category_without_any_delegable_matter_stays_with_the_county(world):
    make_matter(
        world,
        "SC-001",
        category=world.food_safety,
        department=world.dept_scjg,
        delegable=False,
        name="对生产经营不符合食品安全标准的食品的行政处罚",
    )
    assert not town_may_handle(town=world.wuyuan, category=world.food_safety, on=TODAY)
    assert route(judged(world, category=world.food_safety)).lead == world.dept_scjg


def test_a_category_the_catalog_does_not_cover_keeps_its_own_setting(world):
    # No matters at all: street vending is delegated, food safety is not (categories.csv).
    assert route(judged(world)).lead == world.wuyuan_squad
    assert route(judged(world, category=world.food_safety)).lead == world.dept_scjg


def test_naming_a_matter_sets_its_category_and_records_the_version_in_history(world, matter):
    event = report(world, category=world.food_safety)
    event = events.judge_event(
        event,
        by=world.wuyuan_dispatcher,
        urgency="general",
        span="single",
        reason="研判",
        category=world.food_safety,
        matter=matter,
    )
    assert event.matter == matter and event.category == world.street_vending
    details = event.history.get(action="judge").details
    assert details["matter"] == "ZD-001"
    assert details["matter_version"] == matter.current_version(TODAY).pk
    assert details["before"]["category"] == "food-safety"


def test_judging_again_with_another_category_drops_a_matter_that_no_longer_fits(world, matter):
    event = judged(world, matter=matter)
    event = events.judge_event(
        event,
        by=world.wuyuan_dispatcher,
        urgency="general",
        span="single",
        reason="改判",
        category=world.food_safety,
    )
    assert event.matter is None and event.category == world.food_safety
    assert event.history.filter(action="judge").last().details["before"]["matter"] == "ZD-001"


def test_a_matter_no_longer_in_use_cannot_be_named(world, matter):
    matter = services.change_matter(matter, by=world.centre, is_active=False, reason="事项取消")
    with pytest.raises(InvalidInput) as refused:
        judged(world, matter=matter)
    assert refused.value.field == "matter"
    assert matter.history.get(action="change").details == {
        "before": {"is_active": True},
        "after": {"is_active": False},
    }


def test_an_event_judged_before_a_change_of_wording_shows_the_old_wording(world, matter, client):
    event = judged(world, matter=matter, occurred=TODAY - dt.timedelta(days=3))
    services.add_matter_version(
        matter,
        by=world.centre,
        effective_from=TODAY - dt.timedelta(days=1),
        content=content(name="对擅自占用城市道路从事经营活动的行政处罚", fine_max=30000),
        note="2026年版目录",
    )
    later = judged(world, matter=matter)
    client.force_login(world.wuyuan_dispatcher)
    old_page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    new_page = client.get(reverse("events:detail", args=[later.pk])).content.decode()
    assert (
        "对擅自占用城市道路（含占道经营）的行政处罚" in old_page and "从事经营活动" not in old_page
    )
    assert "对擅自占用城市道路从事经营活动的行政处罚" in new_page
    api = APIClient()
    api.force_authenticate(world.wuyuan_dispatcher)
    body = api.get(f"/api/events/{event.pk}/").json()["matter"]
    assert body["code"] == "ZD-001" and body["version"]["fine_max"] == "20000.00"


def test_the_judge_form_and_the_api_accept_a_matter(world, matter, client):
    grant(world, matter)
    event = report(world, category=world.food_safety)
    client.force_login(world.wuyuan_dispatcher)
    url = reverse("events:action", args=[event.pk, "judge"])
    assert 'name="matter"' in client.get(url).content.decode()
    response = client.post(
        url, {"urgency": "general", "span": "single", "matter": matter.pk, "reason": "占道"}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.matter == matter and event.category == world.street_vending

    other = report(world)
    api = APIClient()
    api.force_authenticate(world.wuyuan_dispatcher)
    response = api.post(
        f"/api/events/{other.pk}/judge/",
        {"urgency": "general", "span": "single", "matter": "ZD-001", "reason": "占道"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["matter"]["code"] == "ZD-001"
    response = api.post(
        f"/api/events/{other.pk}/judge/",
        {"urgency": "general", "span": "single", "matter": "NO-SUCH", "reason": "占道"},
        format="json",
    )
    assert response.status_code == 400 and "matter" in response.json()["errors"]
