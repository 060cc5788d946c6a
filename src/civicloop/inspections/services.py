"""Every write of the inspections app: subjects, plans, draws, joint visits, records.

Each function checks the actor's right, validates its input (``InvalidInput`` naming the
field, in Chinese), writes in one transaction and appends one history row per change.
Photos are checked and stored before the transaction (``core.uploads``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.cases.choices import CaseSource, Procedure
from civicloop.cases.services.filing import PartyLink, file_case
from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.identifiers import is_valid_credit_code, normalise_credit_code
from civicloop.core.inputs import clean_text
from civicloop.core.models import next_counter_value
from civicloop.core.transitions import ModelWorkflow, lock, record
from civicloop.core.uploads import check_uploads, store
from civicloop.events.choices import Source
from civicloop.events.services import Location, create_event
from civicloop.org.geo import wgs84_to_gcj02
from civicloop.org.models import Qualification, Region, Unit
from civicloop.parties.choices import PartyKind
from civicloop.parties.services import PartyData, find_or_create_party

from . import drawing, planning
from .choices import (
    PROBLEM_RESULTS,
    CreditClass,
    Industry,
    ItemOutcome,
    PlanState,
    ResultCode,
    RiskGrade,
    SpecialList,
    TaskState,
    VisitState,
)
from .models import (
    Draw,
    DrawPick,
    InspectionPlan,
    InspectionRecord,
    PlanHistory,
    PlanItem,
    PlanningRun,
    PlanStratum,
    PoolMember,
    RecordItem,
    RecordPhoto,
    Recusal,
    Subject,
    SubjectHistory,
    Task,
    Visit,
    VisitHistory,
)
from .permissions import (
    is_officer_of,
    may_plan_visits,
    may_record_visit,
    officer_units,
    plan_capacities,
)
from .workflow import PLAN_WORKFLOW

PLAN_FLOW = ModelWorkflow(
    model=InspectionPlan, history=PlanHistory, machine=PLAN_WORKFLOW, capacities=plan_capacities
)

# A subject visited by two departments within this many days is a repeated inspection.
REPEAT_WINDOW_DAYS = 30
# 行政处罚法 Art. 42: at least two law-enforcement officers.
MIN_INSPECTORS = 2


# --- subjects ----------------------------------------------------------------------------


@dataclass
class SubjectData:
    """What the register holds about a market subject, as entered (a form row or a sheet row)."""

    credit_code: str
    name: str
    industry: str
    region: Region | None
    risk_grade: str
    address: str = ""
    legal_representative: str = ""
    credit_class: str = CreditClass.B
    special_lists: Sequence[str] = ()
    latitude: float | None = None
    longitude: float | None = None
    datum: str = "gcj02"


def _check_may_register(by) -> None:
    if not (getattr(by, "is_superuser", False) or officer_units(by)):
        raise NotPermitted(
            _("Only officers of a department or squad keep the register of market subjects.")
        )


def clean_subject_data(data: SubjectData) -> dict:
    """Check a subject's details; ``InvalidInput`` on the first bad field."""
    code = normalise_credit_code(data.credit_code)
    if not is_valid_credit_code(code):
        raise InvalidInput(
            _("The unified social credit code is not valid (18 characters, check character)."),
            field="credit_code",
        )
    name = clean_text(data.name, field="name", max_length=120, required=True)
    if data.industry not in Industry.values:
        raise InvalidInput(_("Choose the industry."), field="industry")
    if data.risk_grade not in RiskGrade.values:
        raise InvalidInput(_("The risk grade is A, B, C or D."), field="risk_grade")
    if data.credit_class not in CreditClass.values:
        raise InvalidInput(_("The credit class is A, B, C or D."), field="credit_class")
    lists = list(dict.fromkeys(data.special_lists or ()))
    if any(item not in SpecialList.values for item in lists):
        raise InvalidInput(_("Unknown special list."), field="special_lists")
    if data.region is None or data.region.level == "county":
        raise InvalidInput(_("Choose the town, village or grid of the subject."), field="region")
    lat, lng = data.latitude, data.longitude
    if (lat is None) != (lng is None):
        raise InvalidInput(_("Give both latitude and longitude, or neither."), field="latitude")
    if lat is not None and data.datum == "wgs84":
        lng, lat = wgs84_to_gcj02(float(lng), float(lat))
    return {
        "credit_code": code,
        "name": name,
        "industry": data.industry,
        "region": data.region,
        "risk_grade": data.risk_grade,
        "credit_class": data.credit_class,
        "special_lists": lists,
        "address": clean_text(data.address, field="address", max_length=200),
        "legal_representative": clean_text(
            data.legal_representative, field="legal_representative", max_length=60
        ),
        "latitude": None if lat is None else Decimal(str(round(float(lat), 6))),
        "longitude": None if lng is None else Decimal(str(round(float(lng), 6))),
    }


