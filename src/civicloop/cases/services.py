"""Every write to a case goes through a function here.

Each function locks the case row, checks the state and the actor's capacity against
the workflow table (``workflow.py``), checks the legal preconditions (``rules.py``,
``review.py``, ``eligibility.py``, ``deadlines.py``), writes what changes and exactly
one history row for the transition (a system move that follows — a review that
concludes — writes its own), and writes notification rows that are delivered after
the commit. Pages, the API and the command line call these and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core import uploads
from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.inputs import clean_text as _text
from civicloop.core.inputs import past_moment as _aware
from civicloop.core.transitions import ModelWorkflow
from civicloop.events.models import Event
from civicloop.matters.models import Matter
from civicloop.notifications.services import notify_units, notify_users
from civicloop.org.choices import QualificationKind, Role, UnitKind
from civicloop.org.models import Post, Region, Unit, User
from civicloop.parties.models import Party
from civicloop.parties.services import PartyData, clean_party_data, find_or_create_party

from . import deadlines as dl
from . import review as rv
from .choices import (
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
from .eligibility import fast_track_eligibility
from .hooks import decision_items
from .models import (
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
from .numbering import next_number
from .permissions import CASE_UNIT_KINDS, OFFICER_ROLES, capacities, is_unit_officer
from .rules import (
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
from .workflow import APPROVAL_WORKFLOW, CASE_WORKFLOW

S = CaseState
SYSTEM = frozenset({"system"})
MAX_TEXT = 5000


# --- helpers -------------------------------------------------------------------------------


CASE_FLOW = ModelWorkflow(
    Case,
    history=CaseHistory,
    machine=CASE_WORKFLOW,
    capacities=capacities,
    related=("handling_unit__region", "current_notice"),
)


def _stay(
    case: Case,
    action: str,
    *,
    by: User | None,
    reason: str = "",
    details: dict | None = None,
    fields: Sequence[str] = (),
) -> CaseHistory:
    """A transition that records without moving (evidence added, reviewers assigned…)."""
    if fields:
        case.save(update_fields=["updated_at", *fields])
    return CASE_FLOW.record(
        case, action, by=by, from_state=case.state, reason=reason, details=details
    )


def _link(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _handler_users(case: Case):
    return User.objects.filter(handled_cases__case=case, is_active=True)


def responsible_users(unit: Unit) -> list[User]:
    """The responsible persons of ``unit``: leaders of leadership units whose area contains it."""
    code = unit.region.code
    posts = (
        Post.objects.active()
        .filter(role=Role.LEADER, unit__kind=UnitKind.LEADERSHIP, user__is_active=True)
        .select_related("user", "unit__region")
    )
    return list({p.user for p in posts if code.startswith(p.unit.region.prefix)})


def _command_room(case: Case) -> Unit | None:
    unit = case.handling_unit
    if unit.kind != UnitKind.SQUAD:
        return None
    return Unit.objects.active().filter(kind=UnitKind.COMMAND_ROOM, region=unit.region).first()


def _notify_handlers(
    case: Case, *, verb: str, message, params: dict | None = None, exclude=None
) -> None:
    users = [u for u in _handler_users(case) if exclude is None or u.pk != exclude.pk]
    notify_users(
        users,
        verb=verb,
        message=message,
        params={"number": case.number, **(params or {})},
        link=_link(case),
    )


def _notify_responsible(case: Case, *, verb: str, message, params: dict | None = None) -> None:
    notify_users(
        responsible_users(case.handling_unit),
        verb=verb,
        message=message,
        params={"number": case.number, **(params or {})},
        link=_link(case),
    )


def _penalty_details(penalty: Penalty) -> dict:
    return {
        "outcome": penalty.outcome,
        "fine": str(penalty.fine) if penalty.fine is not None else None,
        "confiscation": str(penalty.confiscation) if penalty.confiscation is not None else None,
        "penalties": list(penalty.kinds),
    }


def _versions(case: Case) -> list:
    return [link.version for link in case.matter_links.select_related("version")]


def _parties(case: Case) -> list:
    return [
        link.party
        for link in case.party_links.select_related("party")
        if link.role == PartyRole.PARTY
    ]


# --- filing --------------------------------------------------------------------------------


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


# --- investigation ------------------------------------------------------------------------


@transaction.atomic
def start_investigation(case: Case, *, by: User) -> Case:
    """调查取证 begins."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "start_investigation", by)
    if case.procedure == Procedure.SIMPLE:
        raise InvalidInput(
            _(
                "A simple-procedure case is decided on the spot; switch it to the ordinary "
                "procedure first."
            )
        )
    CASE_FLOW.move(case, transition.name, S.INVESTIGATING, by=by)
    return case


def add_evidence(
    case: Case,
    *,
    by: User,
    kind: str,
    description: str,
    collected_on: dt.date | None = None,
    file=None,
) -> Evidence:
    """An item of evidence (Art. 46). The file is checked like event attachments and stored
    before the transaction."""
    checked = uploads.check_uploads([file] if file else [])
    for upload in checked:
        uploads.store(upload)
    with transaction.atomic():
        case = CASE_FLOW.lock(case)
        transition, _r = CASE_FLOW.check(case, "add_evidence", by)
        if kind not in EvidenceKind.values:
            raise InvalidInput(_("Choose the kind of evidence."), field="kind")
        description = _text(description, field="description", max_length=2000, required=True)
        today = timezone.localdate()
        collected_on = collected_on or today
        if collected_on > today:
            raise InvalidInput(_("This date cannot be in the future."), field="collected_on")
        upload = checked[0] if checked else None
        item = Evidence.objects.create(
            case=case,
            kind=kind,
            description=description,
            collected_on=collected_on,
            added_by=by,
            file=upload.storage_name if upload else "",
            original_name=upload.name if upload else "",
            content_type=upload.content_type if upload else "",
            size=len(upload.data) if upload else None,
            sha256=upload.sha256 if upload else "",
        )
        _stay(
            case,
            transition.name,
            by=by,
            details={"evidence": item.pk, "kind": kind, "file": bool(upload)},
        )
    return item


@dataclass
class Findings:
    """What the investigation concluded (调查终结报告): facts, the proposed outcome, and what
    the review and the fast track need to know."""

    facts: str
    outcome: str
    fine: Decimal | None = None
    confiscation: Decimal | None = None
    penalties: Sequence[str] = ()
    reason: str = ""
    facts_clear: bool = False
    evidence_complete: bool = False
    party_admits: bool = False
    major_public_interest: bool = False
    is_complex: bool = False
    other_law_review_basis: str = ""
    needs_collective_deliberation: bool = False
    other_hearing_ground: str = ""
    fast_track_consent_at: dt.datetime | None = None

    @property
    def penalty(self) -> Penalty:
        return Penalty(
            self.outcome,
            money(self.fine),
            money(self.confiscation),
            tuple(dict.fromkeys(self.penalties)),
        )


