"""Every write of flexible enforcement goes through a function here.

Each function checks the actor (``permissions.py``) and the state against the tables of
``workflow.py``, validates the input (``InvalidInput`` names the field), writes what changes
and exactly one history row, and writes notification rows delivered after the commit.
Files are checked and stored before the transaction. Pages, the API, the command line and
the worker call these and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.cases.choices import Outcome
from civicloop.core import uploads
from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.inputs import clean_text as _text
from civicloop.core.inputs import not_future as _not_future
from civicloop.core.inputs import past_moment as _moment
from civicloop.core.transitions import ModelWorkflow, lock, record
from civicloop.events.choices import Source
from civicloop.events.services import Location, create_event
from civicloop.notifications.services import notify_units, notify_users
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Unit, User
from civicloop.parties.models import Party
from civicloop.parties.services import PartyData, find_or_create_party
from civicloop.workcalendar.services import is_workday

from .choices import (
    CommitmentState,
    Harm,
    ItemKind,
    LegalBasis,
    RepairState,
    ServiceKind,
)
from .conditions import ConditionError, clean_conditions, parse_conditions
from .models import (
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
from .permissions import (
    butler_units,
    commitment_capacities,
    may_maintain_list,
    may_record_circumstances,
    may_serve_commitment_notice,
    repair_capacities,
)
from .workflow import COMMITMENT_WORKFLOW, REPAIR_WORKFLOW

SYSTEM = frozenset({"system"})
MAX_TEXT = 5000

COMMITMENT_FLOW = ModelWorkflow(
    Commitment,
    history=CommitmentHistory,
    machine=COMMITMENT_WORKFLOW,
    capacities=commitment_capacities,
    related=("case", "party", "matter__category", "handling_unit__region"),
)
REPAIR_FLOW = ModelWorkflow(
    CreditRepair,
    history=CreditRepairHistory,
    machine=REPAIR_WORKFLOW,
    capacities=repair_capacities,
    related=("case", "party", "handling_unit__region"),
)
SCAN_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"})
# Which legal bases an item of each kind may rest on.
BASES_OF_KIND = {
    ItemKind.EXEMPTION: (LegalBasis.ART33_MINOR, LegalBasis.ART33_FIRST, LegalBasis.LOCAL),
    ItemKind.REDUCED: (LegalBasis.ART32, LegalBasis.LOCAL),
    ItemKind.LIGHTER: (LegalBasis.ART32, LegalBasis.LOCAL),
}
DEFAULT_BASIS_TEXT = {
    LegalBasis.ART33_MINOR: "《中华人民共和国行政处罚法》第三十三条第一款",
    LegalBasis.ART33_FIRST: "《中华人民共和国行政处罚法》第三十三条第一款",
    LegalBasis.ART32: "《中华人民共和国行政处罚法》第三十二条",
}


# --- helpers ----------------------------------------------------------------------------------


def _money(value, *, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError) as exc:
        raise InvalidInput(_("Give an amount in yuan."), field=field) from exc
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(
            _("Give an amount in yuan (not negative, at most two decimals)."), field=field
        )
    return amount


def _day(value) -> str | None:
    return value.isoformat() if value else None


def next_working_day_on_or_after(day: dt.date) -> dt.date:
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


# --- the 一免一减 list ---------------------------------------------------------------------------


@dataclass
class VersionData:
    """What a version of an item says. ``conditions`` is a list of ``{"code", "value"}`` or the
    text form (``first_violation=2; harm=minor``)."""

    title: str
    conditions: object
    legal_basis: str
    basis_text: str = ""
    document_number: str = ""
    note: str = ""


def clean_version_data(kind: str, data: VersionData) -> dict:
    """Check a version's content against the kind of its item; raise InvalidInput on its field."""
    title = _text(data.title, field="title", max_length=200, required=True)
    try:
        if isinstance(data.conditions, str):
            conditions = parse_conditions(data.conditions)
        else:
            conditions = clean_conditions(data.conditions or [])
    except ConditionError as exc:
        raise InvalidInput(exc.message, field="conditions") from exc
    if data.legal_basis not in LegalBasis.values:
        raise InvalidInput(_("Choose the legal basis."), field="legal_basis")
    if data.legal_basis not in BASES_OF_KIND[kind]:
        raise InvalidInput(
            _("A %(kind)s item rests on %(bases)s.")
            % {
                "kind": ItemKind(kind).label,
                "bases": "；".join(str(LegalBasis(b).label) for b in BASES_OF_KIND[kind]),
            },
            field="legal_basis",
        )
    document_number = _text(data.document_number, field="document_number", max_length=80)
    if data.legal_basis == LegalBasis.LOCAL and not document_number:
        raise InvalidInput(
            _("An item of the local list names the list's document number."),
            field="document_number",
        )
    if (
        kind == ItemKind.EXEMPTION
        and data.legal_basis == LegalBasis.ART33_FIRST
        and not any(c["code"] == "first_violation" for c in conditions)
    ):
        raise InvalidInput(
            _("An exemption for a first violation (Art. 33 ¶1) has the condition first_violation."),
            field="conditions",
        )
    basis_text = _text(
        data.basis_text, field="basis_text", max_length=200
    ) or DEFAULT_BASIS_TEXT.get(data.legal_basis, "")
    return {
        "title": title,
        "conditions": conditions,
        "legal_basis": data.legal_basis,
        "basis_text": basis_text,
        "document_number": document_number,
        "note": _text(data.note, field="note", max_length=2000),
    }


