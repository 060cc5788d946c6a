"""A bulk import never blocks the other intakes (issue 14, finding 4; PostgreSQL).

An import runs in one transaction (all or nothing). It used to take the row lock on the day's
event-number counter at its first row and hold it to its end, so every other intake in the
county waited for the whole import (an API intake 8 s into a 3 000-row import failed after
61 s). Here an import is held inside its transaction after its first row while another
intake is made with a short lock timeout."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from rest_framework.test import APIClient

from civicloop.events import services
from civicloop.events.importing import import_events, read_table
from civicloop.events.models import Event
from civicloop.testing.concurrency import in_background, lock_timeout, pause_after
from civicloop.testing.journeys import report
from civicloop.testing.world import build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HEADERS = ["来源", "描述", "类别", "地点"]


def workbook(path, n: int):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for i in range(n):
        sheet.append(
            ["热线", f"批量导入的第{i + 1}条民情线索：菜场门口占道经营", "占道经营", "百可社区"]
        )
    book.save(path)
    return path


def start_paused_import(monkeypatch, world, path, **options):
    """An import of ``path`` held inside its transaction after its first row."""
    pause = pause_after(monkeypatch, services, "create_event", calls=1)
    table = read_table(path)
    job = in_background(lambda: import_events(table, actor=world.wuyuan_dispatcher, **options))
    assert pause.reached.wait(30), "the import did not reach its first row"
    return pause, job


def test_an_intake_during_a_long_import_is_not_kept_waiting(monkeypatch, tmp_path):
    world = build_world()
    pause, job = start_paused_import(monkeypatch, world, workbook(tmp_path / "bulk.xlsx", 5))
    try:
        with lock_timeout(3):
            event = report(world, description="导入进行中，网格员上报的另一条线索")
    finally:
        pause.release()
        result = job.join()

    assert result.stored and len(result.created) == 5
    numbers = [e.number for e in result.created] + [event.number]
    assert len(set(numbers)) == 6
    assert Event.objects.count() == 6


def test_an_api_intake_during_a_long_import_is_answered(monkeypatch, tmp_path):
    world = build_world()
    pause, job = start_paused_import(monkeypatch, world, workbook(tmp_path / "bulk.xlsx", 3))
    client = APIClient()
    client.force_authenticate(world.grid_worker)
    try:
        with lock_timeout(3):
            response = client.post(
                "/api/events/",
                {
                    "source": "grid_patrol",
                    "description": "导入进行中，通过接口上报的线索",
                    "category": "street-vending",
                    "region": world.wuyuan_grid.code,
                },
                format="json",
            )
    finally:
        pause.release()
        result = job.join()

    assert response.status_code == 201, response.content
    assert result.stored and len(result.created) == 3
    numbers = {e.number for e in result.created} | {response.json()["number"]}
    assert len(numbers) == 4
