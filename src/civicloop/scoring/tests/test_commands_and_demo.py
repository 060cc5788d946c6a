"""``civicloop scoring``, the worker's task and the demo step."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from civicloop.core.registry import DemoContext, demo_steps, periodic_tasks, resolve
from civicloop.scoring.models import Activity, PatrolVisit, PointEntry
from civicloop.testing.events import local

pytestmark = pytest.mark.django_db


def test_the_recompute_command_brings_the_ledger_up_to_date_and_says_so(world, rules, visit):
    visit(local(dt.date(2026, 2, 3)))
    out = io.StringIO()
    call_command("scoring", "recompute", stdout=out)
    call_command("scoring", "recompute", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "新增积分明细 1 条，更新 0 条，删除 0 条，未变 0 条。",
        "新增积分明细 0 条，更新 0 条，删除 0 条，未变 1 条。",
    ]
    assert PointEntry.objects.count() == 1


def test_the_worker_recomputes_the_points_periodically(world, rules, visit):
    visit(local(dt.date(2026, 2, 3)))
    task = resolve(periodic_tasks.get("scoring.recompute").task)
    task.call()
    assert PointEntry.objects.count() == 1


def test_the_demo_step_logs_work_for_the_grid_staff_and_computes_their_points(world):
    said = []
    context = DemoContext(
        events=0, seed=7, say=said.append, skip=None, warn=None, detail=said.append
    )
    with translation.override("en"):
        resolve(demo_steps.get("scoring.points").run)(context)
    workers = {world.grid_worker, world.red_butler, world.ganpu_grid_worker}
    assert workers <= {v.recorded_by for v in PatrolVisit.objects.all()}
    assert Activity.objects.exists()
    assert PointEntry.objects.filter(person__in=workers).exists()
    assert said[0].startswith("Work log and points:")
