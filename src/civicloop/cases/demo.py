"""Demo data of penalty cases, made only through the service functions.

:func:`load_demo_cases` sets up what the Haiyan demo organisation lacks for cases —
document-number prefixes of every squad and department, enforcement certificates for
their officers, the qualifications of the reviewers and a reviewer who has reviewed
since 2019 without the qualification (Art. 58 ¶2 does not apply to him), 武原街道's
responsible leader — and then plays scripted cases with the clock moved to each step
(``time_machine``, as the events demo does), so every number, history row, deadline and
notification is the one the system itself writes:

* simple procedure: on-the-spot fines and a warning (Art. 51), some collected on the spot;
* 简案快办: cases opened from demo events, reviewed (empowered towns), notice with written
  waiver, decision served on the spot, paid and closed in about a week;
* ordinary: with statement and defence, a reduced penalty, a no-penalty decision, an
  extension, a returned legal review, a hearing followed by an online joint review and a
  late payment with its surcharge, an on-site joint review of a county department's case,
  a withdrawal;
* one open case in every stage near the end of the demo period.

People, enterprises, identifiers and facts are invented (identifiers have valid check
characters); matters and statutes are the real catalog. Idempotent: nothing is added
when cases exist.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import time_machine
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.core.errors import DomainError
from civicloop.core.identifiers import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_char,
    id_number_check_char,
)
from civicloop.core.reference_cache import holding_reference_data
from civicloop.events.choices import AssignmentKind, AssignmentState
from civicloop.events.models import Assignment
from civicloop.matters.models import Matter
from civicloop.matters.ranges import range_for
from civicloop.notifications.models import Notification
from civicloop.org.choices import QualificationKind, RegionLevel, Role, UnitKind
from civicloop.org.demo import GIVEN, SURNAMES, DemoLogin
from civicloop.org.models import Post, Qualification, Region, Unit, User
from civicloop.parties.choices import PartyKind
from civicloop.parties.services import PartyData
from civicloop.workcalendar.services import add_working_days, is_workday

from . import services
from .choices import (
    CaseSource,
    CaseState,
    EvidenceKind,
    HearingOutcome,
    Outcome,
    PenaltyKind,
    Procedure,
    ReturnTo,
    ServiceMethod,
)
from .models import Case, DocumentNumberScheme
from .services import sweep_case_deadlines

DEMO_START = dt.datetime(2026, 1, 12, 9, 0)
DEMO_END = dt.datetime(2026, 11, 30, 17, 30)
COUNTY_PREFIX = "盐综执"
# Document-number prefixes of the county departments (invented abbreviations).
DEPARTMENT_PREFIXES = {
    "dept-zhzf": "盐综执",
    "dept-scjg": "盐市监",
    "dept-sthj": "嘉环盐",
    "dept-zrzy": "盐自然资",
    "dept-zjj": "盐建",
    "dept-jtys": "盐交",
    "dept-nync": "盐农",
    "dept-sl": "盐水",
    "dept-wjw": "盐卫",
    "dept-yjgl": "盐应急",
}
SERVING_REVIEWER_SINCE = dt.date(2019, 5, 6)
PROGRESS_EVERY = 100  # scenario steps between two progress messages
# The scenarios as data: which cases are filed when, where, about what (see plans()).
SCENARIOS = Path(__file__).resolve().parent / "data" / "demo_cases.json"


def _short_town(name: str) -> str:
    return name.removesuffix("街道").removesuffix("镇")


def _aware(value: dt.datetime) -> dt.datetime:
    return (
        timezone.make_aware(value, timezone.get_current_timezone())
        if timezone.is_naive(value)
        else value
    )


def working_day(moment: dt.datetime, days: int, *, hour: int = 10, minute: int = 0) -> dt.datetime:
    """``days`` working days after ``moment``, at the given local time."""
    day = (
        timezone.localtime(add_working_days(moment, days)).date()
        if days
        else timezone.localtime(moment).date()
    )
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return _aware(dt.datetime.combine(day, dt.time(hour, minute)))


# --- set-up ----------------------------------------------------------------------------------


@dataclass
class Staff:
    # town region id → responsible leader (the county leader by default)
    responsible: dict[int, User]
    county_leader: User
    legal_reviewer: User
    town_reviewer: User | None
    lawyer: User | None
    serving_reviewer: User
    logins: list[DemoLogin] = field(default_factory=list)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _certify(users, *, prefix: str) -> None:
    """An enforcement certificate for each of ``users`` who has none (inserted together)."""
    kind = QualificationKind.ENFORCEMENT_CERTIFICATE
    certified = set(Qualification.objects.filter(kind=kind).values_list("user_id", flat=True))
    numbers = set(Qualification.objects.filter(kind=kind).values_list("number", flat=True))
    new = []
    for index, user in enumerate(users, start=1):
        number = f"{prefix}{user.pk:05d}"
        if user.pk not in certified and number not in numbers:
            issued_on = dt.date(2021, 9, 1) + dt.timedelta(days=index % 200)
            new.append(Qualification(kind=kind, number=number, user=user, issued_on=issued_on))
    Qualification.objects.bulk_create(new)


@transaction.atomic
def set_up_staff() -> Staff:
    """Number prefixes, enforcement certificates, reviewers' qualifications, responsible leaders."""
    units = Unit.objects.filter(kind__in=[UnitKind.SQUAD, UnitKind.DEPARTMENT]).select_related(
        "region"
    )
    for unit in units:
        prefix = (
            f"{COUNTY_PREFIX}（{_short_town(unit.region.name)}）"
            if unit.kind == UnitKind.SQUAD
            else DEPARTMENT_PREFIXES.get(unit.code, unit.name)
        )
        DocumentNumberScheme.objects.get_or_create(unit=unit, defaults={"prefix": prefix})
    officers = (
        User.objects.filter(
            posts__is_active=True,
            posts__unit__kind__in=[UnitKind.SQUAD, UnitKind.DEPARTMENT],
            posts__role__in=[Role.ENFORCEMENT_OFFICER, Role.DEPARTMENT_OFFICER],
        )
        .distinct()
        .order_by("pk")
    )
    _certify(officers, prefix="33042421")
    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
    leader = (
        User.objects.filter(
            posts__role=Role.LEADER,
            posts__unit__kind=UnitKind.LEADERSHIP,
            posts__unit__region=county,
        )
        .order_by("username")
        .first()
    )
    legal_reviewer = _user("legal_reviewer")
    town_reviewer, lawyer = _user("wuyuan_reviewer"), _user("wuyuan_lawyer")
    if lawyer is not None:
        Qualification.objects.get_or_create(
            kind=QualificationKind.LEGAL_PROFESSIONAL,
            number="A20163304240211",
            defaults={"user": lawyer, "issued_on": dt.date(2016, 12, 20)},
        )
    logins = []
    responsible: dict[int, User] = {}
    wuyuan = Region.objects.filter(level=RegionLevel.TOWN, name="武原街道").first()
    if wuyuan is not None:
        unit, _created = Unit.objects.get_or_create(
            code=f"{wuyuan.code[:9]}-leadership",
            defaults={
                "name": "武原街道“大综合一体化”改革双牵头领导小组",
                "kind": UnitKind.LEADERSHIP,
                "region": wuyuan,
            },
        )
        town_leader, created = User.objects.get_or_create(
            username="wuyuan_leader",
            defaults={
                "full_name": "钱卫东",
                "phone": "13905730188",
                "password": leader.password if leader else "",
            },
        )
        Post.objects.get_or_create(user=town_leader, unit=unit, role=Role.LEADER, is_active=True)
        responsible[wuyuan.pk] = town_leader
        logins.append(
            DemoLogin(
                "wuyuan_leader",
                str(Role.LEADER.label),
                unit.name,
                "武原街道案件的负责人：审核、决定、审批撤案与延期",
            )
        )
    ganpu_squad = Unit.objects.filter(kind=UnitKind.SQUAD, region__name="澉浦镇").first()
    serving, _created = User.objects.get_or_create(
        username="ganpu_reviewer",
        defaults={
            "full_name": "郑国平",
            "phone": "13905730266",
            "password": leader.password if leader else "",
        },
    )
    if ganpu_squad is not None:
        Post.objects.get_or_create(
            user=serving,
            unit=ganpu_squad,
            role=Role.LEGAL_REVIEWER,
            is_active=True,
            defaults={"started_on": SERVING_REVIEWER_SINCE},
        )
    logins.append(
        DemoLogin(
            "ganpu_reviewer",
            str(Role.LEGAL_REVIEWER.label),
            ganpu_squad.name if ganpu_squad else "—",
            "2019年起从事法制审核，无法律职业资格（第五十八条第二款不溯及）",
        )
    )
    return Staff(
        responsible=responsible,
        county_leader=leader,
        legal_reviewer=legal_reviewer,
        town_reviewer=town_reviewer,
        lawyer=lawyer,
        serving_reviewer=serving,
        logins=logins,
    )


