"""Demo data of flexible enforcement, made only through the service functions.

* :func:`load_demo_items` imports the demo "一免一减" list (``data/items.csv``: 38 items on the
  real matter catalog; invented document numbers marked 演示) and its 2026 revision;
* :func:`case_plans` gives the penalty-case demo (``cases.demo.CaseDemo``) more scenarios,
  played in the same timeline with the clock moved to each step: first-violation
  exemptions with a notice and commitment (kept, and one broken — reopened as an event),
  a second violation the list no longer covers, a reduced and two lighter penalties, a
  notice still waiting for the commitment, a weekly worker sweep (follow-up checks due,
  penalties that became repairable) and the handling units working the credit repairs
  through every state, and butler services for enterprises.

People and facts are invented (valid identifiers); matters and statutes are real.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from civicloop.cases import services as case_services
from civicloop.cases.choices import EvidenceKind, NoPenaltyGround, Outcome, Procedure, ServiceMethod
from civicloop.cases.demo import People, working_day
from civicloop.events import services as event_services
from civicloop.events.choices import Span, Urgency
from civicloop.org.choices import Role, UnitKind
from civicloop.org.models import Unit, User

from . import services
from .choices import Harm, RepairState, ServiceKind
from .importing import import_list, read_list_file
from .models import AppliedItem, ButlerService, Commitment, CreditRepair, LeniencyItem
from .tasks import sweep

DATA = Path(__file__).resolve().parent / "data"
# The scenarios as data: which cases, commitments and butler services, when and where.
SCENARIOS = DATA / "demo_scenarios.json"
LIST_FILES = (("items.csv", dt.date(2024, 7, 1)), ("items-2026.csv", dt.date(2026, 3, 1)))


def load_demo_items() -> int:
    """Import the demo list (once). Returns the number of items."""
    if not LeniencyItem.objects.exists():
        for name, start in LIST_FILES:
            result = import_list(
                read_list_file(DATA / name), by=None, effective_from=start, system=True
            )
            if result.errors:
                raise ValueError(f"{name}: {result.errors[:3]}")
    return LeniencyItem.objects.count()


@dataclass
class LeniencySummary:
    items: int
    applied: int
    commitments: dict
    repairs: dict
    services: int


def summary() -> LeniencySummary:
    def by_state(queryset) -> dict:
        counts: dict[str, int] = {}
        for state in queryset.values_list("state", flat=True):
            counts[state] = counts.get(state, 0) + 1
        return counts

    return LeniencySummary(
        items=LeniencyItem.objects.count(),
        applied=AppliedItem.objects.count(),
        commitments=by_state(Commitment.objects.all()),
        repairs=by_state(CreditRepair.objects.all()),
        services=ButlerService.objects.count(),
    )


class LeniencyPlays:
    """The scenarios, as generators of steps for ``CaseDemo`` (``demo.at`` waits for a moment)."""

    def __init__(self, demo):
        self.demo = demo
        self.rng = random.Random(4711)
        self.people = People(self.rng)
        with SCENARIOS.open(encoding="utf-8") as fh:
            self.data = json.load(fh)

    # --- helpers ---

    def circumstances(
        self, moment, case, *, harm=Harm.MINOR, due_days=3, corrected_days=1, amount=None
    ):
        ordered = timezone.localtime(moment).date()
        if corrected_days:
            # Recorded once the correction is seen: a correction date may not lie in the future.
            seen = timezone.make_aware(
                dt.datetime.combine(ordered + dt.timedelta(days=corrected_days), dt.time(17))
            )
            moment = max(moment, seen)
        yield from self.demo.at(
            moment,
            services.record_circumstances,
            case,
            by=self.demo.lead(case),
            data=services.CircumstancesData(
                harm=harm,
                correction_ordered_on=ordered,
                correction_due_on=ordered + dt.timedelta(days=due_days),
                corrected_on=ordered + dt.timedelta(days=corrected_days)
                if corrected_days is not None
                else None,
                amount_involved=amount,
                note="现场检查并责令限期改正。",
            ),
        )

    def investigate(self, start, case, *, outcome, fine=None, reason, circumstances=None):
        demo, lead = self.demo, self.demo.lead(case)
        yield from demo.at(
            start + dt.timedelta(hours=1), case_services.start_investigation, case, by=lead
        )
        yield from demo.evidence(
            start + dt.timedelta(hours=2),
            case,
            lead,
            [
                (EvidenceKind.RECORD, "现场检查笔录及照片"),
                (EvidenceKind.PARTY_STATEMENT, "询问笔录（当事人承认违法事实）"),
            ],
        )
        yield from self.circumstances(start + dt.timedelta(hours=3), case, **(circumstances or {}))
        findings = case_services.Findings(
            facts=case.facts + "经调查核实，事实清楚。",
            outcome=outcome,
            fine=fine,
            reason=reason,
            facts_clear=True,
            evidence_complete=True,
            party_admits=True,
        )
        # After the correction period, so "corrected in time" is known.
        yield from demo.at(
            working_day(start, 5),
            case_services.conclude_investigation,
            case,
            by=lead,
            findings=findings,
        )
        yield from demo.at(
            working_day(start, 5, hour=15),
            case_services.approve_case_review,
            case,
            by=demo.responsible(case.handling_unit),
            note="同意调查结论。",
        )
        case.refresh_from_db()
        if case.state == "legal_review":
            reviewer = demo.staff.town_reviewer or demo.staff.legal_reviewer
            yield from demo.review(working_day(start, 6), case, [reviewer])

    def commitment(self, start, case, *, kept: bool, check_note: str, then=None):
        """告知 → 承诺 → ``then`` (the decision) → (sweep marks the check due) → 回访."""
        lead = self.demo.lead(case)
        commitment = yield from self.demo.at(
            working_day(start, 6, hour=15),
            services.serve_commitment_notice,
            case,
            by=lead,
            notice_text=(
                f"你（单位）{case.title.removesuffix('案')}的行为违反了有关规定，属轻微违法。现告知：请于三日内改正，"
                "并书面承诺今后遵守相关规定；承诺后将进行回访，违反承诺的，依法处理。"
            ),
        )
        signed = working_day(start, 7)
        yield from self.demo.at(
            signed,
            services.record_commitment,
            commitment,
            by=lead,
            text="本人（单位）已知晓违法事实，承诺已改正并今后严格遵守相关规定，接受回访检查。",
            signed_on=timezone.localtime(signed).date(),
            scan=_scan(case.number),
        )
        if then is not None:
            yield from then
        commitment.refresh_from_db()
        follow_up = working_day(
            timezone.make_aware(dt.datetime.combine(commitment.follow_up_due_on, dt.time(9))),
            6,
            hour=10,
        )
        yield from self.demo.at(
            follow_up, services.record_check, commitment, by=lead, kept=kept, note=check_note
        )
        if not kept:
            # The town's command room judges the reopened matter that afternoon and the squad
            # takes it on — it does not wait for months as "collected".
            commitment.refresh_from_db()
            event = commitment.reopened_event
            dispatcher = _dispatcher_of(event) if event is not None else None
            if dispatcher is not None:
                yield from self.demo.at(
                    working_day(follow_up, 0, hour=15),
                    _judge_dispatch_and_start,
                    event,
                    by=dispatcher,
                )

    def decide(self, moment, case, **decision):
        yield from self.demo.at(
            moment,
            case_services.decide_case,
            case,
            by=self.demo.responsible(case.handling_unit),
            decision=case_services.Decision(**decision),
        )

    def serve_and_close(self, decided, case, *, pay: Decimal | None = None):
        demo, lead = self.demo, self.demo.lead(case)
        yield from demo.at(
            working_day(decided, 1),
            case_services.serve_decision,
            case,
            by=lead,
            method=ServiceMethod.IN_PERSON,
        )
        if pay:
            yield from demo.at(
                working_day(decided, 5),
                case_services.record_payment,
                case,
                by=lead,
                amount=pay,
                receipt_number=f"非税{self.rng.randint(1000000, 9999999)}",
            )
        yield from demo.at(
            working_day(decided, 6, hour=16),
            case_services.close_case,
            case,
            by=demo.responsible(case.handling_unit),
        )

    def notice_and_penalty(self, start, case, *, fine, outcome, reason, items):
        lead = self.demo.lead(case)
        yield from self.demo.at(
            working_day(start, 7),
            case_services.serve_notice,
            case,
            by=lead,
            method=ServiceMethod.IN_PERSON,
            waive_statement=True,
            waiver_note="当事人书面放弃陈述、申辩权利。",
        )
        decided = working_day(start, 8)
        yield from self.decide(
            decided, case, outcome=outcome, fine=fine, reason=reason, leniency_items=items
        )
        yield from self.serve_and_close(decided, case, pay=fine)

    # --- scenarios ---

    def exemption(
        self, start, unit, *, title, facts, code, item, party, kept, check_note, ground=None
    ):
        """首违不罚 with a notice and commitment, then the follow-up check."""
        case = yield from self.demo.file(
            start,
            unit,
            procedure=Procedure.ORDINARY,
            title=title,
            facts=facts,
            matter_codes=[code],
            party=party,
            party_admits=True,
        )
        yield from self.investigate(
            start,
            case,
            outcome=Outcome.NO_PENALTY,
            reason="初次违法且危害后果轻微并及时改正，拟不予行政处罚。",
        )
        reason = "当事人初次违法，危害后果轻微并及时改正，依据《行政处罚法》第三十三条第一款不予行政处罚，并对当事人进行教育。"
        decided = working_day(start, 7, hour=11)

        def decide_serve_and_close():
            yield from self.decide(
                decided,
                case,
                outcome=Outcome.NO_PENALTY,
                reason=reason,
                no_penalty_ground=ground or NoPenaltyGround.FIRST_MINOR,
                leniency_items=[item],
            )
            # The no-penalty decision is served and the case closed (Art. 61); the follow-up
            # check of the commitment comes weeks later.
            yield from self.serve_and_close(decided, case)

        yield from self.commitment(
            start, case, kept=kept, check_note=check_note, then=decide_serve_and_close()
        )
        return case

    def second_violation(self, start, unit, *, party):
        """The same enterprise again on the same matter: the exemption no longer applies (the
        evaluation shows the earlier case); an ordinary penalty, paid — later repairable."""
        case = yield from self.demo.file(
            start,
            unit,
            procedure=Procedure.ORDINARY,
            title="餐饮油烟直排案（再次违法）",
            facts="当事人经营的餐馆再次未开启油烟净化设施，油烟直排。",
            matter_codes=["DQ-001"],
            party=party,
            party_admits=True,
        )
        yield from self.investigate(
            start,
            case,
            outcome=Outcome.PENALTY,
            fine=Decimal("5000"),
            reason="一年内再次违法，不适用首违不罚，按裁量基准下限处罚。",
        )
        yield from self.notice_and_penalty(
            start,
            case,
            fine=Decimal("5000"),
            outcome=Outcome.PENALTY,
            reason="当事人再次违法，依法处罚。",
            items=[],
        )

    def reduced(self, start, unit):
        case = yield from self.demo.file(
            start,
            unit,
            procedure=Procedure.ORDINARY,
            title="夜间露天烧烤案（减轻处罚）",
            facts="当事人在禁止区域夜间露天烧烤食品，经劝阻后主动停止并清理现场。",
            matter_codes=["DQ-003"],
            party=self.people.person(),
            party_admits=True,
        )
        yield from self.investigate(
            start,
            case,
            outcome=Outcome.REDUCED_PENALTY,
            fine=Decimal("300"),
            reason="当事人主动消除违法行为危害后果，依法减轻处罚。",
        )
        yield from self.notice_and_penalty(
            start,
            case,
            fine=Decimal("300"),
            outcome=Outcome.REDUCED_PENALTY,
            items=["JQ-DQ-003"],
            reason="当事人主动消除违法行为危害后果，依据《行政处罚法》第三十二条第（一）项减轻处罚，罚款三百元。",
        )

    def lighter(self, start, unit, *, title, facts, code, item, fine, reason):
        case = yield from self.demo.file(
            start,
            unit,
            procedure=Procedure.ORDINARY,
            title=title,
            facts=facts,
            matter_codes=[code],
            party=self.people.enterprise(),
            party_admits=True,
        )
        yield from self.investigate(start, case, outcome=Outcome.PENALTY, fine=fine, reason=reason)
        yield from self.notice_and_penalty(
            start, case, fine=fine, outcome=Outcome.PENALTY, reason=reason, items=[item]
        )

    def waiting_notice(self, start, unit):
        """An open case whose notice waits for the party's commitment."""
        case = yield from self.demo.file(
            start,
            unit,
            procedure=Procedure.ORDINARY,
            title="阳台吊挂有碍市容物品案（告知承诺）",
            facts="当事人在临街阳台吊挂物品，影响市容。",
            matter_codes=["SR-003"],
            party=self.people.person(),
            party_admits=True,
        )
        lead = self.demo.lead(case)
        yield from self.demo.at(
            start + dt.timedelta(hours=1), case_services.start_investigation, case, by=lead
        )
        yield from self.circumstances(
            start + dt.timedelta(hours=2), case, harm=Harm.NONE, corrected_days=None
        )
        yield from self.demo.at(
            start + dt.timedelta(hours=3),
            services.serve_commitment_notice,
            case,
            by=lead,
            notice_text="你在临街阳台吊挂有碍市容物品，属轻微违法。请于三日内清除并书面承诺今后遵守规定。",
        )

    def weekly_sweep(self):
        """The worker's sweep every Monday morning, and the handling units' work on the credit
        repairs it found (one step a week per repair, each towards its scripted end)."""
        moment = working_day(self.demo.start, 0, hour=8)
        while True:
            yield from self.demo.at(moment, sweep)
            yield from self.demo.at(moment + dt.timedelta(hours=2), self.work_repairs)
            moment = moment + dt.timedelta(days=7)

    TARGETS = (
        RepairState.REPAIRED,
        RepairState.REPAIRED,
        RepairState.REFUSED,
        RepairState.CHECKED,
        RepairState.REPAIRED,
        RepairState.APPLIED,
        RepairState.NOTIFIED,
    )

    def work_repairs(self) -> None:
        demo = self.demo
        for index, repair in enumerate(
            CreditRepair.objects.order_by("id").select_related("handling_unit", "party")
        ):
            target = self.TARGETS[index % len(self.TARGETS)]
            if repair.state == target or repair.state not in (
                RepairState.NOTIFIED,
                RepairState.APPLIED,
                RepairState.CHECKED,
            ):
                continue
            officer = demo.officers(repair.handling_unit)[0]
            responsible = demo.responsible(repair.handling_unit)
            if repair.state == RepairState.NOTIFIED and repair.contacted_at is None:
                services.record_contact(
                    repair,
                    by=officer,
                    note=f"电话告知{repair.party.legal_representative or ''}"
                    "可申请信用修复，并发送修复指南。",
                )
            elif repair.state == RepairState.NOTIFIED:
                services.record_application(
                    repair,
                    by=officer,
                    applied_on=timezone.localdate(),
                    note="企业通过“信用中国（浙江）”提交修复申请及信用承诺书。",
                )
            elif repair.state == RepairState.APPLIED and target == RepairState.REFUSED:
                services.refuse_repair(
                    repair,
                    by=responsible,
                    reason="经核查，企业尚未完成责令整改事项，暂不符合信用修复条件。",
                )
            elif repair.state == RepairState.APPLIED:
                services.check_materials(
                    repair, by=officer, note="信用承诺书、罚款缴纳凭证、整改完成情况说明齐全有效。"
                )
            elif repair.state == RepairState.CHECKED:
                services.approve_repair(repair, by=responsible, note="同意修复，提前停止公示。")

    def butler_services(self):
        """Compliance check-ups and tailored law sessions for enterprises, by squads and the bureau."""
        plan = [
            (
                row["at"],
                row["unit"],
                ServiceKind(row["kind"]),
                row["topics"],
                row["findings"],
                row["follow_up"],
                row["follow_up_days"],
            )
            for row in self.data["butler_services"]
        ]
        for fraction, unit_name, kind, topics, findings, follow_up, days in plan:
            unit = Unit.objects.filter(
                kind=UnitKind.DEPARTMENT, name=unit_name
            ).first() or self.demo.squad(unit_name)
            if unit is None:
                continue
            officers = self.demo.officers(unit)[:2]
            if not officers:
                continue
            moment = self.demo.day(fraction, hour=14)
            held = timezone.localtime(moment).date()
            yield from self.demo.at(
                moment,
                services.record_butler_service,
                by=officers[0],
                party=self.people.enterprise(),
                data=services.ButlerServiceData(
                    kind=kind,
                    held_on=held,
                    unit=unit,
                    staff=officers,
                    topics=topics,
                    findings=findings
                    or ("" if kind == ServiceKind.LAW_SESSION else "未发现问题。"),
                    follow_up=follow_up,
                    follow_up_due_on=held + dt.timedelta(days=days) if days else None,
                ),
            )

    def plans(self) -> list:
        """The scenarios of ``data/demo_scenarios.json`` in file order, the weekly sweep and the
        butler services. Parties named in the file are drawn first (when their town exists),
        the others in file order: the same seed gives the same demo."""
        demo, data = self.demo, self.data
        named = {
            name: self.party(spec["kind"])
            for name, spec in data["parties"].items()
            if demo.squad(spec["town"]) is not None
        }
        plans = []
        for scenario in data["scenarios"]:
            unit = demo.squad(scenario["town"])
            if unit is not None:
                plans.append(self.PATHS[scenario["path"]](self, scenario, unit, named))
        plans += [self.weekly_sweep(), self.butler_services()]
        return plans

    def party(self, kind: str):
        return self.people.enterprise() if kind == "enterprise" else self.people.person()

    def _party(self, scenario, named: dict):
        kind = scenario["party"]
        return named[kind[1:]] if kind.startswith("@") else self.party(kind)

    def _exemption_path(self, scenario, unit, named):
        return self.exemption(
            self.demo.day(scenario["at"]),
            unit,
            title=scenario["title"],
            facts=scenario["facts"],
            code=scenario["matter"],
            item=scenario["item"],
            party=self._party(scenario, named),
            kept=scenario["kept"],
            check_note=scenario["check_note"],
        )

    def _second_violation_path(self, scenario, unit, named):
        return self.second_violation(
            self.demo.day(scenario["at"]), unit, party=self._party(scenario, named)
        )

    def _reduced_path(self, scenario, unit, named):
        return self.reduced(self.demo.day(scenario["at"]), unit)

    def _lighter_path(self, scenario, unit, named):
        return self.lighter(
            self.demo.day(scenario["at"]),
            unit,
            title=scenario["title"],
            facts=scenario["facts"],
            code=scenario["matter"],
            item=scenario["item"],
            fine=Decimal(scenario["fine"]),
            reason=scenario["reason"],
        )

    def _waiting_notice_path(self, scenario, unit, named):
        moment = self.demo.end - dt.timedelta(days=scenario["days_before_end"])
        return self.waiting_notice(working_day(moment, 0, hour=scenario["hour"]), unit)

    PATHS = {
        "exemption": _exemption_path,
        "second_violation": _second_violation_path,
        "reduced": _reduced_path,
        "lighter": _lighter_path,
        "waiting_notice": _waiting_notice_path,
    }


