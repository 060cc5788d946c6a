"""Minimum frequencies (食品生产经营监督检查管理办法 Art. 22): every subject of a stratum with a
minimum gets that many tasks over the plan's year, whatever the random draw picked."""

import datetime as dt

import pytest

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.inspections import services
from civicloop.inspections.choices import RiskGrade
from civicloop.inspections.models import PlanHistory, Task

from .conftest import make_plan

pytestmark = pytest.mark.django_db


def test_the_year_is_cut_into_as_many_windows_of_whole_months_as_the_minimum():
    assert services.minimum_windows(2026, 4) == [
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ]
    assert services.minimum_windows(2028, 1) == [(dt.date(2028, 1, 1), dt.date(2028, 12, 31))]
    assert len(services.minimum_windows(2026, 30)) == 12


def graded_plan(w):
    plan = make_plan(w, inspectors=[w.scjg_inspector1, w.scjg_inspector2], ratio=0)
    services.set_stratum(
        by=w.dept_officer, plan=plan, risk_grade=RiskGrade.D, ratio=0, minimum_per_year=4
    )
    services.set_stratum(
        by=w.dept_officer, plan=plan, risk_grade=RiskGrade.C, ratio=0, minimum_per_year=2
    )
    return services.publish_plan(plan, by=w.dept_officer)


def test_every_subject_of_a_stratum_gets_its_minimum_of_tasks_once(insp_world):
    w = insp_world
    plan = graded_plan(w)
    opened = services.schedule_minimum_visits(plan, by=w.dept_officer)
    grade = {s.pk: s.risk_grade for s in w.subjects}
    per_subject = {}
    for task in Task.objects.filter(plan=plan):
        per_subject.setdefault(task.subject_id, []).append((task.earliest, task.latest))
        assert task.items.count() == 2 and task.unit == w.dept_scjg
    # Two grade-D and two grade-C subjects in the insp_world; A and B have no minimum.
    assert {pk: len(v) for pk, v in per_subject.items()} == {
        pk: {RiskGrade.D: 4, RiskGrade.C: 2}[g]
        for pk, g in grade.items()
        if g in (RiskGrade.C, RiskGrade.D)
    }
    assert opened == 12
    row = PlanHistory.objects.filter(plan=plan, action="schedule_minimum").get()
    assert row.actor == w.dept_officer and row.details["tasks"] == 12
    # Again: nothing new.
    assert services.schedule_minimum_visits(plan, by=w.dept_officer) == 0
    assert Task.objects.filter(plan=plan).count() == 12


def test_a_task_already_starting_in_a_window_counts_for_it(insp_world):
    w = insp_world
    plan = graded_plan(w)
    d_subject = next(s for s in w.subjects if s.risk_grade == RiskGrade.D)
    Task.objects.create(
        unit=w.dept_scjg,
        subject=d_subject,
        earliest=dt.date(2026, 5, 10),
        latest=dt.date(2026, 8, 31),
    )
    services.schedule_minimum_visits(plan, by=w.dept_officer)
    windows = sorted(t.earliest for t in Task.objects.filter(plan=plan, subject=d_subject))
    assert windows == [dt.date(2026, 1, 1), dt.date(2026, 7, 1), dt.date(2026, 10, 1)]


def test_a_plan_without_minimums_or_not_published_opens_nothing(insp_world):
    w = insp_world
    draft = make_plan(w, inspectors=[w.scjg_inspector1, w.scjg_inspector2])
    with pytest.raises(InvalidInput):
        services.schedule_minimum_visits(draft, by=w.dept_officer)
    published = services.publish_plan(draft, by=w.dept_officer)
    with pytest.raises(InvalidInput):
        services.schedule_minimum_visits(published, by=w.dept_officer)
    assert not Task.objects.filter(plan=published).exists()


def test_only_an_officer_of_the_plans_department_opens_the_tasks(insp_world):
    w = insp_world
    plan = graded_plan(w)
    with pytest.raises(NotPermitted):
        services.schedule_minimum_visits(plan, by=w.wuyuan_dispatcher)
    assert not Task.objects.filter(plan=plan).exists()


def test_the_plan_page_opens_the_tasks_and_names_its_history_in_words(insp_world, client):
    w = insp_world
    plan = graded_plan(w)
    client.force_login(w.dept_officer)
    response = client.post(f"/inspections/plans/{plan.pk}/add/minimum/", follow=True)
    page = response.content.decode()
    assert Task.objects.filter(plan=plan).count() == 12
    assert "12" in page and "schedule_minimum" not in page and "set_stratum" not in page
