"""Every write of flexible enforcement goes through a function in this package.

Each function checks the actor (``permissions.py``) and the state against the tables of
``workflow.py``, validates the input (``InvalidInput`` names the field), writes what changes
and exactly one history row, and writes notification rows delivered after the commit.
Files are checked and stored before the transaction. Pages, the API, the command line and
the worker call these and nothing else.

The parts live in submodules: ``base`` (what they share), ``items`` (the list),
``circumstances``, ``applied``, ``commitments``, ``credit_repair`` and ``butler``. This
package exposes their public names, so callers import ``leniency.services`` as before.
"""

from __future__ import annotations

# The single services.py also exposed every name it imported (models, choices, helpers of
# other apps). The imports down to the first ``from .<submodule>`` keep those names
# importable from here, so the split changes nothing a caller can import.
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from civicloop.cases.choices import Outcome
from civicloop.core import uploads
from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.transitions import ModelWorkflow, lock, record
from civicloop.events.choices import Source
from civicloop.events.services import Location, create_event
from civicloop.notifications.services import notify_units, notify_users
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Unit, User
from civicloop.parties.models import Party
from civicloop.parties.services import PartyData, find_or_create_party
from civicloop.workcalendar.services import is_workday

from ..choices import CommitmentState, Harm, ItemKind, LegalBasis, RepairState, ServiceKind
from ..conditions import ConditionError, clean_conditions, parse_conditions
from ..models import (
    AppliedItem,
    ButlerService,
    ButlerServiceHistory,
    CaseCircumstances,
    CaseCircumstancesHistory,
    Commitment,
    CommitmentHistory,
    CreditRepair,
    CreditRepairHistory,
    LeniencyItem,
    LeniencyItemHistory,
    LeniencyItemVersion,
    commitment_scan_name,
    item_code_validator,
)
from ..permissions import (
    butler_units,
    commitment_capacities,
    may_maintain_list,
    may_record_circumstances,
    may_serve_commitment_notice,
    repair_capacities,
)
from ..workflow import COMMITMENT_WORKFLOW, REPAIR_WORKFLOW
from .applied import apply_items_to_decision
from .base import (
    BASES_OF_KIND,
    COMMITMENT_FLOW,
    DEFAULT_BASIS_TEXT,
    MAX_TEXT,
    REPAIR_FLOW,
    SCAN_TYPES,
    SYSTEM,
    next_working_day_on_or_after,
)
from .butler import ButlerServiceData, record_butler_service
from .circumstances import CircumstancesData, record_circumstances
from .commitments import (
    follow_up_date,
    mark_follow_up_due,
    record_check,
    record_commitment,
    record_refusal,
    serve_commitment_notice,
    sweep_commitments,
)
from .credit_repair import (
    approve_repair,
    check_materials,
    open_credit_repair,
    record_application,
    record_contact,
    refuse_repair,
)
from .items import (
    VersionData,
    add_version,
    check_maintainer,
    check_new_item,
    clean_version_data,
    create_item,
    withdraw_item,
)

__all__ = [
    "AppliedItem",
    "BASES_OF_KIND",
    "ButlerService",
    "ButlerServiceData",
    "ButlerServiceHistory",
    "COMMITMENT_FLOW",
    "COMMITMENT_WORKFLOW",
    "CaseCircumstances",
    "CaseCircumstancesHistory",
    "CircumstancesData",
    "Commitment",
    "CommitmentHistory",
    "CommitmentState",
    "ConditionError",
    "CreditRepair",
    "CreditRepairHistory",
    "DEFAULT_BASIS_TEXT",
    "Decimal",
    "Harm",
    "InvalidInput",
    "InvalidOperation",
    "ItemKind",
    "Iterable",
    "LegalBasis",
    "LeniencyItem",
    "LeniencyItemHistory",
    "LeniencyItemVersion",
    "Location",
    "MAX_TEXT",
    "ModelWorkflow",
    "NotPermitted",
    "Outcome",
    "Party",
    "PartyData",
    "REPAIR_FLOW",
    "REPAIR_WORKFLOW",
    "RegionLevel",
    "RepairState",
    "SCAN_TYPES",
    "SYSTEM",
    "Sequence",
    "ServiceKind",
    "Source",
    "Unit",
    "User",
    "VersionData",
    "add_version",
    "annotations",
    "apply_items_to_decision",
    "approve_repair",
    "butler_units",
    "check_maintainer",
    "check_materials",
    "check_new_item",
    "clean_conditions",
    "clean_version_data",
    "commitment_capacities",
    "commitment_scan_name",
    "create_event",
    "create_item",
    "dataclass",
    "dt",
    "find_or_create_party",
    "follow_up_date",
    "is_workday",
    "item_code_validator",
    "lock",
    "mark_follow_up_due",
    "may_maintain_list",
    "may_record_circumstances",
    "may_serve_commitment_notice",
    "next_working_day_on_or_after",
    "notify_units",
    "notify_users",
    "open_credit_repair",
    "parse_conditions",
    "record",
    "record_application",
    "record_butler_service",
    "record_check",
    "record_circumstances",
    "record_commitment",
    "record_contact",
    "record_refusal",
    "refuse_repair",
    "repair_capacities",
    "reverse",
    "serve_commitment_notice",
    "settings",
    "sweep_commitments",
    "timezone",
    "transaction",
    "uploads",
    "withdraw_item",
]
