"""Every write to matters and empowerment goes through a function here (the assessment's
writes are in ``civicloop.assessment.services``, which reuses the helpers below).

Each function checks the actor's capacity (``permissions.py``) and, for
workflow models, the state against the table in ``workflow.py``; validates its
input (raising ``InvalidInput(field=…)``); writes inside a transaction; appends
one history row per change; and writes notifications, delivered after commit.
Web views, the API, the import command and the demo call these and nothing else.

``by=None`` means the system itself (the catalog loader of a fresh installation,
the demo); it is accepted only where the caller passes ``system=True``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core import uploads
from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.inputs import clean_text as _text
from civicloop.core.transitions import ModelWorkflow, record
from civicloop.matters.models import Category
from civicloop.notifications.services import notify_units
from civicloop.org.choices import RegionLevel, UnitKind
from civicloop.org.models import Region, Unit, User

from .choices import GrantKind, RequestState
from .display import format_fine_range
from .models import (
    EmpowermentDecision,
    EmpowermentGrant,
    EmpowermentGrantHistory,
    EmpowermentRequest,
    EmpowermentRequestHistory,
    Matter,
    MatterHistory,
    MatterVersion,
    article_validator,
    matter_code_validator,
)
from .models import StatutoryRange as StatutoryRangeRow
from .permissions import empowerment_capacities, is_county
from .ranges import (
    ANY,
    BASE_KINDS,
    PARTY_TYPES,
    StatutoryRange,
    canonical,
    format_ranges_text,
    ranges_of,
    widest,
)
from .workflow import REQUEST_WORKFLOW

REQUEST_FLOW = ModelWorkflow(
    EmpowermentRequest,
    history=EmpowermentRequestHistory,
    machine=REQUEST_WORKFLOW,
    capacities=lambda by, request: empowerment_capacities(by, request.town),
    related=("town", "matter"),
)

MAX_TEXT = 5000
MAX_FINE = Decimal("100000000")  # 1亿元: no statute in the catalog goes near it


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _money(value) -> str | None:
    return str(value) if value is not None else None


def _check_town(town: Region) -> None:
    if town is None or town.level != RegionLevel.TOWN:
        raise InvalidInput(_("Choose a town or street."), field="town")


def _command_rooms(town: Region):
    return Unit.objects.active().filter(kind=UnitKind.COMMAND_ROOM, region=town)


def _county_centres():
    return Unit.objects.active().filter(
        kind=UnitKind.COUNTY_CENTRE, region__level=RegionLevel.COUNTY
    )


def _town_link(town: Region) -> str:
    return reverse("matters:town", args=[town.code])


# --- the catalog ----------------------------------------------------------------------


@dataclass
class VersionData:
    """The content of a matter version: what may change from one version to the next."""

    name: str
    law: str
    article: str
    article_text: str
    clause: str = ""
    law_version: dt.date | None = None
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    # The statutory ranges by party type (matters.ranges.StatutoryRange); empty: one range
    # for any party from fine_min / fine_max.
    ranges: tuple[StatutoryRange, ...] = ()

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def version_fields(self) -> dict:
        """The MatterVersion fields (the ranges are rows of their own)."""
        return {k: v for k, v in self.as_dict().items() if k != "ranges"}


MAX_MULTIPLE = Decimal("1000")


def clean_ranges(ranges) -> tuple[StatutoryRange, ...]:
    """Check statutory ranges; raise InvalidInput(field="ranges")."""
    for rng in ranges:
        if rng.party_type not in PARTY_TYPES:
            raise InvalidInput(
                _("A range is for a person, an organisation or any party."), field="ranges"
            )
        if rng.is_multiple:
            if rng.base_kind not in BASE_KINDS:
                raise InvalidInput(
                    _("“%(kind)s” is not a base a fine may be a multiple of.")
                    % {"kind": rng.base_kind},
                    field="ranges",
                )
            low, high = rng.multiple_min, rng.multiple_max
            limit = MAX_MULTIPLE
        else:
            low, high = rng.minimum, rng.maximum
            limit = MAX_FINE
        if high is None:
            raise InvalidInput(_("Every range needs its maximum."), field="ranges")
        if any(v is not None and (v < 0 or v > limit) for v in (low, high)):
            raise InvalidInput(
                _(
                    "A range's amounts lie between 0 and 100,000,000 yuan, its multiples between 0 and 1,000."
                ),
                field="ranges",
            )
        if low is not None and low > high:
            raise InvalidInput(_("A range's minimum is larger than its maximum."), field="ranges")
        if rng.is_multiple and (rng.minimum is not None or rng.maximum is not None):
            raise InvalidInput(_("A multiple of a base has no amount in yuan."), field="ranges")
    return canonical(ranges)


def clean_version_data(data: VersionData) -> VersionData:
    """Check a version's content; raise InvalidInput naming the field."""
    name = _text(data.name, field="name", max_length=200, required=True)
    law = _text(data.law, field="law", max_length=100, required=True).strip("《》")
    article = _text(data.article, field="article", max_length=20, required=True).replace(" ", "")
    if not re.fullmatch(article_validator.regex, article):
        raise InvalidInput(
            _("Write the article as in the statute, e.g. 第三十四条."), field="article"
        )
    clause = _text(data.clause, field="clause", max_length=60, required=False)
    article_text = (data.article_text or "").strip()
    if not article_text:
        raise InvalidInput(_("Give the text of the article."), field="article_text")
    if len(article_text) > 20000:
        raise InvalidInput(_("The article text is too long."), field="article_text")
    fine_min, fine_max = data.fine_min, data.fine_max
    for field, value in (("fine_min", fine_min), ("fine_max", fine_max)):
        if value is not None and (value < 0 or value > MAX_FINE):
            raise InvalidInput(_("A fine must be between 0 and 100,000,000 yuan."), field=field)
    if fine_min is not None and fine_max is None:
        raise InvalidInput(_("Give the maximum fine too (or leave both empty)."), field="fine_max")
    if fine_min is not None and fine_max is not None and fine_min > fine_max:
        raise InvalidInput(_("The minimum fine is larger than the maximum."), field="fine_min")
    ranges = clean_ranges(data.ranges)
    if ranges:
        # fine_min / fine_max stay the widest, for lists and old readers; they follow the
        # ranges, and a different pair given with them is a contradiction, not a choice.
        low, high = widest(ranges)
        if fine_min is None and fine_max is None:
            fine_min, fine_max = low, high
        elif (fine_min, fine_max) != (low, high):
            raise InvalidInput(
                _(
                    "The minimum and maximum fine must be the widest of the ranges by party "
                    "(%(range)s); leave them empty to have them worked out."
                )
                % {"range": format_fine_range(low, high)},
                field="fine_max",
            )
    elif fine_max is not None:
        ranges = (StatutoryRange(ANY, fine_min, fine_max),)
    return VersionData(
        name=name,
        law=law,
        article=article,
        article_text=article_text,
        clause=clause,
        law_version=data.law_version,
        fine_min=fine_min,
        fine_max=fine_max,
        ranges=ranges,
    )


