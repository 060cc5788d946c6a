"""Every write to the third-party assessment (一镇一评估) goes through a function here.

Each function checks the actor's capacity (``permissions.py``) and the state against the
table in ``workflow.py``; validates its input (raising ``InvalidInput(field=…)``); writes
inside a transaction; appends one history row per change; and writes notifications,
delivered after commit. Web views, the API and the demo call these and nothing else.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput, InvalidTransition, NotPermitted
from civicloop.core.inputs import clean_text as _text
from civicloop.core.transitions import ModelWorkflow
from civicloop.matters.services import (
    MAX_TEXT,
    _check_and_store,
    _check_town,
    _command_rooms,
    _money,
)
from civicloop.notifications.services import notify_units
from civicloop.org.models import Region, User

from .choices import DEFAULT_WEIGHTS, AssessmentState, Dimension
from .indicators import compute_indicators
from .models import (
    AssessmentEvidence,
    AssessmentHistory,
    AssessmentRound,
    DimensionScore,
    TownAssessment,
)
from .permissions import assessment_capacities
from .scoring import DIMENSIONS, weighted_total
from .workflow import ASSESSMENT_WORKFLOW

ASSESSMENT_FLOW = ModelWorkflow(
    TownAssessment,
    history=AssessmentHistory,
    machine=ASSESSMENT_WORKFLOW,
    # Assessors and the county act on every town's assessment.
    capacities=lambda by, assessment: assessment_capacities(by),
    related=("round", "town"),
)


# --- third-party assessment (一镇一评估) -------------------------------------------------


def clean_weights(weights: dict | None) -> dict[str, int]:
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    cleaned = {}
    for dimension in DIMENSIONS:
        try:
            value = int(weights.get(dimension, -1))
        except (TypeError, ValueError):
            value = -1
        if value < 0:
            raise InvalidInput(_("Give every dimension a weight of 0 or more."), field="weights")
        cleaned[dimension] = value
    if sum(cleaned.values()) != 100:
        raise InvalidInput(
            _("The weights must add up to 100 (they add up to %(n)d).")
            % {"n": sum(cleaned.values())},
            field="weights",
        )
    return cleaned


@transaction.atomic
def open_round(
    *,
    by: User,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    weights: dict | None = None,
    towns=None,
) -> AssessmentRound:
    """A new round: one assessment per town, each dimension pre-filled from records."""
    if not assessment_capacities(by) & {"assessor", "county"}:
        raise NotPermitted(_("Only assessors and the county open assessment rounds."))
    name = _text(name, field="name", max_length=100, required=True)
    if period_start is None or period_end is None:
        raise InvalidInput(_("Give the period."), field="period_start")
    if period_end < period_start:
        raise InvalidInput(_("The period ends before it starts."), field="period_end")
    weights = clean_weights(weights)
    round_ = AssessmentRound.objects.create(
        name=name, period_start=period_start, period_end=period_end, weights=weights, created_by=by
    )
    towns = list(towns) if towns is not None else list(Region.objects.towns().order_by("code"))
    for town in towns:
        _check_town(town)
        assessment = TownAssessment.objects.create(round=round_, town=town)
        for dimension in DIMENSIONS:
            DimensionScore.objects.create(
                assessment=assessment, dimension=dimension, weight=Decimal(weights[dimension])
            )
        ASSESSMENT_FLOW.record(
            assessment, "open", by=by, details={"round": round_.pk, "town": town.code}
        )
        _prefill(assessment, by=by)
    return round_


def _prefill(assessment: TownAssessment, *, by: User | None) -> None:
    indicators = compute_indicators(
        assessment.town, assessment.round.period_start, assessment.round.period_end
    )
    changes = {}
    for row in assessment.scores.select_for_update():
        indicator = indicators[row.dimension]
        follows = row.score is None or row.score == row.prefilled_score
        row.indicator_value = indicator.rate
        row.indicator_numerator = indicator.numerator
        row.indicator_denominator = indicator.denominator
        row.indicator_note = indicator.note
        row.prefilled_score = indicator.score
        if follows:
            row.score = indicator.score
        row.save(
            update_fields=[
                "indicator_value",
                "indicator_numerator",
                "indicator_denominator",
                "indicator_note",
                "prefilled_score",
                "score",
            ]
        )
        changes[row.dimension] = {
            "value": _money(indicator.rate),
            "numerator": indicator.numerator,
            "denominator": indicator.denominator,
            "score": _money(indicator.score),
        }
    _update_total(assessment)
    ASSESSMENT_FLOW.record(
        assessment, "prefill", by=by, from_state=assessment.state, details={"indicators": changes}
    )


def _update_total(assessment: TownAssessment) -> None:
    rows = list(assessment.scores.all())
    assessment.total = weighted_total([(r.weight, r.score) for r in rows])
    assessment.save(update_fields=["total"])


def _check_draft_assessor(assessment: TownAssessment, by: User) -> None:
    if "assessor" not in assessment_capacities(by):
        raise NotPermitted(_("Only assessors score towns."))
    if assessment.state != AssessmentState.DRAFT:
        raise InvalidTransition(
            _("This assessment was submitted; reopen it to change scores."), code="invalid_state"
        )


@transaction.atomic
def refresh_indicators(assessment: TownAssessment, *, by: User) -> TownAssessment:
    """Recompute the indicators from records (e.g. after late events were closed)."""
    assessment = ASSESSMENT_FLOW.lock(assessment)
    _check_draft_assessor(assessment, by)
    _prefill(assessment, by=by)
    return assessment


def score_dimension(
    assessment: TownAssessment,
    *,
    by: User,
    dimension: str,
    score,
    reason: str = "",
    evidence: str | None = None,
    comment: str | None = None,
    attachments=(),
) -> DimensionScore:
    """Set one dimension's score (0–100). Departing from a pre-filled score needs a reason."""
    stored = (
        _check_and_store(attachments, field="attachments", folder="evidence") if attachments else []
    )
    with transaction.atomic():
        assessment = ASSESSMENT_FLOW.lock(assessment)
        _check_draft_assessor(assessment, by)
        if dimension not in Dimension.values:
            raise InvalidInput(_("Unknown dimension."), field="dimension")
        row = assessment.scores.select_for_update().get(dimension=dimension)
        try:
            value = None if score in (None, "") else Decimal(str(score)).quantize(Decimal("0.01"))
        except InvalidOperation as exc:
            raise InvalidInput(_("A score is a number from 0 to 100."), field="score") from exc
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            raise InvalidInput(_("A score is a number from 0 to 100."), field="score")
        reason = _text(reason, field="reason", max_length=MAX_TEXT, required=False)
        overriding = row.prefilled_score is not None and value != row.prefilled_score
        if overriding and not reason:
            raise InvalidInput(
                _("The score differs from the one computed from records (%(score)s): say why.")
                % {"score": row.prefilled_score},
                field="reason",
            )
        previous = row.score
        row.score = value
        row.override_reason = reason if overriding else ""
        if evidence is not None:
            row.evidence = _text(evidence, field="evidence", max_length=MAX_TEXT, required=False)
        if comment is not None:
            row.comment = _text(comment, field="comment", max_length=MAX_TEXT, required=False)
        row.updated_at, row.updated_by = timezone.now(), by
        row.save()
        for upload, name in stored:
            AssessmentEvidence.objects.create(
                score=row,
                file=name,
                original_name=upload.name,
                content_type=upload.content_type,
                uploaded_by=by,
            )
        _update_total(assessment)
        ASSESSMENT_FLOW.record(
            assessment,
            "override" if overriding else "score",
            by=by,
            from_state=assessment.state,
            reason=reason,
            details={
                "dimension": dimension,
                "score": _money(value),
                "previous": _money(previous),
                "prefilled": _money(row.prefilled_score),
                "files": len(stored),
            },
        )
    return row


