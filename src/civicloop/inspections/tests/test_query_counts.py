"""The list pages cost a fixed number of queries: three times the rows, not more queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicloop.inspections import services
from civicloop.inspections.choices import Industry, RiskGrade
from civicloop.inspections.models import Task

from .conftest import credit_code

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def rows(client, url, marker: str) -> int:
    return client.get(url).content.decode().count(marker)


def more_subjects(w, start: int, count: int):
    for n in range(start, start + count):
        services.register_subject(
            by=w.dept_officer,
            data=services.SubjectData(
                credit_code=credit_code(n),
                name=f"海盐县增补企业{n}有限公司",
                industry=Industry.CATERING,
                region=w.wuyuan_village,
                risk_grade=RiskGrade.C,
            ),
        )


def test_the_subjects_list_does_not_grow_queries_with_its_rows(insp_world, client):
    w = insp_world
    client.force_login(w.dept_officer)
    url = reverse("inspections:subjects")
    few = queries(client, url)
    more_subjects(w, 100, 12)
    assert queries(client, url) == few
    assert rows(client, url, "海盐县增补企业") == 12


def test_the_tasks_and_visits_lists_do_not_grow_queries_with_their_rows(scjg_plan, client):
    plan = scjg_plan
    officer = plan.created_by
    client.force_login(officer)

    def draw_and_merge(seed):
        services.draw_plan(
            plan,
            by=officer,
            window_start=dt.date(2026, 3, 1),
            window_end=dt.date(2026, 3, 31),
            seed=seed,
        )
        services.plan_joint_visits(by=officer, tasks=Task.objects.open())

    draw_and_merge(1)
    tasks_few = queries(client, reverse("inspections:tasks"))
    visits_few = queries(client, reverse("inspections:visits"))
    visits_shown = rows(client, reverse("inspections:visits"), "/inspections/visits/")
    draw_and_merge(2)
    draw_and_merge(3)
    assert queries(client, reverse("inspections:tasks")) == tasks_few
    assert queries(client, reverse("inspections:visits")) == visits_few
    assert rows(client, reverse("inspections:visits"), "/inspections/visits/") > visits_shown
