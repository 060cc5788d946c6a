"""Who may generate and download a case's documents.

Official documents print the parties' full personal data, so they are for those who
act on the case only: its handlers (承办人), the responsible persons of its handling
unit (``cases.permissions.is_responsible_for``), and the reviewers given the case for
legal review (a seat on any of its reviews, open or concluded). Others who may see the
case (its unit's other officers, the town command room, the county centre) see which
documents exist, not their content. Orders to correct are issued by the handlers.
"""

from __future__ import annotations

from civicloop.cases.permissions import is_responsible_for

DOCUMENT_CAPACITIES = frozenset({"handler", "responsible", "reviewer"})


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def document_capacities(user, case) -> frozenset[str]:
    if not _authenticated(user):
        return frozenset()
    caps = set()
    if case.handlers.filter(user=user).exists():
        caps.add("handler")
    if is_responsible_for(user, case.handling_unit):
        caps.add("responsible")
    if case.legal_reviews.filter(seats__reviewer=user).exists():
        caps.add("reviewer")
    return frozenset(caps)


def may_generate_documents(user, case) -> bool:
    return bool(document_capacities(user, case) & DOCUMENT_CAPACITIES)


def may_issue_correction_order(user, case) -> bool:
    return _authenticated(user) and case.handlers.filter(user=user).exists()