def _scan(number: str):
    """A small PDF standing in for the signed commitment's scan."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(
        f"承诺书-{number.split('第')[-1].rstrip('号')}.pdf", body, content_type="application/pdf"
    )


def case_plans(demo) -> list:
    """The scenarios for ``cases.demo.load_demo_cases(more_plans=case_plans)``."""
    return LeniencyPlays(demo).plans()


def _dispatcher_of(event) -> User | None:
    """A dispatcher of the command room of the event's town."""
    town = event.region.town
    return (
        User.objects.filter(
            posts__is_active=True,
            posts__role=Role.DISPATCHER,
            posts__unit__kind=UnitKind.COMMAND_ROOM,
            posts__unit__region=town,
        )
        .order_by("pk")
        .first()
    )


def _judge_dispatch_and_start(event, *, by: User) -> None:
    event_services.judge_event(
        event,
        by=by,
        urgency=Urgency.GENERAL,
        span=Span.SINGLE,
        category=event.category,
        reason="违反承诺后重新立项，转综合行政执法队依法处理。",
    )
    event_services.dispatch_event(event, by=by)
    # The squad takes it on at once: it will file a case for the repeated violation.
    event.refresh_from_db()
    unit = event.lead_assignment().unit
    officer = (
        User.objects.filter(
            posts__is_active=True, posts__role=Role.ENFORCEMENT_OFFICER, posts__unit=unit
        )
        .order_by("pk")
        .first()
    )
    if officer is not None:
        event_services.accept_event(event, by=officer)
        event_services.start_handling(event, by=officer)