def check_maintainer(by: User | None, system: bool) -> None:
    if system and by is None:
        return
    if not may_maintain_list(by):
        raise NotPermitted(
            _(
                "The county (county centre operators and county leaders) maintains the "
                "exemption and reduction list."
            )
        )


def check_new_item(*, code: str, matter, kind: str) -> str:
    code = (code or "").strip().upper()
    if not code:
        raise InvalidInput(_("This field is required."), field="code")
    try:
        item_code_validator(code)
    except Exception as exc:  # django.core.exceptions.ValidationError
        raise InvalidInput(
            _("An item code has 2–40 capital letters, digits and hyphens, e.g. MF-ZD-001."),
            field="code",
        ) from exc
    if LeniencyItem.objects.filter(code=code).exists():
        raise InvalidInput(
            _("An item with this code exists; add a version to it instead."), field="code"
        )
    if matter is None:
        raise InvalidInput(_("Choose the matter."), field="matter")
    if kind not in ItemKind.values:
        raise InvalidInput(_("Choose the kind of item."), field="kind")
    return code


@transaction.atomic
def create_item(
    *,
    by: User | None,
    code: str,
    matter,
    kind: str,
    content: VersionData,
    effective_from: dt.date,
    system: bool = False,
) -> LeniencyItem:
    """A new item of the list, with its first version in force from ``effective_from``."""
    check_maintainer(by, system)
    code = check_new_item(code=code, matter=matter, kind=kind)
    cleaned = clean_version_data(kind, content)
    if effective_from is None:
        raise InvalidInput(_("Give the date the item takes effect."), field="effective_from")
    item = LeniencyItem.objects.create(code=code, matter=matter, kind=kind, created_by=by)
    version = LeniencyItemVersion.objects.create(
        item=item, number=1, effective_from=effective_from, created_by=by, **cleaned
    )
    record(
        LeniencyItemHistory,
        item,
        "create",
        by=by,
        details={
            "matter": matter.code,
            "kind": kind,
            "version": version.number,
            "effective_from": _day(effective_from),
            "conditions": cleaned["conditions"],
        },
    )
    return item


@transaction.atomic
def add_version(
    item: LeniencyItem,
    *,
    by: User | None,
    content: VersionData,
    effective_from: dt.date,
    system: bool = False,
    reason: str = "",
) -> LeniencyItemVersion:
    """A new version from ``effective_from``; the version in force before ends the day before
    (nothing is overwritten: earlier decisions keep the version they applied)."""
    check_maintainer(by, system)
    item = LeniencyItem.objects.select_for_update().get(pk=item.pk)
    cleaned = clean_version_data(item.kind, content)
    if effective_from is None:
        raise InvalidInput(_("Give the date the new version takes effect."), field="effective_from")
    latest = item.latest_version()
    if latest is not None and effective_from <= latest.effective_from:
        raise InvalidInput(
            _("A new version starts after the current one (from %(date)s).")
            % {"date": latest.effective_from},
            field="effective_from",
        )
    if latest is not None and latest.content() == {k: cleaned[k] for k in latest.content()}:
        raise InvalidInput(_("Nothing changed: the new version says what the current one says."))
    if latest is not None and (
        latest.effective_to is None or latest.effective_to >= effective_from
    ):
        latest.effective_to = effective_from - dt.timedelta(days=1)
        latest.save(update_fields=["effective_to"])
    version = LeniencyItemVersion.objects.create(
        item=item,
        number=(latest.number + 1) if latest else 1,
        effective_from=effective_from,
        created_by=by,
        **cleaned,
    )
    if not item.is_active:
        item.is_active = True
        item.save(update_fields=["is_active"])
    record(
        LeniencyItemHistory,
        item,
        "new_version",
        by=by,
        reason=_text(reason, field="reason", max_length=2000),
        details={
            "version": version.number,
            "effective_from": _day(effective_from),
            "conditions": cleaned["conditions"],
        },
    )
    return version


