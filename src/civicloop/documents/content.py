"""The data snapshot of a document: what it prints, read from the case's records.

A snapshot holds names, numbers, codes, amounts as strings and ISO dates — never
translated text: the fixed Chinese wording is in the templates (``layout.py``,
``templates/documents/docx/``), so the same snapshot renders the same document, and
its hash (:func:`content_hash`) changes only when the data does. Nothing here writes;
the numbers of other documents a snapshot cites (a proof of service names the document
served) come from the ``number_of`` callback, which the service supplies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from civicloop.cases.choices import DeadlineKind, PartyRole, ReviewState
from civicloop.cases.rules import PAYMENT_DAYS
from civicloop.discretion.assessing import document_block

from .availability import Slot, decision_kind, subject_pk
from .choices import DocumentKind

K = DocumentKind
NumberOf = Callable[[str, str], str]


# --- plain values ---------------------------------------------------------------------------


def _iso(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


def _money(value) -> str | None:
    if value is None:
        return None
    return f"{Decimal(value):.2f}"


def _name(user) -> str:
    return str(user) if user is not None else ""


def content_hash(snapshot: dict) -> str:
    """SHA-256 of the snapshot in canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the parts every document shares ---------------------------------------------------------


def _case(case) -> dict:
    return {
        "number": case.number,
        "title": case.title,
        "procedure": case.procedure,
        "source": case.source,
        "event": case.event.number if case.event_id else "",
        "inspection_reference": case.inspection_reference,
        "place": case.region.full_name().replace(" / ", "") if case.region_id else "",
        "address": case.address,
        "facts": case.facts,
        "violation_date": _iso(case.violation_date),
        "violation_ended_on": _iso(case.violation_ended_on),
        "filed_at": _iso(case.filed_at),
        "filed_by": _name(case.filed_by),
        "is_empowered": case.is_empowered,
    }


def _parties(case) -> list[dict]:
    return [
        {
            "party": link.party.pk,
            "role": link.role,
            "kind": link.party.kind,
            "name": link.party.name,
            "id_number": link.party.id_number,
            "credit_code": link.party.credit_code,
            "legal_representative": link.party.legal_representative,
            "phone": link.party.phone,
            "address": link.party.address,
        }
        for link in case.party_links.select_related("party").order_by("id")
    ]


def _matters(case) -> list[dict]:
    return [
        {
            "code": link.matter.code,
            "name": link.version.name,
            "law": link.version.law,
            "article": link.version.article,
            "clause": link.version.clause,
            "legal_basis": link.version.legal_basis,
            "article_text": link.version.article_text,
            "fine_min": _money(link.version.fine_min),
            "fine_max": _money(link.version.fine_max),
            "effective_from": _iso(link.version.effective_from),
        }
        for link in case.matter_links.select_related("matter", "version").order_by("id")
    ]


def _handlers(case) -> list[dict]:
    return [
        {"name": _name(h.user), "certificate": h.certificate_number, "lead": h.is_lead}
        for h in case.handlers.select_related("user").order_by("-is_lead", "id")
    ]


def _evidence(case) -> list[dict]:
    return [
        {
            "kind": e.kind,
            "description": e.description,
            "collected_on": _iso(e.collected_on),
            "file": e.original_name,
        }
        for e in case.evidence.order_by("collected_on", "id")
    ]


def _rights() -> dict:
    """Where the party may seek redress (settings: the county's reconsideration body and court)."""
    return {
        "reconsideration_body": settings.CIVICLOOP_DOCUMENT_RECONSIDERATION_BODY,
        "court": settings.CIVICLOOP_DOCUMENT_COURT,
    }


def _penalty(outcome: str, fine, confiscation, penalties) -> dict:
    return {
        "outcome": outcome,
        "fine": _money(fine) if fine else None,
        "confiscation": _money(confiscation) if confiscation else None,
        "penalties": list(penalties or []),
    }


