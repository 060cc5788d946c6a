"""From an action's input (a web form's cleaned data or an API serializer's validated data,
which use the same keys) to the one service call of that action.

Pages and the API both call :data:`CASE_ACTIONS` (``perform(name, case, by=…, data=…)``),
so each transition is wired once (the mechanism is ``core.actions``).
"""

from __future__ import annotations

from civicloop.core.actions import Actions, with_reason, without_input

from . import services
from .rules import Penalty

CASE_ACTIONS = Actions("case")


def _penalty(data: dict) -> Penalty:
    return Penalty(
        data["outcome"],
        data.get("fine"),
        data.get("confiscation"),
        tuple(data.get("penalties") or ()),
    )


def _inputs(data: dict) -> dict:
    """The inputs of the registered fine checks (``hooks.fine_checks``): a form's own fields,
    or the API's ``fine_check_inputs``."""
    return {**data, **(data.get("fine_check_inputs") or {})}


def findings(data: dict) -> services.Findings:
    return services.Findings(
        facts=data["facts"],
        outcome=data["outcome"],
        fine=data.get("fine"),
        confiscation=data.get("confiscation"),
        penalties=data.get("penalties") or (),
        reason=data.get("reason", ""),
        facts_clear=data.get("facts_clear", False),
        evidence_complete=data.get("evidence_complete", False),
        party_admits=data.get("party_admits", False),
        major_public_interest=data.get("major_public_interest", False),
        is_complex=data.get("is_complex", False),
        other_law_review_basis=data.get("other_law_review_basis", ""),
        needs_collective_deliberation=data.get("needs_collective_deliberation", False),
        other_hearing_ground=data.get("other_hearing_ground", ""),
        fast_track_consent_at=data.get("fast_track_consent_at"),
        inputs=_inputs(data),
    )


@CASE_ACTIONS.register("add_evidence")
def _add_evidence(case, by, data):
    return services.add_evidence(
        case,
        by=by,
        kind=data["kind"],
        description=data["description"],
        collected_on=data.get("collected_on"),
        file=data.get("file"),
    )


@CASE_ACTIONS.register("conclude_investigation")
def _conclude_investigation(case, by, data):
    return services.conclude_investigation(case, by=by, findings=findings(data))


@CASE_ACTIONS.register("conclude_fast_track")
def _conclude_fast_track(case, by, data):
    return services.conclude_fast_track(case, by=by, findings=findings(data))


@CASE_ACTIONS.register("assign_reviewers")
def _assign_reviewers(case, by, data):
    return services.assign_reviewers(
        case,
        by=by,
        reviewers=list(data["reviewers"]),
        mode=data["mode"],
        place=data.get("place", ""),
        meeting_at=data.get("meeting_at"),
    )


@CASE_ACTIONS.register("record_opinion")
def _record_opinion(case, by, data):
    return services.record_opinion(
        case,
        by=by,
        opinion=data["opinion"],
        changes=data.get("changes", ""),
        reasons=data.get("reasons", ""),
        return_to=data.get("return_to", ""),
    )


@CASE_ACTIONS.register("serve_notice")
def _serve_notice(case, by, data):
    penalty = _penalty(data) if data.get("outcome") else None
    return services.serve_notice(
        case,
        by=by,
        method=data["method"],
        served_at=data.get("served_at"),
        penalty=penalty,
        waive_statement=data.get("waive_statement", False),
        waive_hearing=data.get("waive_hearing", False),
        waiver_note=data.get("waiver_note", ""),
    )


@CASE_ACTIONS.register("record_waiver")
def _record_waiver(case, by, data):
    return services.record_waiver(
        case,
        by=by,
        statement=data.get("statement", False),
        hearing=data.get("hearing", False),
        note=data.get("note", ""),
        at=data.get("at"),
    )


@CASE_ACTIONS.register("record_statement")
def _record_statement(case, by, data):
    return services.record_statement(
        case,
        by=by,
        content=data["content"],
        review_note=data["review_note"],
        adopted=data.get("adopted", False),
        received_at=data.get("received_at"),
    )


