import datetime as dt

import pytest

from civicloop.cases.choices import CaseSource
from civicloop.cases.models import Case, CaseParty
from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.inspections import services
from civicloop.inspections.choices import (
    Industry,
    ItemOutcome,
    PlanState,
    ResultCode,
    RiskGrade,
    TaskState,
    VisitState,
)
from civicloop.inspections.models import (
    InspectionRecord,
    PlanHistory,
    Subject,
    SubjectHistory,
    Task,
    Visit,
    VisitHistory,
)
from civicloop.parties.models import Party
from civicloop.testing.world import ENTERPRISE_CODE

from .conftest import credit_code, make_plan

pytestmark = pytest.mark.django_db


def subject_data(w, **overrides):
    values = dict(
        credit_code=credit_code(40),
        name="海盐县新开张餐饮店",
        industry=Industry.CATERING,
        region=w.wuyuan_village,
        risk_grade=RiskGrade.B,
    )
    values.update(overrides)
    return services.SubjectData(**values)


# --- subjects ------------------------------------------------------------------------------


def test_registering_a_subject_records_its_party_and_a_history_row(insp_world):
    w = insp_world
    subject, created = services.register_subject(by=w.dept_officer, data=subject_data(w))
    assert created and subject.party.credit_code == credit_code(40)
    assert SubjectHistory.objects.get(subject=subject).action == "register"


def test_an_enterprise_that_is_a_case_party_keeps_one_record(insp_world):
    w = insp_world
    subject, _ = services.register_subject(
        by=w.dept_officer,
        data=subject_data(w, credit_code=ENTERPRISE_CODE, name=w.enterprise.name),
    )
    assert subject.party == w.enterprise
    again, created = services.register_subject(
        by=w.dept_officer,
        data=subject_data(
            w, credit_code=ENTERPRISE_CODE, name=w.enterprise.name, risk_grade=RiskGrade.D
        ),
    )
    assert not created and again.pk == subject.pk and again.risk_grade == RiskGrade.D
    assert Party.objects.filter(credit_code=ENTERPRISE_CODE).count() == 1
    assert [h.action for h in SubjectHistory.objects.filter(subject=subject)] == [
        "register",
        "update",
    ]


def test_a_bad_credit_code_is_refused_and_nothing_is_stored(insp_world):
    w = insp_world
    before = Subject.objects.count(), Party.objects.count()
    with pytest.raises(InvalidInput) as exc:
        services.register_subject(by=w.dept_officer, data=subject_data(w, credit_code="9133"))
    assert exc.value.field == "credit_code"
    assert (Subject.objects.count(), Party.objects.count()) == before


def test_a_grid_worker_cannot_keep_the_register(insp_world):
    with pytest.raises(NotPermitted):
        services.register_subject(by=insp_world.grid_worker, data=subject_data(insp_world))


def test_a_town_sees_its_own_subjects_and_the_county_sees_all(insp_world):
    w = insp_world
    wuyuan = set(Subject.objects.visible_to(w.wuyuan_dispatcher))
    ganpu = set(Subject.objects.visible_to(w.ganpu_dispatcher))
    assert wuyuan and ganpu and not wuyuan & ganpu
    assert all(s.region.code.startswith("330424001") for s in wuyuan)
    assert Subject.objects.visible_to(w.centre).count() == len(w.subjects)
    assert Subject.objects.visible_to(w.dept_officer).count() == len(w.subjects)
    assert not Subject.objects.visible_to(w.outsider).exists()


# --- plans ---------------------------------------------------------------------------------


def test_a_departments_own_plan_is_published_by_its_officer(insp_world):
    w = insp_world
    plan = make_plan(w, inspectors=[w.scjg_inspector1, w.scjg_inspector2])
    services.publish_plan(plan, by=w.dept_officer)
    plan.refresh_from_db()
    assert plan.state == PlanState.PUBLISHED and plan.published_at
    last = PlanHistory.objects.filter(plan=plan).last()
    assert (last.action, last.from_state, last.to_state) == ("publish_plan", "draft", "published")