def _create_version(matter: Matter, content: VersionData, **extra) -> MatterVersion:
    version = MatterVersion.objects.create(matter=matter, **extra, **content.version_fields())
    StatutoryRangeRow.objects.bulk_create(
        StatutoryRangeRow(
            version=version,
            position=position,
            party_type=rng.party_type,
            minimum=rng.minimum,
            maximum=rng.maximum,
            base_kind=rng.base_kind,
            base_text=rng.base_text,
            multiple_min=rng.multiple_min,
            multiple_max=rng.multiple_max,
        )
        for position, rng in enumerate(content.ranges)
    )
    return version


def parse_money(value) -> Decimal | None:
    """A fine as typed: 5000, "5,000", "5000元", "0.5万" → Decimal yuan; empty → None."""
    if value is None:
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
    if not text:
        return None
    factor = Decimal(1)
    if text.endswith("万元") or text.endswith("万"):
        factor = Decimal(10_000)
        text = text.removesuffix("元").removesuffix("万")
    text = text.removesuffix("元")
    try:
        return (Decimal(text) * factor).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ValueError(value) from exc


def check_catalog_editor(by: User | None, *, system: bool = False) -> None:
    if by is None:
        if not system:
            raise NotPermitted(_("Say who is changing the catalog."))
        return
    if not (by.is_superuser or is_county(by)):
        raise NotPermitted(
            _("Only the county (centre operators and county leaders) changes the matter catalog.")
        )


