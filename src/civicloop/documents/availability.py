"""Which documents a case has now (the seams of docs/cases.md, "D").

A document exists once the record it prints exists: the filing approval from filing, an
inspection or inquiry record for each such item of evidence, an order to correct when
one was issued, the prior notice (and the hearing notice when the hearing right was
told) once a notice is served, the legal review opinion once a review has concluded,
the decision of the kind decided once the case is decided, a proof of service for each
notice served and for the decision once served, and the closing approval from service
on. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from civicloop.cases.choices import CaseState, EvidenceKind, Outcome, Procedure, ReviewState

from .choices import TITLES, DocumentKind

K = DocumentKind
INSPECTION_EVIDENCE = (EvidenceKind.RECORD,)
INQUIRY_EVIDENCE = (EvidenceKind.PARTY_STATEMENT, EvidenceKind.WITNESS)
CLOSING_STATES = (CaseState.SERVED, CaseState.EXECUTING, CaseState.CLOSED)


@dataclass(frozen=True)
class Slot:
    """A document the case can have now: its kind, the record it is about, and the date it
    bears (its number is counted in that date's year)."""

    kind: str
    subject: str
    on: dt.date

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def label(self):
        return DocumentKind(self.kind).label

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.subject


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def decision_kind(case) -> str | None:
    """The decision document of a decided case."""
    if case.decided_at is None:
        return None
    if case.outcome == Outcome.NO_PENALTY:
        return K.NO_PENALTY_DECISION
    return K.SPOT_DECISION if case.procedure == Procedure.SIMPLE else K.PENALTY_DECISION


def slots(case) -> list[Slot]:
    """Every document ``case`` has now, in the order of the procedure."""
    found = [Slot(K.FILING_APPROVAL, "", _day(case.filed_at))]
    evidence = list(case.evidence.order_by("collected_on", "id"))
    for item in evidence:
        if item.kind in INSPECTION_EVIDENCE:
            found.append(Slot(K.INSPECTION_RECORD, f"evidence-{item.pk}", item.collected_on))
    for item in evidence:
        if item.kind in INQUIRY_EVIDENCE:
            found.append(Slot(K.INQUIRY_RECORD, f"evidence-{item.pk}", item.collected_on))
    for order in case.correction_orders.order_by("issued_at", "id"):
        found.append(Slot(K.CORRECTION_ORDER, f"order-{order.pk}", _day(order.issued_at)))
    notices = list(case.notices.order_by("served_at", "id"))
    for review in case.legal_reviews.filter(
        state__in=[ReviewState.APPROVED, ReviewState.RETURNED]
    ).order_by("concluded_at", "id"):
        found.append(Slot(K.REVIEW_OPINION, f"review-{review.pk}", _day(review.concluded_at)))
    for notice in notices:
        found.append(Slot(K.PRIOR_NOTICE, f"notice-{notice.pk}", _day(notice.served_at)))
        if notice.hearing_right:
            found.append(Slot(K.HEARING_NOTICE, f"notice-{notice.pk}", _day(notice.served_at)))
    kind = decision_kind(case)
    if kind is not None:
        found.append(Slot(kind, "", _day(case.decided_at)))
    for notice in notices:
        found.append(Slot(K.SERVICE_RECEIPT, f"notice-{notice.pk}", _day(notice.served_at)))
    if kind is not None and case.served_at is not None:
        found.append(Slot(K.SERVICE_RECEIPT, "decision", _day(case.served_at)))
    if case.served_at is not None and case.state in CLOSING_STATES:
        on = case.closed_at or case.served_at
        found.append(Slot(K.CLOSING_APPROVAL, "", _day(on)))
    return found


def find_slot(case, kind: str, subject: str = "") -> Slot | None:
    """The slot of ``kind`` (and ``subject``) if the case has that document now."""
    for slot in slots(case):
        if slot.kind == kind and slot.subject == (subject or ""):
            return slot
    return None


def subject_pk(subject: str, prefix: str) -> int | None:
    """``notice-12`` → 12 for prefix ``notice``; None if it is not of that shape."""
    head, _sep, tail = subject.partition("-")
    if head != prefix or not tail.isdigit():
        return None
    return int(tail)
