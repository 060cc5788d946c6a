"""立案: filing a case from an event, an inspection or directly; parties, handlers, matters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.inputs import clean_text as _text
from civicloop.core.inputs import past_moment as _aware
from civicloop.events.models import Event
from civicloop.matters.models import Matter
from civicloop.org.choices import QualificationKind, UnitKind
from civicloop.org.models import Region, Unit, User
from civicloop.parties.models import Party
from civicloop.parties.services import PartyData, clean_party_data, find_or_create_party

from .. import deadlines as dl
from ..choices import (
    CaseSource,
    DeadlineKind,
    PartyRole,
    Procedure,
)
from ..models import (
    Case,
    CaseHandler,
    CaseMatter,
    CaseParty,
)
from ..numbering import next_number
from ..permissions import CASE_UNIT_KINDS, OFFICER_ROLES, is_unit_officer
from ..rules import (
    limitation_end,
)
from .base import CASE_FLOW, S, _notify_handlers


@dataclass
class PartyLink:
    """A party of the case: a recorded ``parties.Party``, or ``parties.services.PartyData``
    to find by its identifier or record with the case (in the same transaction)."""

    party: object
    role: str = PartyRole.PARTY


def _check_party_links(parties: Sequence[PartyLink]) -> None:
    """Check the new parties' details first; their errors name the form's ``party_*`` fields."""
    for link in parties:
        if link.role not in PartyRole.values:
            raise InvalidInput(_("Unknown role of a party."), field="parties")
        if isinstance(link.party, PartyData):
            try:
                clean_party_data(link.party)
            except InvalidInput as exc:
                raise InvalidInput(
                    exc.message, field=f"party_{exc.field}" if exc.field else "parties"
                ) from exc
        elif not isinstance(link.party, Party):
            raise InvalidInput(_("Name the party (当事人) of the case."), field="parties")


def _resolve_party(link: PartyLink, *, by: User):
    if not isinstance(link.party, PartyData):
        return link.party
    try:
        party, _created = find_or_create_party(by=by, data=link.party)
    except InvalidInput as exc:
        raise InvalidInput(
            exc.message, field=f"party_{exc.field}" if exc.field else "parties"
        ) from exc
    return party


def enforcement_certificate(user: User, on: dt.date):
    from django.db.models import Q

    return (
        user.qualifications.filter(
            kind=QualificationKind.ENFORCEMENT_CERTIFICATE, issued_on__lte=on
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .order_by("-issued_on")
        .first()
    )


def check_handlers(unit: Unit, handlers: Sequence[User], *, on: dt.date) -> dict[int, str]:
    """Art. 42: at least two officers of the handling unit holding an enforcement certificate
    valid on the day. Returns each handler's certificate number."""
    people = list(dict.fromkeys(handlers))
    certificates: dict[int, str] = {}
    problems = []
    for user in people:
        in_unit = user.is_active and any(
            p.unit_id == unit.pk and p.role in OFFICER_ROLES for p in user.active_posts()
        )
        certificate = enforcement_certificate(user, on)
        if not in_unit:
            problems.append(
                str(
                    _("%(name)s is not an enforcement officer of %(unit)s")
                    % {"name": user, "unit": unit}
                )
            )
        elif certificate is None:
            problems.append(
                str(
                    _("%(name)s holds no administrative enforcement certificate valid on %(date)s")
                    % {"name": user, "date": on}
                )
            )
        else:
            certificates[user.pk] = certificate.number
    if len(certificates) < 2 or problems:
        message = _(
            "A case is handled by at least two enforcement officers holding an administrative "
            "enforcement certificate (Art. 42 of the Administrative Penalty Law)."
        )
        if problems:
            message = _("%(rule)s Not eligible: %(problems)s.") % {
                "rule": message,
                "problems": "；".join(problems),
            }
        raise InvalidInput(message, field="handlers")
    return certificates


