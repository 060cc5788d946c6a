"""Demo data of the assessment, made only through the service functions.

:func:`load_demo_assessment` — the 2026 first-half assessment round (一镇一评估): every
town pre-filled from records, scored, all but one submitted. Idempotent: a second run adds
nothing.
"""

from __future__ import annotations

import datetime as dt
import random

import time_machine
from django.db import transaction

from civicloop.matters.demo import GANPU, _at, _mark_old_notifications_read, _past, _workday
from civicloop.org.choices import Role
from civicloop.org.models import User

from . import services
from .choices import Dimension
from .models import AssessmentRound, TownAssessment

ROUND_NAME = "2026年上半年一镇一评估（演示）"
ROUND_PERIOD = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
ROUND_OPENED = dt.date(2026, 7, 6)
LOW_LEGAL_REVIEW = (
    GANPU  # scores below the pass mark: the town page then suggests reviewing its additions
)
LEFT_IN_DRAFT = "通元镇"


def load_demo_assessment(*, seed: int = 2026) -> AssessmentRound | None:
    """Open, score and submit the demo round (as the demo assessor); None when not possible."""
    if AssessmentRound.objects.exists():
        return None
    assessor = (
        User.objects.filter(posts__role=Role.ASSESSOR, posts__is_active=True)
        .order_by("username")
        .first()
    )
    if assessor is None or not _past(_at(ROUND_OPENED, 9)):
        return None
    rng = random.Random(seed)
    with transaction.atomic():
        with time_machine.travel(_at(ROUND_OPENED, 9), tick=False):
            round_ = services.open_round(
                by=assessor,
                name=ROUND_NAME,
                period_start=ROUND_PERIOD[0],
                period_end=ROUND_PERIOD[1],
            )
        scored_on = ROUND_OPENED + dt.timedelta(days=7)
        assessments = list(
            TownAssessment.objects.filter(round=round_)
            .select_related("town")
            .order_by("town__code")
        )
        # The assessor corrects the on-time score of the town where it is lowest (with a reason).
        computed = [
            (row.prefilled_score, a.town.code, a.pk)
            for a in assessments
            for row in a.scores.all()
            if row.dimension == Dimension.EFFECT and row.prefilled_score is not None
        ]
        overridden = min(computed)[2] if computed else None
        for index, assessment in enumerate(assessments):
            moment = _at(_workday(scored_on + dt.timedelta(days=index)), 14)
            with time_machine.travel(moment, tick=False):
                _score(assessment, assessor, rng, override=assessment.pk == overridden)
    _mark_old_notifications_read()
    return round_


def _score(
    assessment: TownAssessment, assessor: User, rng: random.Random, *, override: bool
) -> None:
    name = assessment.town.name
    given = {
        Dimension.SYSTEMS: rng.randint(78, 95),
        Dimension.SUPERVISION: rng.randint(72, 93),
        Dimension.CASES: rng.randint(70, 92),
        Dimension.LEGAL_REVIEW: 56 if name == LOW_LEGAL_REVIEW else rng.randint(72, 95),
    }
    evidence = {
        Dimension.SYSTEMS: "查阅镇（街道）综合执法工作制度汇编、值班表和培训台账。",
        Dimension.SUPERVISION: "抽查上半年“综合查一次”检查记录12份。",
        Dimension.CASES: "抽查行政处罚案卷10卷，程序基本规范。",
        Dimension.LEGAL_REVIEW: "抽查法制审核意见书，重大执法决定均经审核。"
        if name != LOW_LEGAL_REVIEW
        else "抽查发现部分林业案件未经法制审核即作出决定，审核人员不足。",
    }
    for dimension, score in given.items():
        services.score_dimension(
            assessment,
            by=assessor,
            dimension=dimension,
            score=score,
            evidence=evidence[dimension],
            reason="",
        )
    effect = assessment.scores.filter(
        dimension=Dimension.EFFECT, prefilled_score__isnull=False
    ).first()
    if override and effect is not None:
        if effect.prefilled_score <= 95:
            score, reason, proof = (
                effect.prefilled_score + 5,
                "部分超期系县级平台升级期间系统故障所致，经核实予以调整。",
                "县社会治理中心出具的系统故障情况说明。",
            )
        else:
            score, reason, proof = (
                effect.prefilled_score - 4,
                "抽查发现2件事件反馈内容与现场情况不符，酌情扣分。",
                "现场回访记录2份。",
            )
        services.score_dimension(
            assessment,
            by=assessor,
            dimension=Dimension.EFFECT,
            score=score,
            reason=reason,
            evidence=proof,
        )
    for row in assessment.scores.filter(score__isnull=True):
        # No events to compute from (a quiet town): the assessor scores from its files.
        services.score_dimension(
            assessment,
            by=assessor,
            dimension=row.dimension,
            score=rng.randint(80, 92),
            evidence="查阅相关台账。",
        )
    if name != LEFT_IN_DRAFT:
        services.submit_assessment(
            assessment, by=assessor, comments="总体运行平稳，建议加强法制审核力量和案卷规范化建设。"
        )
