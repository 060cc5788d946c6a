"""管家式服务: butler services recorded for enterprises."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.inputs import clean_text as _text
from civicloop.core.inputs import not_future as _not_future
from civicloop.core.transitions import record
from civicloop.org.models import Unit, User
from civicloop.parties.models import Party
from civicloop.parties.services import PartyData, find_or_create_party

from ..choices import (
    ServiceKind,
)
from ..models import (
    ButlerService,
    ButlerServiceHistory,
)
from ..permissions import (
    butler_units,
)
from .base import _day


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