def _apply_findings(
    case: Case, findings: Findings, *, now: dt.datetime
) -> tuple[Penalty, list[str]]:
    penalty = check_penalty(findings.penalty)
    reason = _text(findings.reason, field="reason")
    check_fine_in_range(penalty, _versions(case), reason=reason)
    if penalty.outcome == Outcome.NO_PENALTY and not reason:
        raise InvalidInput(_("Give the reasons for giving no penalty."), field="reason")
    case.facts = _text(findings.facts, field="facts", required=True)
    case.proposed_outcome = penalty.outcome
    case.proposed_fine = penalty.fine
    case.proposed_confiscation = penalty.confiscation
    case.proposed_penalties = list(penalty.kinds)
    case.proposal_reason = reason
    case.facts_clear = findings.facts_clear
    case.evidence_complete = findings.evidence_complete
    case.party_admits = findings.party_admits
    case.major_public_interest = findings.major_public_interest
    case.is_complex = findings.is_complex
    case.other_law_review_basis = _text(
        findings.other_law_review_basis, field="other_law_review_basis", max_length=200
    )
    case.needs_collective_deliberation = findings.needs_collective_deliberation
    case.other_hearing_ground = _text(
        findings.other_hearing_ground, field="other_hearing_ground", max_length=200
    )
    if findings.fast_track_consent_at is not None:
        case.fast_track_consent_at = _aware(
            findings.fast_track_consent_at, field="fast_track_consent_at", now=now
        )
    fields = [
        "facts",
        "proposed_outcome",
        "proposed_fine",
        "proposed_confiscation",
        "proposed_penalties",
        "proposal_reason",
        "facts_clear",
        "evidence_complete",
        "party_admits",
        "major_public_interest",
        "is_complex",
        "other_law_review_basis",
        "needs_collective_deliberation",
        "other_hearing_ground",
        "fast_track_consent_at",
    ]
    return penalty, fields


@transaction.atomic
def conclude_investigation(case: Case, *, by: User, findings: Findings) -> Case:
    """调查终结: the facts and the proposal go to the responsible person's case review."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "conclude_investigation", by)
    penalty, fields = _apply_findings(case, findings, now=timezone.now())
    CASE_FLOW.move(
        case,
        transition.name,
        S.CASE_REVIEW,
        by=by,
        fields=fields,
        details={"proposal": _penalty_details(penalty), "review_reasons": rv.review_reasons(case)},
    )
    _notify_responsible(
        case, verb="case_review", message=_("Case %(number)s awaits your case review")
    )
    return case


def _open_review(case: Case, *, by: User, return_state: str = S.PRIOR_NOTICE) -> LegalReview:
    return LegalReview.objects.create(
        case=case, requested_by=by, reasons=list(rv.review_reasons(case)), return_state=return_state
    )


@transaction.atomic
def conclude_fast_track(case: Case, *, by: User, findings: Findings) -> Case:
    """简案快办: investigation and case review in one step — only when every eligibility rule
    passes (``eligibility.py``); then legal review when required, else the prior notice."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "conclude_fast_track", by)
    now = timezone.now()
    penalty, fields = _apply_findings(case, findings, now=now)
    eligibility = fast_track_eligibility(case, penalty=penalty, parties=_parties(case))
    if not eligibility.eligible:
        raise InvalidInput(
            _("The case does not qualify for the fast track: %(rules)s")
            % {"rules": eligibility.explain()}
        )
    reasons = rv.review_reasons(case)
    target = S.LEGAL_REVIEW if reasons else S.PRIOR_NOTICE
    CASE_FLOW.move(
        case,
        transition.name,
        target,
        by=by,
        fields=fields,
        details={
            "proposal": _penalty_details(penalty),
            "review_reasons": reasons,
            "fast_track": True,
        },
    )
    if reasons:
        _open_review(case, by=by)
    return case


@transaction.atomic
def approve_case_review(case: Case, *, by: User, note: str = "") -> Case:
    """案件审核 (Art. 57): the responsible person accepts the investigation's findings; the case
    goes to legal review when it requires one (Art. 58), else to the prior notice."""
    case = CASE_FLOW.lock(case)
    transition, note = CASE_FLOW.check(case, "approve_case_review", by, reason=note)
    if case.handlers.filter(user=by).exists():
        raise NotPermitted(_("A handler of the case does not review it."))
    reasons = rv.review_reasons(case)
    target = S.LEGAL_REVIEW if reasons else S.PRIOR_NOTICE
    CASE_FLOW.move(
        case, transition.name, target, by=by, reason=note, details={"review_reasons": reasons}
    )
    if reasons:
        _open_review(case, by=by)
    _notify_handlers(case, verb="case_review", message=_("Case review of %(number)s approved"))
    return case


@transaction.atomic
def return_case_review(case: Case, *, by: User, reason: str) -> Case:
    case = CASE_FLOW.lock(case)
    transition, reason = CASE_FLOW.check(case, "return_case_review", by, reason=reason)
    case.current_notice = None
    CASE_FLOW.move(
        case, transition.name, S.INVESTIGATING, by=by, reason=reason, fields=["current_notice"]
    )
    _notify_handlers(
        case,
        verb="case_review",
        message=_("Case %(number)s returned to investigation: %(reason)s"),
        params={"reason": reason},
    )
    return case


# --- legal review ------------------------------------------------------------------------


def _pending_review(case: Case) -> LegalReview:
    review = (
        case.legal_reviews.filter(state=ReviewState.PENDING)
        .order_by("-requested_at", "-id")
        .first()
    )
    if review is None:
        raise InvalidInput(_("The case has no open legal review."))
    return review


