"""处罚决定: the decision (ordinary and on the spot) and its service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput
from civicloop.core.inputs import clean_text as _text
from civicloop.core.inputs import past_moment as _aware
from civicloop.org.models import User

from .. import deadlines as dl
from .. import review as rv
from ..choices import (
    DeadlineKind,
    Outcome,
    Procedure,
    ServiceMethod,
)
from ..hooks import DECISION, ON_THE_SPOT, decision_items, run_fine_checks
from ..models import (
    Case,
    Payment,
)
from ..rules import (
    ON_THE_SPOT_COLLECTION_LIMIT,
    Penalty,
    check_fine_in_range,
    check_no_penalty_ground,
    check_on_the_spot,
    check_penalty,
    is_heavier,
    money,
    principal_party_type,
)
from .base import CASE_FLOW, S, _notify_handlers, _parties, _penalty_details, _versions
from .notice import _notice_penalty


@dataclass
class Decision:
    """The decision (行政处罚决定, Art. 57): its outcome, amounts, kinds and reasons."""

    outcome: str
    fine: Decimal | None = None
    confiscation: Decimal | None = None
    penalties: Sequence[str] = ()
    reason: str = ""
    no_penalty_ground: str = ""
    collective_deliberation_on: dt.date | None = None
    serve_on_the_spot: bool = False
    # Codes of the "一免一减" items the decision applies (flexible enforcement, docs/leniency.md).
    leniency_items: Sequence[str] = ()
    # The inputs of the registered fine checks (``hooks.fine_checks``), by form field name.
    inputs: Mapping[str, object] = field(default_factory=dict)

    @property
    def penalty(self) -> Penalty:
        return Penalty(
            self.outcome,
            money(self.fine),
            money(self.confiscation),
            tuple(dict.fromkeys(self.penalties)),
        )


def decision_checks(
    case: Case, decision: Decision, penalty: Penalty, *, now: dt.datetime, by: User | None = None
) -> None:
    """The legal preconditions of a decision, in one place (each names its article).

    The fine checks other apps register (``hooks.fine_checks``: the discretion benchmark's band)
    run before the legal review is required, since leaving the band is itself a reason for one.
    The 一免一减 items a decision applies are checked next, by :func:`_apply_leniency`.
    """
    reason = decision.reason
    check_no_penalty_ground(penalty.outcome, decision.no_penalty_ground, reason)
    check_fine_in_range(
        penalty, _versions(case), reason=reason, party_type=principal_party_type(_parties(case))
    )
    run_fine_checks(
        case,
        stage=DECISION,
        penalty=penalty,
        inputs=decision.inputs,
        applied={"leniency_items": list(decision.leniency_items)},
        by=by,
        at=now,
    )
    reasons = rv.review_reasons(case)
    if reasons and not rv.approved_review_covers_decision(case):
        raise InvalidInput(
            _(
                "This case needs an approved legal review before the decision (Art. 58): %(reasons)s."
            )
            % {"reasons": "；".join(str(rv.reason_label(r)) for r in reasons)}
        )
    decision_deadline = case.active_deadline(DeadlineKind.DECISION)
    if decision_deadline is not None and decision_deadline.due_at < now:
        raise InvalidInput(
            _(
                "The decision deadline (Art. 60) passed on %(date)s; an extension must be "
                "approved first."
            )
            % {"date": timezone.localtime(decision_deadline.due_at).date()}
        )
    if case.needs_collective_deliberation and decision.collective_deliberation_on is None:
        raise InvalidInput(
            _(
                "The responsible persons decide this case together (Art. 57 ¶2): give the date "
                "of the collective deliberation."
            ),
            field="collective_deliberation_on",
        )
    if penalty.outcome == Outcome.NO_PENALTY:
        return
    notice = case.current_notice
    if notice is None:
        raise InvalidInput(
            _("A penalty is decided only after the prior notice (Art. 44, Art. 62).")
        )
    if is_heavier(penalty, _notice_penalty(notice)):
        raise InvalidInput(
            _(
                "The decision is heavier than the penalty notified to the party; serve a new "
                "prior notice first (Art. 44, Art. 45)."
            ),
            field="fine",
        )
    if notice.statement_waived_at is None and now < notice.statement_until:
        raise InvalidInput(
            _(
                "The party's statement period runs until %(until)s (Art. 62); wait, or record "
                "the party's written waiver."
            )
            % {"until": timezone.localtime(notice.statement_until).strftime("%Y-%m-%d %H:%M")}
        )
    hearing = case.hearings.filter(notice=notice).order_by("-requested_at").first()
    if hearing is not None:
        if not hearing.outcome:
            raise InvalidInput(
                _("The party asked for a hearing; record the hearing first (Art. 63, Art. 65).")
            )
    elif (
        notice.hearing_right
        and notice.hearing_waived_at is None
        and now < notice.hearing_request_until
    ):
        raise InvalidInput(
            _(
                "The party may ask for a hearing until %(until)s (Art. 64 (1)); wait, or record "
                "the party's written waiver."
            )
            % {"until": timezone.localtime(notice.hearing_request_until).strftime("%Y-%m-%d %H:%M")}
        )


def _apply_leniency(
    case: Case, decision: Decision, penalty: Penalty, *, by: User, now: dt.datetime
) -> list[str]:
    """The "一免一减" items the decision applies, checked (each must apply to this case and go with
    the outcome) and recorded in this transaction by the app registered for them in
    ``hooks.decision_items`` (leniency); a refusal rolls the
    decision back. Returns their codes for the history row."""
    if not decision.leniency_items:
        return []
    items = decision_items.find("leniency_items")
    if items is None:
        raise InvalidInput(
            _("Not an item of this case's matters in force: %(codes)s.")
            % {"codes": ", ".join(decision.leniency_items)},
            field="leniency_items",
        )
    return items.apply(
        case,
        items=decision.leniency_items,
        outcome=penalty.outcome,
        no_penalty_ground=decision.no_penalty_ground,
        by=by,
        at=now,
    )


def _write_decision(
    case: Case, penalty: Penalty, decision: Decision, *, by: User, now: dt.datetime
) -> list[str]:
    case.outcome, case.fine_amount, case.confiscation_amount = (
        penalty.outcome,
        penalty.fine,
        penalty.confiscation,
    )
    case.penalties = list(penalty.kinds)
    case.no_penalty_ground = (
        decision.no_penalty_ground if penalty.outcome == Outcome.NO_PENALTY else ""
    )
    case.decision_reason = _text(decision.reason, field="reason")
    case.collective_deliberation_on = decision.collective_deliberation_on
    case.decided_at, case.decided_by = now, by
    return [
        "outcome",
        "fine_amount",
        "confiscation_amount",
        "penalties",
        "no_penalty_ground",
        "decision_reason",
        "collective_deliberation_on",
        "decided_at",
        "decided_by",
    ]


def _after_service(case: Case, *, served_at: dt.datetime) -> None:
    dl.meet_deadlines(case, DeadlineKind.SERVICE, at=served_at)
    if case.fine_amount:
        dl.open_deadline(case, DeadlineKind.PAYMENT, served_at)


@transaction.atomic
def decide_case(case: Case, *, by: User, decision: Decision) -> Case:
    """决定 (Art. 57) by the responsible person, after every precondition of
    :func:`decision_checks`. Served at once when the party is present (Art. 61 ¶1)."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "decide", by)
    now = timezone.now()
    penalty = check_penalty(decision.penalty)
    decision_checks(case, decision, penalty, now=now, by=by)
    applied = _apply_leniency(case, decision, penalty, by=by, now=now)
    fields = _write_decision(case, penalty, decision, by=by, now=now)
    dl.meet_deadlines(case, DeadlineKind.DECISION, DeadlineKind.FAST_TRACK, at=now)
    details = {
        "decision": _penalty_details(penalty),
        "served": decision.serve_on_the_spot,
        "no_penalty_ground": case.no_penalty_ground,
    }
    if applied:
        details["leniency_items"] = applied
    if decision.serve_on_the_spot:
        case.served_at, case.service_method = now, ServiceMethod.ON_THE_SPOT
        fields += ["served_at", "service_method"]
        CASE_FLOW.move(case, transition.name, S.SERVED, by=by, details=details, fields=fields)
        _after_service(case, served_at=now)
    else:
        CASE_FLOW.move(case, transition.name, S.DECIDED, by=by, details=details, fields=fields)
        dl.open_deadline(case, DeadlineKind.SERVICE, now)
    _notify_handlers(case, verb="decided", message=_("Case %(number)s was decided"))
    return case


@dataclass
class SpotDecision:
    """An on-the-spot decision under the simple procedure (当场处罚, Arts. 51–52)."""

    outcome: str
    fine: Decimal | None = None
    penalties: Sequence[str] = ()
    reason: str = ""
    party_informed: bool = False
    collected_on_the_spot: bool = False
    receipt_number: str = ""
    collection_reason: str = ""


@transaction.atomic
def decide_on_the_spot(case: Case, *, by: User, decision: SpotDecision) -> Case:
    """简易程序: the handlers decide and hand over the decision at once — a warning, or a fine up
    to 200 yuan (citizen) / 3 000 yuan (organisation) (Art. 51); the party was told the facts,
    reasons and basis and heard (Art. 44, 45). A fine up to 100 yuan, or one that would be hard
    to collect later, may be collected on the spot against a receipt (Art. 68, 70)."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "decide_on_the_spot", by)
    if case.procedure != Procedure.SIMPLE:
        raise InvalidInput(_("Only a simple-procedure case is decided on the spot."))
    now = timezone.now()
    penalty = check_penalty(
        Penalty(
            decision.outcome, money(decision.fine), None, tuple(dict.fromkeys(decision.penalties))
        )
    )
    check_on_the_spot(penalty, _parties(case))
    reason = _text(decision.reason, field="reason")
    check_fine_in_range(
        penalty, _versions(case), reason=reason, party_type=principal_party_type(_parties(case))
    )
    if not decision.party_informed:
        raise InvalidInput(
            _(
                "Tell the party the facts, reasons and basis and hear the party before deciding "
                "(Art. 44, Art. 45)."
            ),
            field="party_informed",
        )
    run_fine_checks(case, stage=ON_THE_SPOT, penalty=penalty, by=by, at=now)
    collected = decision.collected_on_the_spot and penalty.fine_or_zero > 0
    if collected:
        if not decision.receipt_number.strip():
            raise InvalidInput(
                _(
                    "A fine collected on the spot needs the number of the official receipt "
                    "(Art. 70)."
                ),
                field="receipt_number",
            )
        if (
            penalty.fine_or_zero > ON_THE_SPOT_COLLECTION_LIMIT
            and not decision.collection_reason.strip()
        ):
            raise InvalidInput(
                _(
                    "Above 100 yuan a fine is collected on the spot only when it would be hard to "
                    "collect later; say why (Art. 68)."
                ),
                field="collection_reason",
            )
    fields = _write_decision(
        case, penalty, Decision(outcome=penalty.outcome, reason=reason), by=by, now=now
    )
    case.fine_amount, case.penalties = penalty.fine, list(penalty.kinds)
    case.served_at, case.service_method = now, ServiceMethod.ON_THE_SPOT
    fields += ["served_at", "service_method"]
    if collected:
        Payment.objects.create(
            case=case,
            amount=penalty.fine,
            paid_on=timezone.localdate(now),
            receipt_number=decision.receipt_number.strip(),
            collected_on_the_spot=True,
            recorded_by=by,
        )
        case.performed_at = now
        fields.append("performed_at")
    CASE_FLOW.move(
        case,
        transition.name,
        S.SERVED,
        by=by,
        fields=fields,
        details={
            "decision": _penalty_details(penalty),
            "collected_on_the_spot": collected,
            "collection_reason": decision.collection_reason.strip(),
        },
    )
    if penalty.fine_or_zero > 0 and not collected:
        dl.open_deadline(case, DeadlineKind.PAYMENT, now)
    return case


@transaction.atomic
def serve_decision(
    case: Case, *, by: User, method: str, served_at: dt.datetime | None = None, reason: str = ""
) -> Case:
    """送达: within 7 working days of the decision (Art. 61, Art. 85); a later service states why."""
    case = CASE_FLOW.lock(case)
    transition, reason = CASE_FLOW.check(case, "serve_decision", by, reason=reason)
    served_at = _aware(served_at, field="served_at", now=timezone.now())
    if method not in ServiceMethod.values or method == ServiceMethod.ON_THE_SPOT:
        raise InvalidInput(_("Choose how the decision reached the party."), field="method")
    if served_at < case.decided_at:
        raise InvalidInput(_("A decision is served after it is made."), field="served_at")
    deadline = case.active_deadline(DeadlineKind.SERVICE)
    late = deadline is not None and served_at > deadline.due_at
    if late and not reason:
        raise InvalidInput(
            _("The decision is served after the 7 working days of Art. 61; say why."),
            field="reason",
        )
    case.served_at, case.service_method = served_at, method
    CASE_FLOW.move(
        case,
        transition.name,
        S.SERVED,
        by=by,
        reason=reason,
        fields=["served_at", "service_method"],
        details={"method": method, "served_at": served_at.isoformat(), "late": late},
    )
    _after_service(case, served_at=served_at)
    return case