@transaction.atomic
def withdraw_item(
    item: LeniencyItem, *, by: User | None, last_day: dt.date, reason: str, system: bool = False
) -> LeniencyItem:
    """Take an item off the list: its current version ends on ``last_day``."""
    check_maintainer(by, system)
    item = LeniencyItem.objects.select_for_update().get(pk=item.pk)
    reason = _text(reason, field="reason", max_length=2000, required=True)
    if not item.is_active:
        raise InvalidInput(_("The item is already off the list."))
    latest = item.latest_version()
    if last_day is None or (
        latest is not None and last_day < latest.effective_from - dt.timedelta(days=1)
    ):
        raise InvalidInput(
            _("The last day is on or after the day before the current version began."),
            field="last_day",
        )
    if latest is not None and (latest.effective_to is None or latest.effective_to > last_day):
        latest.effective_to = last_day
        latest.save(update_fields=["effective_to"])
    item.is_active = False
    item.save(update_fields=["is_active"])
    record(
        LeniencyItemHistory,
        item,
        "withdraw",
        by=by,
        reason=reason,
        details={"last_day": _day(last_day)},
    )
    return item


# --- circumstances ----------------------------------------------------------------------------


@dataclass
class CircumstancesData:
    harm: str = ""
    correction_ordered_on: dt.date | None = None
    correction_due_on: dt.date | None = None
    corrected_on: dt.date | None = None
    amount_involved: Decimal | None = None
    earlier_records_checked: bool = False
    note: str = ""


def _lock_case(case):
    return lock(case, related=("handling_unit__region",))


@transaction.atomic
def record_circumstances(case, *, by: User, data: CircumstancesData) -> CaseCircumstances:
    """情节认定: what the handlers find about harm, correction and the amount involved, before the
    decision. The evaluation of the 一免一减 items reads it."""
    case = _lock_case(case)
    if not may_record_circumstances(by, case):
        raise NotPermitted(_("The case's handlers record its circumstances, before the decision."))
    if data.harm and data.harm not in Harm.values:
        raise InvalidInput(_("Choose the harmful consequence."), field="harm")
    for name in ("correction_ordered_on", "corrected_on"):
        _not_future(getattr(data, name), field=name)
    if data.correction_ordered_on and data.correction_ordered_on < case.violation_date:
        raise InvalidInput(
            _("A correction is ordered after the violation."), field="correction_ordered_on"
        )
    if (
        data.correction_due_on
        and data.correction_ordered_on
        and data.correction_due_on < data.correction_ordered_on
    ):
        raise InvalidInput(
            _("The time for the correction ends after the order."), field="correction_due_on"
        )
    if data.correction_due_on and not data.correction_ordered_on:
        raise InvalidInput(
            _("Give the day the correction was ordered."), field="correction_ordered_on"
        )
    if data.corrected_on and data.corrected_on < case.violation_date:
        raise InvalidInput(_("A correction comes after the violation."), field="corrected_on")
    amount = _money(data.amount_involved, field="amount_involved")
    note = _text(data.note, field="note", max_length=2000)
    values = {
        "harm": data.harm,
        "correction_ordered_on": data.correction_ordered_on,
        "correction_due_on": data.correction_due_on,
        "corrected_on": data.corrected_on,
        "amount_involved": amount,
        "earlier_records_checked": bool(data.earlier_records_checked),
        "note": note,
    }
    now = timezone.now()
    circumstances, created = CaseCircumstances.objects.get_or_create(
        case=case, defaults={**values, "updated_at": now, "updated_by": by}
    )
    if not created:
        changed = [k for k, v in values.items() if getattr(circumstances, k) != v]
        if not changed:
            raise InvalidInput(_("Nothing was changed."))
        for key, value in values.items():
            setattr(circumstances, key, value)
        circumstances.updated_at, circumstances.updated_by = now, by
        circumstances.save()
    record(
        CaseCircumstancesHistory,
        circumstances,
        "record",
        by=by,
        at=now,
        details={
            k: (_day(v) if isinstance(v, dt.date) else str(v) if isinstance(v, Decimal) else v)
            for k, v in values.items()
        },
    )
    return circumstances