def _check_matter_fields(*, category: Category, department: Unit) -> None:
    if category is None:
        raise InvalidInput(_("Choose the event category."), field="category")
    if department is None or department.kind != UnitKind.DEPARTMENT:
        raise InvalidInput(_("Choose a county department."), field="department")


def _version_details(version: MatterVersion) -> dict:
    return {
        "version": version.pk,
        "effective_from": _iso(version.effective_from),
        "name": version.name,
        "law": version.law,
        "article": version.article,
        "clause": version.clause,
        "fine_min": _money(version.fine_min),
        "fine_max": _money(version.fine_max),
        "ranges": format_ranges_text(ranges_of(version)),
    }


@transaction.atomic
def create_matter(
    *,
    by: User | None,
    code: str,
    category: Category,
    department: Unit,
    delegable: bool,
    content: VersionData,
    effective_from: dt.date,
    note: str = "",
    system: bool = False,
) -> Matter:
    """A new matter with its first version."""
    check_catalog_editor(by, system=system)
    code = (code or "").strip().upper()
    if not re.fullmatch(matter_code_validator.regex, code):
        raise InvalidInput(matter_code_validator.message, field="code")
    if Matter.objects.filter(code=code).exists():
        raise InvalidInput(
            _("A matter with the code %(code)s exists already.") % {"code": code}, field="code"
        )
    _check_matter_fields(category=category, department=department)
    content = clean_version_data(content)
    matter = Matter.objects.create(
        code=code,
        name=content.name,
        category=category,
        department=department,
        delegable=bool(delegable),
    )
    version = _create_version(
        matter, content, effective_from=effective_from, created_by=by, note=note
    )
    record(
        MatterHistory,
        matter,
        "create",
        by=by,
        reason=note,
        details={
            "category": category.code,
            "department": department.code,
            "delegable": matter.delegable,
            **_version_details(version),
        },
    )
    return matter


@transaction.atomic
def add_matter_version(
    matter: Matter,
    *,
    by: User | None,
    content: VersionData,
    effective_from: dt.date,
    note: str = "",
    system: bool = False,
) -> MatterVersion:
    """A new wording, legal basis or fine range from ``effective_from``; the version in
    force the day before ends then. Older versions are never rewritten."""
    check_catalog_editor(by, system=system)
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    content = clean_version_data(content)
    latest = matter.versions.order_by("-effective_from").first()
    if latest is not None and effective_from <= latest.effective_from:
        raise InvalidInput(
            _("A new version must start after the latest one (%(date)s).")
            % {"date": latest.effective_from.isoformat()},
            field="effective_from",
        )
    if latest is not None and latest.content() == content.as_dict():
        raise InvalidInput(_("Nothing changed compared with the version in force."), field="name")
    if latest is not None and (
        latest.effective_to is None or latest.effective_to >= effective_from
    ):
        latest.effective_to = effective_from - dt.timedelta(days=1)
        latest.save(update_fields=["effective_to"])
    version = _create_version(
        matter, content, effective_from=effective_from, created_by=by, note=note
    )
    if matter.name != content.name:
        matter.name = content.name
        matter.save(update_fields=["name"])
    record(
        MatterHistory,
        matter,
        "new_version",
        by=by,
        reason=note,
        details={**_version_details(version), "previous": latest.pk if latest else None},
    )
    return version


