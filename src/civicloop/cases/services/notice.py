"""事先告知, 陈述申辩, 听证: the prior notice, the party's statement and the hearing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput
from civicloop.core.inputs import clean_text as _text
from civicloop.core.inputs import past_moment as _aware
from civicloop.org.models import User

from .. import deadlines as dl
from ..choices import (
    DeadlineKind,
    HearingOutcome,
    ServiceMethod,
)
from ..models import (
    Case,
    Hearing,
    PriorNotice,
    Statement,
)
from ..rules import (
    HEARING_NOTICE_WORKING_DAYS,
    Penalty,
    check_fine_in_range,
    check_penalty,
    hearing_grounds,
    money,
    principal_party_type,
)
from .base import CASE_FLOW, S, _notify_responsible, _parties, _penalty_details, _stay, _versions


def _proposal(case: Case) -> Penalty:
    return Penalty(
        case.proposed_outcome,
        case.proposed_fine,
        case.proposed_confiscation,
        tuple(case.proposed_penalties or ()),
    )


def _notice_penalty(notice: PriorNotice) -> Penalty:
    return Penalty(notice.outcome, notice.fine, notice.confiscation, tuple(notice.penalties or ()))


@transaction.atomic
def serve_notice(
    case: Case,
    *,
    by: User,
    method: str,
    served_at: dt.datetime | None = None,
    penalty: Penalty | None = None,
    waive_statement: bool = False,
    waive_hearing: bool = False,
    waiver_note: str = "",
) -> PriorNotice:
    """事先告知 (Art. 44): the proposed penalty with its facts, reasons and basis, and the party's
    rights — statement and defence, and a hearing where Art. 63 gives one. ``penalty`` may
    adjust the proposal (e.g. the changes a review asked for). A written waiver given with
    the notice (fast track) is recorded with it."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "serve_notice", by)
    if case.current_notice_id is not None:
        raise InvalidInput(_("The prior notice of this stage has been served already."))
    now = timezone.now()
    served_at = _aware(served_at, field="served_at", now=now)
    if method not in ServiceMethod.values:
        raise InvalidInput(_("Choose how the notice reached the party."), field="method")
    if penalty is not None:
        penalty = check_penalty(
            Penalty(
                penalty.outcome,
                money(penalty.fine),
                money(penalty.confiscation),
                tuple(penalty.kinds),
            )
        )
        check_fine_in_range(
            penalty,
            _versions(case),
            reason=case.proposal_reason,
            party_type=principal_party_type(_parties(case)),
        )
        case.proposed_outcome, case.proposed_fine = penalty.outcome, penalty.fine
        case.proposed_confiscation, case.proposed_penalties = (
            penalty.confiscation,
            list(penalty.kinds),
        )
    else:
        if not case.proposed_outcome:
            raise InvalidInput(_("The case has no proposed outcome to notify."))
        penalty = _proposal(case)
    grounds = hearing_grounds(penalty, _parties(case), other_ground=case.other_hearing_ground)
    if waive_hearing and not grounds:
        raise InvalidInput(
            _("The party has no right to a hearing to waive."), field="waive_hearing"
        )
    waiver_note = _text(
        waiver_note, field="waiver_note", max_length=1000, required=waive_statement or waive_hearing
    )
    statement = dl.open_deadline(case, DeadlineKind.STATEMENT_PERIOD, served_at)
    request = dl.open_deadline(case, DeadlineKind.HEARING_REQUEST, served_at) if grounds else None
    if not grounds:
        case.deadlines.filter(kind=DeadlineKind.HEARING_REQUEST, is_active=True).update(
            is_active=False
        )
    notice = PriorNotice.objects.create(
        case=case,
        served_at=served_at,
        method=method,
        outcome=penalty.outcome,
        fine=penalty.fine,
        confiscation=penalty.confiscation,
        penalties=list(penalty.kinds),
        hearing_right=bool(grounds),
        statement_until=statement.due_at,
        hearing_request_until=request.due_at if request else None,
        statement_waived_at=served_at if waive_statement else None,
        hearing_waived_at=served_at if waive_hearing else None,
        waiver_note=waiver_note,
        served_by=by,
    )
    case.current_notice = notice
    _stay(
        case,
        transition.name,
        by=by,
        fields=[
            "current_notice",
            "proposed_outcome",
            "proposed_fine",
            "proposed_confiscation",
            "proposed_penalties",
        ],
        details={
            "notice": notice.pk,
            "penalty": _penalty_details(penalty),
            "hearing_grounds": grounds,
            "statement_until": notice.statement_until.isoformat(),
            "hearing_request_until": notice.hearing_request_until.isoformat()
            if notice.hearing_request_until
            else None,
            "waived_statement": waive_statement,
            "waived_hearing": waive_hearing,
        },
    )
    return notice


