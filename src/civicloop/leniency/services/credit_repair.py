"""信用修复: credit repair of a published penalty, from notification to approval."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput
from civicloop.core.inputs import clean_text as _text
from civicloop.core.inputs import not_future as _not_future
from civicloop.core.inputs import past_moment as _moment
from civicloop.notifications.services import notify_units
from civicloop.org.models import User

from ..choices import (
    RepairState,
)
from ..models import (
    CreditRepair,
)
from .base import REPAIR_FLOW, _day


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