@transaction.atomic
def assign_reviewers(
    case: Case,
    *,
    by: User,
    reviewers: Sequence[User],
    mode: str,
    place: str = "",
    meeting_at: dt.datetime | None = None,
) -> LegalReview:
    """Give the legal review to one reviewer, or several for a joint review online (云上联审)
    or on site (现场联审). Reviewers come from the roster (``review.py``) and never from the
    case's handlers."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "assign_reviewers", by)
    review = _pending_review(case)
    if review.seats.exclude(opinion="").exists():
        raise InvalidInput(
            _("Opinions have been recorded; the reviewers can no longer be changed.")
        )
    if mode not in ReviewMode.values:
        raise InvalidInput(_("Choose how the case is reviewed."), field="mode")
    people = list(dict.fromkeys(reviewers))
    if mode == ReviewMode.SINGLE and len(people) != 1:
        raise InvalidInput(
            _("A review by one reviewer names exactly one reviewer."), field="reviewers"
        )
    if mode != ReviewMode.SINGLE and len(people) < 2:
        raise InvalidInput(_("A joint review needs at least two reviewers."), field="reviewers")
    place = _text(place, field="place", max_length=200)
    if meeting_at is not None and timezone.is_naive(meeting_at):
        meeting_at = timezone.make_aware(meeting_at)
    if mode == ReviewMode.JOINT_ON_SITE and (not place or meeting_at is None):
        raise InvalidInput(_("An on-site joint review needs its place and time."), field="place")
    handler_ids = set(case.handlers.values_list("user_id", flat=True))
    today = timezone.localdate()
    seats = []
    for user in people:
        if user.pk in handler_ids:
            raise InvalidInput(
                _("%(name)s handles this case and cannot review it.") % {"name": user},
                field="reviewers",
            )
        standing = rv.standing(user, today)
        if not standing.on_roster or not user.is_active:
            raise InvalidInput(
                _("%(name)s is not a legal reviewer or squad lawyer.") % {"name": user},
                field="reviewers",
            )
        seats.append((user, standing))
    review.seats.all().delete()
    for user, standing in seats:
        ReviewSeat.objects.create(
            review=review, reviewer=user, unit=standing.post.unit, role=standing.post.role
        )
    review.mode, review.place, review.meeting_at, review.rule = (
        mode,
        place,
        meeting_at,
        rv.joint_rule(),
    )
    review.save(update_fields=["mode", "place", "meeting_at", "rule"])
    _stay(
        case,
        transition.name,
        by=by,
        details={
            "review": review.pk,
            "mode": mode,
            "reviewers": [u.pk for u, _s in seats],
            "rule": review.rule,
            "place": place,
            "meeting_at": meeting_at.isoformat() if meeting_at else None,
        },
    )
    notify_users(
        [u for u, _s in seats],
        verb="legal_review",
        message=_("Legal review of case %(number)s is assigned to you"),
        params={"number": case.number},
        link=_link(case),
    )
    return review


@transaction.atomic
def record_opinion(
    case: Case, *, by: User, opinion: str, changes: str = "", reasons: str = "", return_to: str = ""
) -> ReviewSeat:
    """A reviewer's opinion: approve, approve with changes, or return with reasons. Only a
    reviewer who may approve (``review.standing``) approves, never a handler of the case.
    When the last opinion is in, the outcome rule decides and the case moves on."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "record_opinion", by)
    review = _pending_review(case)
    seat = review.seats.select_for_update().filter(reviewer=by).first()
    if seat is None:
        raise NotPermitted(_("You are not a reviewer of this case."))
    if seat.opinion:
        raise InvalidInput(_("You have already recorded your opinion."))
    if opinion not in Opinion.values:
        raise InvalidInput(_("Choose approve, approve with changes, or return."), field="opinion")
    if case.handlers.filter(user=by).exists():
        raise NotPermitted(_("A handler of the case cannot review it."))
    today = timezone.localdate()
    standing = rv.standing(by, today)
    if opinion in APPROVING_OPINIONS and not standing.may_approve:
        raise NotPermitted(
            _(
                "Only a reviewer holding the legal professional qualification approves a "
                "legal review (Art. 58 ¶2); you may return the case with reasons."
            )
        )
    seat.changes = _text(
        changes, field="changes", max_length=2000, required=opinion == Opinion.APPROVE_WITH_CHANGES
    )
    seat.reasons = _text(
        reasons, field="reasons", max_length=2000, required=opinion == Opinion.RETURN
    )
    if opinion == Opinion.RETURN:
        if return_to not in ReturnTo.values:
            raise InvalidInput(_("Say where the case goes back to."), field="return_to")
        seat.return_to = return_to
    seat.opinion = opinion
    seat.recorded_at = timezone.now()
    seat.qualified = standing.qualified
    seat.qualification_number = standing.qualification_number
    seat.save()
    _stay(
        case,
        transition.name,
        by=by,
        reason=seat.reasons,
        details={
            "review": review.pk,
            "seat": seat.pk,
            "opinion": opinion,
            "qualified": seat.qualified,
            "qualification_number": seat.qualification_number,
            "changes": seat.changes,
        },
    )
    result = rv.joint_outcome(
        list(review.seats.select_related("reviewer")), rule=review.rule or None
    )
    if result.state != ReviewState.PENDING:
        _conclude_review(case, review, result)
    return seat


def _conclude_review(case: Case, review: LegalReview, result: rv.Outcome) -> None:
    review.state, review.concluded_at = result.state, timezone.now()
    review.return_to, review.summary = result.return_to, result.summary
    review.save(update_fields=["state", "concluded_at", "return_to", "summary"])
    details = {
        "review": review.pk,
        "mode": review.mode,
        "rule": review.rule,
        "summary": result.summary,
    }
    if result.state == ReviewState.APPROVED:
        target = review.return_state
        CASE_WORKFLOW.check("review_approved", state=case.state, capacities=SYSTEM)
        CASE_FLOW.move(case, "review_approved", target, by=None, details=details)
        _notify_handlers(
            case, verb="legal_review", message=_("Legal review of %(number)s approved")
        )
    else:
        target = S.INVESTIGATING if result.return_to == ReturnTo.INVESTIGATING else S.CASE_REVIEW
        CASE_WORKFLOW.check("review_returned", state=case.state, capacities=SYSTEM)
        case.current_notice = None
        CASE_FLOW.move(
            case,
            "review_returned",
            target,
            by=None,
            reason=result.summary,
            details=details,
            fields=["current_notice"],
        )
        _notify_handlers(
            case,
            verb="legal_review",
            message=_("Legal review of %(number)s returned: %(reason)s"),
            params={"reason": result.summary[:200]},
        )


@transaction.atomic
def refer_to_legal_review(case: Case, *, by: User, reason: str) -> LegalReview:
    """Send a notified case to legal review (e.g. after a hearing, Art. 58 (2)); it comes back
    to the stage it left."""
    case = CASE_FLOW.lock(case)
    from_state = case.state
    transition, reason = CASE_FLOW.check(case, "refer_to_legal_review", by, reason=reason)
    CASE_FLOW.move(case, transition.name, S.LEGAL_REVIEW, by=by, reason=reason)
    return _open_review(case, by=by, return_state=from_state)


# --- prior notice, statement, hearing ----------------------------------------------------


def _proposal(case: Case) -> Penalty:
    return Penalty(
        case.proposed_outcome,
        case.proposed_fine,
        case.proposed_confiscation,
        tuple(case.proposed_penalties or ()),
    )


def _notice_penalty(notice: PriorNotice) -> Penalty:
    return Penalty(notice.outcome, notice.fine, notice.confiscation, tuple(notice.penalties or ()))