# --- items applied in a decision (called by cases.services.decide_case) --------------------------


def apply_items_to_decision(
    case, *, items: Iterable, outcome: str, no_penalty_ground: str, by: User, at: dt.datetime
) -> list[AppliedItem]:
    """Record the 一免一减 items a decision applies. Runs inside ``decide_case``'s transaction,
    after the decision's own checks: each item must be of one of the case's matters (one per
    matter), go with the decision's outcome (exemption → no penalty with an Art. 33 ground,
    reduction → reduced penalty, lighter → penalty) and *apply* — every condition met, as
    evaluated now. Any refusal rolls the whole decision back."""
    from .evaluation import GROUNDS_OF_BASIS, OUTCOME_OF_KIND, evaluate_case

    codes = list(dict.fromkeys(str(getattr(i, "code", i)).strip().upper() for i in items if i))
    if not codes:
        return []
    evaluations = {e.item.code: e for e in evaluate_case(case, today=timezone.localdate(at))}
    unknown = [c for c in codes if c not in evaluations]
    if unknown:
        raise InvalidInput(
            _("Not an item of this case's matters in force: %(codes)s.")
            % {"codes": ", ".join(unknown)},
            field="leniency_items",
        )
    chosen = [evaluations[c] for c in codes]
    matters = [e.item.matter_id for e in chosen]
    if len(set(matters)) != len(matters):
        raise InvalidInput(_("Apply at most one item per matter."), field="leniency_items")
    for evaluation in chosen:
        item = evaluation.item
        if OUTCOME_OF_KIND[item.kind] != outcome:
            raise InvalidInput(
                _("%(code)s is a %(kind)s item: it goes with the outcome “%(outcome)s”.")
                % {
                    "code": item.code,
                    "kind": ItemKind(item.kind).label,
                    "outcome": _outcome_label(OUTCOME_OF_KIND[item.kind]),
                },
                field="leniency_items",
            )
        if (
            item.kind == ItemKind.EXEMPTION
            and no_penalty_ground not in GROUNDS_OF_BASIS[evaluation.version.legal_basis]
        ):
            raise InvalidInput(
                _("%(code)s rests on %(basis)s; choose that ground for no penalty.")
                % {"code": item.code, "basis": LegalBasis(evaluation.version.legal_basis).label},
                field="no_penalty_ground",
            )
        if not evaluation.applies:
            raise InvalidInput(
                _("%(code)s does not apply to this case (%(status)s): %(why)s")
                % {
                    "code": item.code,
                    "status": evaluation.status_label,
                    "why": evaluation.explain(),
                },
                field="leniency_items",
            )
    return [
        AppliedItem.objects.create(
            case=case,
            item=e.item,
            version=e.version,
            kind=e.item.kind,
            outcome=outcome,
            checks=[c.as_dict() for c in e.checks],
            applied_at=at,
            applied_by=by,
        )
        for e in chosen
    ]


def _outcome_label(outcome: str):

    return Outcome(outcome).label


# --- notice and commitment (轻微违法告知承诺) ------------------------------------------------------


def _commitment_link(commitment: Commitment) -> str:
    return reverse("leniency:commitment", args=[commitment.pk])


def follow_up_date(signed_on: dt.date, *, correction_due_on: dt.date | None = None) -> dt.date:
    """The follow-up check: ``CIVICLOOP_COMMITMENT_FOLLOW_UP_DAYS`` natural days after the
    commitment was signed, and not before the day after the correction deadline; moved to
    the next working day."""
    day = signed_on + dt.timedelta(days=settings.CIVICLOOP_COMMITMENT_FOLLOW_UP_DAYS)
    if correction_due_on is not None:
        day = max(day, correction_due_on + dt.timedelta(days=1))
    return next_working_day_on_or_after(day)


