"""Every write to a party goes through a function here (and every unmasked read).

Identifiers are checked with their check characters (``core.identifiers``); one
identifier belongs to one party. History rows name the fields that changed,
never their values (the values are personal data).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.identifiers import (
    is_valid_credit_code,
    is_valid_id_number,
    is_valid_phone,
    normalise_credit_code,
)
from civicloop.core.inputs import clean_text as _text
from civicloop.privacy.services import record_personal_data_access

from .choices import PartyKind
from .models import Party, PartyHistory
from .permissions import may_correct, may_record_parties, may_reveal

FIELDS = ("kind", "name", "id_number", "credit_code", "legal_representative", "phone", "address")


@dataclass
class PartyData:
    """What identifies and reaches a party, as entered."""

    kind: str
    name: str
    id_number: str = ""
    credit_code: str = ""
    legal_representative: str = ""
    phone: str = ""
    address: str = ""


def clean_party_data(data: PartyData) -> dict[str, str]:
    """Check and normalise a party's details; raise InvalidInput on the offending field."""
    if data.kind not in PartyKind.values:
        raise InvalidInput(_("Choose a person or an organisation."), field="kind")
    cleaned = {
        "kind": data.kind,
        "name": _text(data.name, field="name", max_length=120, required=True),
        "legal_representative": _text(
            data.legal_representative, field="legal_representative", max_length=60
        ),
        "address": _text(data.address, field="address", max_length=200),
        "id_number": "",
        "credit_code": "",
    }
    phone = (data.phone or "").strip().replace(" ", "")
    if phone and not is_valid_phone(phone):
        raise InvalidInput(_("“%(v)s” is not a valid phone number.") % {"v": phone}, field="phone")
    cleaned["phone"] = phone
    if data.kind == PartyKind.PERSON:
        id_number = (data.id_number or "").strip().upper()
        if not id_number:
            raise InvalidInput(
                _("A person is identified by the resident ID number."), field="id_number"
            )
        if not is_valid_id_number(id_number):
            raise InvalidInput(
                _("The ID number is not valid (18 characters, check digit)."), field="id_number"
            )
        if data.credit_code:
            raise InvalidInput(
                _("A person has no unified social credit code; choose “organisation”."),
                field="credit_code",
            )
        cleaned["id_number"] = id_number
        cleaned["legal_representative"] = ""
    else:
        code = normalise_credit_code(data.credit_code)
        if not code:
            raise InvalidInput(
                _("An organisation is identified by its unified social credit code."),
                field="credit_code",
            )
        if not is_valid_credit_code(code):
            raise InvalidInput(
                _(
                    "The unified social credit code is not valid (18 characters, GB 32100-2015 check "
                    "character)."
                ),
                field="credit_code",
            )
        if data.id_number:
            raise InvalidInput(
                _("An organisation has no resident ID number; choose “person”."), field="id_number"
            )
        cleaned["credit_code"] = code
    return cleaned


def _existing(cleaned: dict[str, str]) -> Party | None:
    if cleaned["kind"] == PartyKind.PERSON:
        return Party.objects.filter(id_number=cleaned["id_number"]).first()
    return Party.objects.filter(credit_code=cleaned["credit_code"]).first()


def _identifier_field(kind: str) -> str:
    return "id_number" if kind == PartyKind.PERSON else "credit_code"


def _check_may_record(by) -> None:
    if not may_record_parties(by):
        raise NotPermitted(_("Only enforcement officers of a squad or department record parties."))


@transaction.atomic
def create_party(*, by, data: PartyData) -> Party:
    """Record a new party. An identifier that is already recorded is refused."""
    _check_may_record(by)
    cleaned = clean_party_data(data)
    if _existing(cleaned) is not None:
        raise InvalidInput(
            _("A party with this identifier is already recorded; use it."),
            field=_identifier_field(cleaned["kind"]),
        )
    try:
        with transaction.atomic():
            party = Party.objects.create(created_by=by, **cleaned)
    except IntegrityError as exc:  # a concurrent request recorded it first
        raise InvalidInput(
            _("A party with this identifier is already recorded; use it."),
            field=_identifier_field(cleaned["kind"]),
        ) from exc
    PartyHistory.objects.create(
        party=party,
        actor=by,
        action="create",
        details={"kind": party.kind, "fields": [f for f in FIELDS if cleaned.get(f)]},
    )
    return party


@transaction.atomic
def find_or_create_party(*, by, data: PartyData) -> tuple[Party, bool]:
    """The party with this identifier, or a new one. The name given must match the one
    recorded (a mistyped identifier must not attach a case to someone else)."""
    _check_may_record(by)
    cleaned = clean_party_data(data)
    party = _existing(cleaned)
    if party is not None:
        if party.name != cleaned["name"]:
            raise InvalidInput(
                _(
                    "This identifier is recorded under another name; check the identifier or correct "
                    "the party's record first."
                ),
                field="name",
            )
        return party, False
    return create_party(by=by, data=data), True


@transaction.atomic
def correct_party(party: Party, *, by, data: PartyData, reason: str) -> Party:
    """Correct a party's details (a wrong address, a new phone), with the reason."""
    party = Party.objects.select_for_update().get(pk=party.pk)
    if not may_correct(by, party):
        raise NotPermitted(_("Only those handling this party's cases may correct its details."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Please give a reason."), field="reason")
    cleaned = clean_party_data(data)
    if cleaned["kind"] != party.kind:
        raise InvalidInput(
            _("A person cannot become an organisation or the reverse; record a new party."),
            field="kind",
        )
    other = _existing(cleaned)
    if other is not None and other.pk != party.pk:
        raise InvalidInput(
            _("A party with this identifier is already recorded; use it."),
            field=_identifier_field(cleaned["kind"]),
        )
    changed = [f for f in FIELDS if getattr(party, f) != cleaned[f]]
    if not changed:
        raise InvalidInput(_("Nothing was changed."))
    for name in changed:
        setattr(party, name, cleaned[name])
    party.save()
    PartyHistory.objects.create(
        party=party, actor=by, action="correct", reason=reason, details={"fields": changed}
    )
    return party


def reveal_party(
    party: Party, *, by, channel: str, ip_address: str | None = None
) -> dict[str, str]:
    """The party's unmasked details, for those who must reach the party; every view is logged."""
    if not may_reveal(by, party):
        raise NotPermitted(_("Your role does not allow you to see the party's full details."))
    fields = party.unmasked()
    record_personal_data_access(
        user=by,
        subject=party,
        fields=[k for k, v in fields.items() if v],
        channel=channel,
        ip_address=ip_address,
    )
    return fields