@transaction.atomic
def serve_notice(
    case: Case,
    *,
    by: User,
    method: str,
    served_at: dt.datetime | None = None,
    penalty: Penalty | None = None,
    waive_statement: bool = False,
    waive_hearing: bool = False,
    waiver_note: str = "",
) -> PriorNotice:
    """事先告知 (Art. 44): the proposed penalty with its facts, reasons and basis, and the party's
    rights — statement and defence, and a hearing where Art. 63 gives one. ``penalty`` may
    adjust the proposal (e.g. the changes a review asked for). A written waiver given with
    the notice (fast track) is recorded with it."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "serve_notice", by)
    if case.current_notice_id is not None:
        raise InvalidInput(_("The prior notice of this stage has been served already."))
    now = timezone.now()
    served_at = _aware(served_at, field="served_at", now=now)
    if method not in ServiceMethod.values:
        raise InvalidInput(_("Choose how the notice reached the party."), field="method")
    if penalty is not None:
        penalty = check_penalty(
            Penalty(
                penalty.outcome,
                money(penalty.fine),
                money(penalty.confiscation),
                tuple(penalty.kinds),
            )
        )
        check_fine_in_range(penalty, _versions(case), reason=case.proposal_reason)
        case.proposed_outcome, case.proposed_fine = penalty.outcome, penalty.fine
        case.proposed_confiscation, case.proposed_penalties = (
            penalty.confiscation,
            list(penalty.kinds),
        )
    else:
        if not case.proposed_outcome:
            raise InvalidInput(_("The case has no proposed outcome to notify."))
        penalty = _proposal(case)
    grounds = hearing_grounds(penalty, _parties(case), other_ground=case.other_hearing_ground)
    if waive_hearing and not grounds:
        raise InvalidInput(
            _("The party has no right to a hearing to waive."), field="waive_hearing"
        )
    waiver_note = _text(
        waiver_note, field="waiver_note", max_length=1000, required=waive_statement or waive_hearing
    )
    statement = dl.open_deadline(case, DeadlineKind.STATEMENT_PERIOD, served_at)
    request = dl.open_deadline(case, DeadlineKind.HEARING_REQUEST, served_at) if grounds else None
    if not grounds:
        case.deadlines.filter(kind=DeadlineKind.HEARING_REQUEST, is_active=True).update(
            is_active=False
        )
    notice = PriorNotice.objects.create(
        case=case,
        served_at=served_at,
        method=method,
        outcome=penalty.outcome,
        fine=penalty.fine,
        confiscation=penalty.confiscation,
        penalties=list(penalty.kinds),
        hearing_right=bool(grounds),
        statement_until=statement.due_at,
        hearing_request_until=request.due_at if request else None,
        statement_waived_at=served_at if waive_statement else None,
        hearing_waived_at=served_at if waive_hearing else None,
        waiver_note=waiver_note,
        served_by=by,
    )
    case.current_notice = notice
    _stay(
        case,
        transition.name,
        by=by,
        fields=[
            "current_notice",
            "proposed_outcome",
            "proposed_fine",
            "proposed_confiscation",
            "proposed_penalties",
        ],
        details={
            "notice": notice.pk,
            "penalty": _penalty_details(penalty),
            "hearing_grounds": grounds,
            "statement_until": notice.statement_until.isoformat(),
            "hearing_request_until": notice.hearing_request_until.isoformat()
            if notice.hearing_request_until
            else None,
            "waived_statement": waive_statement,
            "waived_hearing": waive_hearing,
        },
    )
    return notice


def _current_notice(case: Case) -> PriorNotice:
    if case.current_notice_id is None:
        raise InvalidInput(_("Serve the prior notice first."))
    return case.current_notice


@transaction.atomic
def record_waiver(
    case: Case,
    *,
    by: User,
    statement: bool = True,
    hearing: bool = False,
    note: str,
    at: dt.datetime | None = None,
) -> PriorNotice:
    """The party gives up statement and defence and/or the hearing in writing (Art. 62)."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "record_waiver", by)
    notice = _current_notice(case)
    at = _aware(at, field="at", now=timezone.now())
    if not statement and not hearing:
        raise InvalidInput(_("Say what the party gives up."), field="statement")
    if hearing and not notice.hearing_right:
        raise InvalidInput(_("The party has no right to a hearing to waive."), field="hearing")
    if at < notice.served_at:
        raise InvalidInput(_("A waiver comes after the notice."), field="at")
    note = _text(note, field="note", max_length=1000, required=True)
    if statement:
        notice.statement_waived_at = at
    if hearing:
        notice.hearing_waived_at = at
    notice.waiver_note = "\n".join(x for x in (notice.waiver_note, note) if x)
    notice.save(update_fields=["statement_waived_at", "hearing_waived_at", "waiver_note"])
    _stay(
        case,
        transition.name,
        by=by,
        reason=note,
        details={
            "notice": notice.pk,
            "statement": statement,
            "hearing": hearing,
            "at": at.isoformat(),
        },
    )
    return notice


@transaction.atomic
def record_statement(
    case: Case,
    *,
    by: User,
    content: str,
    review_note: str,
    adopted: bool = False,
    received_at: dt.datetime | None = None,
) -> Statement:
    """陈述申辩 and its re-examination (复核, Art. 45): what the party said and whether its facts,
    reasons or evidence hold."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "record_statement", by)
    notice = _current_notice(case)
    received_at = _aware(received_at, field="received_at", now=timezone.now())
    if received_at < notice.served_at:
        raise InvalidInput(_("A statement comes after the notice."), field="received_at")
    content = _text(content, field="content", required=True)
    review_note = _text(review_note, field="review_note", required=True)
    row = Statement.objects.create(
        case=case,
        notice=notice,
        received_at=received_at,
        content=content,
        review_note=review_note,
        adopted=adopted,
        recorded_by=by,
    )
    CASE_FLOW.move(
        case,
        transition.name,
        S.STATEMENT,
        by=by,
        details={
            "statement": row.pk,
            "adopted": adopted,
            "within_period": received_at <= notice.statement_until,
        },
    )
    return row


@transaction.atomic
def request_hearing(case: Case, *, by: User, requested_at: dt.datetime | None = None) -> Hearing:
    """The party asks for a hearing: only where the notice gave the right (Art. 63), within
    5 working days of the notice (Art. 64 (1), Art. 85)."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "request_hearing", by)
    notice = _current_notice(case)
    requested_at = _aware(requested_at, field="requested_at", now=timezone.now())
    if not notice.hearing_right:
        raise InvalidInput(
            _("The proposed penalty gives no right to a hearing (Art. 63)."), field="requested_at"
        )
    if notice.hearing_waived_at is not None:
        raise InvalidInput(_("The party waived the hearing in writing."), field="requested_at")
    if requested_at < notice.served_at:
        raise InvalidInput(_("A hearing request comes after the notice."), field="requested_at")
    if requested_at > notice.hearing_request_until:
        raise InvalidInput(
            _(
                "A hearing must be requested within 5 working days of the notice (Art. 64 (1)); "
                "that period ended on %(date)s."
            )
            % {"date": timezone.localtime(notice.hearing_request_until).date()},
            field="requested_at",
        )
    hearing = Hearing.objects.create(case=case, notice=notice, requested_at=requested_at)
    CASE_FLOW.move(case, transition.name, S.HEARING, by=by, details={"hearing": hearing.pk})
    _notify_responsible(
        case, verb="hearing", message=_("The party of case %(number)s asked for a hearing")
    )
    return hearing


def _current_hearing(case: Case) -> Hearing:
    hearing = case.hearings.order_by("-requested_at", "-id").first()
    if hearing is None:
        raise InvalidInput(_("No hearing was requested."))
    return hearing