def test_a_joint_plan_goes_through_legal_review(insp_world):
    w = insp_world
    plan = make_plan(w, inspectors=[w.scjg_inspector1, w.scjg_inspector2], joint=[w.dept_zhzf])
    with pytest.raises(InvalidInput):
        services.publish_plan(plan, by=w.dept_officer)
    services.submit_plan(plan, by=w.dept_officer)
    with pytest.raises(NotPermitted):
        services.approve_plan(plan, by=w.dept_officer)
    with pytest.raises(InvalidInput):
        services.return_plan(plan, by=w.legal_reviewer, reason="")
    services.approve_plan(plan, by=w.legal_reviewer)
    plan.refresh_from_db()
    assert plan.state == PlanState.PUBLISHED
    actions = [h.action for h in PlanHistory.objects.filter(plan=plan)]
    assert actions[-2:] == ["submit_plan", "approve_plan"]
    assert PlanHistory.objects.filter(plan=plan).last().actor == w.legal_reviewer


def test_a_plan_needs_two_inspectors_per_visit(insp_world):
    w = insp_world
    with pytest.raises(InvalidInput) as exc:
        services.create_plan(
            by=w.dept_officer, unit=w.dept_scjg, year=2026, title="x", inspectors_per_subject=1
        )
    assert exc.value.field == "inspectors_per_subject"


def test_an_officer_without_the_qualification_is_not_put_in_the_pool(insp_world):
    w = insp_world
    plan = make_plan(w)
    with pytest.raises(InvalidInput):
        services.add_to_pool(by=w.dept_officer, plan=plan, inspector=w.wuyuan_trainee)


def test_a_department_sees_its_draft_plans_and_another_does_not(insp_world):
    from civicloop.inspections.models import InspectionPlan

    w = insp_world
    plan = make_plan(w)
    assert plan in InspectionPlan.objects.visible_to(w.dept_officer)
    assert plan not in InspectionPlan.objects.visible_to(w.zhzf_handler1)
    assert plan in InspectionPlan.objects.visible_to(w.centre)


# --- draws ---------------------------------------------------------------------------------


def test_a_draw_records_seed_and_hash_opens_tasks_and_reproduces(scjg_plan):
    plan, w = scjg_plan, None
    w_officer = plan.created_by
    draw = services.draw_plan(
        plan,
        by=w_officer,
        window_start=dt.date(2026, 3, 1),
        window_end=dt.date(2026, 3, 31),
        seed=20260301,
    )
    assert draw.seed == 20260301 and draw.inputs_hash and draw.algorithm_version
    picks = list(draw.picks.all())
    assert len(picks) == 6  # ratio 1: every subject
    assert all(p.inspectors.count() >= 2 for p in picks)
    assert Task.objects.filter(plan=plan, state=TaskState.OPEN).count() == 6
    same, inputs_hash, _picks = services.reproduce_draw(draw)
    assert same and inputs_hash == draw.inputs_hash
    assert PlanHistory.objects.filter(plan=plan, action="draw").exists()
    del w


def test_a_draft_plan_cannot_be_drawn(insp_world):
    w = insp_world
    plan = make_plan(w, inspectors=[w.scjg_inspector1, w.scjg_inspector2])
    with pytest.raises(InvalidInput):
        services.draw_plan(
            plan,
            by=w.dept_officer,
            window_start=dt.date(2026, 3, 1),
            window_end=dt.date(2026, 3, 2),
        )


def test_a_half_ratio_draws_about_half_of_a_stratum(insp_world):
    w = insp_world
    plan = make_plan(w, inspectors=[w.scjg_inspector1, w.scjg_inspector2], ratio="0.5")
    services.publish_plan(plan, by=w.dept_officer)
    draw = services.draw_plan(
        plan,
        by=w.dept_officer,
        window_start=dt.date(2026, 3, 1),
        window_end=dt.date(2026, 3, 9),
        seed=7,
    )
    assert 0 < draw.picks.count() < len(w.subjects)


