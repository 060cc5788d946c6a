"""Suggested adjustments of the empowerment list, each with the evidence it rests on."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from civicloop.assessment import services
from civicloop.assessment.choices import Dimension, SuggestionKind
from civicloop.assessment.models import TownAssessment
from civicloop.assessment.suggestions import GRANT_MIN_EVENTS, suggestions_for
from civicloop.events import services as events
from civicloop.events.choices import EventState
from civicloop.matters.choices import GrantKind
from civicloop.testing.journeys import report, walk
from civicloop.testing.matters import grant, make_matter

TODAY = timezone.localdate()


def judged_events(world, matter, n, *, dispatch=False):
    made = []
    for _n in range(n):
        event = events.judge_event(
            report(world),
            by=world.wuyuan_dispatcher,
            urgency="general",
            span="single",
            reason="研判",
            matter=matter,
        )
        if dispatch:
            event = events.dispatch_event(event, by=world.wuyuan_dispatcher)
        made.append(event)
    return made


def test_many_events_of_a_matter_the_town_does_not_hold_suggest_asking_for_it(world):
    matter = make_matter(world)
    judged_events(world, matter, GRANT_MIN_EVENTS - 1)
    assert suggestions_for(world.wuyuan) == []
    judged_events(world, matter, 1)
    [suggestion] = suggestions_for(world.wuyuan)
    assert suggestion.kind == SuggestionKind.GRANT and suggestion.matter == matter
    assert suggestion.facts == {"events": GRANT_MIN_EVENTS}
    assert "5" in suggestion.evidence[0] and world.dept_zhzf.name in suggestion.evidence[0]
    assert suggestions_for(world.ganpu) == []


def test_a_matter_that_may_not_be_delegated_is_never_suggested(world):
    matter = make_matter(world, "GG-002", delegable=False, name="对违规发布烟草广告的行政处罚")
    judged_events(world, matter, GRANT_MIN_EVENTS + 2)
    assert suggestions_for(world.wuyuan) == []


def test_many_overdue_events_of_a_held_matter_suggest_withdrawing_it(world):
    matter = make_matter(world)
    grant(world, matter, start=TODAY - dt.timedelta(days=100))
    for event in judged_events(world, matter, 3):
        walk(world, event, EventState.CLOSED)  # handled in time
    judged_events(world, matter, 2, dispatch=True)
    with time_machine.travel(timezone.now() + dt.timedelta(days=10), tick=False):
        events.escalate_overdue()  # the two dispatched ones are never accepted
    [suggestion] = suggestions_for(world.wuyuan)
    assert suggestion.kind == SuggestionKind.WITHDRAW and suggestion.facts == {
        "events": 5,
        "late": 2,
    }
    assert "2" in suggestion.evidence[0] and "5" in suggestion.evidence[0]


def test_a_low_legal_review_score_suggests_withdrawing_the_characteristic_matters_only(world):
    base = make_matter(world)
    extra = make_matter(world, "ZD-002", name="对未按照批准的位置占用城市道路的行政处罚")
    grant(world, base, start=TODAY - dt.timedelta(days=300))
    grant(world, extra, start=TODAY - dt.timedelta(days=300), kind=GrantKind.CHARACTERISTIC)
    round_ = services.open_round(
        by=world.assessor,
        name="上半年",
        period_start=TODAY - dt.timedelta(days=200),
        period_end=TODAY - dt.timedelta(days=20),
        towns=[world.wuyuan],
    )
    assessment = TownAssessment.objects.get(round=round_)
    for row in assessment.scores.all():
        value = 52 if row.dimension == Dimension.LEGAL_REVIEW else 85
        services.score_dimension(
            assessment,
            by=world.assessor,
            dimension=row.dimension,
            score=value,
            reason="" if row.prefilled_score is None else "核查",
        )
    assert suggestions_for(world.wuyuan) == []  # a draft does not count
    services.submit_assessment(assessment, by=world.assessor)
    [suggestion] = suggestions_for(world.wuyuan)
    assert (suggestion.kind, suggestion.matter) == (SuggestionKind.WITHDRAW, extra)
    assert "52" in suggestion.evidence[0] and "上半年" in suggestion.evidence[0]


def test_the_town_page_shows_the_suggestions_with_their_evidence_to_the_town_and_the_county(
    world, client
):
    matter = make_matter(world)
    judged_events(world, matter, GRANT_MIN_EVENTS)
    url = reverse("matters:town", args=[world.wuyuan.code])
    client.force_login(world.wuyuan_dispatcher)
    page = client.get(url).content.decode()
    assert 'data-suggestion="grant"' in page and world.dept_zhzf.name in page
    assert f"?matter={matter.code}" in page  # the prompt to ask for it (点单赋权)
    client.force_login(world.centre)
    assert 'data-suggestion="grant"' in client.get(url).content.decode()
    client.force_login(world.ganpu_dispatcher)
    assert "data-suggestion" not in client.get(url).content.decode()