@transaction.atomic
def change_matter(
    matter: Matter,
    *,
    by: User | None,
    category: Category | None = None,
    department: Unit | None = None,
    delegable: bool | None = None,
    is_active: bool | None = None,
    reason: str = "",
    system: bool = False,
) -> Matter:
    """Change what is not versioned: category, department, delegability, in use or not."""
    check_catalog_editor(by, system=system)
    matter = (
        Matter.objects.select_for_update()
        .select_related("category", "department")
        .get(pk=matter.pk)
    )
    before, after = {}, {}
    if category is not None and category.pk != matter.category_id:
        before["category"], after["category"] = matter.category.code, category.code
        matter.category = category
    if department is not None and department.pk != matter.department_id:
        _check_matter_fields(category=matter.category, department=department)
        before["department"], after["department"] = matter.department.code, department.code
        matter.department = department
    if delegable is not None and bool(delegable) != matter.delegable:
        if not delegable and matter.grants.in_force().exists():
            raise InvalidInput(
                _("Towns hold this matter now; end their grants before making it non-delegable."),
                field="delegable",
            )
        before["delegable"], after["delegable"] = matter.delegable, bool(delegable)
        matter.delegable = bool(delegable)
    if is_active is not None and bool(is_active) != matter.is_active:
        before["is_active"], after["is_active"] = matter.is_active, bool(is_active)
        matter.is_active = bool(is_active)
    if not after:
        return matter
    matter.save(update_fields=list(after))
    record(
        MatterHistory,
        matter,
        "change",
        by=by,
        reason=(reason or "").strip(),
        details={"before": before, "after": after},
    )
    return matter


# --- decisions and grants -------------------------------------------------------------


@dataclass
class DecisionSpec:
    """A decision document named on a form: found by its number, or created (with its file)."""

    number: str
    title: str = ""
    issued_on: dt.date | None = None
    upload: Any = None


def _check_and_store(files, *, field: str, folder: str) -> list[tuple[uploads.CheckedUpload, str]]:
    """Decision documents and assessment evidence are stored under ``matters/``, apart from
    event attachments, so ``civicloop prune_attachments`` never touches them."""
    checked = uploads.check_uploads(files, field=field)
    return [(upload, uploads.store(upload, folder=f"matters/{folder}")) for upload in checked]


def _store_decision_file(spec: DecisionSpec | EmpowermentDecision | None):
    """Check and store the decision's file *before* any transaction (see core/uploads.py)."""
    if isinstance(spec, DecisionSpec) and spec.upload:
        return _check_and_store([spec.upload], field="decision_file", folder="decisions")[0]
    return None


def _decision_row(
    spec: DecisionSpec | EmpowermentDecision | None,
    stored,
    *,
    by: User | None,
    required: bool = True,
) -> EmpowermentDecision | None:
    if spec is None or isinstance(spec, EmpowermentDecision):
        if spec is None and required:
            raise InvalidInput(_("Give the decision document's number."), field="decision_number")
        return spec
    number = _text(spec.number, field="decision_number", max_length=60, required=required)
    if not number:
        return None
    title = _text(spec.title, field="decision_title", max_length=200, required=False)
    existing = EmpowermentDecision.objects.select_for_update().filter(number=number).first()
    if existing is not None:
        if title and title != existing.title:
            raise InvalidInput(
                _("Decision %(number)s exists with another title: “%(title)s”.")
                % {"number": number, "title": existing.title},
                field="decision_title",
            )
        if stored and not existing.file:
            existing.file, existing.file_name = stored[1], stored[0].name
            existing.save(update_fields=["file", "file_name"])
        return existing
    if not title:
        raise InvalidInput(_("Give the decision's title."), field="decision_title")
    decision = EmpowermentDecision(
        number=number, title=title, issued_on=spec.issued_on, created_by=by
    )
    if stored:
        decision.file, decision.file_name = stored[1], stored[0].name
    decision.save()
    return decision


def decision_for(
    *, by: User | None, number: str, title: str, issued_on: dt.date | None = None, upload=None
) -> EmpowermentDecision:
    """The decision document with this number, created if new (its file stored first)."""
    spec = DecisionSpec(number=number, title=title, issued_on=issued_on, upload=upload)
    stored = _store_decision_file(spec)
    with transaction.atomic():
        return _decision_row(spec, stored, by=by)