# --- joint visits and the monitor ----------------------------------------------------------


def _draw_both(w, scjg_plan, zhzf_plan):
    for plan, officer in ((scjg_plan, w.dept_officer), (zhzf_plan, w.zhzf_handler1)):
        services.draw_plan(
            plan,
            by=officer,
            window_start=dt.date(2026, 3, 2),
            window_end=dt.date(2026, 3, 13),
            seed=11,
        )


def test_tasks_of_two_departments_for_one_subject_become_one_joint_visit(
    insp_world, scjg_plan, zhzf_plan
):
    w = insp_world
    _draw_both(w, scjg_plan, zhzf_plan)
    tasks = Task.objects.open()
    assert tasks.count() == 12
    run = services.plan_joint_visits(by=w.centre, tasks=tasks)
    assert run.visits == Visit.objects.count() == 6 and run.lower_bound <= run.visits
    for visit in Visit.objects.all():
        assert visit.department_count == 2 and visit.inspectors.count() >= 2
        assert visit.tasks.count() == 2
        assert visit.history.get().action == "plan"
    assert not Task.objects.open().exists()


def test_the_monitor_warns_when_two_departments_visit_within_30_days(insp_world):
    w = insp_world
    subject = w.subjects[0]
    first = Visit.objects.create(subject=subject, date=dt.date(2026, 3, 1), lead_unit=w.dept_scjg)
    first.units.set([w.dept_scjg])
    second = Visit.objects.create(subject=subject, date=dt.date(2026, 3, 20), lead_unit=w.dept_zhzf)
    second.units.set([w.dept_zhzf])
    late = Visit.objects.create(subject=subject, date=dt.date(2026, 6, 20), lead_unit=w.dept_scjg)
    late.units.set([w.dept_scjg])
    warnings = services.repeated_visits(Visit.objects.all())
    assert list(warnings) == [second.pk] and warnings[second.pk] == [first]


# --- records and findings ------------------------------------------------------------------


@pytest.fixture
def planned_visit(insp_world, scjg_plan, zhzf_plan):
    w = insp_world
    _draw_both(w, scjg_plan, zhzf_plan)
    services.plan_joint_visits(by=w.centre, tasks=Task.objects.open())
    return Visit.objects.filter(subject=w.subjects[0]).get()


def _all(visit, outcome=ItemOutcome.PASS):
    return {item.pk: services.ItemResult(outcome) for item in services.visit_items(visit)}


def test_a_visit_has_the_combined_check_list_of_its_tasks(planned_visit):
    assert len(services.visit_items(planned_visit)) == 4  # two items of each department


def test_recording_an_inspection_closes_the_visit_and_its_tasks(insp_world, planned_visit):
    w = insp_world
    rec = services.record_inspection(
        planned_visit,
        by=w.scjg_inspector1,
        result_code=ResultCode.NO_PROBLEM,
        results=_all(planned_visit),
        inspector_signature="scjg_inspector1、zhzf_handler1",
        representative_name="李四",
        representative_confirmed=True,
        latitude=30.52,
        longitude=120.94,
    )
    planned_visit.refresh_from_db()
    assert planned_visit.state == VisitState.DONE and rec.number.startswith("JC")
    assert rec.items.count() == 4 and rec.latitude is not None
    assert set(planned_visit.tasks.values_list("state", flat=True)) == {TaskState.DONE}
    last = VisitHistory.objects.filter(visit=planned_visit).last()
    assert (last.action, last.to_state) == ("record", VisitState.DONE)