@transaction.atomic
def schedule_hearing(
    case: Case,
    *,
    by: User,
    host: User,
    scheduled_at: dt.datetime,
    place: str,
    notified_at: dt.datetime | None = None,
    is_public: bool = True,
    not_public_reason: str = "",
) -> Hearing:
    """Art. 64: the party is told the time and place at least 7 working days before (2); the
    hearing is public unless it concerns state or commercial secrets or privacy (3); the
    host did not investigate the case (4)."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "schedule_hearing", by)
    hearing = _current_hearing(case)
    if hearing.outcome:
        raise InvalidInput(_("The hearing has been recorded already."))
    now = timezone.now()
    notified_at = _aware(notified_at, field="notified_at", now=now)
    if scheduled_at is None:
        raise InvalidInput(_("Give the time of the hearing."), field="scheduled_at")
    if timezone.is_naive(scheduled_at):
        scheduled_at = timezone.make_aware(scheduled_at)
    earliest = dl.last_day(notified_at, HEARING_NOTICE_WORKING_DAYS, "working_days")
    if timezone.localtime(scheduled_at).date() < earliest:
        raise InvalidInput(
            _(
                "The party must be notified at least 7 working days before the hearing "
                "(Art. 64 (2)); the earliest day is %(date)s."
            )
            % {"date": earliest},
            field="scheduled_at",
        )
    if host is None or not host.is_active:
        raise InvalidInput(_("Choose who hosts the hearing."), field="host")
    if case.handlers.filter(user=host).exists():
        raise InvalidInput(
            _("The host must not have investigated the case (Art. 64 (4))."), field="host"
        )
    place = _text(place, field="place", max_length=200, required=True)
    not_public_reason = _text(
        not_public_reason, field="not_public_reason", max_length=200, required=not is_public
    )
    hearing.notified_at, hearing.scheduled_at, hearing.place = notified_at, scheduled_at, place
    hearing.host, hearing.is_public, hearing.not_public_reason = host, is_public, not_public_reason
    hearing.save()
    _stay(
        case,
        transition.name,
        by=by,
        details={
            "hearing": hearing.pk,
            "host": host.pk,
            "scheduled_at": scheduled_at.isoformat(),
            "public": is_public,
        },
    )
    return hearing


@transaction.atomic
def hold_hearing(
    case: Case,
    *,
    by: User,
    outcome: str,
    held_at: dt.datetime | None = None,
    transcript_summary: str = "",
) -> Hearing:
    """What happened: held (with the transcript), the party absent without good reason
    (deemed a waiver, Art. 64 (6)), or the request withdrawn."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "hold_hearing", by)
    hearing = _current_hearing(case)
    if hearing.outcome:
        raise InvalidInput(_("The hearing has been recorded already."))
    if outcome not in HearingOutcome.values:
        raise InvalidInput(_("Choose what happened."), field="outcome")
    held_at = _aware(held_at, field="held_at", now=timezone.now())
    if outcome != HearingOutcome.REQUEST_WITHDRAWN and hearing.scheduled_at is None:
        raise InvalidInput(_("Schedule the hearing first."), field="outcome")
    if outcome == HearingOutcome.HELD and held_at < hearing.scheduled_at - dt.timedelta(hours=12):
        raise InvalidInput(_("A hearing is held at its scheduled time."), field="held_at")
    hearing.transcript_summary = _text(
        transcript_summary, field="transcript_summary", required=outcome == HearingOutcome.HELD
    )
    hearing.outcome, hearing.held_at = outcome, held_at
    hearing.save(update_fields=["outcome", "held_at", "transcript_summary"])
    _stay(
        case,
        transition.name,
        by=by,
        details={
            "hearing": hearing.pk,
            "outcome": outcome,
            "review_required": outcome == HearingOutcome.HELD,
        },
    )
    return hearing


# --- decision ------------------------------------------------------------------------------


@dataclass
class Decision:
    """The decision (行政处罚决定, Art. 57): its outcome, amounts, kinds and reasons."""

    outcome: str
    fine: Decimal | None = None
    confiscation: Decimal | None = None
    penalties: Sequence[str] = ()
    reason: str = ""
    no_penalty_ground: str = ""
    collective_deliberation_on: dt.date | None = None
    serve_on_the_spot: bool = False
    # Codes of the "一免一减" items the decision applies (flexible enforcement, docs/leniency.md).
    leniency_items: Sequence[str] = ()

    @property
    def penalty(self) -> Penalty:
        return Penalty(
            self.outcome,
            money(self.fine),
            money(self.confiscation),
            tuple(dict.fromkeys(self.penalties)),
        )


def decision_checks(case: Case, decision: Decision, penalty: Penalty, *, now: dt.datetime) -> None:
    """The legal preconditions of a decision, in one place (each names its article).

    The 一免一减 items a decision applies are checked next, by :func:`_apply_leniency`.
    """
    reason = decision.reason
    check_no_penalty_ground(penalty.outcome, decision.no_penalty_ground, reason)
    check_fine_in_range(penalty, _versions(case), reason=reason)
    reasons = rv.review_reasons(case)
    if reasons and not rv.approved_review_covers_decision(case):
        from .choices import ReviewReason

        raise InvalidInput(
            _(
                "This case needs an approved legal review before the decision (Art. 58): %(reasons)s."
            )
            % {"reasons": "；".join(str(ReviewReason(r).label) for r in reasons)}
        )
    decision_deadline = case.active_deadline(DeadlineKind.DECISION)
    if decision_deadline is not None and decision_deadline.due_at < now:
        raise InvalidInput(
            _(
                "The decision deadline (Art. 60) passed on %(date)s; an extension must be "
                "approved first."
            )
            % {"date": timezone.localtime(decision_deadline.due_at).date()}
        )
    if case.needs_collective_deliberation and decision.collective_deliberation_on is None:
        raise InvalidInput(
            _(
                "The responsible persons decide this case together (Art. 57 ¶2): give the date "
                "of the collective deliberation."
            ),
            field="collective_deliberation_on",
        )
    if penalty.outcome == Outcome.NO_PENALTY:
        return
    notice = case.current_notice
    if notice is None:
        raise InvalidInput(
            _("A penalty is decided only after the prior notice (Art. 44, Art. 62).")
        )
    if is_heavier(penalty, _notice_penalty(notice)):
        raise InvalidInput(
            _(
                "The decision is heavier than the penalty notified to the party; serve a new "
                "prior notice first (Art. 44, Art. 45)."
            ),
            field="fine",
        )
    if notice.statement_waived_at is None and now < notice.statement_until:
        raise InvalidInput(
            _(
                "The party's statement period runs until %(until)s (Art. 62); wait, or record "
                "the party's written waiver."
            )
            % {"until": timezone.localtime(notice.statement_until).strftime("%Y-%m-%d %H:%M")}
        )
    hearing = case.hearings.filter(notice=notice).order_by("-requested_at").first()
    if hearing is not None:
        if not hearing.outcome:
            raise InvalidInput(
                _("The party asked for a hearing; record the hearing first (Art. 63, Art. 65).")
            )
    elif (
        notice.hearing_right
        and notice.hearing_waived_at is None
        and now < notice.hearing_request_until
    ):
        raise InvalidInput(
            _(
                "The party may ask for a hearing until %(until)s (Art. 64 (1)); wait, or record "
                "the party's written waiver."
            )
            % {"until": timezone.localtime(notice.hearing_request_until).strftime("%Y-%m-%d %H:%M")}
        )


def _apply_leniency(
    case: Case, decision: Decision, penalty: Penalty, *, by: User, now: dt.datetime
) -> list[str]:
    """The "一免一减" items the decision applies, checked (each must apply to this case and go with
    the outcome) and recorded in this transaction by the app registered for them in
    ``hooks.decision_items`` (leniency); a refusal rolls the
    decision back. Returns their codes for the history row."""
    if not decision.leniency_items:
        return []
    items = decision_items.find("leniency_items")
    if items is None:
        raise InvalidInput(
            _("Not an item of this case's matters in force: %(codes)s.")
            % {"codes": ", ".join(decision.leniency_items)},
            field="leniency_items",
        )
    return items.apply(
        case,
        items=decision.leniency_items,
        outcome=penalty.outcome,
        no_penalty_ground=decision.no_penalty_ground,
        by=by,
        at=now,
    )