@transaction.atomic
def serve_commitment_notice(
    case,
    *,
    by: User,
    notice_text: str,
    party=None,
    matter=None,
    served_at: dt.datetime | None = None,
) -> Commitment:
    """告知: the notice of a minor violation to a party of the case, served by a handler."""
    case = _lock_case(case)
    if not may_serve_commitment_notice(by, case):
        raise NotPermitted(_("The case's handlers serve the notice of a minor violation."))
    parties = case.principal_parties()
    if party is None and len(parties) == 1:
        party = parties[0]
    if party is None or party.pk not in {p.pk for p in parties}:
        raise InvalidInput(_("Choose a party (当事人) of the case."), field="party")
    matters = [link.matter for link in case.matter_links.select_related("matter__category")]
    if matter is None and matters:
        matter = matters[0]
    if matter is None or matter.pk not in {m.pk for m in matters}:
        raise InvalidInput(_("Choose one of the case's matters."), field="matter")
    notice_text = _text(notice_text, field="notice_text", required=True)
    now = timezone.now()
    served_at = _moment(served_at, field="served_at", now=now)
    if served_at < case.filed_at:
        raise InvalidInput(_("The notice is served after the case is filed."), field="served_at")
    if Commitment.objects.open().filter(case=case, party=party).exists():
        raise InvalidInput(_("This party already has an open notice on this case."), field="party")
    commitment = Commitment.objects.create(
        case=case,
        party=party,
        matter=matter,
        handling_unit=case.handling_unit,
        notice_text=notice_text,
        notice_served_at=served_at,
        notice_served_by=by,
        created_at=now,
    )
    COMMITMENT_FLOW.record(
        commitment,
        "serve_notice",
        by=by,
        from_state="",
        to_state=CommitmentState.NOTIFIED,
        details={
            "case": case.number,
            "party": party.pk,
            "matter": matter.code,
            "served_at": served_at.isoformat(),
        },
    )
    return commitment


def _check_scan(scan):
    if not scan:
        raise InvalidInput(_("Upload the signed commitment (a photo or PDF)."), field="scan")
    checked = uploads.check_uploads([scan], field="scan")[0]
    if checked.content_type not in SCAN_TYPES:
        raise InvalidInput(_("The signed commitment is a photo or a PDF file."), field="scan")
    return checked


def _store_scan(checked) -> str:
    return uploads.store(checked, name=commitment_scan_name(checked.sha256, checked.extension))


def _check_signed(commitment: Commitment, *, text: str, signed_on: dt.date | None) -> str:
    text = _text(text, field="commitment_text", required=True)
    if signed_on is None:
        raise InvalidInput(_("Give the date the party signed."), field="signed_on")
    _not_future(signed_on, field="signed_on")
    if signed_on < timezone.localtime(commitment.notice_served_at).date():
        raise InvalidInput(_("The commitment is signed on or after the notice."), field="signed_on")
    return text


def record_commitment(
    commitment: Commitment, *, by: User, text: str, signed_on: dt.date, scan
) -> Commitment:
    """承诺: the party's written commitment with the signed scan and its date; the follow-up check
    is scheduled (``follow_up_date``) and given to the handling unit."""
    # Refuse what is refused anyway before writing the file (files are stored before the
    # transaction, never inside one).
    COMMITMENT_FLOW.check(commitment, "record_commitment", by)
    _check_signed(commitment, text=text, signed_on=signed_on)
    checked = _check_scan(scan)
    name = _store_scan(checked)
    with transaction.atomic():
        commitment = COMMITMENT_FLOW.lock(commitment)
        transition, _r = COMMITMENT_FLOW.check(commitment, "record_commitment", by)
        text = _check_signed(commitment, text=text, signed_on=signed_on)
        circumstances = CaseCircumstances.objects.filter(case=commitment.case_id).first()
        due = follow_up_date(
            signed_on, correction_due_on=circumstances.correction_due_on if circumstances else None
        )
        commitment.commitment_text, commitment.signed_on, commitment.follow_up_due_on = (
            text,
            signed_on,
            due,
        )
        commitment.scan, commitment.scan_name = name, checked.name
        commitment.scan_content_type, commitment.scan_size, commitment.scan_sha256 = (
            checked.content_type,
            len(checked.data),
            checked.sha256,
        )
        from_state = commitment.state
        commitment.state = CommitmentState.COMMITTED
        commitment.save()
        COMMITMENT_FLOW.record(
            commitment,
            transition.name,
            by=by,
            from_state=from_state,
            to_state=commitment.state,
            details={
                "signed_on": _day(signed_on),
                "follow_up_due_on": _day(due),
                "scan_sha256": checked.sha256,
            },
        )
    return commitment