def test_a_record_missing_an_item_or_a_signature_is_refused_and_nothing_stored(
    insp_world, planned_visit
):
    w = insp_world
    results = _all(planned_visit)
    results.popitem()
    with pytest.raises(InvalidInput) as exc:
        services.record_inspection(
            planned_visit,
            by=w.scjg_inspector1,
            result_code=ResultCode.NO_PROBLEM,
            results=results,
            inspector_signature="x",
            representative_name="李四",
            representative_confirmed=True,
        )
    assert exc.value.field == "results"
    with pytest.raises(InvalidInput) as exc:
        services.record_inspection(
            planned_visit,
            by=w.scjg_inspector1,
            result_code=ResultCode.NO_PROBLEM,
            results=_all(planned_visit),
            inspector_signature="x",
            representative_name="李四",
        )
    assert exc.value.field == "representative_name"
    with pytest.raises(InvalidInput) as exc:
        services.record_inspection(
            planned_visit,
            by=w.scjg_inspector1,
            result_code=ResultCode.NO_PROBLEM,
            results=_all(planned_visit, ItemOutcome.FAIL),
            inspector_signature="x",
            representative_name="李四",
            representative_confirmed=True,
        )
    assert exc.value.field == "result_code"
    assert not InspectionRecord.objects.exists()
    planned_visit.refresh_from_db()
    assert planned_visit.state == VisitState.PLANNED


def test_an_officer_of_another_town_cannot_record_the_visit(insp_world, planned_visit):
    with pytest.raises(NotPermitted):
        services.record_inspection(
            planned_visit,
            by=insp_world.ganpu_officer,
            result_code=ResultCode.NO_PROBLEM,
            results=_all(planned_visit),
            inspector_signature="x",
            representative_name="李四",
            representative_confirmed=True,
        )


@pytest.fixture
def finding(insp_world, planned_visit):
    return services.record_inspection(
        planned_visit,
        by=insp_world.zhzf_handler1,
        result_code=ResultCode.CORRECTED,
        results=_all(planned_visit, ItemOutcome.FAIL),
        findings="后厨未张贴从业人员健康证明，现场责令改正。",
        inspector_signature="zhzf_handler1、zhzf_handler2",
        representative_name="王五",
        representative_confirmed=True,
    )


def test_a_finding_opens_a_penalty_case_that_the_record_links(insp_world, finding):
    w = insp_world
    handlers = [w.zhzf_handler1, w.zhzf_handler2]
    case = services.open_case_from_record(
        finding,
        by=w.zhzf_handler1,
        matters=[w.county_matter],
        handlers=handlers,
        title="未公示健康证明",
        handling_unit=w.dept_zhzf,
    )
    finding.refresh_from_db()
    assert finding.case == case and finding.case_opened_at
    assert case.source == CaseSource.INSPECTION and case.inspection_reference == finding.number
    assert CaseParty.objects.get(case=case).party == finding.visit.subject.party
    assert finding.visit.history.filter(action="open_case").exists()
    with pytest.raises(InvalidInput):
        services.open_case_from_record(
            finding, by=w.zhzf_handler1, matters=[w.county_matter], handlers=handlers, title="x"
        )
    assert Case.objects.count() == 1


def test_a_finding_opens_an_event(insp_world, finding):
    w = insp_world
    event = services.open_event_from_record(finding, by=w.zhzf_handler1)
    finding.refresh_from_db()
    assert finding.event == event and event.region == finding.visit.subject.region
    assert finding.visit.history.filter(action="open_event").exists()


def test_a_record_without_a_problem_opens_nothing(insp_world, planned_visit):
    w = insp_world
    rec = services.record_inspection(
        planned_visit,
        by=w.scjg_inspector1,
        result_code=ResultCode.NO_PROBLEM,
        results=_all(planned_visit),
        inspector_signature="x",
        representative_name="李四",
        representative_confirmed=True,
    )
    with pytest.raises(InvalidInput):
        services.open_event_from_record(rec, by=w.scjg_inspector1)