def _check_matters(unit: Unit, matters: Sequence, *, violation_date: dt.date, filed_on: dt.date):
    """Every matter is in use and has a version in force on the day of the violation (Art. 37);
    a town squad acts only on matters its town holds on the filing date (赋权), a county
    department only on its own matters. Returns [(matter, version)] and whether empowered."""

    matters = list(dict.fromkeys(matters))
    if not matters:
        raise InvalidInput(_("Name at least one enforcement matter."), field="matters")
    resolved = []
    for matter in matters:
        if not matter.is_active:
            raise InvalidInput(
                _("The matter %(code)s is no longer in use.") % {"code": matter.code},
                field="matters",
            )
        version = matter.current_version(violation_date)
        if version is None:
            raise InvalidInput(
                _("The matter %(code)s had no legal basis in force on %(date)s.")
                % {"code": matter.code, "date": violation_date},
                field="matters",
            )
        resolved.append((matter, version))
    empowered = False
    if unit.kind == UnitKind.SQUAD:
        held = set(
            Matter.objects.held_by(unit.region, on=filed_on)
            .filter(pk__in=[m.pk for m in matters])
            .values_list("pk", flat=True)
        )
        missing = [m for m in matters if m.pk not in held]
        if missing:
            raise InvalidInput(
                _(
                    "%(town)s does not hold %(codes)s on %(date)s; the case belongs to the county "
                    "department that owns the matter."
                )
                % {
                    "town": unit.region.name,
                    "codes": ", ".join(m.code for m in missing),
                    "date": filed_on,
                },
                field="matters",
            )
        empowered = True
    else:
        foreign = [m for m in matters if m.department_id != unit.pk]
        if foreign:
            raise InvalidInput(
                _("%(codes)s belong(s) to another department.")
                % {"codes": ", ".join(m.code for m in foreign)},
                field="matters",
            )
    return resolved, empowered


def _check_event(event, unit: Unit, by: User) -> None:

    if not Event.objects.visible_to(by).filter(pk=event.pk).exists():
        raise NotPermitted(_("You cannot see this event."))
    if not event.assignments.live().filter(unit=unit).exists():
        raise InvalidInput(
            _("Only a unit the event was given to opens a case from it."), field="event"
        )