@transaction.atomic
def record_refusal(commitment: Commitment, *, by: User, reason: str) -> Commitment:
    commitment = COMMITMENT_FLOW.lock(commitment)
    transition, reason = COMMITMENT_FLOW.check(commitment, "record_refusal", by, reason=reason)
    reason = _text(reason, field="reason", max_length=2000, required=True)
    COMMITMENT_FLOW.move(
        commitment, transition.name, CommitmentState.DECLINED, by=by, reason=reason
    )
    return commitment


@transaction.atomic
def mark_follow_up_due(commitment: Commitment, *, at: dt.datetime | None = None) -> Commitment:
    """The system: the follow-up date has come — the handling unit (and the handlers) get a task."""
    at = at or timezone.now()
    commitment = COMMITMENT_FLOW.lock(commitment)
    transition, _r = COMMITMENT_FLOW.check(commitment, "follow_up_due", None, caps=SYSTEM)
    commitment.due_notified_at = at
    COMMITMENT_FLOW.move(
        commitment,
        transition.name,
        CommitmentState.DUE,
        by=None,
        fields=["due_notified_at"],
        at=at,
        details={"follow_up_due_on": _day(commitment.follow_up_due_on)},
    )
    params = {
        "number": commitment.case.number,
        "party": commitment.party.display_name,
        "date": _day(commitment.follow_up_due_on),
    }
    message = _("Follow-up check due on %(date)s: %(party)s's commitment (case %(number)s)")
    handlers = User.objects.filter(handled_cases__case=commitment.case, is_active=True)
    notify_users(
        handlers,
        verb="commitment_due",
        message=message,
        params=params,
        link=_commitment_link(commitment),
    )
    notify_units(
        [commitment.handling_unit],
        verb="commitment_due",
        message=message,
        params=params,
        link=_commitment_link(commitment),
    )
    return commitment