@CASE_ACTIONS.register("request_hearing")
def _request_hearing(case, by, data):
    return services.request_hearing(case, by=by, requested_at=data.get("requested_at"))


@CASE_ACTIONS.register("schedule_hearing")
def _schedule_hearing(case, by, data):
    return services.schedule_hearing(
        case,
        by=by,
        host=data["host"],
        scheduled_at=data["scheduled_at"],
        place=data["place"],
        notified_at=data.get("notified_at"),
        is_public=data.get("is_public", True),
        not_public_reason=data.get("not_public_reason", ""),
    )


@CASE_ACTIONS.register("hold_hearing")
def _hold_hearing(case, by, data):
    return services.hold_hearing(
        case,
        by=by,
        outcome=data["outcome"],
        held_at=data.get("held_at"),
        transcript_summary=data.get("transcript_summary", ""),
    )


@CASE_ACTIONS.register("decide")
def _decide(case, by, data):
    reason = data.get("reason", "")
    return services.decide_case(
        case,
        by=by,
        decision=services.Decision(
            outcome=data["outcome"],
            fine=data.get("fine"),
            confiscation=data.get("confiscation"),
            penalties=data.get("penalties") or (),
            reason=reason,
            no_penalty_ground=data.get("no_penalty_ground", ""),
            collective_deliberation_on=data.get("collective_deliberation_on"),
            serve_on_the_spot=data.get("serve_on_the_spot", False),
            leniency_items=data.get("leniency_items") or (),
            inputs=_inputs(data),
        ),
    )


@CASE_ACTIONS.register("decide_on_the_spot")
def _decide_on_the_spot(case, by, data):
    reason = data.get("reason", "")
    return services.decide_on_the_spot(
        case,
        by=by,
        decision=services.SpotDecision(
            outcome=data["outcome"],
            fine=data.get("fine"),
            penalties=data.get("penalties") or (),
            reason=reason,
            party_informed=data.get("party_informed", False),
            collected_on_the_spot=data.get("collected_on_the_spot", False),
            receipt_number=data.get("receipt_number", ""),
            collection_reason=data.get("collection_reason", ""),
        ),
    )


@CASE_ACTIONS.register("serve_decision")
def _serve_decision(case, by, data):
    reason = data.get("reason", "")
    return services.serve_decision(
        case, by=by, method=data["method"], served_at=data.get("served_at"), reason=reason
    )


@CASE_ACTIONS.register("record_payment")
def _record_payment(case, by, data):
    return services.record_payment(
        case,
        by=by,
        amount=data["amount"],
        paid_on=data.get("paid_on"),
        receipt_number=data.get("receipt_number", ""),
    )


@CASE_ACTIONS.register("close")
def _close(case, by, data):
    reason = data.get("reason", "")
    return services.close_case(
        case, by=by, reason=reason, court_enforcement_on=data.get("court_enforcement_on")
    )


@CASE_ACTIONS.register("request_extension")
def _request_extension(case, by, data):
    reason = data.get("reason", "")
    return services.request_extension(
        case, by=by, reason=reason, days=data["days"], legal_basis=data["legal_basis"]
    )


# Actions whose only input is a reason or a note (or nothing at all).
CASE_ACTIONS.add("start_investigation", without_input(services.start_investigation))
CASE_ACTIONS.add("approve_case_review", with_reason(services.approve_case_review, keyword="note"))
CASE_ACTIONS.add("return_case_review", with_reason(services.return_case_review))
CASE_ACTIONS.add("refer_to_legal_review", with_reason(services.refer_to_legal_review))
CASE_ACTIONS.add("request_withdrawal", with_reason(services.request_withdrawal))
CASE_ACTIONS.add("approve_withdrawal", with_reason(services.approve_withdrawal, keyword="note"))
CASE_ACTIONS.add("reject_withdrawal", with_reason(services.reject_withdrawal))
CASE_ACTIONS.add("approve_extension", with_reason(services.approve_extension, keyword="note"))
CASE_ACTIONS.add("reject_extension", with_reason(services.reject_extension))
CASE_ACTIONS.add("convert_to_ordinary", with_reason(services.convert_to_ordinary))