def _check_county(by: User | None, town: Region | None, *, system: bool) -> None:
    if by is None and system:
        return
    if "county" not in empowerment_capacities(by, town):
        raise NotPermitted(
            _("Only the county (centre operators and county leaders) grants or ends matters.")
        )


def _grant_details(grant: EmpowermentGrant) -> dict:
    return {
        "town": grant.town.code,
        "matter": grant.matter.code,
        "kind": grant.kind,
        "effective_from": _iso(grant.effective_from),
        "effective_to": _iso(grant.effective_to),
        "decision": grant.decision.number,
    }


def _grant(
    *,
    town: Region,
    matter: Matter,
    by: User | None,
    kind: str,
    effective_from: dt.date,
    decision: EmpowermentDecision,
    effective_to: dt.date | None,
    reason: str,
    request: EmpowermentRequest | None,
    notify: bool = True,
) -> EmpowermentGrant:
    _check_town(town)
    if kind not in GrantKind.values:
        raise InvalidInput(_("Choose base or characteristic."), field="kind")
    if not matter.is_active:
        raise InvalidInput(_("This matter is no longer in use."), field="matter")
    if not matter.delegable:
        raise InvalidInput(
            _("%(code)s may not be delegated to towns.") % {"code": matter.code}, field="matter"
        )
    if effective_from is None:
        raise InvalidInput(
            _("Give the date from which the town holds the matter."), field="effective_from"
        )
    if effective_to is not None and effective_to < effective_from:
        raise InvalidInput(_("The end date is before the start date."), field="effective_to")
    clash = (
        EmpowermentGrant.objects.select_for_update()
        .overlapping(town=town, matter=matter, start=effective_from, end=effective_to)
        .first()
    )
    if clash is not None:
        raise InvalidInput(
            _("%(town)s already holds %(code)s from %(start)s; end that grant first.")
            % {"town": town.name, "code": matter.code, "start": clash.effective_from.isoformat()},
            field="effective_from",
        )
    grant = EmpowermentGrant.objects.create(
        town=town,
        matter=matter,
        kind=kind,
        effective_from=effective_from,
        effective_to=effective_to,
        decision=decision,
        request=request,
        created_by=by,
    )
    record(
        EmpowermentGrantHistory, grant, "grant", by=by, reason=reason, details=_grant_details(grant)
    )
    if not notify:
        return grant
    notify_units(
        _command_rooms(town),
        verb="empowerment_granted",
        message=_("%(town)s holds %(code)s %(name)s from %(date)s"),
        params={
            "town": town.name,
            "code": matter.code,
            "name": matter.name,
            "date": effective_from.isoformat(),
        },
        link=_town_link(town),
    )
    return grant


def grant_matter(
    *,
    town: Region,
    matter: Matter,
    by: User | None,
    kind: str,
    effective_from: dt.date,
    decision: EmpowermentDecision | DecisionSpec,
    effective_to: dt.date | None = None,
    reason: str = "",
    system: bool = False,
) -> EmpowermentGrant:
    """赋权: the county gives ``town`` the power over ``matter`` from ``effective_from``."""
    _check_county(by, town, system=system)
    stored = _store_decision_file(decision)
    with transaction.atomic():
        decision = _decision_row(decision, stored, by=by)
        return _grant(
            town=town,
            matter=matter,
            by=by,
            kind=kind,
            effective_from=effective_from,
            decision=decision,
            effective_to=effective_to,
            reason=(reason or "").strip(),
            request=None,
        )


@transaction.atomic
def grant_matters(
    *,
    town: Region,
    matters,
    by: User | None,
    kind: str,
    effective_from: dt.date,
    decision: EmpowermentDecision,
    reason: str = "",
    system: bool = False,
) -> list[EmpowermentGrant]:
    """Several matters to one town under one decision (e.g. the base list); one notice."""
    _check_county(by, town, system=system)
    grants = [
        _grant(
            town=town,
            matter=matter,
            by=by,
            kind=kind,
            effective_from=effective_from,
            decision=decision,
            effective_to=None,
            reason=(reason or "").strip(),
            request=None,
            notify=False,
        )
        for matter in matters
    ]
    if grants:
        notify_units(
            _command_rooms(town),
            verb="empowerment_granted",
            message=_("%(town)s holds %(n)d more matters from %(date)s (%(decision)s)"),
            params={
                "town": town.name,
                "n": len(grants),
                "date": effective_from.isoformat(),
                "decision": decision.number,
            },
            link=_town_link(town),
        )
    return grants


