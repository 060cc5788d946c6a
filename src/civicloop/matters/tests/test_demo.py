"""The Haiyan demo of the matters app: catalog, base and characteristic grants, requests in
every outcome, and events routed by the empowerment of their day (the assessment round:
assessment/tests/test_demo.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.utils import timezone

from civicloop.events.demo import load_categories
from civicloop.events.demo_stories import play_demo_stories
from civicloop.events.models import Event
from civicloop.matters.demo import BASE_CODES, load_demo_empowerment, load_demo_requests
from civicloop.matters.models import EmpowermentGrant, EmpowermentRequest, Matter
from civicloop.org.demo import load_haiyan_organisation
from civicloop.org.models import Region

DEMO_NOW = timezone.make_aware(dt.datetime(2026, 11, 28, 12, 0))


@pytest.fixture
def demo(db):
    load_haiyan_organisation()
    load_categories()
    with time_machine.travel(DEMO_NOW, tick=False):
        load_demo_empowerment()
        load_demo_requests()
        stories = play_demo_stories()
    return stories


def town(name):
    return Region.objects.get(level="town", name=name)


def held(name, day):
    return set(Matter.objects.held_by(town(name), on=day).values_list("code", flat=True))


def test_every_town_holds_the_base_list_and_two_towns_their_characteristic_matters(demo):
    day = dt.date(2026, 11, 28)
    for region in Region.objects.towns():
        assert set(BASE_CODES) <= held(region.name, day), region.name
    assert {"LY-006", "FJ-001"} <= held("澉浦镇", dt.date(2026, 4, 1)) - held(
        "澉浦镇", dt.date(2026, 3, 31)
    )
    assert {"SY-001", "SY-002", "SY-003"} <= held("沈荡镇", dt.date(2026, 6, 1)) - held(
        "沈荡镇", dt.date(2026, 5, 31)
    )
    assert "WY-003" in held("百步镇", dt.date(2026, 8, 31)) and "WY-003" not in held(
        "百步镇", dt.date(2026, 9, 1)
    )
    assert Matter.objects.get(code="DQ-003").versions.count() == 2


def test_requests_in_every_outcome_with_their_history(demo):
    states = Counter(EmpowermentRequest.objects.values_list("state", flat=True))
    assert states == {"approved": 1, "rejected": 1, "submitted": 1}
    approved = EmpowermentRequest.objects.get(state="approved")
    assert approved.grant.effective_from == dt.date(2026, 6, 1)
    assert [h.action for h in approved.history.all()] == ["submit", "approve"]


def test_scripted_events_follow_the_empowerment_of_their_day(demo):
    stories = demo
    assert stories == 10

    def lead(code, town_name, month):
        event = Event.objects.get(
            matter__code=code,
            region__code__startswith=town(town_name).prefix,
            reported_at__month=month,
        )
        return event.history.get(action="dispatch").details["unit"], event.state

    assert lead("LY-006", "澉浦镇", 3) == ("dept-zrzy", "closed")  # before 2026-04-01
    assert lead("LY-002", "澉浦镇", 6) == ("330424105-squad", "closed")
    assert lead("SY-001", "沈荡镇", 4) == ("dept-sthj", "closed")  # before 2026-06-01
    assert lead("SY-001", "沈荡镇", 8) == ("330424101-squad", "closed")


def test_running_the_demo_again_adds_nothing(demo):
    counts = (
        Matter.objects.count(),
        EmpowermentGrant.objects.count(),
        EmpowermentRequest.objects.count(),
    )
    with time_machine.travel(DEMO_NOW, tick=False):
        load_demo_empowerment()
        assert load_demo_requests() == 0
    assert counts == (
        Matter.objects.count(),
        EmpowermentGrant.objects.count(),
        EmpowermentRequest.objects.count(),
    )