def _current_notice(case: Case) -> PriorNotice:
    if case.current_notice_id is None:
        raise InvalidInput(_("Serve the prior notice first."))
    return case.current_notice


@transaction.atomic
def record_waiver(
    case: Case,
    *,
    by: User,
    statement: bool = True,
    hearing: bool = False,
    note: str,
    at: dt.datetime | None = None,
) -> PriorNotice:
    """The party gives up statement and defence and/or the hearing in writing (Art. 62)."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "record_waiver", by)
    notice = _current_notice(case)
    at = _aware(at, field="at", now=timezone.now())
    if not statement and not hearing:
        raise InvalidInput(_("Say what the party gives up."), field="statement")
    if hearing and not notice.hearing_right:
        raise InvalidInput(_("The party has no right to a hearing to waive."), field="hearing")
    if at < notice.served_at:
        raise InvalidInput(_("A waiver comes after the notice."), field="at")
    note = _text(note, field="note", max_length=1000, required=True)
    if statement:
        notice.statement_waived_at = at
    if hearing:
        notice.hearing_waived_at = at
    notice.waiver_note = "\n".join(x for x in (notice.waiver_note, note) if x)
    notice.save(update_fields=["statement_waived_at", "hearing_waived_at", "waiver_note"])
    _stay(
        case,
        transition.name,
        by=by,
        reason=note,
        details={
            "notice": notice.pk,
            "statement": statement,
            "hearing": hearing,
            "at": at.isoformat(),
        },
    )
    return notice


@transaction.atomic
def record_statement(
    case: Case,
    *,
    by: User,
    content: str,
    review_note: str,
    adopted: bool = False,
    received_at: dt.datetime | None = None,
) -> Statement:
    """陈述申辩 and its re-examination (复核, Art. 45): what the party said and whether its facts,
    reasons or evidence hold."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "record_statement", by)
    notice = _current_notice(case)
    received_at = _aware(received_at, field="received_at", now=timezone.now())
    if received_at < notice.served_at:
        raise InvalidInput(_("A statement comes after the notice."), field="received_at")
    content = _text(content, field="content", required=True)
    review_note = _text(review_note, field="review_note", required=True)
    row = Statement.objects.create(
        case=case,
        notice=notice,
        received_at=received_at,
        content=content,
        review_note=review_note,
        adopted=adopted,
        recorded_by=by,
    )
    CASE_FLOW.move(
        case,
        transition.name,
        S.STATEMENT,
        by=by,
        details={
            "statement": row.pk,
            "adopted": adopted,
            "within_period": received_at <= notice.statement_until,
        },
    )
    return row