def _history_row(case, *actions: str):
    return (
        case.history.filter(action__in=actions)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def _base(case, slot: Slot, number: str) -> dict:
    return {
        "kind": slot.kind,
        "subject": slot.subject,
        "number": number,
        "date": _iso(slot.on),
        "unit": {"name": case.handling_unit.name, "code": case.handling_unit.code},
        "case": _case(case),
        "parties": _parties(case),
        "matters": _matters(case),
        "handlers": _handlers(case),
    }


# --- each kind ----------------------------------------------------------------------------------


def _filing_approval(case, slot: Slot, number_of: NumberOf) -> dict:
    row = _history_row(case, "file")
    return {"filing": {"details": (row.details if row else {}), "filed_by": _name(case.filed_by)}}


def _record(case, slot: Slot, number_of: NumberOf) -> dict:
    item = case.evidence.select_related("added_by").get(pk=subject_pk(slot.subject, "evidence"))
    return {
        "record": {
            "kind": item.kind,
            "description": item.description,
            "collected_on": _iso(item.collected_on),
            "recorded_by": _name(item.added_by),
            "file": item.original_name,
        }
    }


def _correction_order(case, slot: Slot, number_of: NumberOf) -> dict:
    order = case.correction_orders.select_related("issued_by").get(
        pk=subject_pk(slot.subject, "order")
    )
    return {
        "order": {
            "requirement": order.requirement,
            "due_on": _iso(order.due_on),
            "issued_at": _iso(order.issued_at),
            "issued_by": _name(order.issued_by),
        },
        "rights": _rights(),
    }


def _statement_days(case, notice) -> int | None:
    row = case.deadlines.filter(
        kind=DeadlineKind.STATEMENT_PERIOD, starts_at=notice.served_at
    ).first()
    return row.amount if row else settings.CIVICLOOP_CASE_STATEMENT_WORKING_DAYS


def _notice(case, slot: Slot, number_of: NumberOf) -> dict:
    notice = case.notices.select_related("served_by").get(pk=subject_pk(slot.subject, "notice"))
    return {
        "notice": {
            **_penalty(notice.outcome, notice.fine, notice.confiscation, notice.penalties),
            "served_at": _iso(notice.served_at),
            "method": notice.method,
            "served_by": _name(notice.served_by),
            "hearing_right": notice.hearing_right,
            "statement_until": _iso(notice.statement_until),
            "statement_working_days": _statement_days(case, notice),
            "hearing_request_until": _iso(notice.hearing_request_until),
            "statement_waived_at": _iso(notice.statement_waived_at),
            "hearing_waived_at": _iso(notice.hearing_waived_at),
            "reason": case.proposal_reason,
        },
        "evidence": _evidence(case),
    }


def _review_opinion(case, slot: Slot, number_of: NumberOf) -> dict:
    review = case.legal_reviews.select_related("requested_by").get(
        pk=subject_pk(slot.subject, "review")
    )
    seats = [
        {
            "reviewer": _name(seat.reviewer),
            "unit": seat.unit.name,
            "role": seat.role,
            "opinion": seat.opinion,
            "changes": seat.changes,
            "reasons": seat.reasons,
            "return_to": seat.return_to,
            "recorded_at": _iso(seat.recorded_at),
            "qualified": seat.qualified,
            "qualification_number": seat.qualification_number,
        }
        for seat in review.seats.select_related("reviewer", "unit").order_by("id")
    ]
    return {
        "review": {
            "state": review.state,
            "mode": review.mode,
            "reasons": list(review.reasons or []),
            "rule": review.rule,
            "place": review.place,
            "meeting_at": _iso(review.meeting_at),
            "requested_at": _iso(review.requested_at),
            "requested_by": _name(review.requested_by),
            "concluded_at": _iso(review.concluded_at),
            "return_to": review.return_to,
            "summary": review.summary,
            "seats": seats,
        },
        "proposal": {
            **_penalty(
                case.proposed_outcome,
                case.proposed_fine,
                case.proposed_confiscation,
                case.proposed_penalties,
            ),
            "reason": case.proposal_reason,
        },
        "evidence": _evidence(case),
    }


def _decision_block(case) -> dict:
    return {
        **_penalty(case.outcome, case.fine_amount, case.confiscation_amount, case.penalties),
        "no_penalty_ground": case.no_penalty_ground,
        "reason": case.decision_reason,
        "collective_deliberation_on": _iso(case.collective_deliberation_on),
        "decided_at": _iso(case.decided_at),
        "decided_by": _name(case.decided_by),
        "served_at": _iso(case.served_at),
        "service_method": case.service_method,
        "payment_days": PAYMENT_DAYS,
    }


def _decision(case, slot: Slot, number_of: NumberOf) -> dict:
    notice = case.current_notice
    statements = []
    hearings = []
    if notice is not None:
        statements = [
            {
                "received_at": _iso(s.received_at),
                "content": s.content,
                "review_note": s.review_note,
                "adopted": s.adopted,
            }
            for s in notice.statements.order_by("received_at", "id")
        ]
        hearings = [
            {
                "outcome": h.outcome,
                "held_at": _iso(h.held_at),
                "scheduled_at": _iso(h.scheduled_at),
                "place": h.place,
                "host": _name(h.host),
            }
            for h in notice.hearings.select_related("host").order_by("requested_at", "id")
        ]
    review = (
        case.legal_reviews.filter(state=ReviewState.APPROVED)
        .order_by("-concluded_at", "-id")
        .first()
    )
    orders = [
        {"requirement": o.requirement, "due_on": _iso(o.due_on), "issued_at": _iso(o.issued_at)}
        for o in case.correction_orders.order_by("issued_at", "id")
    ]
    return {
        "decision": _decision_block(case),
        "notice": (
            {
                "served_at": _iso(notice.served_at),
                "hearing_right": notice.hearing_right,
                "statement_waived_at": _iso(notice.statement_waived_at),
                "hearing_waived_at": _iso(notice.hearing_waived_at),
                "number": number_of(K.PRIOR_NOTICE, f"notice-{notice.pk}"),
            }
            if notice is not None
            else None
        ),
        "statements": statements,
        "hearings": hearings,
        "review": {"concluded_at": _iso(review.concluded_at), "mode": review.mode}
        if review
        else None,
        "orders": orders,
        "evidence": _evidence(case),
        "rights": _rights(),
        # Only when there is one, so a decision without a benchmark keeps its snapshot (and hash).
        **_discretion(case),
    }


def _discretion(case) -> dict:
    """The discretion benchmark's tier and band the decision rests on, and the reason for
    leaving the band (国办发〔2022〕27号: the decision states them)."""
    block = document_block(case)
    if block is None:
        return {}
    return {
        "discretion": {
            **block,
            "band_min": _money(block["band_min"]),
            "band_max": _money(block["band_max"]),
        }
    }


def _spot_decision(case, slot: Slot, number_of: NumberOf) -> dict:
    payment = case.payments.filter(collected_on_the_spot=True).order_by("id").first()
    row = _history_row(case, "decide_on_the_spot")
    return {
        "decision": _decision_block(case),
        "collected": (
            {
                "amount": _money(payment.amount),
                "receipt_number": payment.receipt_number,
                "paid_on": _iso(payment.paid_on),
            }
            if payment
            else None
        ),
        "collection_reason": (row.details.get("collection_reason", "") if row else ""),
        "evidence": _evidence(case),
        "rights": _rights(),
    }


def _service_receipt(case, slot: Slot, number_of: NumberOf) -> dict:
    if slot.subject == "decision":
        kind = decision_kind(case)
        row = _history_row(case, "serve_decision", "decide", "decide_on_the_spot")
        served = [{"kind": kind, "number": number_of(kind, "")}]
        service = {
            "served_at": _iso(case.served_at),
            "method": case.service_method,
            "served_by": _name(row.actor) if row else "",
        }
    else:
        notice = case.notices.select_related("served_by").get(pk=subject_pk(slot.subject, "notice"))
        served = [{"kind": K.PRIOR_NOTICE, "number": number_of(K.PRIOR_NOTICE, slot.subject)}]
        if notice.hearing_right:
            served.append(
                {"kind": K.HEARING_NOTICE, "number": number_of(K.HEARING_NOTICE, slot.subject)}
            )
        service = {
            "served_at": _iso(notice.served_at),
            "method": notice.method,
            "served_by": _name(notice.served_by),
        }
    return {"served": served, "service": service}


def _closing_approval(case, slot: Slot, number_of: NumberOf) -> dict:
    kind = decision_kind(case)
    row = _history_row(case, "close")
    paid = case.payments.order_by("paid_on", "id")
    return {
        "decision": {**_decision_block(case), "kind": kind, "number": number_of(kind, "")},
        "payments": [
            {
                "amount": _money(p.amount),
                "surcharge": _money(p.surcharge),
                "paid_on": _iso(p.paid_on),
                "receipt_number": p.receipt_number,
                "on_the_spot": p.collected_on_the_spot,
            }
            for p in paid
        ],
        "performed_at": _iso(case.performed_at),
        "court_enforcement_on": _iso(case.court_enforcement_on),
        "closing": (
            {
                "closed_at": _iso(case.closed_at),
                "by": _name(row.actor) if row else "",
                "reason": row.reason if row else "",
            }
            if case.closed_at
            else None
        ),
    }


BUILDERS = {
    K.FILING_APPROVAL: _filing_approval,
    K.INSPECTION_RECORD: _record,
    K.INQUIRY_RECORD: _record,
    K.CORRECTION_ORDER: _correction_order,
    K.PRIOR_NOTICE: _notice,
    K.HEARING_NOTICE: _notice,
    K.REVIEW_OPINION: _review_opinion,
    K.PENALTY_DECISION: _decision,
    K.NO_PENALTY_DECISION: _decision,
    K.SPOT_DECISION: _spot_decision,
    K.SERVICE_RECEIPT: _service_receipt,
    K.CLOSING_APPROVAL: _closing_approval,
}


def build_snapshot(case, slot: Slot, *, number: str, number_of: NumberOf) -> dict:
    """Everything document ``slot`` of ``case`` prints, as plain data."""
    snapshot = _base(case, slot, number)
    snapshot.update(BUILDERS[slot.kind](case, slot, number_of))
    return snapshot


def principal_parties(snapshot: dict) -> list[dict]:
    return [p for p in snapshot.get("parties", []) if p["role"] == PartyRole.PARTY]
