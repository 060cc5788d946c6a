"""一镇一评估: the arithmetic, the indicators pre-filled from records, overrides with reasons,
submission, ranking across towns and the Excel export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from civicloop.assessment import services
from civicloop.assessment.choices import DEFAULT_WEIGHTS, AssessmentState, Dimension
from civicloop.assessment.models import TownAssessment
from civicloop.assessment.results import round_results, write_results_workbook
from civicloop.assessment.scoring import rank, rate_score, weighted_total
from civicloop.core.errors import InvalidInput, InvalidTransition, NotPermitted
from civicloop.events import services as events
from civicloop.events.choices import EventState, Rating
from civicloop.testing.journeys import report, walk

D = Dimension
TODAY = timezone.localdate()


def test_the_total_is_the_weighted_mean_of_the_seven_scores():
    assert sum(DEFAULT_WEIGHTS.values()) == 100
    scores = {
        D.SYSTEMS: 80,
        D.ORGANISATION: 80,
        D.SUPERVISION: 90,
        D.CASES: 70,
        D.LEGAL_REVIEW: 60,
        D.EFFECT: 60,
        D.SATISFACTION: 75,
    }
    # 10×80 + 10×80 + 15×90 + 20×70 + 15×60 + 15×60 + 15×75 = 7275 → 72.75
    assert weighted_total((DEFAULT_WEIGHTS[d], scores[d]) for d in scores) == Decimal("72.75")
    assert weighted_total([(1, 1), (2, 0)]) == Decimal("0.33")
    assert weighted_total([(2, 1), (1, 0)]) == Decimal("0.67")
    assert weighted_total([(1, Decimal("0.01")), (1, 0)]) == Decimal("0.01")  # half-up, not to even
    assert weighted_total([(50, 90), (50, None)]) is None  # a missing score means no total yet
    assert weighted_total([(0, 90), (0, 80)]) is None


def test_rates_become_scores_and_equal_totals_share_a_rank():
    assert rate_score(Decimal("0.9473")) == Decimal("94.73") and rate_score(None) is None
    assert rank([Decimal(90), Decimal(85), Decimal(90), None, Decimal(70)]) == [1, 3, 1, None, 4]


def test_weights_must_cover_every_dimension_and_add_up_to_100(world):
    with pytest.raises(InvalidInput):
        services.open_round(
            by=world.assessor,
            name="测试",
            period_start=TODAY,
            period_end=TODAY,
            weights={**DEFAULT_WEIGHTS, D.CASES: 30},
        )
    with pytest.raises(InvalidInput):
        services.open_round(
            by=world.assessor,
            name="测试",
            period_start=TODAY,
            period_end=TODAY - dt.timedelta(days=1),
        )


@pytest.fixture
def records(world):
    """Five events in 武原街道 (two closed satisfied, one basically satisfied, one rated
    dissatisfied and reopened, one never accepted), plus noise that must not count."""
    for _n in range(2):
        walk(world, report(world), EventState.CLOSED)
    basically = walk(world, report(world), EventState.CHECKED)
    events.rate_event(
        basically, rating=Rating.BASICALLY_SATISFIED, tracking_code=basically.tracking_code
    )
    unhappy = walk(world, report(world), EventState.CHECKED)
    events.rate_event(
        unhappy, rating=Rating.DISSATISFIED, comment="又出现了", tracking_code=unhappy.tracking_code
    )
    walk(world, report(world), EventState.DISPATCHED)
    voided = report(world)
    events.void_event(voided, by=world.wuyuan_dispatcher, reason="测试数据")
    walk(
        world,
        report(world, region=world.ganpu_grid),
        EventState.DISPATCHED,
        dispatcher=world.ganpu_dispatcher,
    )
    later = timezone.now() + dt.timedelta(days=10)
    with time_machine.travel(later, tick=False):
        events.escalate_overdue()  # the reopened and the unaccepted event missed their deadlines
    return later


def open_round(world, when):
    with time_machine.travel(when, tick=False):
        return services.open_round(
            by=world.assessor,
            name="2026年下半年",
            period_start=TODAY - dt.timedelta(days=1),
            period_end=TODAY + dt.timedelta(days=30),
            towns=[world.wuyuan, world.ganpu],
        )


def scores_of(assessment) -> dict:
    return {row.dimension: row for row in assessment.scores.all()}


def test_indicators_are_prefilled_from_events_history_and_ratings(world, records):
    round_ = open_round(world, records)
    wuyuan = scores_of(TownAssessment.objects.get(round=round_, town=world.wuyuan))
    effect = wuyuan[D.EFFECT]
    assert (effect.indicator_numerator, effect.indicator_denominator) == (3, 5)
    assert effect.indicator_value == Decimal(
        "0.6000"
    ) and effect.prefilled_score == effect.score == Decimal("60.00")
    satisfaction = wuyuan[D.SATISFACTION]
    assert (satisfaction.indicator_numerator, satisfaction.indicator_denominator) == (3, 4)
    assert satisfaction.prefilled_score == Decimal("75.00")
    organisation = wuyuan[D.ORGANISATION]
    assert (organisation.indicator_numerator, organisation.indicator_denominator) == (4, 5)
    for dimension in (D.SUPERVISION, D.CASES, D.LEGAL_REVIEW, D.SYSTEMS):
        row = wuyuan[dimension]
        assert row.indicator_value is None and row.score is None and row.indicator_note
    assert "Civicloop" in wuyuan[D.CASES].indicator_note  # "not yet recorded …"
    ganpu = scores_of(TownAssessment.objects.get(round=round_, town=world.ganpu))
    assert (
        ganpu[D.EFFECT].indicator_denominator == 1 and ganpu[D.SATISFACTION].indicator_value is None
    )
    history = TownAssessment.objects.get(round=round_, town=world.wuyuan).history.order_by("id")
    assert [h.action for h in history] == ["open", "prefill"]
    assert history[1].details["indicators"]["effect"]["numerator"] == 3


def test_the_assessor_overrides_a_computed_score_only_with_a_reason_kept_in_history(world, records):
    round_ = open_round(world, records)
    assessment = TownAssessment.objects.get(round=round_, town=world.wuyuan)
    with pytest.raises(InvalidInput) as refused:
        services.score_dimension(assessment, by=world.assessor, dimension=D.EFFECT, score=70)
    assert refused.value.field == "reason"
    row = services.score_dimension(
        assessment,
        by=world.assessor,
        dimension=D.EFFECT,
        score=70,
        reason="两件超期系系统故障",
        evidence="故障说明",
    )
    assert (
        row.score == Decimal("70.00")
        and row.prefilled_score == Decimal("60.00")
        and row.is_overridden
    )
    entry = assessment.history.get(action="override")
    assert entry.reason == "两件超期系系统故障" and entry.details == {
        "dimension": "effect",
        "score": "70.00",
        "previous": "60.00",
        "prefilled": "60.00",
        "files": 0,
    }
    services.score_dimension(
        assessment, by=world.assessor, dimension=D.EFFECT, score=60
    )  # back: no reason needed
    assert assessment.history.filter(action="score").count() == 1


def test_submitting_needs_every_score_and_fixes_the_total(world, records):
    round_ = open_round(world, records)
    assessment = TownAssessment.objects.get(round=round_, town=world.wuyuan)
    with pytest.raises(InvalidInput):
        services.submit_assessment(assessment, by=world.assessor)
    for dimension, value in {
        D.SYSTEMS: 80,
        D.SUPERVISION: 90,
        D.CASES: 70,
        D.LEGAL_REVIEW: 60,
    }.items():
        services.score_dimension(assessment, by=world.assessor, dimension=dimension, score=value)
    services.score_dimension(
        assessment, by=world.assessor, dimension=D.ORGANISATION, score=80
    )  # = prefilled
    services.submit_assessment(assessment, by=world.assessor, comments="总体平稳")
    assessment.refresh_from_db()
    # 10×80 + 10×80 + 15×90 + 20×70 + 15×60 + 15×60 + 15×75 = 7275
    assert assessment.state == AssessmentState.SUBMITTED and assessment.total == Decimal("72.75")
    submit = assessment.history.get(action="submit")
    assert (submit.from_state, submit.to_state, submit.details["total"]) == (
        "draft",
        "submitted",
        "72.75",
    )
    with pytest.raises(InvalidTransition):
        services.score_dimension(assessment, by=world.assessor, dimension=D.CASES, score=99)
    with pytest.raises(InvalidInput):
        services.reopen_assessment(assessment, by=world.centre, reason="")
    services.reopen_assessment(assessment, by=world.centre, reason="补充证据")
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.DRAFT
    assert assessment.history.get(action="reopen").reason == "补充证据"


@pytest.mark.parametrize("username", ["wuyuan_dispatcher", "centre", "leader", "dept_officer"])
def test_only_assessors_score(world, records, username):
    round_ = open_round(world, records)
    assessment = TownAssessment.objects.get(round=round_, town=world.wuyuan)
    with pytest.raises(NotPermitted):
        services.score_dimension(assessment, by=world.users[username], dimension=D.CASES, score=80)


def test_towns_cannot_open_rounds(world):
    with pytest.raises(NotPermitted):
        services.open_round(
            by=world.wuyuan_dispatcher, name="测试", period_start=TODAY, period_end=TODAY
        )


def test_results_are_ranked_and_exported_to_excel(world, records, client):
    round_ = open_round(world, records)
    for town, value in ((world.wuyuan, 70), (world.ganpu, 90)):
        assessment = TownAssessment.objects.get(round=round_, town=town)
        for row in assessment.scores.all():
            services.score_dimension(
                assessment,
                by=world.assessor,
                dimension=row.dimension,
                score=value,
                reason="" if row.prefilled_score in (None, value) else "按现场核查",
            )
    rows = round_results(round_)
    assert [(r.town, r.total, r.rank) for r in rows] == [
        (world.ganpu, Decimal("90.00"), 1),
        (world.wuyuan, Decimal("70.00"), 2),
    ]
    target = io.BytesIO()
    write_results_workbook(round_, rows, target)
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[3]][:2] == [1, "澉浦镇"] and sheet.cell(
        row=3, column=11
    ).value == 90
    client.force_login(world.centre)
    response = client.get(reverse("assessment:round-export", args=[round_.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    page = client.get(reverse("assessment:round", args=[round_.pk])).content.decode()
    assert page.index("澉浦镇") < page.index("武原街道")
    client.force_login(world.wuyuan_dispatcher)
    assert client.get(reverse("assessment:round", args=[round_.pk])).status_code == 403
    # …but the town sees its own assessment, not the other town's.
    assert (
        client.get(
            reverse("assessment:assessment", args=[round_.pk, world.wuyuan.code])
        ).status_code
        == 200
    )
    assert (
        client.get(reverse("assessment:assessment", args=[round_.pk, world.ganpu.code])).status_code
        == 404
    )
