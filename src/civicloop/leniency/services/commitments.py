"""轻微违法告知承诺: the notice of a minor violation, the commitment and its follow-up check."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core import uploads
from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.inputs import clean_text as _text
from civicloop.core.inputs import not_future as _not_future
from civicloop.core.inputs import past_moment as _moment
from civicloop.events.choices import Source
from civicloop.events.services import Location, create_event
from civicloop.notifications.services import notify_units, notify_users
from civicloop.org.choices import RegionLevel
from civicloop.org.models import User

from ..choices import (
    CommitmentState,
)
from ..models import (
    CaseCircumstances,
    Commitment,
    commitment_scan_name,
)
from ..permissions import (
    may_serve_commitment_notice,
)
from .base import COMMITMENT_FLOW, SCAN_TYPES, SYSTEM, _day, next_working_day_on_or_after
from .circumstances import _lock_case


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
