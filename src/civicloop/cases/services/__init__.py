"""Every write to a case goes through a function in this package.

Each function locks the case row, checks the state and the actor's capacity against
the workflow table (``workflow.py``), checks the legal preconditions (``rules.py``,
``review.py``, ``eligibility.py``, ``deadlines.py``), writes what changes and exactly
one history row for the transition (a system move that follows — a review that
concludes — writes its own), and writes notification rows that are delivered after
the commit. Pages, the API and the command line call these and nothing else.

The stages live in submodules: ``base`` (what they share), ``filing``, ``investigation``,
``review``, ``notice``, ``decision``, ``execution``, ``approvals`` and
``deadline_warnings``. This package exposes their public names, so callers import
``cases.services`` as before.
"""

from __future__ import annotations

# The single services.py also exposed every name it imported (models, choices, helpers of
# other apps). The imports down to the first ``from .<submodule>`` keep those names
# importable from here, so the split changes nothing a caller can import.
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from civicloop.core import uploads
from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.transitions import ModelWorkflow
from civicloop.events.models import Event
from civicloop.matters.models import Matter
from civicloop.notifications.services import notify_units, notify_users
from civicloop.org.choices import QualificationKind, Role, UnitKind
from civicloop.org.models import Post, Region, Unit, User
from civicloop.parties.models import Party
from civicloop.parties.services import PartyData, clean_party_data, find_or_create_party

from .. import deadlines as dl
from .. import review as rv
from ..choices import (
    APPROVING_OPINIONS,
    ApprovalKind,
    ApprovalState,
    CaseSource,
    CaseState,
    DeadlineKind,
    EvidenceKind,
    HearingOutcome,
    Opinion,
    Outcome,
    PartyRole,
    Procedure,
    ReturnTo,
    ReviewMode,
    ReviewState,
    ServiceMethod,
)
from ..eligibility import fast_track_eligibility
from ..hooks import decision_items
from ..models import (
    Case,
    CaseApproval,
    CaseDeadline,
    CaseHandler,
    CaseHistory,
    CaseMatter,
    CaseParty,
    Evidence,
    Hearing,
    LegalReview,
    Payment,
    PriorNotice,
    ReviewSeat,
    Statement,
)
from ..numbering import next_number
from ..permissions import CASE_UNIT_KINDS, OFFICER_ROLES, capacities, is_unit_officer
from ..rules import (
    HEARING_NOTICE_WORKING_DAYS,
    ON_THE_SPOT_COLLECTION_LIMIT,
    Penalty,
    check_fine_in_range,
    check_no_penalty_ground,
    check_on_the_spot,
    check_penalty,
    hearing_grounds,
    is_heavier,
    limitation_end,
    money,
    payment_due_on,
    surcharge,
)
from ..workflow import APPROVAL_WORKFLOW, CASE_WORKFLOW
from .approvals import (
    approve_extension,
    approve_withdrawal,
    convert_to_ordinary,
    reject_extension,
    reject_withdrawal,
    request_extension,
    request_withdrawal,
)
from .base import CASE_FLOW, MAX_TEXT, SYSTEM, S, responsible_users
from .deadline_warnings import notify_deadline
from .decision import (
    Decision,
    SpotDecision,
    decide_case,
    decide_on_the_spot,
    decision_checks,
    serve_decision,
)
from .execution import amount_owed, close_case, fine_paid_on, record_payment
from .filing import PartyLink, check_handlers, enforcement_certificate, file_case
from .investigation import (
    Findings,
    add_evidence,
    approve_case_review,
    conclude_fast_track,
    conclude_investigation,
    return_case_review,
    start_investigation,
)
from .notice import (
    hold_hearing,
    record_statement,
    record_waiver,
    request_hearing,
    schedule_hearing,
    serve_notice,
)
from .review import assign_reviewers, record_opinion, refer_to_legal_review

__all__ = [
    "APPROVAL_WORKFLOW",
    "APPROVING_OPINIONS",
    "ApprovalKind",
    "ApprovalState",
    "CASE_FLOW",
    "CASE_UNIT_KINDS",
    "CASE_WORKFLOW",
    "Case",
    "CaseApproval",
    "CaseDeadline",
    "CaseHandler",
    "CaseHistory",
    "CaseMatter",
    "CaseParty",
    "CaseSource",
    "CaseState",
    "DeadlineKind",
    "Decimal",
    "Decision",
    "Event",
    "Evidence",
    "EvidenceKind",
    "Findings",
    "HEARING_NOTICE_WORKING_DAYS",
    "Hearing",
    "HearingOutcome",
    "InvalidInput",
    "LegalReview",
    "MAX_TEXT",
    "Matter",
    "ModelWorkflow",
    "NotPermitted",
    "OFFICER_ROLES",
    "ON_THE_SPOT_COLLECTION_LIMIT",
    "Opinion",
    "Outcome",
    "Party",
    "PartyData",
    "PartyLink",
    "PartyRole",
    "Payment",
    "Penalty",
    "Post",
    "PriorNotice",
    "Procedure",
    "QualificationKind",
    "Region",
    "ReturnTo",
    "ReviewMode",
    "ReviewSeat",
    "ReviewState",
    "Role",
    "S",
    "SYSTEM",
    "Sequence",
    "ServiceMethod",
    "SpotDecision",
    "Statement",
    "Sum",
    "Unit",
    "UnitKind",
    "User",
    "add_evidence",
    "amount_owed",
    "annotations",
    "approve_case_review",
    "approve_extension",
    "approve_withdrawal",
    "assign_reviewers",
    "capacities",
    "check_fine_in_range",
    "check_handlers",
    "check_no_penalty_ground",
    "check_on_the_spot",
    "check_penalty",
    "clean_party_data",
    "close_case",
    "conclude_fast_track",
    "conclude_investigation",
    "convert_to_ordinary",
    "dataclass",
    "decide_case",
    "decide_on_the_spot",
    "decision_checks",
    "decision_items",
    "dl",
    "dt",
    "enforcement_certificate",
    "fast_track_eligibility",
    "file_case",
    "find_or_create_party",
    "fine_paid_on",
    "hearing_grounds",
    "hold_hearing",
    "is_heavier",
    "is_unit_officer",
    "limitation_end",
    "money",
    "next_number",
    "notify_deadline",
    "notify_units",
    "notify_users",
    "payment_due_on",
    "record_opinion",
    "record_payment",
    "record_statement",
    "record_waiver",
    "refer_to_legal_review",
    "reject_extension",
    "reject_withdrawal",
    "request_extension",
    "request_hearing",
    "request_withdrawal",
    "responsible_users",
    "return_case_review",
    "reverse",
    "rv",
    "schedule_hearing",
    "serve_decision",
    "serve_notice",
    "start_investigation",
    "surcharge",
    "timezone",
    "transaction",
    "uploads",
]
