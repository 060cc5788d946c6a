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

from civicloop.core.errors import InvalidInput
from civicloop.core.models import CounterReservation, ReservationState
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
    if not pause.reached.wait(30):
        pause.release()
        job.join()  # raises the import's own error, if that is why
        pytest.fail("the import did not reach its first row")
    return pause, job


def test_an_intake_during_a_long_import_is_not_kept_waiting(monkeypatch, tmp_path):
    world = build_world()
    earlier = report(world, description="导入之前的一条线索")  # the day's counter exists
    pause, job = start_paused_import(monkeypatch, world, workbook(tmp_path / "bulk.xlsx", 5))
    try:
        with lock_timeout(3):
            event = report(world, description="导入进行中，网格员上报的另一条线索")
    finally:
        pause.release()
        result = job.join()

    assert result.stored and len(result.created) == 5
    numbers = [earlier.number] + [e.number for e in result.created] + [event.number]
    assert len(set(numbers)) == 7
    assert Event.objects.count() == 7
    # The import's numbers are one block, reserved before the intake drew its own.
    assert numbers == sorted(numbers)
    reservation = CounterReservation.objects.get()
    assert reservation.state == ReservationState.USED and reservation.used == 5


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


def test_a_refused_row_after_an_intake_still_rolls_the_whole_import_back(monkeypatch, tmp_path):
    world = build_world()
    pause, job = start_paused_import(monkeypatch, world, workbook(tmp_path / "bulk.xlsx", 4))
    real = services.create_event  # the pausing wrapper
    import_calls = []

    def refuses_third(**kwargs):
        if kwargs.get("number"):  # the import's rows (an intake passes no number)
            import_calls.append(kwargs["number"])
            if len(import_calls) == 2:  # rows 2, 3, …: refuse the third
                raise InvalidInput("第三行被拒绝", field="reporter_name")
        return real(**kwargs)

    monkeypatch.setattr(services, "create_event", refuses_third)
    try:
        with lock_timeout(3):
            event = report(world, description="导入进行中上报的线索")
    finally:
        pause.release()
        result = job.join()

    assert not result.stored and result.created == []
    assert list(Event.objects.values_list("number", flat=True)) == [event.number]
    reservation = CounterReservation.objects.get()
    assert reservation.state == ReservationState.UNUSED and reservation.used == 0
    assert reservation.note  # why the numbers were not used
    reserved = {services.event_number(reservation.key, v) for v in reservation.values}
    assert event.number not in reserved
    # The numbers of the rolled-back rows are never handed out again.
    again = report(world, description="导入失败之后的线索")
    assert again.number not in reserved and again.number > max(reserved)