def _write_decision(
    case: Case, penalty: Penalty, decision: Decision, *, by: User, now: dt.datetime
) -> list[str]:
    case.outcome, case.fine_amount, case.confiscation_amount = (
        penalty.outcome,
        penalty.fine,
        penalty.confiscation,
    )
    case.penalties = list(penalty.kinds)
    case.no_penalty_ground = (
        decision.no_penalty_ground if penalty.outcome == Outcome.NO_PENALTY else ""
    )
    case.decision_reason = _text(decision.reason, field="reason")
    case.collective_deliberation_on = decision.collective_deliberation_on
    case.decided_at, case.decided_by = now, by
    return [
        "outcome",
        "fine_amount",
        "confiscation_amount",
        "penalties",
        "no_penalty_ground",
        "decision_reason",
        "collective_deliberation_on",
        "decided_at",
        "decided_by",
    ]


def _after_service(case: Case, *, served_at: dt.datetime) -> None:
    dl.meet_deadlines(case, DeadlineKind.SERVICE, at=served_at)
    if case.fine_amount:
        dl.open_deadline(case, DeadlineKind.PAYMENT, served_at)


@transaction.atomic
def decide_case(case: Case, *, by: User, decision: Decision) -> Case:
    """决定 (Art. 57) by the responsible person, after every precondition of
    :func:`decision_checks`. Served at once when the party is present (Art. 61 ¶1)."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "decide", by)
    now = timezone.now()
    penalty = check_penalty(decision.penalty)
    decision_checks(case, decision, penalty, now=now)
    applied = _apply_leniency(case, decision, penalty, by=by, now=now)
    fields = _write_decision(case, penalty, decision, by=by, now=now)
    dl.meet_deadlines(case, DeadlineKind.DECISION, DeadlineKind.FAST_TRACK, at=now)
    details = {
        "decision": _penalty_details(penalty),
        "served": decision.serve_on_the_spot,
        "no_penalty_ground": case.no_penalty_ground,
    }
    if applied:
        details["leniency_items"] = applied
    if decision.serve_on_the_spot:
        case.served_at, case.service_method = now, ServiceMethod.ON_THE_SPOT
        fields += ["served_at", "service_method"]
        CASE_FLOW.move(case, transition.name, S.SERVED, by=by, details=details, fields=fields)
        _after_service(case, served_at=now)
    else:
        CASE_FLOW.move(case, transition.name, S.DECIDED, by=by, details=details, fields=fields)
        dl.open_deadline(case, DeadlineKind.SERVICE, now)
    _notify_handlers(case, verb="decided", message=_("Case %(number)s was decided"))
    return case


@dataclass
class SpotDecision:
    """An on-the-spot decision under the simple procedure (当场处罚, Arts. 51–52)."""

    outcome: str
    fine: Decimal | None = None
    penalties: Sequence[str] = ()
    reason: str = ""
    party_informed: bool = False
    collected_on_the_spot: bool = False
    receipt_number: str = ""
    collection_reason: str = ""


@transaction.atomic
def decide_on_the_spot(case: Case, *, by: User, decision: SpotDecision) -> Case:
    """简易程序: the handlers decide and hand over the decision at once — a warning, or a fine up
    to 200 yuan (citizen) / 3 000 yuan (organisation) (Art. 51); the party was told the facts,
    reasons and basis and heard (Art. 44, 45). A fine up to 100 yuan, or one that would be hard
    to collect later, may be collected on the spot against a receipt (Art. 68, 70)."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "decide_on_the_spot", by)
    if case.procedure != Procedure.SIMPLE:
        raise InvalidInput(_("Only a simple-procedure case is decided on the spot."))
    now = timezone.now()
    penalty = check_penalty(
        Penalty(
            decision.outcome, money(decision.fine), None, tuple(dict.fromkeys(decision.penalties))
        )
    )
    check_on_the_spot(penalty, _parties(case))
    reason = _text(decision.reason, field="reason")
    check_fine_in_range(penalty, _versions(case), reason=reason)
    if not decision.party_informed:
        raise InvalidInput(
            _(
                "Tell the party the facts, reasons and basis and hear the party before deciding "
                "(Art. 44, Art. 45)."
            ),
            field="party_informed",
        )
    collected = decision.collected_on_the_spot and penalty.fine_or_zero > 0
    if collected:
        if not decision.receipt_number.strip():
            raise InvalidInput(
                _(
                    "A fine collected on the spot needs the number of the official receipt "
                    "(Art. 70)."
                ),
                field="receipt_number",
            )
        if (
            penalty.fine_or_zero > ON_THE_SPOT_COLLECTION_LIMIT
            and not decision.collection_reason.strip()
        ):
            raise InvalidInput(
                _(
                    "Above 100 yuan a fine is collected on the spot only when it would be hard to "
                    "collect later; say why (Art. 68)."
                ),
                field="collection_reason",
            )
    fields = _write_decision(
        case, penalty, Decision(outcome=penalty.outcome, reason=reason), by=by, now=now
    )
    case.fine_amount, case.penalties = penalty.fine, list(penalty.kinds)
    case.served_at, case.service_method = now, ServiceMethod.ON_THE_SPOT
    fields += ["served_at", "service_method"]
    if collected:
        Payment.objects.create(
            case=case,
            amount=penalty.fine,
            paid_on=timezone.localdate(now),
            receipt_number=decision.receipt_number.strip(),
            collected_on_the_spot=True,
            recorded_by=by,
        )
        case.performed_at = now
        fields.append("performed_at")
    CASE_FLOW.move(
        case,
        transition.name,
        S.SERVED,
        by=by,
        fields=fields,
        details={
            "decision": _penalty_details(penalty),
            "collected_on_the_spot": collected,
            "collection_reason": decision.collection_reason.strip(),
        },
    )
    if penalty.fine_or_zero > 0 and not collected:
        dl.open_deadline(case, DeadlineKind.PAYMENT, now)
    return case


@transaction.atomic
def serve_decision(
    case: Case, *, by: User, method: str, served_at: dt.datetime | None = None, reason: str = ""
) -> Case:
    """送达: within 7 working days of the decision (Art. 61, Art. 85); a later service states why."""
    case = CASE_FLOW.lock(case)
    transition, reason = CASE_FLOW.check(case, "serve_decision", by, reason=reason)
    served_at = _aware(served_at, field="served_at", now=timezone.now())
    if method not in ServiceMethod.values or method == ServiceMethod.ON_THE_SPOT:
        raise InvalidInput(_("Choose how the decision reached the party."), field="method")
    if served_at < case.decided_at:
        raise InvalidInput(_("A decision is served after it is made."), field="served_at")
    deadline = case.active_deadline(DeadlineKind.SERVICE)
    late = deadline is not None and served_at > deadline.due_at
    if late and not reason:
        raise InvalidInput(
            _("The decision is served after the 7 working days of Art. 61; say why."),
            field="reason",
        )
    case.served_at, case.service_method = served_at, method
    CASE_FLOW.move(
        case,
        transition.name,
        S.SERVED,
        by=by,
        reason=reason,
        fields=["served_at", "service_method"],
        details={"method": method, "served_at": served_at.isoformat(), "late": late},
    )
    _after_service(case, served_at=served_at)
    return case