SUBJECT_FIELDS = (
    "industry",
    "region",
    "risk_grade",
    "credit_class",
    "special_lists",
    "address",
    "latitude",
    "longitude",
)


@transaction.atomic
def register_subject(*, by, data: SubjectData) -> tuple[Subject, bool]:
    """Record a market subject, or update the one with the same credit code. The identity is
    the case parties' (``parties.Party``): one enterprise, one record. Returns (subject, created)."""
    _check_may_register(by)
    cleaned = clean_subject_data(data)
    party, _created = find_or_create_party(
        by=by,
        data=PartyData(
            kind=PartyKind.ORGANISATION,
            name=cleaned["name"],
            credit_code=cleaned["credit_code"],
            legal_representative=cleaned["legal_representative"],
            address=cleaned["address"],
        ),
    )
    values = {f: cleaned[f] for f in SUBJECT_FIELDS}
    subject = Subject.objects.select_for_update().filter(party=party).first()
    if subject is None:
        subject = Subject.objects.create(party=party, created_by=by, **values)
        record(
            SubjectHistory, subject, "register", by=by, details={"credit_code": party.credit_code}
        )
        return subject, True
    changed = {f: str(v) for f, v in values.items() if getattr(subject, f) != v}
    if changed:
        for f, v in values.items():
            setattr(subject, f, v)
        subject.save()
        record(SubjectHistory, subject, "update", by=by, details={"fields": sorted(changed)})
    return subject, False


@transaction.atomic
def add_recusal(*, by, subject: Subject, inspector, reason: str) -> Recusal:
    """回避: ``inspector`` must not inspect ``subject``."""
    _check_may_register(by)
    reason = clean_text(reason, field="reason", max_length=200, required=True)
    recusal, _created = Recusal.objects.update_or_create(
        inspector=inspector, subject=subject, defaults={"reason": reason}
    )
    record(
        SubjectHistory,
        subject,
        "recusal",
        by=by,
        reason=reason,
        details={"inspector": inspector.pk},
    )
    return recusal


# --- plans ------------------------------------------------------------------------------------


def _check_officer(by, unit: Unit) -> None:
    if not is_officer_of(by, unit):
        raise NotPermitted(
            _("Only an officer of %(unit)s changes its inspection plans.") % {"unit": unit}
        )


def _check_draft(plan: InspectionPlan) -> None:
    if plan.state != PlanState.DRAFT:
        raise InvalidInput(_("Only a draft plan can be changed."), field="plan")


@transaction.atomic
def create_plan(
    *,
    by,
    unit: Unit,
    year: int,
    title: str,
    joint_units: Iterable[Unit] = (),
    qualification: str = "enforcement_certificate",
    inspectors_per_subject: int = MIN_INSPECTORS,
    note: str = "",
) -> InspectionPlan:
    _check_officer(by, unit)
    title = clean_text(title, field="title", max_length=120, required=True)
    if not 2000 <= int(year) <= 2100:
        raise InvalidInput(_("Give the plan's year."), field="year")
    if int(inspectors_per_subject) < MIN_INSPECTORS:
        raise InvalidInput(
            _("At least two law-enforcement officers inspect together (行政处罚法 Art. 42)."),
            field="inspectors_per_subject",
        )
    plan = InspectionPlan.objects.create(
        unit=unit,
        year=year,
        title=title,
        qualification=qualification,
        inspectors_per_subject=inspectors_per_subject,
        note=clean_text(note, field="note"),
        created_by=by,
    )
    joint = [u for u in joint_units if u.pk != unit.pk]
    plan.joint_units.set(joint)
    PLAN_FLOW.record(
        plan, "create", by=by, details={"joint_units": [u.code for u in joint], "year": plan.year}
    )
    return plan


@transaction.atomic
def add_plan_item(*, by, plan: InspectionPlan, code: str, title: str, matter=None) -> PlanItem:
    _check_officer(by, plan.unit)
    plan = lock(plan)
    _check_draft(plan)
    code = clean_text(code, field="code", max_length=40, required=True).upper()
    title = clean_text(title, field="title", max_length=200, required=True)
    if plan.items.filter(code=code).exists():
        raise InvalidInput(_("The plan already has an item with this code."), field="code")
    item = PlanItem.objects.create(plan=plan, code=code, title=title, matter=matter)
    PLAN_FLOW.record(plan, "add_item", by=by, details={"code": code})
    return item