def end_grant(
    grant: EmpowermentGrant,
    *,
    by: User | None,
    effective_to: dt.date,
    reason: str,
    decision: EmpowermentDecision | DecisionSpec | None = None,
    system: bool = False,
) -> EmpowermentGrant:
    """Withdraw (收回) a matter: the town holds it until ``effective_to`` (inclusive)."""
    _check_county(by, grant.town, system=system)
    stored = _store_decision_file(decision)
    with transaction.atomic():
        return _end_grant(
            grant,
            by=by,
            effective_to=effective_to,
            reason=reason,
            decision=decision,
            stored=stored,
            system=system,
        )


def _end_grant(grant, *, by, effective_to, reason, decision, stored, system) -> EmpowermentGrant:
    grant = (
        EmpowermentGrant.objects.select_for_update()
        .select_related("town", "matter", "decision")
        .get(pk=grant.pk)
    )
    _check_county(by, grant.town, system=system)
    reason = _text(reason, field="reason", max_length=MAX_TEXT, required=True)
    decision = _decision_row(decision, stored, by=by, required=False)
    if effective_to is None:
        raise InvalidInput(_("Give the last day the town holds the matter."), field="effective_to")
    if effective_to < grant.effective_from - dt.timedelta(days=1):
        raise InvalidInput(_("The end date is before the start date."), field="effective_to")
    if grant.effective_to is not None and effective_to >= grant.effective_to:
        raise InvalidInput(
            _("This grant already ends on %(date)s.") % {"date": grant.effective_to.isoformat()},
            field="effective_to",
        )
    before = grant.effective_to
    # Ending the day before it starts cancels a grant that never took effect.
    grant.effective_to = max(effective_to, grant.effective_from)
    cancelled = effective_to < grant.effective_from
    grant.end_decision = decision
    grant.end_reason = reason
    grant.save(update_fields=["effective_to", "end_decision", "end_reason"])
    record(
        EmpowermentGrantHistory,
        grant,
        "end",
        by=by,
        reason=reason,
        details={
            **_grant_details(grant),
            "before": _iso(before),
            "cancelled": cancelled,
            "end_decision": decision.number if decision else None,
        },
    )
    notify_units(
        _command_rooms(grant.town),
        verb="empowerment_ended",
        message=_("%(town)s holds %(code)s %(name)s only until %(date)s"),
        params={
            "town": grant.town.name,
            "code": grant.matter.code,
            "name": grant.matter.name,
            "date": effective_to.isoformat(),
        },
        link=_town_link(grant.town),
    )
    return grant


# --- empowerment requests (点单赋权) ------------------------------------------------