# --- execution and closing ------------------------------------------------------------------


def fine_paid_on(case: Case) -> dt.date | None:
    """The day the fine itself (payments less their surcharge parts) was paid in full."""
    principal = Decimal("0")
    for amount, surcharge_part, paid_on in case.payments.order_by("paid_on", "id").values_list(
        "amount", "surcharge", "paid_on"
    ):
        principal += amount - surcharge_part
        if principal >= case.fine_amount:
            return paid_on
    return None


def amount_owed(case: Case, *, on: dt.date) -> tuple[Decimal, Decimal]:
    """(still owed, surcharge due) on ``on``: the fine plus the Art. 72 surcharge, less payments.
    The surcharge runs only while the fine is unpaid (到期不缴纳罚款的): it stops on the day the
    fine itself was paid in full."""
    if not case.fine_amount or case.served_at is None:
        return Decimal("0"), Decimal("0")
    due_on = payment_due_on(timezone.localtime(case.served_at).date())
    paid_on = fine_paid_on(case)
    extra = surcharge(case.fine_amount, due_on=due_on, on=min(on, paid_on) if paid_on else on)
    return case.fine_amount + extra - case.paid_total(), extra


@transaction.atomic
def record_payment(
    case: Case,
    *,
    by: User,
    amount: Decimal,
    paid_on: dt.date | None = None,
    receipt_number: str = "",
) -> Payment:
    """执行: a payment of the fine; after the 15 days of Art. 67 a surcharge of 3 % of the fine a
    day is due, at most the fine (Art. 72 (1)). The case is performed when all is paid."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "record_payment", by)
    if not case.fine_amount:
        raise InvalidInput(_("This decision has no fine to pay."))
    if case.performed_at is not None:
        raise InvalidInput(_("The fine has been paid in full."))
    today = timezone.localdate()
    paid_on = paid_on or today
    if paid_on > today or paid_on < timezone.localtime(case.served_at).date():
        raise InvalidInput(
            _("A payment is made between the service of the decision and today."), field="paid_on"
        )
    amount = money(amount)
    if amount is None or amount <= 0:
        raise InvalidInput(_("Give the amount paid."), field="amount")
    owed, extra = amount_owed(case, on=paid_on)
    if amount > owed:
        raise InvalidInput(
            _(
                "The amount is more than what is owed (%(owed)s yuan, of which %(extra)s yuan "
                "surcharge)."
            )
            % {"owed": owed, "extra": extra},
            field="amount",
        )
    paid = case.payments.aggregate(
        total=Sum("amount", default=Decimal("0")), surcharges=Sum("surcharge", default=Decimal("0"))
    )
    fine_left = max(case.fine_amount - (paid["total"] - paid["surcharges"]), Decimal("0"))
    surcharge_part = max(amount - fine_left, Decimal("0"))
    payment = Payment.objects.create(
        case=case,
        amount=amount,
        surcharge=surcharge_part,
        paid_on=paid_on,
        receipt_number=_text(receipt_number, field="receipt_number", max_length=60),
        recorded_by=by,
    )
    fields = []
    if amount == owed:
        case.performed_at = timezone.now()
        fields.append("performed_at")
        dl.meet_deadlines(case, DeadlineKind.PAYMENT)
    CASE_FLOW.move(
        case,
        transition.name,
        S.EXECUTING,
        by=by,
        fields=fields,
        details={
            "payment": payment.pk,
            "amount": str(amount),
            "surcharge": str(surcharge_part),
            "surcharge_due": str(extra),
            "paid_on": paid_on.isoformat(),
            "performed": amount == owed,
        },
    )
    return payment


@transaction.atomic
def close_case(
    case: Case, *, by: User, reason: str = "", court_enforcement_on: dt.date | None = None
) -> Case:
    """结案 by the responsible person: the decision is performed (nothing to pay, or paid in
    full), or — when the party does not pay — compulsory enforcement was applied for at the
    people's court (Art. 72 (4)), with the reason."""
    case = CASE_FLOW.lock(case)
    transition, reason = CASE_FLOW.check(case, "close", by, reason=reason)
    fields = []
    if case.fine_amount and case.performed_at is None:
        if court_enforcement_on is None or not reason:
            owed, _extra = amount_owed(case, on=timezone.localdate())
            raise InvalidInput(
                _(
                    "%(owed)s yuan is still owed; close only after payment, or with the date "
                    "compulsory enforcement was applied for and the reason (Art. 72)."
                )
                % {"owed": owed},
                field="court_enforcement_on",
            )
        case.court_enforcement_on = court_enforcement_on
        fields.append("court_enforcement_on")
    case.closed_at = timezone.now()
    fields.append("closed_at")
    dl.end_deadlines(case)
    CASE_FLOW.move(
        case,
        transition.name,
        S.CLOSED,
        by=by,
        reason=reason,
        fields=fields,
        details={
            "performed": case.performed_at is not None,
            "court_enforcement_on": court_enforcement_on.isoformat()
            if court_enforcement_on
            else None,
        },
    )
    return case


# --- approvals: withdrawal and extension -------------------------------------------------


def _request(case: Case, kind: str, *, by: User, transition, reason: str, **extra) -> CaseApproval:
    if case.pending_approval(kind) is not None:
        raise InvalidInput(_("A request of this kind is already waiting for approval."))
    approval = CaseApproval.objects.create(
        case=case, kind=kind, reason=reason, requested_by=by, **extra
    )
    _stay(
        case,
        transition.name,
        by=by,
        reason=reason,
        details={
            "approval": approval.pk,
            **{k: v for k, v in extra.items() if isinstance(v, int | str)},
        },
    )
    _notify_responsible(
        case,
        verb="approval",
        message=_("Case %(number)s: %(kind)s awaits your approval"),
        params={"kind": ApprovalKind(kind).label},
    )
    return approval


def _pending(case: Case, kind: str, *, by: User) -> CaseApproval:
    approval = (
        case.approvals.select_for_update().filter(kind=kind, state=ApprovalState.PENDING).first()
    )
    if approval is None:
        raise InvalidInput(_("No such request is waiting for approval."))
    if approval.requested_by_id == by.pk:
        raise NotPermitted(
            _("A request is approved or rejected by someone other than the person who made it.")
        )
    return approval


def _decide_request(approval: CaseApproval, *, by: User, approve: bool, note: str) -> None:
    APPROVAL_WORKFLOW.check(
        "approve" if approve else "reject", state=approval.state, capacities={"responsible"}
    )
    approval.state = ApprovalState.APPROVED if approve else ApprovalState.REJECTED
    approval.decided_by, approval.decided_at, approval.decision_note = by, timezone.now(), note
    approval.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])


@transaction.atomic
def request_withdrawal(case: Case, *, by: User, reason: str) -> CaseApproval:
    """撤案 is asked for by a handler, with the reason (e.g. facts not established, not ours)."""
    case = CASE_FLOW.lock(case)
    transition, reason = CASE_FLOW.check(case, "request_withdrawal", by, reason=reason)
    return _request(case, ApprovalKind.WITHDRAWAL, by=by, transition=transition, reason=reason)