@transaction.atomic
def set_stratum(
    *,
    by,
    plan: InspectionPlan,
    industry: str = "",
    risk_grade: str = "",
    ratio,
    minimum_per_year: int = 0,
) -> PlanStratum:
    """Add or change a target stratum: the share of its subjects to draw (0–1) and the minimum
    visits per subject and year. The plan decides both; no national number is assumed."""
    _check_officer(by, plan.unit)
    plan = lock(plan)
    _check_draft(plan)
    if industry and industry not in Industry.values:
        raise InvalidInput(_("Choose the industry."), field="industry")
    if risk_grade and risk_grade not in RiskGrade.values:
        raise InvalidInput(_("The risk grade is A, B, C or D."), field="risk_grade")
    try:
        ratio = Decimal(str(ratio))
    except ArithmeticError as exc:
        raise InvalidInput(_("The ratio is a number between 0 and 1."), field="ratio") from exc
    if not Decimal(0) <= ratio <= Decimal(1):
        raise InvalidInput(_("The ratio is a number between 0 and 1."), field="ratio")
    if int(minimum_per_year) < 0:
        raise InvalidInput(_("The minimum cannot be negative."), field="minimum_per_year")
    stratum, _created = PlanStratum.objects.update_or_create(
        plan=plan,
        industry=industry,
        risk_grade=risk_grade,
        defaults={"ratio": ratio, "minimum_per_year": int(minimum_per_year)},
    )
    PLAN_FLOW.record(
        plan,
        "set_stratum",
        by=by,
        details={"stratum": stratum.key, "ratio": str(ratio), "minimum": int(minimum_per_year)},
    )
    return stratum


def qualifications_on(user, day: dt.date) -> frozenset[str]:
    return frozenset(
        Qualification.objects.filter(user=user, issued_on__lte=day)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))
        .values_list("kind", flat=True)
    )


@transaction.atomic
def add_to_pool(
    *, by, plan: InspectionPlan, inspector, unit: Unit | None = None, max_visits_per_day: int = 4
) -> PoolMember:
    """Put an officer in the plan's inspector pool. The officer must hold the plan's
    qualification today."""
    _check_officer(by, plan.unit)
    plan = lock(plan)
    _check_draft(plan)
    unit = unit or plan.unit
    if plan.qualification not in qualifications_on(inspector, timezone.localdate()):
        raise InvalidInput(
            _("%(name)s does not hold the qualification the plan asks for.") % {"name": inspector},
            field="inspector",
        )
    if int(max_visits_per_day) < 1:
        raise InvalidInput(_("At least one visit a day."), field="max_visits_per_day")
    member, _created = PoolMember.objects.update_or_create(
        plan=plan,
        inspector=inspector,
        defaults={"unit": unit, "max_visits_per_day": int(max_visits_per_day)},
    )
    PLAN_FLOW.record(plan, "add_inspector", by=by, details={"inspector": inspector.pk})
    return member


def _check_complete(plan: InspectionPlan) -> None:
    if not plan.items.exists():
        raise InvalidInput(_("Add at least one check item first."), field="plan")
    if not plan.strata.exists():
        raise InvalidInput(_("Add at least one stratum with its ratio first."), field="plan")
    if plan.pool.count() < plan.inspectors_per_subject:
        raise InvalidInput(
            _("The inspector pool needs at least %(n)d qualified officers.")
            % {"n": plan.inspectors_per_subject},
            field="plan",
        )


def _move_plan(given: InspectionPlan, name: str, *, by, reason: str = "") -> InspectionPlan:
    with transaction.atomic():
        plan = PLAN_FLOW.lock(given)
        transition, reason = PLAN_FLOW.check(plan, name, by, reason=reason)
        fields = []
        if name in ("submit_plan", "publish_plan"):
            _check_complete(plan)
        if name == "publish_plan" and plan.is_joint:
            raise InvalidInput(
                _("A plan joined by other departments is published after legal review."),
                field="plan",
            )
        if transition.target == PlanState.PUBLISHED:
            plan.published_at = timezone.now()
            fields.append("published_at")
        PLAN_FLOW.move(plan, name, transition.target, by=by, reason=reason, fields=fields)
    given.state, given.published_at = plan.state, plan.published_at
    return plan


def submit_plan(plan: InspectionPlan, *, by) -> InspectionPlan:
    return _move_plan(plan, "submit_plan", by=by)


def approve_plan(plan: InspectionPlan, *, by, note: str = "") -> InspectionPlan:
    return _move_plan(plan, "approve_plan", by=by, reason=note)


def return_plan(plan: InspectionPlan, *, by, reason: str) -> InspectionPlan:
    return _move_plan(plan, "return_plan", by=by, reason=reason)


def publish_plan(plan: InspectionPlan, *, by) -> InspectionPlan:
    return _move_plan(plan, "publish_plan", by=by)


PLAN_ACTIONS = {
    "submit_plan": submit_plan,
    "approve_plan": approve_plan,
    "return_plan": return_plan,
    "publish_plan": publish_plan,
}


# --- draws ------------------------------------------------------------------------------------


def subject_row(subject: Subject) -> drawing.SubjectRow:
    return drawing.SubjectRow(
        subject_id=str(subject.pk),
        uscc=subject.party.credit_code,
        name=subject.party.name,
        industry=subject.industry,
        town_code=subject.region.code[:9],
        risk_grade=subject.risk_grade,
        address=subject.address,
    )