@transaction.atomic
def submit_assessment(
    assessment: TownAssessment, *, by: User, comments: str | None = None
) -> TownAssessment:
    assessment = ASSESSMENT_FLOW.lock(assessment)
    transition, _reason = ASSESSMENT_FLOW.check(assessment, "submit", by)
    missing = [Dimension(r.dimension).label for r in assessment.scores.all() if r.score is None]
    if missing:
        raise InvalidInput(
            _("Score every dimension first; missing: %(names)s.")
            % {"names": "、".join(str(m) for m in missing)},
            field="score",
        )
    if comments is not None:
        assessment.comments = _text(comments, field="comments", max_length=MAX_TEXT, required=False)
    assessment.assessor, assessment.submitted_at = by, timezone.now()
    _update_total(assessment)
    ASSESSMENT_FLOW.move(
        assessment,
        transition.name,
        AssessmentState.SUBMITTED,
        by=by,
        fields=["assessor", "submitted_at", "comments"],
        details={"total": _money(assessment.total)},
    )
    notify_units(
        _command_rooms(assessment.town),
        verb="assessment_submitted",
        message=_("Assessment %(round)s of %(town)s: %(total)s points"),
        params={
            "round": assessment.round.name,
            "town": assessment.town.name,
            "total": _money(assessment.total),
        },
        link=reverse("assessment:assessment", args=[assessment.round_id, assessment.town.code]),
    )
    return assessment


@transaction.atomic
def reopen_assessment(assessment: TownAssessment, *, by: User, reason: str) -> TownAssessment:
    assessment = ASSESSMENT_FLOW.lock(assessment)
    transition, reason = ASSESSMENT_FLOW.check(assessment, "reopen", by, reason=reason)
    assessment.submitted_at = None
    ASSESSMENT_FLOW.move(
        assessment,
        transition.name,
        AssessmentState.DRAFT,
        by=by,
        reason=reason,
        fields=["submitted_at"],
    )
    return assessment
