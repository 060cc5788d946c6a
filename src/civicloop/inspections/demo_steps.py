"""The inspections step of ``civicloop demo``: a plausible Haiyan inspection year.

Subjects are the demo's enterprises (the case parties) in Haiyan's villages; last year's
visits were one per department and task (before 综合查一次); this year two departments
plan, draw and have their tasks merged into joint visits, most of which are recorded, some
with findings — one handed to the event loop. Loaded through the services, in a few seconds.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.core.errors import DomainError
from civicloop.core.identifiers import CREDIT_CODE_ALPHABET, credit_code_check_char
from civicloop.core.registry import DemoContext
from civicloop.org.choices import QualificationKind, Role
from civicloop.org.models import Qualification, Region, Unit, User
from civicloop.parties.models import Party

from . import services
from .choices import Industry, ItemOutcome, ResultCode, RiskGrade
from .models import Subject, Task, Visit

HAIYAN = "330424"
SUBJECTS = 60
INDUSTRIES = [Industry.CATERING, Industry.FOOD_SALES, Industry.FOOD_PRODUCTION, Industry.RETAIL]
GRADES = [RiskGrade.A] * 3 + [RiskGrade.B] * 4 + [RiskGrade.C] * 2 + [RiskGrade.D]
PLANS = [
    (
        "dept-scjg",
        "县市场监督管理局{year}年度双随机抽查计划（演示）",
        [
            ("SC-01", "营业执照及许可证公示"),
            ("SC-02", "食品安全管理制度落实"),
            ("SC-03", "从业人员健康证明"),
        ],
    ),
    (
        "dept-zhzf",
        "县综合行政执法局{year}年度双随机抽查计划（演示）",
        [("ZF-01", "门前三包责任落实"), ("ZF-02", "油烟净化设施运行")],
    ),
]


def _officers(unit: Unit, rng: random.Random, count: int = 3) -> list[User]:
    users = list(
        User.objects.filter(
            posts__unit=unit,
            posts__is_active=True,
            posts__role__in=[Role.DEPARTMENT_OFFICER, Role.ENFORCEMENT_OFFICER],
        )
        .distinct()
        .order_by("pk")[:count]
    )
    kind = QualificationKind.ENFORCEMENT_CERTIFICATE
    for user in users:
        if not Qualification.objects.filter(user=user, kind=kind).exists():
            Qualification.objects.get_or_create(
                kind=kind,
                number=f"ZJ-DEMO-{user.pk:05d}",
                defaults={"user": user, "issued_on": dt.date(2020, 1, 1)},
            )
    return users


def _enterprises(rng: random.Random, officer: User) -> list[Party]:
    parties = list(Party.objects.organisations().order_by("pk")[:SUBJECTS])
    while len(parties) < SUBJECTS:
        org = "MA2" + "".join(rng.choice(CREDIT_CODE_ALPHABET[:-1]) for _ in range(6))
        first17 = f"91330424{org}"
        code = first17 + credit_code_check_char(first17)
        if Party.objects.filter(credit_code=code).exists():
            continue
        parties.append(
            Party.objects.create(
                kind="organisation",
                name=f"海盐县演示经营户{len(parties) + 1}号",
                credit_code=code,
                created_by=officer,
            )
        )
    return parties


def inspections(context: DemoContext) -> None:
    rng = random.Random(context.seed + 11)
    units = {u.code: u for u in Unit.objects.filter(code__in=[p[0] for p in PLANS])}
    if len(units) < len(PLANS):
        context.skip(_("Inspections: the demo departments are missing."))
        return
    officers = {code: _officers(unit, rng) for code, unit in units.items()}
    if any(len(users) < 2 for users in officers.values()):
        context.skip(_("Inspections: each department needs two officers."))
        return
    villages = list(Region.objects.villages().filter(code__startswith=HAIYAN).order_by("code"))
    lead = officers["dept-scjg"][0]
    subjects = []
    for party in _enterprises(rng, lead):
        existing = Subject.objects.filter(party=party).first()
        if existing:
            subjects.append(existing)
            continue
        village = rng.choice(villages)
        subject, _created = services.register_subject(
            by=lead,
            data=services.SubjectData(
                credit_code=party.credit_code,
                name=party.name,
                industry=rng.choice(INDUSTRIES),
                region=village,
                risk_grade=rng.choice(GRADES),
                address=party.address,
                latitude=float(village.latitude) if village.latitude else None,
                longitude=float(village.longitude) if village.longitude else None,
            ),
        )
        subjects.append(subject)
    year = timezone.localdate().year
    if Visit.objects.filter(date__year=year).exists():
        context.say(_("Inspections: the year is already loaded."))
        return
    _last_year(subjects, units, officers, year - 1, rng)
    plans = []
    for code, title, items in PLANS:
        officer = officers[code][0]
        plan = services.create_plan(
            by=officer, unit=units[code], year=year, title=title.format(year=year)
        )
        for item_code, item_title in items:
            services.add_plan_item(by=officer, plan=plan, code=item_code, title=item_title)
        for grade, ratio in (("A", "0.1"), ("B", "0.2"), ("C", "0.5"), ("D", "1")):
            services.set_stratum(
                by=officer,
                plan=plan,
                risk_grade=grade,
                ratio=ratio,
                minimum_per_year=int(grade == "D"),
            )
        for user in officers[code]:
            services.add_to_pool(by=officer, plan=plan, inspector=user, max_visits_per_day=6)
        services.publish_plan(plan, by=officer)
        services.draw_plan(
            plan,
            by=officer,
            window_start=dt.date(year, 3, 1),
            window_end=dt.date(year, 3, 31),
            seed=context.seed * 1000 + len(plans),
        )
        plans.append(plan)
    run = services.plan_joint_visits(
        by=lead, tasks=Task.objects.open().filter(plan__in=plans), time_limit_seconds=2.0
    )
    recorded = findings = 0
    for visit in Visit.objects.filter(run=run).order_by("pk"):
        if rng.random() < 0.15:
            continue  # not yet inspected
        problem = rng.random() < 0.2
        results = {
            item.pk: services.ItemResult(
                ItemOutcome.FAIL if problem and n == 0 else ItemOutcome.PASS
            )
            for n, item in enumerate(services.visit_items(visit))
        }
        inspector = visit.inspectors.order_by("pk").first()
        try:
            rec = services.record_inspection(
                visit,
                by=inspector,
                result_code=ResultCode.CORRECTED if problem else ResultCode.NO_PROBLEM,
                results=results,
                findings="现场检查发现问题，已责令当场改正。（演示）" if problem else "",
                inspector_signature="、".join(str(u) for u in visit.inspectors.all()),
                representative_name="张经理",
                representative_confirmed=True,
                latitude=float(visit.subject.latitude) if visit.subject.latitude else None,
                longitude=float(visit.subject.longitude) if visit.subject.longitude else None,
                datum="gcj02",
            )
        except DomainError as exc:
            context.skip(str(exc.message))
            continue
        recorded += 1
        if problem:
            findings += 1
            if findings == 1:
                try:
                    services.open_event_from_record(rec, by=inspector)
                except DomainError as exc:
                    context.skip(str(exc.message))
    context.say(
        _(
            "Inspections: %(subjects)d market subjects, %(tasks)d tasks merged into %(visits)d "
            "joint visits (lower bound %(bound)d), %(recorded)d recorded, %(findings)d with findings."
        )
        % {
            "subjects": len(subjects),
            "tasks": run.tasks,
            "visits": run.visits,
            "bound": run.lower_bound,
            "recorded": recorded,
            "findings": findings,
        }
    )


@transaction.atomic
def _last_year(subjects, units, officers, year, rng) -> None:
    """Last year before 综合查一次: each department visited on its own (one visit per task)."""
    for subject in subjects:
        for code, unit in units.items():
            for _n in range(rng.choice((0, 1, 1, 2))):
                day = dt.date(year, rng.randint(1, 11), rng.randint(1, 28))
                visit = Visit.objects.create(
                    subject=subject, date=day, lead_unit=unit, department_count=1, state="done"
                )
                visit.units.set([unit])
                visit.inspectors.set(officers[code][:2])