def _pool_rows(members: Iterable[PoolMember], day: dt.date) -> list[drawing.InspectorRow]:
    members = list(members)
    conflicts: dict[int, set[str]] = defaultdict(set)
    for inspector_id, subject_id in Recusal.objects.filter(
        inspector__in=[m.inspector_id for m in members]
    ).values_list("inspector_id", "subject_id"):
        conflicts[inspector_id].add(str(subject_id))
    rows: dict[int, drawing.InspectorRow] = {}
    for member in members:
        if member.inspector_id in rows:
            continue
        rows[member.inspector_id] = drawing.InspectorRow(
            inspector_id=str(member.inspector_id),
            dept_code=member.unit.code,
            qualifications=qualifications_on(member.inspector, day),
            conflicts=frozenset(conflicts[member.inspector_id]),
            max_visits_per_day=member.max_visits_per_day,
        )
    return sorted(rows.values(), key=lambda row: int(row.inspector_id))


def _draw_groups(plan: InspectionPlan, subjects: list[Subject]):
    """The plan's strata as calls of ``drawing.draw`` (which stratifies by risk grade): one
    group per industry named by a stratum, and one for the rest (strata of any industry).
    Each group: (industry or '', its subjects, {risk grade: ratio})."""
    strata = list(plan.strata.all())
    industries = sorted({s.industry for s in strata if s.industry})
    groups = []
    for industry in [*industries, ""]:
        ratios: dict[str, float] = {}
        for grade in RiskGrade.values:
            specific = [s for s in strata if s.industry == industry and s.risk_grade == grade]
            general = [s for s in strata if s.industry == industry and not s.risk_grade]
            chosen = (specific or general or [None])[0]
            if chosen is not None:
                ratios[grade] = float(chosen.ratio)
        members = [
            s
            for s in subjects
            if (s.industry == industry if industry else s.industry not in industries)
            and s.risk_grade in ratios
        ]
        if members and any(ratios.values()):
            groups.append((industry, members, ratios))
    return groups


def _run_draw(inputs: Mapping) -> tuple[str, str, list[drawing.DrawPick]]:
    """Draw from stored inputs (JSON): (inputs hash, algorithm version, picks)."""
    inspectors = [
        drawing.InspectorRow(
            inspector_id=row["inspector_id"],
            dept_code=row["dept_code"],
            qualifications=frozenset(row["qualifications"]),
            conflicts=frozenset(row["conflicts"]),
            max_visits_per_day=row["max_visits_per_day"],
        )
        for row in inputs["inspectors"]
    ]
    hashes, picks, version = [], [], drawing.ALGORITHM_VERSION
    for group in inputs["groups"]:
        subjects = [drawing.SubjectRow(**row) for row in group["subjects"]]
        result = drawing.draw(
            subjects,
            inspectors,
            ratios=group["ratios"],
            seed=inputs["seed"],
            inspectors_per_subject=inputs["inspectors_per_subject"],
            qualification=inputs["qualification"],
        )
        hashes.append(result.inputs_hash)
        version = result.algorithm_version
        picks.extend(
            drawing.DrawPick(
                p.subject_id, f"{group['industry'] or '*'}/{p.stratum}", p.inspector_ids
            )
            for p in result.picks
        )
    if len(hashes) == 1:
        combined = hashes[0]
    else:
        combined = hashlib.sha256("\n".join(hashes).encode()).hexdigest()
    return combined, version, picks


