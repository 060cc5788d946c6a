"""The event numbers of an import: reserved before its transaction, settled after it.

(That an intake is not kept waiting meanwhile is tested on PostgreSQL in
test_import_concurrency.py.)"""

from __future__ import annotations

import pytest
from django.db import transaction

from civicloop.core.errors import InvalidInput
from civicloop.core.models import CounterReservation, MustRunOutsideTransaction, ReservationState
from civicloop.events import services
from civicloop.events.importing import import_events, read_table
from civicloop.events.models import Event, EventHistory
from civicloop.testing.journeys import report

from .test_import_events import GOOD_ROWS, run_import, write_xlsx


def refusing_row(monkeypatch, n: int):
    """The intake service refuses the ``n``-th row the import stores."""
    real = services.create_event
    calls = []

    def refuses(**kwargs):
        calls.append(1)
        if len(calls) == n:
            raise InvalidInput("refused by the service", field="reporter_name")
        return real(**kwargs)

    monkeypatch.setattr(services, "create_event", refuses)


@pytest.fixture
def english_notes(settings):
    """Reservation notes are written in the deployment's language: English here, to read them."""
    settings.LANGUAGE_CODE = "en"


def numbers_of(reservation: CounterReservation) -> list[str]:
    return [services.event_number(reservation.key, v) for v in reservation.values]


def test_an_import_numbers_its_events_from_one_reserved_block(world, tmp_path):
    before = report(world)

    error, out, _err = run_import(write_xlsx(tmp_path / "events.xlsx", GOOD_ROWS * 2))

    assert error is None, out
    reservation = CounterReservation.objects.get()
    imported = list(Event.objects.exclude(pk=before.pk).order_by("id"))
    assert [e.number for e in imported] == numbers_of(reservation)
    assert reservation.first == 2  # after the intake made before it
    assert reservation.state == ReservationState.USED and reservation.used == 4
    assert reservation.reserved_by == world.wuyuan_dispatcher
    assert reservation.settled_by == world.wuyuan_dispatcher and reservation.note == ""
    assert "events.xlsx" in reservation.purpose and "wuyuan_dispatcher" in reservation.purpose
    assert report(world).number == services.event_number(reservation.key, 6)


def test_a_refused_row_rolls_everything_back_and_the_block_is_recorded_unused(
    world, tmp_path, monkeypatch, english_notes
):
    refusing_row(monkeypatch, 3)

    error, _out, err = run_import(write_xlsx(tmp_path / "events.xlsx", GOOD_ROWS * 2))

    assert error is not None and "Row 4" in err
    assert not Event.objects.exists() and not EventHistory.objects.exists()
    reservation = CounterReservation.objects.get()
    assert reservation.state == ReservationState.UNUSED and reservation.used == 0
    assert list(reservation.unused_values) == list(reservation.values)
    assert reservation.note == (
        "Nothing was imported: 1 rows were refused, so the whole file was rolled back."
    )
    # The rolled-back numbers are a gap for ever: the next intake comes after them.
    monkeypatch.undo()
    assert report(world).number not in numbers_of(reservation)


def test_skipping_a_refused_row_leaves_only_the_end_of_the_block_unused(
    world, tmp_path, monkeypatch, english_notes
):
    refusing_row(monkeypatch, 2)

    error, out, err = run_import(
        write_xlsx(tmp_path / "events.xlsx", GOOD_ROWS * 2), skip_bad_rows=True
    )

    assert error is None, err
    reservation = CounterReservation.objects.get()
    stored = list(Event.objects.order_by("id").values_list("number", flat=True))
    assert stored == numbers_of(reservation)[:3]  # the next row took the refused row's number
    assert reservation.state == ReservationState.PARTLY and reservation.used == 3
    assert list(reservation.unused_values) == [reservation.last]
    assert reservation.note == "1 rows were refused while storing and skipped."


def test_a_dry_run_uses_no_real_number(world, tmp_path):
    path = write_xlsx(tmp_path / "events.xlsx", GOOD_ROWS)

    result = import_events(read_table(path), actor=world.wuyuan_dispatcher, dry_run=True)

    assert not result.stored and len(result.created) == 2
    assert all(e.number.startswith("DRY-") for e in result.created)
    assert len({e.number for e in result.created}) == 2
    assert not Event.objects.exists() and not CounterReservation.objects.exists()
    assert report(world).number.endswith("00001")  # the day's series is untouched


def test_a_file_with_bad_rows_reserves_nothing(world, tmp_path):
    rows = [GOOD_ROWS[0], ["热线", "", "描述", "没有这个类别", "百可社区", "", "", "", ""]]

    error, _out, _err = run_import(write_xlsx(tmp_path / "bad.xlsx", rows))

    assert error is not None
    assert not CounterReservation.objects.exists()


def test_an_import_inside_a_transaction_is_refused_before_storing_anything(world, tmp_path):
    """Inside a caller's transaction the numbers could not be reserved apart from it, and
    intake would wait for that transaction again: refused, nothing stored."""
    table = read_table(write_xlsx(tmp_path / "events.xlsx", GOOD_ROWS))

    with transaction.atomic():
        with pytest.raises(MustRunOutsideTransaction):
            import_events(table, actor=world.wuyuan_dispatcher)

    assert not Event.objects.exists() and not CounterReservation.objects.exists()


def test_an_import_stopped_by_an_unexpected_error_records_its_block_unused(
    world, tmp_path, monkeypatch, english_notes
):
    real = services.create_event
    calls = []

    def breaks(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "create_event", breaks)
    table = read_table(write_xlsx(tmp_path / "events.xlsx", GOOD_ROWS))

    with pytest.raises(RuntimeError):
        import_events(table, actor=world.wuyuan_dispatcher)

    assert not Event.objects.exists()
    reservation = CounterReservation.objects.get()
    assert reservation.state == ReservationState.UNUSED
    assert reservation.note == "Nothing was imported: the import stopped with an error."


def test_skipping_every_row_the_service_refuses_leaves_the_whole_block_unused(
    world, tmp_path, monkeypatch, english_notes
):
    def refuses(**kwargs):
        raise InvalidInput("refused by the service", field="reporter_name")

    monkeypatch.setattr(services, "create_event", refuses)

    error, _out, _err = run_import(
        write_xlsx(tmp_path / "events.xlsx", GOOD_ROWS), skip_bad_rows=True
    )

    assert error is None and not Event.objects.exists()
    reservation = CounterReservation.objects.get()
    assert reservation.state == ReservationState.UNUSED and reservation.used == 0
    assert reservation.note == "2 rows were refused while storing and skipped."