# --- people ----------------------------------------------------------------------------------

BUSINESSES = (
    "餐饮",
    "烧烤",
    "小吃",
    "水果",
    "建材",
    "装饰工程",
    "物流",
    "五金",
    "汽车维修",
    "农副产品",
)
SHOP_WORDS = (
    "百味",
    "海韵",
    "鑫源",
    "盐丰",
    "南湖",
    "武原",
    "宏达",
    "恒顺",
    "嘉禾",
    "聚福",
    "德胜",
    "金桥",
)


class People:
    """Invented parties with valid identifiers, reproducible from the seed."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.serial = 0

    def person(self) -> PartyData:
        self.serial += 1
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=self.rng.randint(0, 40 * 365))
        first17 = f"330424{birth:%Y%m%d}{self.rng.randint(100, 999)}"
        name = self.rng.choice(SURNAMES) + "".join(
            self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))
        )
        return PartyData(
            kind=PartyKind.PERSON,
            name=name,
            id_number=first17 + id_number_check_char(first17),
            phone="13" + "".join(self.rng.choice("0123456789") for _ in range(9)),
            address=f"海盐县{self.rng.choice(['武原街道', '澉浦镇', '沈荡镇', '百步镇'])}"
            f"{self.rng.choice(['海滨', '新桥', '健康', '朝阳', '枣园'])}路{self.rng.randint(1, 300)}号",
        )

    def enterprise(self) -> PartyData:
        self.serial += 1
        org = "MA2" + "".join(self.rng.choice(CREDIT_CODE_ALPHABET[:-1]) for _ in range(6))
        first17 = f"91330424{org}"
        name = f"海盐县{self.rng.choice(SHOP_WORDS)}{self.rng.choice(BUSINESSES)}有限公司"
        legal = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
        return PartyData(
            kind=PartyKind.ORGANISATION,
            name=name,
            credit_code=first17 + credit_code_check_char(first17),
            legal_representative=legal,
            phone="0573-86" + "".join(self.rng.choice("0123456789") for _ in range(6)),
            address=f"海盐县{self.rng.choice(['经济开发区', '武原街道', '百步镇'])}"
            f"{self.rng.choice(['兴业', '海兴', '盐北', '宏远'])}路{self.rng.randint(1, 200)}号",
        )


# --- the play ---------------------------------------------------------------------------------


@dataclass
class DemoCasesResult:
    cases: int
    states: Counter
    procedures: Counter
    failures: list[str]
    logins: list[DemoLogin]


class CaseDemo:
    def __init__(
        self,
        *,
        seed: int = 2026,
        now: dt.datetime | None = None,
        more_plans: Callable[[CaseDemo], list] | None = None,
    ):
        self.rng = random.Random(seed)
        # Other apps' scenarios played in the same timeline (e.g. flexible enforcement's).
        self.more_plans = more_plans
        now = timezone.localtime(now or timezone.now()).replace(minute=0, second=0, microsecond=0)
        self.end = min(_aware(DEMO_END), now)
        self.start = _aware(DEMO_START)
        if self.end - self.start < dt.timedelta(days=120):
            self.start = self.end - dt.timedelta(days=300)
        self.people = People(self.rng)
        self.failures: list[str] = []
        self.made: list[Case] = []

    # --- who ---

    def squad(self, town_name: str) -> Unit | None:
        return Unit.objects.filter(
            kind=UnitKind.SQUAD, region__name=town_name, is_active=True
        ).first()

    def officers(self, unit: Unit) -> list[User]:
        users = list(
            User.objects.filter(
                is_active=True,
                posts__unit=unit,
                posts__is_active=True,
                posts__role__in=[Role.ENFORCEMENT_OFFICER, Role.DEPARTMENT_OFFICER],
                qualifications__kind=QualificationKind.ENFORCEMENT_CERTIFICATE,
            )
            .distinct()
            .order_by("pk")
        )
        demo = [u for u in users if u.username in ("wuyuan_officer", "emergency")]
        return demo + [u for u in users if u not in demo]

    def responsible(self, unit: Unit) -> User:
        return self.staff.responsible.get(unit.region_id, self.staff.county_leader)

    def matter(self, code: str):

        return Matter.objects.filter(code=code).first()

    # --- steps ---

    def at(self, moment: dt.datetime, call: Callable, *args, **kwargs):
        """One step of a scenario: wait (yield) until ``moment``, then call the service there."""
        yield moment
        return call(*args, **kwargs)

    def file(
        self,
        moment,
        unit,
        *,
        procedure,
        title,
        facts,
        matter_codes,
        party: PartyData,
        event=None,
        violation_date=None,
        handlers=None,
        **kwargs,
    ) -> Case:
        officers = handlers or self.officers(unit)[:2]
        matters = [m for m in (self.matter(c) for c in matter_codes) if m is not None]
        source = CaseSource.EVENT if event is not None else kwargs.pop("source", CaseSource.DIRECT)
        case = yield from self.at(
            moment,
            services.file_case,
            by=officers[0],
            handling_unit=unit,
            procedure=procedure,
            source=source,
            title=title,
            facts=facts,
            violation_date=violation_date or timezone.localtime(moment).date(),
            parties=[services.PartyLink(party)],
            matters=matters,
            handlers=officers,
            event=event,
            **kwargs,
        )
        self.made.append(case)
        return case

    def evidence(self, moment, case, by, items):
        for kind, description in items:
            yield from self.at(
                moment, services.add_evidence, case, by=by, kind=kind, description=description
            )

    def lead(self, case) -> User:
        return case.handlers.get(is_lead=True).user

    def review(
        self, moment, case, reviewers, *, opinions=None, mode="single", place="", meeting_at=None
    ):
        by = self.lead(case)
        yield from self.at(
            moment,
            services.assign_reviewers,
            case,
            by=by,
            reviewers=reviewers,
            mode=mode,
            place=place,
            meeting_at=meeting_at,
        )
        opinions = opinions or [("approve", {})] * len(reviewers)
        for offset, (reviewer, (opinion, extra)) in enumerate(
            zip(reviewers, opinions, strict=True)
        ):
            yield from self.at(
                moment + dt.timedelta(hours=2 + offset),
                services.record_opinion,
                case,
                by=reviewer,
                opinion=opinion,
                **extra,
            )

    def run(self, progress: Callable[[str], None] | None = None) -> DemoCasesResult:
        """Play every case's steps in time order, each at its moment (so case numbers follow the
        filing dates and concurrent cases interleave as they would)."""
        self.staff = set_up_staff()
        if Case.objects.exists():
            return self.result()
        queue: list[tuple[dt.datetime, int, object]] = []
        for serial, plan in enumerate(self.plans()):
            self._advance(queue, serial, plan, None)
        steps = 0
        while queue:
            moment, serial, plan = heapq.heappop(queue)
            self._advance(queue, serial, plan, moment)
            steps += 1
            if progress is not None and steps % PROGRESS_EVERY == 0:
                progress(
                    _("%(steps)d case steps played, %(cases)d cases filed…")
                    % {"steps": steps, "cases": len(self.made)}
                )
        with time_machine.travel(self.end, tick=False):
            sweep_case_deadlines()
        cutoff = self.end - dt.timedelta(days=3)
        Notification.objects.filter(
            created_at__lt=cutoff, read_at__isnull=True, link__startswith="/cases/"
        ).update(read_at=F("created_at") + dt.timedelta(hours=2), delivered_at=F("created_at"))
        return self.result()

    def _advance(self, queue, serial, plan, moment) -> None:
        """Run ``plan`` up to its next step (at ``moment``, when given) and queue that step."""
        try:
            if moment is None:
                upcoming = next(plan)
            else:
                with time_machine.travel(moment, tick=False):
                    upcoming = plan.send(None)
        except StopIteration:
            return
        except DomainError as exc:
            self.failures.append(f"{getattr(plan, '__name__', plan)}: {exc}")
            return
        if moment is not None and upcoming < moment:
            self.failures.append(
                f"{plan.__name__}: a step goes back in time ({upcoming} < {moment})"
            )
            return
        if upcoming > self.end:
            plan.close()
            return
        heapq.heappush(queue, (upcoming, serial, plan))

    def result(self) -> DemoCasesResult:
        cases = Case.objects.all()
        return DemoCasesResult(
            cases=cases.count(),
            states=Counter(cases.values_list("state", flat=True)),
            procedures=Counter(cases.values_list("procedure", flat=True)),
            failures=self.failures,
            logins=self.staff.logins,
        )

    def day(self, fraction: float, *, hour: int = 9) -> dt.datetime:
        """A working day at ``fraction`` of the demo period."""
        moment = self.start + (self.end - self.start) * fraction
        return working_day(moment, 0, hour=hour)

    # --- events the cases come from ---

    def events_for(self, *, before: dt.datetime, count: int) -> list:
        """Demo events accepted by a town squad before ``before`` whose matter the town held and
        whose fine range suits the fast track (a minimum within the ceiling)."""

        found, seen = [], set()
        assignments = (
            Assignment.objects.filter(
                kind=AssignmentKind.LEAD,
                unit__kind=UnitKind.SQUAD,
                state__in=[AssignmentState.ACCEPTED, AssignmentState.DONE],
                event__matter__isnull=False,
                issued_at__lt=before,
                issued_at__gte=self.start,
                event__cases__isnull=True,
            )
            .select_related("event__matter", "unit__region")
            .order_by("issued_at")
        )
        for assignment in assignments:
            event = assignment.event
            on = timezone.localtime(assignment.issued_at).date()
            version = event.matter.current_version(timezone.localtime(event.reported_at).date())
            if (
                event.pk in seen
                or version is None
                or (version.fine_min or 0) > 2000
                or not Matter.objects.held_by(assignment.unit.region, on=on)
                .filter(pk=event.matter_id)
                .exists()
            ):
                continue
            seen.add(event.pk)
            found.append(assignment)
            if len(found) >= count:
                break
        return found

    # --- scenarios: each case is a generator of steps (see run) ---

    def plans(self) -> list:
        """The scenarios of ``data/demo_cases.json``, in file order, then other apps' plans."""
        plans = []
        for scenario in load_scenarios():
            made = self.PATHS[scenario["path"]](self, scenario)
            plans += made if isinstance(made, list) else [made]
        if self.more_plans is not None:
            plans += list(self.more_plans(self))
        return [p for p in plans if p is not None]

    def party(self, kind: str | None) -> PartyData | None:
        """An invented party of ``kind`` ("person" or "enterprise"), None for none."""
        if kind is None:
            return None
        return self.people.enterprise() if kind == "enterprise" else self.people.person()

    # Each path turns one scenario (a dict from the data file) into a plan — a generator of
    # steps — or None when the organisation lacks its unit. Parties drawn here (not inside the
    # plan) come from the seeded generator in file order, so the same seed gives the same demo.

    def _simple_path(self, scenario):
        unit = self.squad(scenario["town"])
        if unit is None:
            return None
        return self.simple_case(
            unit,
            self.day(scenario["at"], hour=scenario["hour"]),
            scenario["matter"],
            _amount(scenario["fine"]),
            scenario["collected_on_the_spot"],
            scenario["title"],
        )

    def _ordinary_path(self, scenario):
        unit = self.squad(scenario["town"])
        if unit is None:
            return None
        statement = scenario.get("statement")
        return self._ordinary(
            self.day(scenario["at"]),
            unit,
            title=scenario["title"],
            facts=scenario["facts"],
            codes=scenario["matters"],
            party=self.party(scenario["party"]),
            fine=_amount(scenario["fine"]),
            outcome=Outcome(scenario.get("outcome", Outcome.PENALTY)),
            reason=scenario["reason"],
            statement=statement,
            no_penalty_ground=scenario.get("no_penalty_ground", ""),
            review_return=scenario.get("review_return", False),
            extension=scenario.get("extension", False),
            **scenario.get("findings", {}),
        )

    def _hearing_path(self, scenario):
        """A fine that gives the right to a hearing (Art. 63): the party asks for one, it is held, the
        case is reviewed again jointly online (Art. 58 (2)), decided lower, paid late with the surcharge."""
        unit = self.squad(scenario["town"])
        return None if unit is None else self._hearing_case(unit, self.day(scenario["at"]))

    def _department_path(self, scenario):
        """County department: a complex case reviewed on site by reviewers of two units, decided by the
        responsible persons together (Art. 57 ¶2)."""
        unit = Unit.objects.filter(code=scenario["unit"]).first()
        # Reviewers of two units: the county bureau's legal reviewer and a town squad's.
        reviewers = [
            r for r in (self.staff.legal_reviewer, self.staff.town_reviewer, self.staff.lawyer) if r
        ]
        if unit is None or len(self.officers(unit)) < 2 or len(reviewers) < 2:
            return None
        return self._department_case(unit, self.day(scenario["at"]), reviewers[:2])

    def _withdrawal_path(self, scenario):
        unit = self.squad(scenario["town"])
        return None if unit is None else self._withdrawal(unit, self.day(scenario["at"]))

    def _open_reviewers(self) -> list[User]:
        return [r for r in (self.staff.legal_reviewer, self.staff.town_reviewer) if r is not None]

    def _open_start(self, scenario):
        """Open cases are filed in the last weeks: working days after 20 days before the end."""
        base = working_day(self.end - dt.timedelta(days=20), 0, hour=9)
        return working_day(base, scenario["days_after_base"])

    def _open_path(self, scenario):
        """One open case stopped at ``stage``."""
        unit = self.squad("武原街道")
        reviewers = self._open_reviewers()
        if unit is None or not reviewers:
            return None
        if "town" in scenario:
            unit = self.squad(scenario["town"]) or unit
        return self.open_case(
            unit,
            self._open_start(scenario),
            scenario["title"],
            scenario["matter"],
            scenario["stage"],
            reviewers,
            fine=_amount(scenario.get("fine", "2000")),
            party=self.party(scenario.get("party")),
        )

    def _open_fast_track_path(self, scenario):
        unit = self.squad("武原街道")
        reviewers = self._open_reviewers()
        if unit is None or not reviewers:
            return None
        return self.open_fast_track(
            unit, self._open_start(scenario), scenario["title"], scenario["stage"], reviewers
        )

    def simple_case(self, unit, moment, code, fine, collected, title):
        case = yield from self.file(
            moment,
            unit,
            procedure=Procedure.SIMPLE,
            title=title,
            party=self.people.person(),
            matter_codes=[code],
            facts=f"执法队员巡查发现当事人{title}，现场拍照取证，当事人承认。",
        )
        lead, responsible = self.lead(case), self.responsible(unit)
        penalties = [] if fine else [PenaltyKind.WARNING]
        receipt = f"浙财罚{self.rng.randint(10000000, 99999999)}" if collected else ""
        yield from self.at(
            moment + dt.timedelta(minutes=20),
            services.decide_on_the_spot,
            case,
            by=lead,
            decision=services.SpotDecision(
                outcome=Outcome.PENALTY,
                fine=fine,
                penalties=penalties,
                reason="情节轻微，当场处罚。",
                party_informed=True,
                collected_on_the_spot=collected,
                receipt_number=receipt,
            ),
        )
        if fine and not collected:
            yield from self.at(
                working_day(moment, 3),
                services.record_payment,
                case,
                by=lead,
                amount=fine,
                receipt_number=f"非税{self.rng.randint(1000000, 9999999)}",
            )
            yield from self.at(
                working_day(moment, 4, hour=16), services.close_case, case, by=responsible
            )
        else:
            yield from self.at(
                working_day(moment, 1, hour=16), services.close_case, case, by=responsible
            )

    def _fast_track_path(self, scenario) -> list:
        """简案快办, most opened from demo events: about a week from filing to closing."""
        return list(self.fast_track_cases(scenario["count"], scenario["direct"]))

    def fast_track_cases(self, count: int, direct: dict):
        reviewers = [
            r
            for r in (
                self.staff.lawyer,
                self.staff.town_reviewer,
                self.staff.serving_reviewer,
                self.staff.legal_reviewer,
            )
            if r is not None
        ]
        planned = 0
        for assignment in self.events_for(before=self.end - dt.timedelta(days=30), count=count):
            start = working_day(
                max(assignment.accepted_at or assignment.issued_at, self.start), 1, hour=9
            )
            if start <= self.end - dt.timedelta(days=20):
                yield self.fast_track_case(
                    assignment, start, planned, reviewers[planned % len(reviewers)]
                )
                planned += 1
        unit = self.squad(direct["town"])
        for index in range(planned, count):  # a small demo has few events: file the rest directly
            if unit is not None:
                yield self.fast_track_case(
                    None,
                    self.day(direct["at"] + index * direct["every"]),
                    index,
                    reviewers[index % len(reviewers)],
                    unit=unit,
                    direct=direct,
                )

    def fast_track_case(self, assignment, start, index, reviewer, *, unit=None, direct=None):
        event = assignment.event if assignment else None
        unit = assignment.unit if assignment else unit
        party = self.people.enterprise() if index % 3 == 0 else self.people.person()
        fine = Decimal(self.rng.choice([500, 800, 1000, 1500, 2000]))
        if event is not None:
            version = event.matter.current_version(timezone.localtime(event.reported_at).date())
            rng = range_for(version, party.kind) if version else None
            if rng is not None and rng.minimum and rng.minimum > 2000:
                # The article sets an organisation's range above a fast-track fine (e.g.
                # 大气污染防治法 Art. 119: 单位 1万–10万): this case's party is a person.
                party = self.people.person()
                rng = range_for(version, party.kind)
            if rng is not None and not rng.is_multiple:
                if rng.minimum and fine < rng.minimum:
                    fine = rng.minimum
                if rng.maximum is not None and fine > rng.maximum:
                    fine = rng.maximum
            title, facts, code = f"{event.title[:30]}案", event.description[:500], event.matter.code
            violation = timezone.localtime(event.occurred_at or event.reported_at).date()
        else:
            title, facts, code = direct["title"], direct["facts"], direct["matter"]
            violation = timezone.localtime(start).date()
        case = yield from self.file(
            start,
            unit,
            procedure=Procedure.FAST_TRACK,
            title=title,
            facts=facts,
            matter_codes=[code],
            party=party,
            event=event,
            violation_date=violation,
            party_admits=True,
            fast_track_consent_at=start,
        )
        lead, responsible = self.lead(case), self.responsible(unit)
        yield from self.at(
            start + dt.timedelta(minutes=30), services.start_investigation, case, by=lead
        )
        yield from self.evidence(
            start + dt.timedelta(hours=1),
            case,
            lead,
            [
                (EvidenceKind.RECORD, "现场检查笔录"),
                (EvidenceKind.PARTY_STATEMENT, "询问笔录（当事人承认违法事实）"),
                (EvidenceKind.AUDIO_VISUAL, "执法记录仪视频"),
            ],
        )
        yield from self.at(
            working_day(start, 1, hour=10),
            services.conclude_fast_track,
            case,
            by=lead,
            findings=services.Findings(
                facts=f"经查，{facts[:200]}当事人对违法事实无异议。",
                outcome=Outcome.PENALTY,
                fine=fine,
                reason="初次违法、及时改正，依裁量基准在幅度内从轻。",
                facts_clear=True,
                evidence_complete=True,
                party_admits=True,
            ),
        )
        case.refresh_from_db()
        if case.state == CaseState.LEGAL_REVIEW:
            yield from self.review(working_day(start, 1, hour=14), case, [reviewer])
        yield from self.at(
            working_day(start, 2, hour=10),
            services.serve_notice,
            case,
            by=lead,
            method=ServiceMethod.IN_PERSON,
            waive_statement=True,
            waiver_note="当事人书面表示放弃陈述、申辩权利，同意简案快办。",
        )
        yield from self.at(
            working_day(start, 2, hour=15),
            services.decide_case,
            case,
            by=responsible,
            decision=services.Decision(
                outcome=Outcome.PENALTY, fine=fine, reason="依法作出处罚。", serve_on_the_spot=True
            ),
        )
        yield from self.at(
            working_day(start, 4 + index % 3, hour=11),
            services.record_payment,
            case,
            by=lead,
            amount=fine,
            receipt_number=f"非税{self.rng.randint(1000000, 9999999)}",
        )
        yield from self.at(
            working_day(start, 5 + index % 3, hour=16), services.close_case, case, by=responsible
        )

    def _ordinary(
        self,
        start,
        unit,
        *,
        title,
        facts,
        codes,
        party,
        fine,
        outcome=Outcome.PENALTY,
        reason="",
        statement=None,
        no_penalty_ground="",
        review_return=False,
        extension=False,
        **findings,
    ):
        """The ordinary path: investigation, case review, legal review when required, notice,
        statement (optional), decision after the statement period, service, payment, closing."""
        case = yield from self.file(
            start,
            unit,
            procedure=Procedure.ORDINARY,
            title=title,
            facts=facts,
            matter_codes=codes,
            party=party,
        )
        lead, responsible = self.lead(case), self.responsible(unit)
        yield from self.at(
            start + dt.timedelta(hours=1), services.start_investigation, case, by=lead
        )
        yield from self.evidence(
            working_day(start, 2),
            case,
            lead,
            [
                (EvidenceKind.RECORD, "现场检查笔录及照片"),
                (EvidenceKind.PARTY_STATEMENT, "询问笔录"),
                (EvidenceKind.DOCUMENTARY, "营业执照复印件、身份证明"),
            ],
        )
        conclude = services.Findings(
            facts=facts + "经调查核实，事实清楚，证据确凿。",
            outcome=outcome,
            fine=fine,
            reason=reason,
            facts_clear=True,
            evidence_complete=True,
            **findings,
        )
        yield from self.at(
            working_day(start, 8), services.conclude_investigation, case, by=lead, findings=conclude
        )
        if extension:
            yield from self.at(
                working_day(start, 9),
                services.request_extension,
                case,
                by=lead,
                days=30,
                reason="案情复杂，需委托检测机构出具检测报告。",
                legal_basis="延长办案期限的规定（演示，按本地程序规定填写）",
            )
            yield from self.at(
                working_day(start, 9, hour=15),
                services.approve_extension,
                case,
                by=responsible,
                note="同意延长三十日。",
            )
        yield from self.at(
            working_day(start, 10),
            services.approve_case_review,
            case,
            by=responsible,
            note="同意调查结论。",
        )
        case.refresh_from_db()
        if case.state == CaseState.LEGAL_REVIEW:
            reviewer = self.staff.town_reviewer or self.staff.legal_reviewer
            if review_return:
                yield from self.review(
                    working_day(start, 11),
                    case,
                    [reviewer],
                    opinions=[
                        (
                            "return",
                            {
                                "reasons": "违法行为持续时间证据不足，请补充调取监控录像。",
                                "return_to": ReturnTo.INVESTIGATING,
                            },
                        )
                    ],
                )
                yield from self.evidence(
                    working_day(start, 13),
                    case,
                    lead,
                    [(EvidenceKind.ELECTRONIC, "沿街监控录像截图")],
                )
                yield from self.at(
                    working_day(start, 14),
                    services.conclude_investigation,
                    case,
                    by=lead,
                    findings=conclude,
                )
                yield from self.at(
                    working_day(start, 15), services.approve_case_review, case, by=responsible
                )
                start = working_day(start, 5)
                reviewer = self.staff.legal_reviewer
            yield from self.review(working_day(start, 12), case, [reviewer])
        yield from self.at(
            working_day(start, 14),
            services.serve_notice,
            case,
            by=lead,
            method=ServiceMethod.IN_PERSON,
        )
        decide_day = working_day(start, 19)
        if statement:
            yield from self.at(
                working_day(start, 15),
                services.record_statement,
                case,
                by=lead,
                content=statement["content"],
                review_note=statement["review_note"],
                adopted=statement["adopted"],
            )
        if outcome == Outcome.NO_PENALTY:
            decision = services.Decision(
                outcome=outcome, reason=reason, no_penalty_ground=no_penalty_ground
            )
        else:
            # A statement adopted may change the fine and the outcome.
            decided_fine = _amount(statement["fine"]) if statement and "fine" in statement else fine
            decided_outcome = Outcome(statement.get("outcome", outcome)) if statement else outcome
            decision = services.Decision(
                outcome=decided_outcome, fine=decided_fine, reason=reason or "依法决定。"
            )
        yield from self.at(
            decide_day, services.decide_case, case, by=responsible, decision=decision
        )
        yield from self.at(
            working_day(decide_day, 2),
            services.serve_decision,
            case,
            by=lead,
            method=ServiceMethod.IN_PERSON,
        )
        case.refresh_from_db()
        if case.fine_amount:
            yield from self.at(
                working_day(decide_day, 9),
                services.record_payment,
                case,
                by=lead,
                amount=case.fine_amount,
                receipt_number=f"非税{self.rng.randint(1000000, 9999999)}",
            )
        yield from self.at(
            working_day(decide_day, 11, hour=16), services.close_case, case, by=responsible
        )

    def _hearing_case(self, unit, start):
        case = yield from self.file(
            start,
            unit,
            procedure=Procedure.ORDINARY,
            title="居民楼内新建产生油烟餐饮项目案",
            facts="当事人在居民住宅楼底层商铺新建餐饮项目，产生油烟，影响楼上居民。",
            matter_codes=["DQ-002"],
            party=self.people.enterprise(),
        )
        lead, responsible = self.lead(case), self.responsible(unit)
        yield from self.at(
            start + dt.timedelta(hours=1), services.start_investigation, case, by=lead
        )
        yield from self.evidence(
            working_day(start, 3),
            case,
            lead,
            [(EvidenceKind.RECORD, "现场检查笔录"), (EvidenceKind.EXPERT_OPINION, "油烟检测报告")],
        )
        yield from self.at(
            working_day(start, 10),
            services.conclude_investigation,
            case,
            by=lead,
            findings=services.Findings(
                facts="经查，当事人于居民住宅楼内新建餐饮项目并投入经营，产生油烟污染。",
                outcome=Outcome.PENALTY,
                fine=Decimal("100000"),
                reason="影响居民较多，按裁量基准处罚。",
                facts_clear=True,
                evidence_complete=True,
            ),
        )
        yield from self.at(
            working_day(start, 11), services.approve_case_review, case, by=responsible
        )
        yield from self.review(
            working_day(start, 12), case, [self.staff.town_reviewer or self.staff.legal_reviewer]
        )
        notice_at = working_day(start, 14)
        yield from self.at(
            notice_at, services.serve_notice, case, by=lead, method=ServiceMethod.IN_PERSON
        )
        yield from self.at(working_day(notice_at, 3), services.request_hearing, case, by=lead)
        yield from self.at(
            working_day(notice_at, 4),
            services.schedule_hearing,
            case,
            by=lead,
            host=self.staff.town_reviewer or self.staff.legal_reviewer,
            scheduled_at=working_day(notice_at, 13, hour=14),
            place="武原街道综合行政执法队听证室",
            notified_at=working_day(notice_at, 4),
        )
        held = working_day(notice_at, 13, hour=16)
        yield from self.at(
            held,
            services.hold_hearing,
            case,
            by=lead,
            outcome=HearingOutcome.HELD,
            transcript_summary="当事人提出已停止经营并拆除灶具，请求减轻处罚；调查人员出示检测报告。",
        )
        yield from self.at(
            working_day(held, 1),
            services.refer_to_legal_review,
            case,
            by=lead,
            reason="听证后作出决定前的法制审核（第五十八条第一款第二项）。",
        )
        reviewers = [r for r in (self.staff.legal_reviewer, self.staff.lawyer) if r is not None]
        yield from self.review(
            working_day(held, 2),
            case,
            reviewers,
            mode="joint_online",
            opinions=[
                (
                    "approve_with_changes",
                    {"changes": "当事人已停止违法行为，建议罚款调整为八万元。"},
                ),
                ("approve", {}),
            ][: len(reviewers)],
        )
        decided = working_day(held, 3)
        yield from self.at(
            decided,
            services.decide_case,
            case,
            by=responsible,
            decision=services.Decision(
                outcome=Outcome.PENALTY,
                fine=Decimal("80000"),
                reason="根据听证笔录及法制审核意见，罚款八万元。",
            ),
        )
        served = working_day(decided, 1)
        yield from self.at(
            served, services.serve_decision, case, by=lead, method=ServiceMethod.POST
        )
        late = served + dt.timedelta(days=20)
        if late < self.end:
            case.refresh_from_db()
            owed, _extra = yield from self.at(
                late, services.amount_owed, case, on=timezone.localtime(late).date()
            )
            yield from self.at(
                late,
                services.record_payment,
                case,
                by=lead,
                amount=owed,
                receipt_number="非税3304240821",
            )
            if working_day(late, 2) < self.end:
                yield from self.at(working_day(late, 2), services.close_case, case, by=responsible)

    def _department_case(self, unit, start, reviewers):
        case = yield from self.file(
            start,
            unit,
            procedure=Procedure.ORDINARY,
            title="损伤古树名木案",
            facts="当事人在施工中损伤一株登记在册的古树，根系受损。",
            matter_codes=["LH-003"],
            party=self.people.enterprise(),
            source=CaseSource.INSPECTION,
            inspection_reference="县综合行政执法局2026年古树名木保护专项检查记录第12号",
        )
        lead, responsible = self.lead(case), self.responsible(unit)
        yield from self.at(
            start + dt.timedelta(hours=1), services.start_investigation, case, by=lead
        )
        yield from self.evidence(
            working_day(start, 5),
            case,
            lead,
            [
                (EvidenceKind.EXPERT_OPINION, "古树损伤鉴定意见"),
                (EvidenceKind.RECORD, "现场勘验笔录"),
            ],
        )
        yield from self.at(
            working_day(start, 15),
            services.conclude_investigation,
            case,
            by=lead,
            findings=services.Findings(
                facts="经查，当事人施工开挖损伤古树根系，造成古树长势衰弱。",
                outcome=Outcome.PENALTY,
                fine=Decimal("30000"),
                reason="损伤程度中等，依法处罚并责令采取补救措施。",
                facts_clear=True,
                evidence_complete=True,
                is_complex=True,
                needs_collective_deliberation=True,
            ),
        )
        yield from self.at(
            working_day(start, 16), services.approve_case_review, case, by=responsible
        )
        yield from self.review(
            working_day(start, 17),
            case,
            reviewers,
            mode="joint_on_site",
            place="县综合行政执法局三楼会议室",
            meeting_at=working_day(start, 17, hour=9),
        )
        yield from self.at(
            working_day(start, 19),
            services.serve_notice,
            case,
            by=lead,
            method=ServiceMethod.IN_PERSON,
            waive_statement=True,
            waiver_note="当事人书面放弃陈述申辩。",
        )
        deliberation = working_day(start, 20)
        yield from self.at(
            deliberation,
            services.decide_case,
            case,
            by=responsible,
            decision=services.Decision(
                outcome=Outcome.PENALTY,
                fine=Decimal("30000"),
                reason="经负责人集体讨论决定。",
                collective_deliberation_on=timezone.localtime(deliberation).date(),
            ),
        )
        yield from self.at(
            working_day(deliberation, 2),
            services.serve_decision,
            case,
            by=lead,
            method=ServiceMethod.IN_PERSON,
        )
        yield from self.at(
            working_day(deliberation, 8),
            services.record_payment,
            case,
            by=lead,
            amount=Decimal("30000"),
        )
        yield from self.at(working_day(deliberation, 9), services.close_case, case, by=responsible)

    def _withdrawal(self, unit, start):
        case = yield from self.file(
            start,
            unit,
            procedure=Procedure.ORDINARY,
            title="擅自设置户外广告案",
            facts="巡查发现某商铺门头设置大型广告牌，疑未经同意。",
            matter_codes=["SR-009"],
            party=self.people.enterprise(),
        )
        lead = self.lead(case)
        yield from self.at(
            start + dt.timedelta(hours=1), services.start_investigation, case, by=lead
        )
        yield from self.at(
            working_day(start, 4),
            services.request_withdrawal,
            case,
            by=lead,
            reason="经调查，当事人已取得市容环境卫生主管部门同意，违法事实不成立。",
        )
        yield from self.at(
            working_day(start, 5),
            services.approve_withdrawal,
            case,
            by=self.responsible(unit),
            note="同意撤案。",
        )

    # --- one open case in every stage ---

    def open_case(
        self, unit, start, title, code, stage, reviewers, *, fine=Decimal("2000"), party=None
    ):
        case = yield from self.file(
            start,
            unit,
            procedure=Procedure.ORDINARY,
            title=title,
            matter_codes=[code],
            facts=f"{title}，经现场检查发现。",
            party=party or self.people.person(),
        )
        if stage == "filed":
            return
        lead, responsible = self.lead(case), self.responsible(unit)
        yield from self.at(
            start + dt.timedelta(hours=1), services.start_investigation, case, by=lead
        )
        if stage == "investigating":
            return
        yield from self.evidence(
            start + dt.timedelta(hours=2), case, lead, [(EvidenceKind.RECORD, "现场检查笔录")]
        )
        yield from self.at(
            working_day(start, 1),
            services.conclude_investigation,
            case,
            by=lead,
            findings=services.Findings(
                facts=case.facts,
                outcome=Outcome.PENALTY,
                fine=fine,
                reason="依裁量基准。",
                facts_clear=True,
                evidence_complete=True,
            ),
        )
        if stage == "case_review":
            return
        yield from self.at(
            working_day(start, 1, hour=15), services.approve_case_review, case, by=responsible
        )
        if stage == "legal_review":
            if len(reviewers) >= 2:
                yield from self.at(
                    working_day(start, 2),
                    services.assign_reviewers,
                    case,
                    by=lead,
                    reviewers=reviewers,
                    mode="joint_online",
                )
                yield from self.at(
                    working_day(start, 2, hour=15),
                    services.record_opinion,
                    case,
                    by=reviewers[0],
                    opinion="approve",
                )
            return
        yield from self.review(working_day(start, 2), case, [reviewers[-1]])
        yield from self.at(
            working_day(start, 3),
            services.serve_notice,
            case,
            by=lead,
            method=ServiceMethod.IN_PERSON,
        )
        if stage == "statement":
            yield from self.at(
                working_day(start, 4),
                services.record_statement,
                case,
                by=lead,
                content="当事人称系抢修工程，已办理夜间施工手续。",
                review_note="正在向住建部门核实夜间施工证明。",
            )
        elif stage == "hearing":
            yield from self.at(working_day(start, 4), services.request_hearing, case, by=lead)
            yield from self.at(
                working_day(start, 5),
                services.schedule_hearing,
                case,
                by=lead,
                host=self.staff.legal_reviewer,
                scheduled_at=working_day(start, 15, hour=14),
                place="武原街道综合行政执法队听证室",
                notified_at=working_day(start, 5),
            )

    def open_fast_track(self, unit, start, title, stage, reviewers):
        case = yield from self.file(
            start,
            unit,
            procedure=Procedure.FAST_TRACK,
            title=title,
            matter_codes=["ZD-001"],
            facts="当事人占用人行道经营。",
            party=self.people.person(),
            party_admits=True,
            fast_track_consent_at=start,
        )
        lead, responsible = self.lead(case), self.responsible(unit)
        yield from self.at(
            start + dt.timedelta(hours=1), services.start_investigation, case, by=lead
        )
        yield from self.evidence(
            start + dt.timedelta(hours=2), case, lead, [(EvidenceKind.RECORD, "现场检查笔录")]
        )
        yield from self.at(
            start + dt.timedelta(hours=3),
            services.conclude_fast_track,
            case,
            by=lead,
            findings=services.Findings(
                facts=case.facts,
                outcome=Outcome.PENALTY,
                fine=Decimal("1000"),
                reason="初次违法。",
                facts_clear=True,
                evidence_complete=True,
                party_admits=True,
            ),
        )
        yield from self.review(working_day(start, 1), case, [self.staff.lawyer or reviewers[0]])
        yield from self.at(
            working_day(start, 2),
            services.serve_notice,
            case,
            by=lead,
            method=ServiceMethod.IN_PERSON,
            waive_statement=True,
            waiver_note="当事人书面放弃陈述申辩。",
        )
        decided = working_day(start, 8)
        yield from self.at(
            decided,
            services.decide_case,
            case,
            by=responsible,
            decision=services.Decision(
                outcome=Outcome.PENALTY, fine=Decimal("1000"), reason="依法处罚。"
            ),
        )
        if stage in ("served", "executing"):
            yield from self.at(
                working_day(decided, 1),
                services.serve_decision,
                case,
                by=lead,
                method=ServiceMethod.IN_PERSON,
            )
        if stage == "executing":
            yield from self.at(
                working_day(decided, 2),
                services.record_payment,
                case,
                by=lead,
                amount=Decimal("400"),
            )


CaseDemo.PATHS = {
    "simple": CaseDemo._simple_path,
    "fast_track": CaseDemo._fast_track_path,
    "ordinary": CaseDemo._ordinary_path,
    "hearing": CaseDemo._hearing_path,
    "department_joint_review": CaseDemo._department_path,
    "withdrawal": CaseDemo._withdrawal_path,
    "open": CaseDemo._open_path,
    "open_fast_track": CaseDemo._open_fast_track_path,
}


def load_scenarios(path: Path = SCENARIOS) -> list[dict]:
    """The scenarios of the data file, in order."""
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)["scenarios"]


def _amount(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def load_demo_cases(
    *,
    seed: int = 2026,
    more_plans: Callable[[CaseDemo], list] | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoCasesResult:
    """Play the demo cases; ``progress`` (optional) is called with a short message now and then."""
    with holding_reference_data():  # see events.demo.generate_demo_events
        return CaseDemo(seed=seed, more_plans=more_plans).run(progress)