def draw_plan(
    plan: InspectionPlan,
    *,
    by,
    window_start: dt.date,
    window_end: dt.date,
    seed: int | None = None,
) -> Draw:
    """双随机: draw subjects by the plan's strata and two (or more) qualified inspectors for each,
    without conflicts; store seed, inputs, their hash and the algorithm version; open one task
    of the plan's department per subject drawn, within the window."""
    _check_officer(by, plan.unit)
    plan = InspectionPlan.objects.get(pk=plan.pk)
    if plan.state != PlanState.PUBLISHED:
        raise InvalidInput(_("Only a published plan is drawn."), field="plan")
    if window_end < window_start:
        raise InvalidInput(_("The window ends before it starts."), field="window_end")
    if seed is None:
        seed = secrets.randbelow(2**62)
    seed = int(seed)
    today = timezone.localdate()
    subjects = list(Subject.objects.active().select_related("party", "region").order_by("pk"))
    groups = _draw_groups(plan, subjects)
    if not groups:
        raise InvalidInput(_("No subject falls into the plan's strata."), field="plan")
    members = plan.pool.select_related("unit", "inspector").order_by("inspector_id")
    inputs = {
        "seed": seed,
        "qualification": plan.qualification,
        "inspectors_per_subject": plan.inspectors_per_subject,
        "inspectors": [
            {
                "inspector_id": r.inspector_id,
                "dept_code": r.dept_code,
                "qualifications": sorted(r.qualifications),
                "conflicts": sorted(r.conflicts, key=int),
                "max_visits_per_day": r.max_visits_per_day,
            }
            for r in _pool_rows(members, today)
        ],
        "groups": [
            {
                "industry": industry,
                "ratios": ratios,
                "subjects": [subject_row(s).__dict__ for s in members_],
            }
            for industry, members_, ratios in groups
        ],
    }
    try:
        inputs_hash, version, picks = _run_draw(inputs)
    except drawing.DrawError as exc:
        raise InvalidInput(str(exc), field="plan") from exc
    items = list(plan.items.all())
    with transaction.atomic():
        plan = lock(plan)
        draw = Draw.objects.create(
            plan=plan,
            seed=seed,
            inputs_hash=inputs_hash,
            algorithm_version=version,
            inputs=inputs,
            window_start=window_start,
            window_end=window_end,
            drawn_by=by,
        )
        by_id = {str(s.pk): s for s in subjects}
        for position, pick in enumerate(picks):
            row = DrawPick.objects.create(
                draw=draw, subject=by_id[pick.subject_id], stratum=pick.stratum, position=position
            )
            row.inspectors.set([int(i) for i in pick.inspector_ids])
            task = Task.objects.create(
                unit=plan.unit,
                subject=row.subject,
                plan=plan,
                pick=row,
                earliest=window_start,
                latest=window_end,
                inspectors_needed=plan.inspectors_per_subject,
                qualification=plan.qualification,
            )
            task.items.set(items)
        PLAN_FLOW.record(
            plan,
            "draw",
            by=by,
            details={
                "draw": draw.pk,
                "seed": seed,
                "inputs_hash": inputs_hash,
                "picks": len(picks),
            },
        )
    return draw


def minimum_windows(year: int, times: int) -> list[tuple[dt.date, dt.date]]:
    """The year cut into ``times`` windows of whole months as equal as months allow (2 → two
    halves, 4 → quarters, 3 → thirds); more than twelve a year is one window a month."""
    times = min(max(int(times), 0), 12)
    windows = []
    for n in range(times):
        first = 12 * n // times + 1
        last = 12 * (n + 1) // times
        windows.append(
            (dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1]))
        )
    return windows


def stratum_of(strata: Sequence[PlanStratum], subject: Subject) -> PlanStratum | None:
    """The most specific stratum of the plan the subject falls into (industry and grade before
    grade alone, before industry alone, before any)."""
    matching = [s for s in strata if s.matches(subject)]
    return max(matching, key=lambda s: (bool(s.risk_grade), bool(s.industry)), default=None)


def schedule_minimum_visits(plan: InspectionPlan, *, by) -> int:
    """The plan's minimum frequencies (e.g. grade D at least four times a year, 食品生产经营监督
    检查管理办法 Art. 22): every subject of a stratum with a minimum gets one task of the plan's
    department in each of that many windows of the plan's year, unless a task of the department
    (drawn or earlier scheduled) already starts in the window. Running it again adds nothing.
    How many tasks were opened."""
    _check_officer(by, plan.unit)
    plan = InspectionPlan.objects.get(pk=plan.pk)
    if plan.state != PlanState.PUBLISHED:
        raise InvalidInput(_("Only a published plan opens tasks."), field="plan")
    strata = [s for s in plan.strata.all() if s.minimum_per_year]
    if not strata:
        raise InvalidInput(_("No stratum of the plan sets a minimum."), field="plan")
    items = list(plan.items.all())
    opened = 0
    with transaction.atomic():
        plan = lock(plan)
        existing = defaultdict(list)
        for subject_id, earliest, latest in Task.objects.filter(
            unit=plan.unit, earliest__year__lte=plan.year, latest__year__gte=plan.year
        ).values_list("subject_id", "earliest", "latest"):
            existing[subject_id].append((earliest, latest))
        all_strata = list(plan.strata.all())
        for subject in Subject.objects.active().order_by("pk"):
            stratum = stratum_of(all_strata, subject)
            if stratum is None or not stratum.minimum_per_year:
                continue
            for start, end in minimum_windows(plan.year, stratum.minimum_per_year):
                if any(start <= earliest <= end for earliest, _latest in existing[subject.pk]):
                    continue
                task = Task.objects.create(
                    unit=plan.unit,
                    subject=subject,
                    plan=plan,
                    earliest=start,
                    latest=end,
                    inspectors_needed=plan.inspectors_per_subject,
                    qualification=plan.qualification,
                )
                task.items.set(items)
                existing[subject.pk].append((start, end))
                opened += 1
        PLAN_FLOW.record(
            plan,
            "schedule_minimum",
            by=by,
            details={"tasks": opened, "strata": [s.key for s in strata]},
        )
    return opened