def file_case(
    *,
    by: User,
    handling_unit: Unit,
    procedure: str,
    source: str,
    title: str,
    facts: str,
    violation_date: dt.date,
    parties: Sequence[PartyLink],
    matters: Sequence,
    handlers: Sequence[User],
    lead_handler: User | None = None,
    event=None,
    inspection_reference: str = "",
    region: Region | None = None,
    address: str = "",
    violation_ended_on: dt.date | None = None,
    limitation_five_years: bool = False,
    fast_track_consent_at: dt.datetime | None = None,
    party_admits: bool = False,
) -> Case:
    """立案: file a case in ``handling_unit``. The filer is an officer of the unit."""
    now = timezone.now()
    filed_on = timezone.localdate(now)
    if handling_unit.kind not in CASE_UNIT_KINDS or not handling_unit.is_active:
        raise InvalidInput(
            _("Cases are handled by a town squad or a county department."), field="handling_unit"
        )
    if not is_unit_officer(by, handling_unit):
        raise NotPermitted(
            _("Only an enforcement officer of %(unit)s files its cases.") % {"unit": handling_unit}
        )
    if procedure not in Procedure.values:
        raise InvalidInput(_("Choose the procedure."), field="procedure")
    if source not in CaseSource.values:
        raise InvalidInput(_("Choose where the case comes from."), field="source")
    title = _text(title, field="title", max_length=120, required=True)
    facts = _text(facts, field="facts", required=True)
    address = _text(address, field="address", max_length=200)
    inspection_reference = _text(inspection_reference, field="inspection_reference", max_length=120)
    if source == CaseSource.EVENT:
        if event is None:
            raise InvalidInput(_("Choose the event the case comes from."), field="event")
        _check_event(event, handling_unit, by)
        region = region or event.region
        address = address or event.address
    elif event is not None:
        raise InvalidInput(_("Only a case from an event names an event."), field="event")
    if source == CaseSource.INSPECTION and not inspection_reference:
        raise InvalidInput(
            _("Give the inspection record the case comes from."), field="inspection_reference"
        )
    if violation_date is None:
        raise InvalidInput(_("Give the date of the violation."), field="violation_date")
    if violation_date > filed_on:
        raise InvalidInput(_("The violation cannot be later than today."), field="violation_date")
    if violation_ended_on is not None and (
        violation_ended_on < violation_date or violation_ended_on > filed_on
    ):
        raise InvalidInput(
            _("A continuing violation ends between its start and today."),
            field="violation_ended_on",
        )
    last = limitation_end(violation_ended_on or violation_date, five_years=limitation_five_years)
    if filed_on > last:
        raise InvalidInput(
            _(
                "The violation was not discovered within the limitation period, which ended on %(date)s; "
                "no penalty may be given (Art. 36)."
            )
            % {"date": last},
            field="violation_date",
        )
    principal = [link for link in parties if link.role == PartyRole.PARTY]
    if not principal:
        raise InvalidInput(_("Name the party (当事人) of the case."), field="parties")
    _check_party_links(parties)
    resolved, empowered = _check_matters(
        handling_unit, matters, violation_date=violation_date, filed_on=filed_on
    )
    certificates = check_handlers(handling_unit, handlers, on=filed_on)
    lead = lead_handler or (by if by.pk in certificates else next(iter(dict.fromkeys(handlers))))
    if lead.pk not in certificates:
        raise InvalidInput(_("The lead handler must be one of the handlers."), field="lead_handler")
    if procedure != Procedure.FAST_TRACK and fast_track_consent_at is not None:
        fast_track_consent_at = None
    if fast_track_consent_at is not None:
        fast_track_consent_at = _aware(
            fast_track_consent_at, field="fast_track_consent_at", now=now
        )

    with transaction.atomic():
        case = Case.objects.create(
            number=next_number(handling_unit, year=filed_on.year),
            title=title,
            handling_unit=handling_unit,
            procedure=procedure,
            source=source,
            event=event,
            inspection_reference=inspection_reference,
            region=region,
            address=address,
            facts=facts,
            violation_date=violation_date,
            violation_ended_on=violation_ended_on,
            limitation_five_years=limitation_five_years,
            is_empowered=empowered,
            filed_at=now,
            filed_by=by,
            party_admits=party_admits,
            fast_track_consent_at=fast_track_consent_at,
        )
        seen = set()
        for link in parties:
            party = _resolve_party(link, by=by)
            key = (party.pk, link.role)
            if key not in seen:
                CaseParty.objects.create(case=case, party=party, role=link.role)
                seen.add(key)
        for matter, version in resolved:
            CaseMatter.objects.create(case=case, matter=matter, version=version)
        for user_pk, number in certificates.items():
            CaseHandler.objects.create(
                case=case, user_id=user_pk, is_lead=user_pk == lead.pk, certificate_number=number
            )
        if procedure != Procedure.SIMPLE:
            dl.open_deadline(case, DeadlineKind.DECISION, now)
        if procedure == Procedure.FAST_TRACK:
            dl.open_deadline(case, DeadlineKind.FAST_TRACK, now)
        CASE_FLOW.record(
            case,
            "file",
            by=by,
            from_state="",
            to_state=S.FILED,
            details={
                "number": case.number,
                "procedure": procedure,
                "source": source,
                "event": event.number if event else None,
                "is_empowered": empowered,
                "matters": [{"code": m.code, "version": v.pk} for m, v in resolved],
                "handlers": sorted(certificates),
                "filed_on": filed_on.isoformat(),
            },
        )
        _notify_handlers(
            case,
            verb="case_filed",
            message=_("Case %(number)s filed: you are a handler"),
            exclude=by,
        )
    return case
