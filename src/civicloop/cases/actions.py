"""From an action's input (a web form's cleaned data or an API serializer's validated data,
which use the same keys) to the one service call of that action.

Pages and the API both call :func:`perform`, so each transition is wired once.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import NotFound

from . import services
from .rules import Penalty


def _penalty(data: dict) -> Penalty:
    return Penalty(
        data["outcome"],
        data.get("fine"),
        data.get("confiscation"),
        tuple(data.get("penalties") or ()),
    )


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
    )


def perform(name: str, case, by, data: dict):
    """Call the service function of transition ``name`` with ``data``."""
    reason = data.get("reason", "")
    match name:
        case "start_investigation":
            return services.start_investigation(case, by=by)
        case "add_evidence":
            return services.add_evidence(
                case,
                by=by,
                kind=data["kind"],
                description=data["description"],
                collected_on=data.get("collected_on"),
                file=data.get("file"),
            )
        case "conclude_investigation":
            return services.conclude_investigation(case, by=by, findings=findings(data))
        case "conclude_fast_track":
            return services.conclude_fast_track(case, by=by, findings=findings(data))
        case "approve_case_review":
            return services.approve_case_review(case, by=by, note=reason)
        case "return_case_review":
            return services.return_case_review(case, by=by, reason=reason)
        case "assign_reviewers":
            return services.assign_reviewers(
                case,
                by=by,
                reviewers=list(data["reviewers"]),
                mode=data["mode"],
                place=data.get("place", ""),
                meeting_at=data.get("meeting_at"),
            )
        case "record_opinion":
            return services.record_opinion(
                case,
                by=by,
                opinion=data["opinion"],
                changes=data.get("changes", ""),
                reasons=data.get("reasons", ""),
                return_to=data.get("return_to", ""),
            )
        case "refer_to_legal_review":
            return services.refer_to_legal_review(case, by=by, reason=reason)
        case "serve_notice":
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
        case "record_waiver":
            return services.record_waiver(
                case,
                by=by,
                statement=data.get("statement", False),
                hearing=data.get("hearing", False),
                note=data.get("note", ""),
                at=data.get("at"),
            )
        case "record_statement":
            return services.record_statement(
                case,
                by=by,
                content=data["content"],
                review_note=data["review_note"],
                adopted=data.get("adopted", False),
                received_at=data.get("received_at"),
            )
        case "request_hearing":
            return services.request_hearing(case, by=by, requested_at=data.get("requested_at"))
        case "schedule_hearing":
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
        case "hold_hearing":
            return services.hold_hearing(
                case,
                by=by,
                outcome=data["outcome"],
                held_at=data.get("held_at"),
                transcript_summary=data.get("transcript_summary", ""),
            )
        case "decide":
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
                ),
            )
        case "decide_on_the_spot":
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
        case "serve_decision":
            return services.serve_decision(
                case, by=by, method=data["method"], served_at=data.get("served_at"), reason=reason
            )
        case "record_payment":
            return services.record_payment(
                case,
                by=by,
                amount=data["amount"],
                paid_on=data.get("paid_on"),
                receipt_number=data.get("receipt_number", ""),
            )
        case "close":
            return services.close_case(
                case, by=by, reason=reason, court_enforcement_on=data.get("court_enforcement_on")
            )
        case "request_withdrawal":
            return services.request_withdrawal(case, by=by, reason=reason)
        case "approve_withdrawal":
            return services.approve_withdrawal(case, by=by, note=reason)
        case "reject_withdrawal":
            return services.reject_withdrawal(case, by=by, reason=reason)
        case "request_extension":
            return services.request_extension(
                case, by=by, reason=reason, days=data["days"], legal_basis=data["legal_basis"]
            )
        case "approve_extension":
            return services.approve_extension(case, by=by, note=reason)
        case "reject_extension":
            return services.reject_extension(case, by=by, reason=reason)
        case "convert_to_ordinary":
            return services.convert_to_ordinary(case, by=by, reason=reason)
    raise NotFound(_("There is no such action."))