def reproduce_draw(draw: Draw) -> tuple[bool, str, list]:
    """Draw again from the stored inputs and seed: (same result?, the hash, the picks)."""
    inputs_hash, _version, picks = _run_draw(draw.inputs)
    stored = [
        (
            p.subject_id,
            p.stratum,
            tuple(sorted(str(i) for i in p.inspectors.values_list("pk", flat=True))),
        )
        for p in draw.picks.all()
    ]
    again = [(p.subject_id, p.stratum, tuple(sorted(p.inspector_ids))) for p in picks]
    same = inputs_hash == draw.inputs_hash and [(str(s), st, i) for s, st, i in stored] == again
    return same, inputs_hash, picks


# --- tasks and joint visits -------------------------------------------------------------------


@transaction.atomic
def add_task(
    *,
    by,
    unit: Unit,
    subject: Subject,
    items: Sequence[PlanItem],
    earliest: dt.date,
    latest: dt.date,
    inspectors_needed: int = MIN_INSPECTORS,
    plan: InspectionPlan | None = None,
) -> Task:
    """A department's own task (not drawn): e.g. a complaint follow-up or a licence check."""
    _check_officer(by, unit)
    if latest < earliest:
        raise InvalidInput(_("The window ends before it starts."), field="latest")
    if int(inspectors_needed) < MIN_INSPECTORS:
        raise InvalidInput(
            _("At least two law-enforcement officers inspect together (行政处罚法 Art. 42)."),
            field="inspectors_needed",
        )
    task = Task.objects.create(
        unit=unit,
        subject=subject,
        plan=plan,
        earliest=earliest,
        latest=latest,
        inspectors_needed=inspectors_needed,
        qualification=plan.qualification if plan else "enforcement_certificate",
    )
    task.items.set(items)
    return task


def _inspector_rows_for(tasks: list[Task], day: dt.date) -> list[drawing.InspectorRow]:
    plans = {t.plan_id for t in tasks if t.plan_id}
    members = PoolMember.objects.filter(plan__in=plans).select_related("unit", "inspector")
    return _pool_rows(members.order_by("inspector_id"), day)


def plan_joint_visits(
    *, by, tasks: Iterable[Task], window_days: int | None = None, time_limit_seconds: float = 20.0
) -> PlanningRun:
    """综合查一次: merge the open tasks into joint visits (one per subject and day, one lead
    department, inspectors qualified for every merged task, no conflicts, daily capacity)."""
    if not may_plan_visits(by):
        raise NotPermitted(_("Only officers of a department or the county centre merge tasks."))
    tasks = list(
        Task.objects.filter(pk__in=[t.pk for t in tasks], state=TaskState.OPEN)
        .select_related("unit", "subject__party", "subject__region", "plan")
        .prefetch_related("items")
    )
    if not tasks:
        raise InvalidInput(_("There are no open tasks to merge."), field="tasks")
    subjects = {t.subject_id: t.subject for t in tasks}
    task_rows = [
        planning.TaskRow(
            task_id=str(t.pk),
            dept_code=t.unit.code,
            subject_id=str(t.subject_id),
            item_codes=tuple(sorted(i.code for i in t.items.all())),
            earliest=t.earliest,
            latest=t.latest,
            inspectors_needed=t.inspectors_needed,
            qualification=t.qualification,
        )
        for t in tasks
    ]
    try:
        result = planning.plan_visits(
            [subject_row(s) for s in subjects.values()],
            task_rows,
            _inspector_rows_for(tasks, timezone.localdate()),
            window_days=window_days,
            time_limit_seconds=time_limit_seconds,
        )
    except planning.PlanningError as exc:
        problems = "；".join(str(p) for p in getattr(exc, "problems", ()) or ())
        raise InvalidInput(problems or str(exc), field="tasks") from exc
    by_pk = {str(t.pk): t for t in tasks}
    units = {t.unit.code: t.unit for t in tasks}
    with transaction.atomic():
        run = PlanningRun.objects.create(
            by=by,
            tasks=len(tasks),
            visits=len(result.visits),
            lower_bound=result.lower_bound,
            solver=str(result.solver)[:60],
            optimal=bool(result.optimal),
            window_days=window_days,
        )
        for planned in result.visits:
            merged = [by_pk[task_id] for task_id in planned.task_ids]
            visit_units = {t.unit for t in merged}
            visit = Visit.objects.create(
                subject=subjects[int(planned.subject_id)],
                date=planned.date,
                lead_unit=units[planned.lead_dept],
                department_count=len(visit_units),
                run=run,
            )
            visit.units.set(visit_units)
            visit.inspectors.set([int(i) for i in planned.inspector_ids])
            Task.objects.filter(pk__in=[t.pk for t in merged]).update(
                visit=visit, state=TaskState.SCHEDULED
            )
            record(
                VisitHistory,
                visit,
                "plan",
                by=by,
                to_state=VisitState.PLANNED,
                details={"tasks": [t.pk for t in merged], "run": run.pk},
            )
    return run


