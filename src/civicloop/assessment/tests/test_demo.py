"""The Haiyan demo's assessment round: every town pre-filled from records and scored, all but
one submitted; a second run adds nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.utils import timezone

from civicloop.assessment.demo import load_demo_assessment
from civicloop.assessment.models import TownAssessment
from civicloop.events.demo import load_categories
from civicloop.events.demo_stories import play_demo_stories
from civicloop.matters.demo import load_demo_empowerment, load_demo_requests
from civicloop.org.demo import load_haiyan_organisation

DEMO_NOW = timezone.make_aware(dt.datetime(2026, 11, 28, 12, 0))


@pytest.fixture
def round_(db):
    load_haiyan_organisation()
    load_categories()
    with time_machine.travel(DEMO_NOW, tick=False):
        load_demo_empowerment()
        load_demo_requests()
        play_demo_stories()
        return load_demo_assessment()


def test_one_assessment_round_with_every_town_scored_and_all_but_one_submitted(round_):
    assessments = TownAssessment.objects.filter(round=round_)
    assert assessments.count() == 9
    assert Counter(assessments.values_list("state", flat=True)) == {"submitted": 8, "draft": 1}
    assert all(a.total is not None for a in assessments)
    assert assessments.filter(history__action="override").exists()


def test_running_the_assessment_demo_again_adds_nothing(round_):
    count = TownAssessment.objects.count()
    with time_machine.travel(DEMO_NOW, tick=False):
        assert load_demo_assessment() is None
    assert TownAssessment.objects.count() == count