@transaction.atomic
def approve_withdrawal(case: Case, *, by: User, note: str = "") -> Case:
    """The responsible person approves the withdrawal — never the person who asked."""
    case = CASE_FLOW.lock(case)
    transition, note = CASE_FLOW.check(case, "approve_withdrawal", by, reason=note)
    approval = _pending(case, ApprovalKind.WITHDRAWAL, by=by)
    _decide_request(approval, by=by, approve=True, note=note)
    case.withdrawn_at = timezone.now()
    dl.end_deadlines(case)
    CASE_FLOW.move(
        case,
        transition.name,
        S.WITHDRAWN,
        by=by,
        reason=approval.reason,
        fields=["withdrawn_at"],
        details={"approval": approval.pk, "requested_by": approval.requested_by_id, "note": note},
    )
    _notify_handlers(case, verb="approval", message=_("Case %(number)s was withdrawn"))
    return case


@transaction.atomic
def reject_withdrawal(case: Case, *, by: User, reason: str) -> CaseApproval:
    case = CASE_FLOW.lock(case)
    transition, reason = CASE_FLOW.check(case, "reject_withdrawal", by, reason=reason)
    approval = _pending(case, ApprovalKind.WITHDRAWAL, by=by)
    _decide_request(approval, by=by, approve=False, note=reason)
    _stay(case, transition.name, by=by, reason=reason, details={"approval": approval.pk})
    _notify_handlers(
        case,
        verb="approval",
        message=_("Withdrawal of case %(number)s was rejected: %(reason)s"),
        params={"reason": reason},
    )
    return approval


@transaction.atomic
def request_extension(
    case: Case, *, by: User, reason: str, days: int, legal_basis: str
) -> CaseApproval:
    """Ask to extend the decision deadline: Art. 60 lets laws, regulations and rules provide
    otherwise; name the rule relied on and the days (at most CIVICLOOP_CASE_MAX_EXTENSION_DAYS)."""
    from django.conf import settings

    case = CASE_FLOW.lock(case)
    transition, reason = CASE_FLOW.check(case, "request_extension", by, reason=reason)
    if case.active_deadline(DeadlineKind.DECISION) is None:
        raise InvalidInput(_("This case has no decision deadline to extend."))
    limit = settings.CIVICLOOP_CASE_MAX_EXTENSION_DAYS
    if not isinstance(days, int) or not 1 <= days <= limit:
        raise InvalidInput(
            _("An extension is between 1 and %(n)d days.") % {"n": limit}, field="days"
        )
    legal_basis = _text(legal_basis, field="legal_basis", max_length=200, required=True)
    return _request(
        case,
        ApprovalKind.EXTENSION,
        by=by,
        transition=transition,
        reason=reason,
        extension_days=days,
        legal_basis=legal_basis,
    )


@transaction.atomic
def approve_extension(case: Case, *, by: User, note: str = "") -> CaseDeadline:
    """The responsible person approves the extension; the decision deadline moves later and the
    old one stays on record."""
    case = CASE_FLOW.lock(case)
    transition, note = CASE_FLOW.check(case, "approve_extension", by, reason=note)
    approval = _pending(case, ApprovalKind.EXTENSION, by=by)
    _decide_request(approval, by=by, approve=True, note=note)
    deadline = dl.extend_deadline(
        case, DeadlineKind.DECISION, days=approval.extension_days, extension=approval
    )
    if deadline is None:
        raise InvalidInput(_("This case has no decision deadline to extend."))
    _stay(
        case,
        transition.name,
        by=by,
        reason=approval.reason,
        details={
            "approval": approval.pk,
            "days": approval.extension_days,
            "legal_basis": approval.legal_basis,
            "due_at": deadline.due_at.isoformat(),
            "note": note,
        },
    )
    _notify_handlers(
        case,
        verb="approval",
        message=_("The decision deadline of %(number)s was extended to %(date)s"),
        params={"date": timezone.localtime(deadline.due_at).date().isoformat()},
    )
    return deadline


@transaction.atomic
def reject_extension(case: Case, *, by: User, reason: str) -> CaseApproval:
    case = CASE_FLOW.lock(case)
    transition, reason = CASE_FLOW.check(case, "reject_extension", by, reason=reason)
    approval = _pending(case, ApprovalKind.EXTENSION, by=by)
    _decide_request(approval, by=by, approve=False, note=reason)
    _stay(case, transition.name, by=by, reason=reason, details={"approval": approval.pk})
    return approval


@transaction.atomic
def convert_to_ordinary(case: Case, *, by: User, reason: str) -> Case:
    """A simple or fast-track case that no longer qualifies follows the ordinary procedure; the
    decision deadline counts from the filing (Art. 60)."""
    case = CASE_FLOW.lock(case)
    transition, reason = CASE_FLOW.check(case, "convert_to_ordinary", by, reason=reason)
    if case.procedure == Procedure.ORDINARY:
        raise InvalidInput(_("The case already follows the ordinary procedure."))
    before = case.procedure
    case.procedure = Procedure.ORDINARY
    case.deadlines.filter(kind=DeadlineKind.FAST_TRACK, is_active=True).update(is_active=False)
    if case.active_deadline(DeadlineKind.DECISION) is None:
        dl.open_deadline(case, DeadlineKind.DECISION, case.filed_at)
    _stay(
        case,
        transition.name,
        by=by,
        reason=reason,
        fields=["procedure"],
        details={"from": before, "to": Procedure.ORDINARY},
    )
    return case


# --- deadline warnings -------------------------------------------------------------------


def notify_deadline(deadline: CaseDeadline, *, overdue: bool, at: dt.datetime) -> None:
    """One warning (before expiry) or overdue notice for a deadline: a history row and notices to
    the handlers, the handling squad's town command room and the responsible leaders."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("handling_unit__region")
        .get(pk=deadline.case_id)
    )
    CASE_WORKFLOW.check("deadline_warning", state=case.state, capacities=SYSTEM)
    if overdue:
        deadline.overdue_notified_at = at
        deadline.warned_at = deadline.warned_at or at
        message = _("Case %(number)s: the %(kind)s deadline passed on %(date)s")
    else:
        deadline.warned_at = at
        message = _("Case %(number)s: the %(kind)s deadline ends on %(date)s")
    deadline.save(update_fields=["warned_at", "overdue_notified_at"])
    CASE_FLOW.record(
        case,
        "deadline_warning",
        by=None,
        from_state=case.state,
        to_state=case.state,
        details={
            "deadline": deadline.pk,
            "kind": deadline.kind,
            "due_at": deadline.due_at.isoformat(),
            "overdue": overdue,
        },
    )
    params = {
        "number": case.number,
        "kind": DeadlineKind(deadline.kind).label,
        "date": timezone.localtime(deadline.due_at).date().isoformat(),
    }
    notify_users(
        list(_handler_users(case)) + responsible_users(case.handling_unit),
        verb="case_deadline",
        message=message,
        params=params,
        link=_link(case),
    )
    room = _command_room(case)
    if room is not None:
        notify_units([room], verb="case_deadline", message=message, params=params, link=_link(case))