def sweep_commitments(*, at: dt.datetime | None = None) -> int:
    """The worker: every signed commitment whose follow-up date has come becomes due (once)."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    count = 0
    for commitment in Commitment.objects.filter(
        state=CommitmentState.COMMITTED, follow_up_due_on__lte=today
    ):
        mark_follow_up_due(commitment, at=at)
        count += 1
    return count


def _reopen_as_event(commitment: Commitment, *, by: User, note: str, region, at: dt.datetime):
    """A broken commitment reopens the matter in the event loop: a new event, judged and
    dispatched like any other, from which the squad may open a new case."""

    case = commitment.case
    region = region or case.region
    if region is None and case.handling_unit.region.level != RegionLevel.COUNTY:
        region = case.handling_unit.region
    if region is None:
        raise InvalidInput(
            _("Say where the follow-up check found the violation (town, village or grid)."),
            field="region",
        )
    title = str(_("Commitment broken: %(party)s") % {"party": commitment.party.display_name})[:60]
    description = str(
        _(
            "The follow-up check of the notice and commitment on case %(number)s (%(matter)s) found "
            "the commitment broken: %(note)s"
        )
        % {"number": case.number, "matter": commitment.matter.name, "note": note}
    )
    return create_event(
        by=by,
        source=Source.GRID_PATROL,
        title=title,
        description=description,
        location=Location(region=region, address=case.address),
        category=commitment.matter.category,
        occurred_at=at,
    )


@transaction.atomic
def record_check(
    commitment: Commitment,
    *,
    by: User,
    kept: bool,
    note: str = "",
    checked_at: dt.datetime | None = None,
    region=None,
) -> Commitment:
    """回访: the follow-up check. Kept → closed. Broken → the matter reopens as a new event
    (``create_event``), linked both ways; the note (what was found) is required."""
    commitment = COMMITMENT_FLOW.lock(commitment)
    transition, _r = COMMITMENT_FLOW.check(commitment, "record_check", by)
    now = timezone.now()
    checked_at = _moment(checked_at, field="checked_at", now=now)
    if commitment.signed_on and timezone.localtime(checked_at).date() < commitment.signed_on:
        raise InvalidInput(
            _("The check comes after the commitment was signed."), field="checked_at"
        )
    note = _text(note, field="note", max_length=2000, required=not kept)
    from_state = commitment.state
    commitment.state = CommitmentState.KEPT if kept else CommitmentState.BROKEN
    commitment.checked_at, commitment.checked_by, commitment.check_note = checked_at, by, note
    details = {"kept": bool(kept), "checked_at": checked_at.isoformat()}
    if not kept:
        event = _reopen_as_event(commitment, by=by, note=note, region=region, at=checked_at)
        commitment.reopened_event = event
        details["event"] = event.number
    commitment.save()
    COMMITMENT_FLOW.record(
        commitment,
        transition.name,
        by=by,
        from_state=from_state,
        to_state=commitment.state,
        reason=note,
        details=details,
    )
    return commitment


# --- credit repair (信用修复) ------------------------------------------------------------------------


def _repair_link(repair: CreditRepair) -> str:
    return reverse("leniency:repair", args=[repair.pk])


@transaction.atomic
def open_credit_repair(
    case, party, *, publication, at: dt.datetime | None = None
) -> CreditRepair | None:
    """The system (the sweep): a published penalty of ``party`` has become repairable — record it
    as notified and tell the handling unit to contact the enterprise (主动告知). Once per
    penalty and enterprise."""
    at = at or timezone.now()
    if CreditRepair.objects.filter(case=case, party=party).exists():
        return None
    repair = CreditRepair.objects.create(
        case=case,
        party=party,
        handling_unit=case.handling_unit,
        penalty_kinds=list(publication.kinds),
        published_on=publication.published_on,
        minimum_months=publication.minimum_months,
        repairable_on=publication.repairable_on,
        notified_at=at,
    )
    REPAIR_FLOW.record(
        repair,
        "notify",
        by=None,
        from_state="",
        to_state=RepairState.NOTIFIED,
        at=at,
        details={
            "case": case.number,
            "party": party.pk,
            "kinds": list(publication.kinds),
            "published_on": _day(publication.published_on),
            "repairable_on": _day(publication.repairable_on),
            "minimum_months": publication.minimum_months,
        },
    )
    notify_units(
        [case.handling_unit],
        verb="credit_repair",
        link=_repair_link(repair),
        message=_(
            "Credit repair: %(party)s may now repair the publication of case %(number)s "
            "(since %(date)s); contact the enterprise."
        ),
        params={
            "party": party.display_name,
            "number": case.number,
            "date": _day(publication.repairable_on),
        },
    )
    return repair


@transaction.atomic
def record_contact(
    repair: CreditRepair, *, by: User, note: str, contacted_at: dt.datetime | None = None
) -> CreditRepair:
    """主动告知: the unit told the enterprise it may apply (how, when)."""
    repair = REPAIR_FLOW.lock(repair)
    transition, _r = REPAIR_FLOW.check(repair, "record_contact", by)
    repair.contact_note = _text(note, field="note", max_length=2000, required=True)
    repair.contacted_at = _moment(contacted_at, field="contacted_at", now=timezone.now())
    if repair.contacted_at < repair.notified_at:
        raise InvalidInput(
            _("The enterprise is told after the repair was found."), field="contacted_at"
        )
    repair.save(update_fields=["contact_note", "contacted_at"])
    REPAIR_FLOW.record(
        repair,
        transition.name,
        by=by,
        from_state=repair.state,
        to_state=repair.state,
        reason=repair.contact_note,
        details={"contacted_at": repair.contacted_at.isoformat()},
    )
    return repair


@transaction.atomic
def record_application(
    repair: CreditRepair, *, by: User, applied_on: dt.date, note: str = ""
) -> CreditRepair:
    repair = REPAIR_FLOW.lock(repair)
    transition, _r = REPAIR_FLOW.check(repair, "record_application", by)
    if applied_on is None:
        raise InvalidInput(_("Give the date the enterprise applied."), field="applied_on")
    _not_future(applied_on, field="applied_on")
    if applied_on < repair.repairable_on:
        raise InvalidInput(
            _("The publication may be repaired from %(date)s.") % {"date": repair.repairable_on},
            field="applied_on",
        )
    repair.applied_on, repair.application_note = (
        applied_on,
        _text(note, field="note", max_length=2000),
    )
    REPAIR_FLOW.move(
        repair,
        transition.name,
        RepairState.APPLIED,
        by=by,
        fields=["applied_on", "application_note"],
        reason=repair.application_note,
        details={"applied_on": _day(applied_on)},
    )
    return repair


@transaction.atomic
def check_materials(repair: CreditRepair, *, by: User, note: str) -> CreditRepair:
    repair = REPAIR_FLOW.lock(repair)
    transition, _r = REPAIR_FLOW.check(repair, "check_materials", by)
    repair.materials_note = _text(note, field="note", max_length=2000, required=True)
    repair.checked_at = timezone.now()
    REPAIR_FLOW.move(
        repair,
        transition.name,
        RepairState.CHECKED,
        by=by,
        fields=["materials_note", "checked_at"],
        reason=repair.materials_note,
    )
    return repair


@transaction.atomic
def approve_repair(repair: CreditRepair, *, by: User, note: str = "") -> CreditRepair:
    repair = REPAIR_FLOW.lock(repair)
    transition, _r = REPAIR_FLOW.check(repair, "approve_repair", by)
    repair.repaired_at, repair.decided_by = timezone.now(), by
    REPAIR_FLOW.move(
        repair,
        transition.name,
        RepairState.REPAIRED,
        by=by,
        fields=["repaired_at", "decided_by"],
        reason=_text(note, field="note", max_length=2000),
    )
    notify_units(
        [repair.handling_unit],
        verb="credit_repair",
        link=_repair_link(repair),
        message=_("Credit repair of %(party)s (case %(number)s) approved."),
        params={"party": repair.party.display_name, "number": repair.case.number},
    )
    return repair


@transaction.atomic
def refuse_repair(repair: CreditRepair, *, by: User, reason: str) -> CreditRepair:
    repair = REPAIR_FLOW.lock(repair)
    transition, reason = REPAIR_FLOW.check(repair, "refuse_repair", by, reason=reason)
    repair.refusal_reason = _text(reason, field="reason", max_length=2000, required=True)
    repair.refused_at, repair.decided_by = timezone.now(), by
    REPAIR_FLOW.move(
        repair,
        transition.name,
        RepairState.REFUSED,
        by=by,
        fields=["refusal_reason", "refused_at", "decided_by"],
        reason=reason,
    )
    return repair


# --- butler services (管家式服务) ---------------------------------------------------------------------


@dataclass
class ButlerServiceData:
    kind: str
    held_on: dt.date
    unit: Unit | None
    staff: Sequence[User]
    topics: str
    findings: str = ""
    follow_up: str = ""
    follow_up_due_on: dt.date | None = None


def _resolve_enterprise(party, *, by: User):

    if isinstance(party, PartyData):
        try:
            party, _created = find_or_create_party(by=by, data=party)
        except InvalidInput as exc:
            raise InvalidInput(
                exc.message, field=f"party_{exc.field}" if exc.field else "party"
            ) from exc
    if not isinstance(party, Party):
        raise InvalidInput(_("Name the enterprise."), field="party")
    if party.is_person:
        raise InvalidInput(
            _("Butler services are recorded against an enterprise (unified social credit code)."),
            field="party",
        )
    return party


@transaction.atomic
def record_butler_service(*, by: User, party, data: ButlerServiceData) -> ButlerService:
    """A compliance check-up (服务式体检) or a tailored law session (定制式普法), recorded against
    the enterprise by an officer of the unit that held it."""
    units = butler_units(by)
    if not units:
        raise NotPermitted(_("Officers of a squad or department record butler services."))
    if data.unit is None or data.unit.pk not in {u.pk for u in units}:
        raise InvalidInput(_("Choose your own unit."), field="unit")
    if data.kind not in ServiceKind.values:
        raise InvalidInput(_("Choose the kind of service."), field="kind")
    if data.held_on is None:
        raise InvalidInput(_("Give the day of the service."), field="held_on")
    _not_future(data.held_on, field="held_on")
    staff = list(dict.fromkeys(data.staff or []))
    if not staff or any(not u.is_active for u in staff):
        raise InvalidInput(_("Name the staff who took part."), field="staff")
    topics = _text(data.topics, field="topics", max_length=300, required=True)
    findings = _text(
        data.findings, field="findings", max_length=2000, required=data.kind == ServiceKind.CHECKUP
    )
    follow_up = _text(data.follow_up, field="follow_up", max_length=2000)
    if data.follow_up_due_on and data.follow_up_due_on < data.held_on:
        raise InvalidInput(_("The follow-up comes after the service."), field="follow_up_due_on")
    party = _resolve_enterprise(party, by=by)
    service = ButlerService.objects.create(
        party=party,
        kind=data.kind,
        held_on=data.held_on,
        unit=data.unit,
        topics=topics,
        findings=findings,
        follow_up=follow_up,
        follow_up_due_on=data.follow_up_due_on,
        recorded_by=by,
    )
    service.staff.set(staff)
    record(
        ButlerServiceHistory,
        service,
        "record",
        by=by,
        details={
            "kind": data.kind,
            "held_on": _day(data.held_on),
            "unit": data.unit.code,
            "staff": sorted(u.pk for u in staff),
        },
    )
    return service
