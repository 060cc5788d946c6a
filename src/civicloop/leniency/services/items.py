"""一免一减: the county's list of exemption and reduction items, its versions and withdrawal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.inputs import clean_text as _text
from civicloop.core.transitions import record
from civicloop.org.models import User

from ..choices import (
    ItemKind,
    LegalBasis,
)
from ..conditions import ConditionError, clean_conditions, parse_conditions
from ..models import (
    LeniencyItem,
    LeniencyItemHistory,
    LeniencyItemVersion,
    item_code_validator,
)
from ..permissions import (
    may_maintain_list,
)
from .base import BASES_OF_KIND, DEFAULT_BASIS_TEXT, _day


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