@transaction.atomic
def submit_request(
    *,
    town: Region,
    matter: Matter,
    by: User,
    reason: str,
    wanted_from: dt.date,
    kind: str = GrantKind.CHARACTERISTIC,
) -> EmpowermentRequest:
    """点单赋权: the town asks for ``matter`` from ``wanted_from``."""
    _check_town(town)
    if "town" not in empowerment_capacities(by, town):
        raise NotPermitted(
            _("Only the town's command room or its leaders request matters for the town.")
        )
    reason = _text(reason, field="reason", max_length=MAX_TEXT, required=True)
    if kind not in GrantKind.values:
        raise InvalidInput(_("Choose base or characteristic."), field="kind")
    if matter is None or not matter.is_active:
        raise InvalidInput(_("This matter is no longer in use."), field="matter")
    if not matter.delegable:
        raise InvalidInput(
            _("%(code)s may not be delegated to towns.") % {"code": matter.code}, field="matter"
        )
    if wanted_from is None:
        raise InvalidInput(
            _("Give the date from which the town wants the matter."), field="wanted_from"
        )
    if wanted_from < timezone.localdate():
        raise InvalidInput(_("The date cannot be in the past."), field="wanted_from")
    if EmpowermentGrant.objects.overlapping(
        town=town, matter=matter, start=wanted_from, end=None
    ).exists():
        raise InvalidInput(_("The town already holds this matter then."), field="matter")
    if (
        EmpowermentRequest.objects.select_for_update()
        .filter(town=town, matter=matter, state=RequestState.SUBMITTED)
        .exists()
    ):
        raise InvalidInput(
            _("The town has already asked for this matter; wait for the decision."), field="matter"
        )
    request = EmpowermentRequest.objects.create(
        town=town, matter=matter, kind=kind, reason=reason, wanted_from=wanted_from, requested_by=by
    )
    REQUEST_FLOW.record(
        request,
        "submit",
        by=by,
        from_state="",
        reason=reason,
        details={
            "town": town.code,
            "matter": matter.code,
            "kind": kind,
            "wanted_from": wanted_from.isoformat(),
        },
    )
    notify_units(
        _county_centres(),
        verb="empowerment_requested",
        message=_("%(town)s asks for %(code)s %(name)s"),
        params={"town": town.name, "code": matter.code, "name": matter.name},
        link=reverse("matters:request", args=[request.pk]),
    )
    return request


def approve_request(
    request: EmpowermentRequest,
    *,
    by: User,
    decision: EmpowermentDecision | DecisionSpec,
    effective_from: dt.date | None = None,
    reason: str = "",
) -> EmpowermentGrant:
    """The county approves: the grant starts on ``effective_from`` (default: the date asked for)."""
    stored = _store_decision_file(decision)
    with transaction.atomic():
        return _approve(
            request,
            by=by,
            decision=decision,
            stored=stored,
            effective_from=effective_from,
            reason=reason,
        )


def _approve(request, *, by, decision, stored, effective_from, reason) -> EmpowermentGrant:
    request = REQUEST_FLOW.lock(request)
    transition, reason = REQUEST_FLOW.check(request, "approve", by, reason=reason)
    decision = _decision_row(decision, stored, by=by)
    effective_from = effective_from or request.wanted_from
    grant = _grant(
        town=request.town,
        matter=request.matter,
        by=by,
        kind=request.kind,
        effective_from=effective_from,
        decision=decision,
        effective_to=None,
        reason=reason,
        request=request,
    )
    request.decided_by, request.decided_at = by, timezone.now()
    request.decision_reason = reason
    REQUEST_FLOW.move(
        request,
        transition.name,
        RequestState.APPROVED,
        by=by,
        reason=reason,
        fields=["decided_by", "decided_at", "decision_reason"],
        details={
            "grant": grant.pk,
            "effective_from": effective_from.isoformat(),
            "decision": decision.number,
        },
    )
    return grant


@transaction.atomic
def reject_request(request: EmpowermentRequest, *, by: User, reason: str) -> EmpowermentRequest:
    request = REQUEST_FLOW.lock(request)
    transition, reason = REQUEST_FLOW.check(request, "reject", by, reason=reason)
    request.decided_by, request.decided_at = by, timezone.now()
    request.decision_reason = reason
    REQUEST_FLOW.move(
        request,
        transition.name,
        RequestState.REJECTED,
        by=by,
        reason=reason,
        fields=["decided_by", "decided_at", "decision_reason"],
    )
    notify_units(
        _command_rooms(request.town),
        verb="empowerment_rejected",
        message=_("The county did not grant %(code)s: %(reason)s"),
        params={"code": request.matter.code, "reason": reason},
        link=reverse("matters:request", args=[request.pk]),
    )
    return request


@transaction.atomic
def withdraw_request(
    request: EmpowermentRequest, *, by: User, reason: str = ""
) -> EmpowermentRequest:
    request = REQUEST_FLOW.lock(request)
    transition, reason = REQUEST_FLOW.check(request, "withdraw", by, reason=reason)
    REQUEST_FLOW.move(request, transition.name, RequestState.WITHDRAWN, by=by, reason=reason)
    return request