@transaction.atomic
def request_hearing(case: Case, *, by: User, requested_at: dt.datetime | None = None) -> Hearing:
    """The party asks for a hearing: only where the notice gave the right (Art. 63), within
    5 working days of the notice (Art. 64 (1), Art. 85)."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "request_hearing", by)
    notice = _current_notice(case)
    requested_at = _aware(requested_at, field="requested_at", now=timezone.now())
    if not notice.hearing_right:
        raise InvalidInput(
            _("The proposed penalty gives no right to a hearing (Art. 63)."), field="requested_at"
        )
    if notice.hearing_waived_at is not None:
        raise InvalidInput(_("The party waived the hearing in writing."), field="requested_at")
    if requested_at < notice.served_at:
        raise InvalidInput(_("A hearing request comes after the notice."), field="requested_at")
    if requested_at > notice.hearing_request_until:
        raise InvalidInput(
            _(
                "A hearing must be requested within 5 working days of the notice (Art. 64 (1)); "
                "that period ended on %(date)s."
            )
            % {"date": timezone.localtime(notice.hearing_request_until).date()},
            field="requested_at",
        )
    hearing = Hearing.objects.create(case=case, notice=notice, requested_at=requested_at)
    CASE_FLOW.move(case, transition.name, S.HEARING, by=by, details={"hearing": hearing.pk})
    _notify_responsible(
        case, verb="hearing", message=_("The party of case %(number)s asked for a hearing")
    )
    return hearing


def _current_hearing(case: Case) -> Hearing:
    hearing = case.hearings.order_by("-requested_at", "-id").first()
    if hearing is None:
        raise InvalidInput(_("No hearing was requested."))
    return hearing


@transaction.atomic
def schedule_hearing(
    case: Case,
    *,
    by: User,
    host: User,
    scheduled_at: dt.datetime,
    place: str,
    notified_at: dt.datetime | None = None,
    is_public: bool = True,
    not_public_reason: str = "",
) -> Hearing:
    """Art. 64: the party is told the time and place at least 7 working days before (2); the
    hearing is public unless it concerns state or commercial secrets or privacy (3); the
    host did not investigate the case (4)."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "schedule_hearing", by)
    hearing = _current_hearing(case)
    if hearing.outcome:
        raise InvalidInput(_("The hearing has been recorded already."))
    now = timezone.now()
    notified_at = _aware(notified_at, field="notified_at", now=now)
    if scheduled_at is None:
        raise InvalidInput(_("Give the time of the hearing."), field="scheduled_at")
    if timezone.is_naive(scheduled_at):
        scheduled_at = timezone.make_aware(scheduled_at)
    earliest = dl.last_day(notified_at, HEARING_NOTICE_WORKING_DAYS, "working_days")
    if timezone.localtime(scheduled_at).date() < earliest:
        raise InvalidInput(
            _(
                "The party must be notified at least 7 working days before the hearing "
                "(Art. 64 (2)); the earliest day is %(date)s."
            )
            % {"date": earliest},
            field="scheduled_at",
        )
    if host is None or not host.is_active:
        raise InvalidInput(_("Choose who hosts the hearing."), field="host")
    if case.handlers.filter(user=host).exists():
        raise InvalidInput(
            _("The host must not have investigated the case (Art. 64 (4))."), field="host"
        )
    place = _text(place, field="place", max_length=200, required=True)
    not_public_reason = _text(
        not_public_reason, field="not_public_reason", max_length=200, required=not is_public
    )
    hearing.notified_at, hearing.scheduled_at, hearing.place = notified_at, scheduled_at, place
    hearing.host, hearing.is_public, hearing.not_public_reason = host, is_public, not_public_reason
    hearing.save()
    _stay(
        case,
        transition.name,
        by=by,
        details={
            "hearing": hearing.pk,
            "host": host.pk,
            "scheduled_at": scheduled_at.isoformat(),
            "public": is_public,
        },
    )
    return hearing


@transaction.atomic
def hold_hearing(
    case: Case,
    *,
    by: User,
    outcome: str,
    held_at: dt.datetime | None = None,
    transcript_summary: str = "",
) -> Hearing:
    """What happened: held (with the transcript), the party absent without good reason
    (deemed a waiver, Art. 64 (6)), or the request withdrawn."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "hold_hearing", by)
    hearing = _current_hearing(case)
    if hearing.outcome:
        raise InvalidInput(_("The hearing has been recorded already."))
    if outcome not in HearingOutcome.values:
        raise InvalidInput(_("Choose what happened."), field="outcome")
    held_at = _aware(held_at, field="held_at", now=timezone.now())
    if outcome != HearingOutcome.REQUEST_WITHDRAWN and hearing.scheduled_at is None:
        raise InvalidInput(_("Schedule the hearing first."), field="outcome")
    if outcome == HearingOutcome.HELD and held_at < hearing.scheduled_at - dt.timedelta(hours=12):
        raise InvalidInput(_("A hearing is held at its scheduled time."), field="held_at")
    hearing.transcript_summary = _text(
        transcript_summary, field="transcript_summary", required=outcome == HearingOutcome.HELD
    )
    hearing.outcome, hearing.held_at = outcome, held_at
    hearing.save(update_fields=["outcome", "held_at", "transcript_summary"])
    _stay(
        case,
        transition.name,
        by=by,
        details={
            "hearing": hearing.pk,
            "outcome": outcome,
            "review_required": outcome == HearingOutcome.HELD,
        },
    )
    return hearing