def repeated_pairs(visits: Iterable[Visit]) -> dict[int, list[Visit]]:
    """{visit pk: earlier visits of the same subject by another department within 30 days} —
    the repeated-inspection monitor. ``visits`` must carry their units (prefetch)."""
    by_subject: dict[int, list[Visit]] = defaultdict(list)
    for visit in visits:
        by_subject[visit.subject_id].append(visit)
    warnings: dict[int, list[Visit]] = {}
    for rows in by_subject.values():
        rows.sort(key=lambda v: (v.date, v.pk))
        for i, visit in enumerate(rows):
            mine = {u.pk for u in visit.units.all()} or {visit.lead_unit_id}
            earlier = [
                other
                for other in rows[:i]
                if (visit.date - other.date).days <= REPEAT_WINDOW_DAYS
                and ({u.pk for u in other.units.all()} or {other.lead_unit_id}) != mine
            ]
            if earlier:
                warnings[visit.pk] = earlier
    return warnings


def repeated_visits(queryset) -> dict[int, list[Visit]]:
    """The monitor over the visits of ``queryset``'s subjects (all their visits are compared,
    so a warning shows even when the earlier visit is outside the list)."""
    subject_ids = queryset.values("subject_id")
    visits = Visit.objects.filter(subject_id__in=subject_ids).prefetch_related("units")
    return repeated_pairs(visits)


# --- inspection records -----------------------------------------------------------------------


@dataclass
class ItemResult:
    outcome: str
    note: str = ""


def visit_items(visit: Visit) -> list[PlanItem]:
    """The combined check list of a visit: every item of every merged task, once."""
    seen: dict[int, PlanItem] = {}
    for task in visit.tasks.prefetch_related("items").order_by("pk"):
        for item in task.items.all():
            seen.setdefault(item.pk, item)
    return sorted(seen.values(), key=lambda i: (i.plan_id, i.code))


# Results where nobody on site can sign for the subject.
NO_REPRESENTATIVE = frozenset({ResultCode.UNREACHABLE, ResultCode.OBSTRUCTED, ResultCode.CLOSED})


def record_inspection(
    visit: Visit,
    *,
    by,
    result_code: str,
    results: Mapping[int, ItemResult],
    inspector_signature: str,
    representative_name: str = "",
    representative_confirmed: bool = False,
    findings: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    datum: str = "wgs84",
    photos=(),
    signature_image: str = "",
) -> InspectionRecord:
    """检查记录: the visit's check list, result, photos, place and signatures; the visit and its
    tasks are done."""
    if not may_record_visit(by, visit):
        raise NotPermitted(_("Only the visit's inspectors or departments record it."))
    if result_code not in ResultCode.values:
        raise InvalidInput(_("Choose the result of the inspection."), field="result_code")
    items = visit_items(visit)
    missing = [item for item in items if item.pk not in results]
    if missing:
        raise InvalidInput(
            _("Give a result for every check item (missing: %(items)s).")
            % {"items": "、".join(i.code for i in missing)},
            field="results",
        )
    for item in items:
        if results[item.pk].outcome not in ItemOutcome.values:
            raise InvalidInput(_("Unknown check result."), field="results")
    failed = [item for item in items if results[item.pk].outcome == ItemOutcome.FAIL]
    if failed and result_code == ResultCode.NO_PROBLEM:
        raise InvalidInput(
            _("A check item found a problem: the result cannot be “no problem found”."),
            field="result_code",
        )
    findings = clean_text(findings, field="findings", max_length=4000)
    if result_code in PROBLEM_RESULTS and not findings:
        raise InvalidInput(_("Describe what was found."), field="findings")
    inspector_signature = clean_text(
        inspector_signature, field="inspector_signature", max_length=120, required=True
    )
    representative_name = clean_text(
        representative_name, field="representative_name", max_length=60
    )
    if result_code not in NO_REPRESENTATIVE and not (
        representative_name and representative_confirmed
    ):
        raise InvalidInput(
            _("The subject's representative signs: give the name and tick the confirmation."),
            field="representative_name",
        )
    if signature_image and (
        not signature_image.startswith("data:image/png;base64,") or len(signature_image) > 300_000
    ):
        raise InvalidInput(_("The drawn signature could not be read."), field="signature_image")
    if (latitude is None) != (longitude is None):
        raise InvalidInput(_("Give both latitude and longitude, or neither."), field="latitude")
    if latitude is not None and datum == "wgs84":
        longitude, latitude = wgs84_to_gcj02(float(longitude), float(latitude))
    checked = check_uploads(photos, field="photos")
    stored = [(upload, store(upload, folder="inspections")) for upload in checked]
    now = timezone.now()
    with transaction.atomic():
        visit = lock(visit)
        if (
            visit.state != VisitState.PLANNED
            or InspectionRecord.objects.filter(visit=visit).exists()
        ):
            raise InvalidInput(_("This visit is already recorded."), field="visit")
        value = next_counter_value(f"inspection-record:{now.year}")
        number = f"JC{now.year}{value:05d}"
        rec = InspectionRecord.objects.create(
            visit=visit,
            number=number,
            inspected_at=now,
            result_code=result_code,
            findings=findings,
            latitude=None if latitude is None else Decimal(str(round(float(latitude), 6))),
            longitude=None if longitude is None else Decimal(str(round(float(longitude), 6))),
            inspector_signature=inspector_signature,
            representative_name=representative_name,
            representative_confirmed=bool(representative_confirmed),
            signature_image=signature_image,
            recorded_by=by,
        )
        RecordItem.objects.bulk_create(
            RecordItem(
                record=rec,
                item=item,
                outcome=results[item.pk].outcome,
                note=results[item.pk].note[:200],
            )
            for item in items
        )
        RecordPhoto.objects.bulk_create(
            RecordPhoto(record=rec, file=path, name=upload.name, sha256=upload.sha256)
            for upload, path in stored
        )
        from_state = visit.state
        visit.state = VisitState.DONE
        visit.save(update_fields=["state"])
        visit.tasks.update(state=TaskState.DONE)
        record(
            VisitHistory,
            visit,
            "record",
            by=by,
            from_state=from_state,
            to_state=VisitState.DONE,
            details={"record": number, "result": result_code, "photos": len(stored)},
        )
    return rec


