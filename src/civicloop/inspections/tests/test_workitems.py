"""Inspections in the one work queue: tasks wait for their department's officers until merged,
then the visit waits for its inspectors; a joint plan in review waits for legal reviewers."""

import datetime as dt

import pytest

from civicloop.core.workqueue import work_queue
from civicloop.inspections import services
from civicloop.inspections.models import Visit

from .conftest import make_plan

pytestmark = pytest.mark.django_db


def kinds(user) -> dict[str, int]:
    return {c.name: c.count for c in work_queue(user).counts}


def test_open_tasks_wait_for_the_departments_officers_then_visits_for_their_inspectors(
    scjg_plan,
):
    plan = scjg_plan
    officer = plan.created_by
    services.draw_plan(
        plan,
        by=officer,
        window_start=dt.date(2026, 3, 1),
        window_end=dt.date(2026, 3, 31),
        seed=7,
    )
    assert kinds(officer).get("inspection_tasks") == 6
    visit_items = [i for i in work_queue(officer).items if i.kind == "inspection_tasks"]
    assert all(i.deadline == dt.date(2026, 3, 31) for i in visit_items)
    services.plan_joint_visits(by=officer, tasks=plan.tasks.all())
    assert "inspection_tasks" not in kinds(officer)
    visit = Visit.objects.order_by("date", "pk").first()
    inspector = visit.inspectors.first()
    items = [i for i in work_queue(inspector).items if i.kind == "inspection_visits"]
    assert items and items[0].url.endswith(f"/inspections/visits/{visit.pk}/record/")
    assert len(items) == Visit.objects.filter(inspectors=inspector).count()


def test_nobody_outside_the_department_gets_its_tasks(scjg_plan, insp_world):
    plan = scjg_plan
    services.draw_plan(
        plan,
        by=plan.created_by,
        window_start=dt.date(2026, 3, 1),
        window_end=dt.date(2026, 3, 31),
        seed=7,
    )
    for user in (insp_world.wuyuan_dispatcher, insp_world.zhzf_handler1, insp_world.grid_worker):
        assert "inspection_tasks" not in kinds(user)


def test_a_joint_plan_in_review_waits_for_the_legal_reviewer(insp_world):
    w = insp_world
    plan = make_plan(w, inspectors=[w.scjg_inspector1, w.scjg_inspector2], joint=[w.dept_zhzf])
    services.submit_plan(plan, by=w.dept_officer)
    assert kinds(w.legal_reviewer).get("inspection_plans") == 1
    assert "inspection_plans" not in kinds(w.dept_officer)