def _check_finding(rec: InspectionRecord) -> None:
    if not rec.found_problem:
        raise InvalidInput(
            _("Only a record that found a problem opens an event or a case."), field="record"
        )


def open_case_from_record(
    rec: InspectionRecord,
    *,
    by,
    matters: Sequence,
    handlers: Sequence,
    title: str,
    facts: str = "",
    procedure: str = Procedure.ORDINARY,
    handling_unit: Unit | None = None,
) -> object:
    """立案 from a finding, in one step: the case (source: inspection) names the subject's party,
    and the record links the case."""
    _check_finding(rec)
    if rec.case_id:
        raise InvalidInput(_("A case has already been opened from this record."), field="record")
    visit = rec.visit
    unit = handling_unit or visit.lead_unit
    subject = visit.subject
    with transaction.atomic():
        locked = lock(rec)
        if locked.case_id:
            raise InvalidInput(
                _("A case has already been opened from this record."), field="record"
            )
        case = file_case(
            by=by,
            handling_unit=unit,
            procedure=procedure,
            source=CaseSource.INSPECTION,
            title=title,
            facts=facts or rec.findings,
            violation_date=timezone.localdate(rec.inspected_at),
            parties=[PartyLink(party=subject.party)],
            matters=matters,
            handlers=handlers,
            inspection_reference=rec.number,
            region=subject.region,
            address=subject.address,
        )
        locked.case = case
        locked.case_opened_at = timezone.now()
        locked.save(update_fields=["case", "case_opened_at"])
        record(
            VisitHistory,
            visit,
            "open_case",
            by=by,
            details={"record": rec.number, "case": case.number},
        )
    rec.refresh_from_db()
    return case


def open_event_from_record(
    rec: InspectionRecord, *, by, description: str = "", category=None, title: str = ""
):
    """A finding handed to the event loop (e.g. a problem outside the department's powers)."""
    _check_finding(rec)
    if rec.event_id:
        raise InvalidInput(_("An event has already been opened from this record."), field="record")
    if not may_record_visit(by, rec.visit):
        raise NotPermitted(_("Only the visit's inspectors or departments record it."))
    subject = rec.visit.subject
    with transaction.atomic():
        locked = lock(rec)
        if locked.event_id:
            raise InvalidInput(
                _("An event has already been opened from this record."), field="record"
            )
        event = create_event(
            by=by,
            source=Source.ENTERPRISE,
            title=title or str(subject)[:40],
            description=description or rec.findings,
            category=category,
            location=Location(
                region=subject.region,
                latitude=float(rec.latitude) if rec.latitude is not None else None,
                longitude=float(rec.longitude) if rec.longitude is not None else None,
                datum="gcj02",
                address=subject.address,
            ),
        )
        locked.event = event
        locked.event_opened_at = timezone.now()
        locked.save(update_fields=["event", "event_opened_at"])
        record(
            VisitHistory,
            rec.visit,
            "open_event",
            by=by,
            details={"record": rec.number, "event": event.number},
        )
    rec.refresh_from_db()
    return event


def serialise_inputs(inputs: Mapping) -> str:
    return json.dumps(inputs, ensure_ascii=False, sort_keys=True, indent=1)
