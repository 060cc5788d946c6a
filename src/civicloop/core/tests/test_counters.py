"""Counters and reservations of blocks of their values (号段预留).

A batch (an import) reserves its numbers in a short transaction of its own, uses them in its
long transaction and then records how many it used, so the series' gaps are explained."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import RequestFactory

from civicloop.core.models import (
    Counter,
    CounterReservation,
    MustRunOutsideTransaction,
    ReservationState,
    next_counter_value,
    reserve_counter_values,
    settle_counter_reservation,
)
from civicloop.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def importer():
    return UserFactory(username="importer")


def test_a_reservation_is_one_block_after_the_values_already_drawn(importer):
    assert next_counter_value("event:20260301") == 1

    reservation = reserve_counter_values("event:20260301", 5, by=importer, purpose="导入 5 条")

    assert list(reservation.values) == [2, 3, 4, 5, 6]
    assert Counter.objects.get(key="event:20260301").value == 6
    # Whoever draws next comes after the whole block, even before it is used.
    assert next_counter_value("event:20260301") == 7


def test_two_reservations_never_overlap_and_other_keys_are_untouched(importer):
    first = reserve_counter_values("event:20260301", 3, by=importer, purpose="a")
    second = reserve_counter_values("event:20260301", 2, by=None, purpose="b")

    assert set(first.values).isdisjoint(second.values)
    assert second.first == first.last + 1
    assert next_counter_value("event:20260302") == 1


def test_a_reservation_records_who_when_why_and_is_open_until_settled(importer):
    reservation = reserve_counter_values("event:20260301", 2, by=importer, purpose="导入 a.xlsx")

    stored = CounterReservation.objects.get(pk=reservation.pk)
    assert (stored.key, stored.first, stored.last) == ("event:20260301", 1, 2)
    assert stored.reserved_by == importer and stored.reserved_at is not None
    assert stored.purpose == "导入 a.xlsx"
    assert stored.state == ReservationState.OPEN and stored.used is None
    assert list(stored.unused_values) == []


@pytest.mark.parametrize(
    ("used", "state", "unused"),
    [
        (4, ReservationState.USED, []),
        (0, ReservationState.UNUSED, [1, 2, 3, 4]),
        (3, ReservationState.PARTLY, [4]),
    ],
)
def test_settling_records_what_was_used_and_which_numbers_are_a_gap(importer, used, state, unused):
    reservation = reserve_counter_values("event:20260301", 4, by=importer, purpose="导入")

    settle_counter_reservation(reservation, used=used, by=importer, note="第3行被拒绝")

    stored = CounterReservation.objects.get(pk=reservation.pk)
    assert stored.state == state and stored.used == used
    assert list(stored.unused_values) == unused
    assert stored.settled_by == importer and stored.settled_at >= stored.reserved_at
    assert stored.note == "第3行被拒绝"


def test_a_reservation_is_settled_once_and_only_with_a_possible_count(importer):
    reservation = reserve_counter_values("event:20260301", 2, by=importer, purpose="导入")

    with pytest.raises(ValueError):
        settle_counter_reservation(reservation, used=3, by=importer)
    settle_counter_reservation(reservation, used=2, by=importer)
    with pytest.raises(ValueError):
        settle_counter_reservation(reservation, used=0, by=importer)

    assert CounterReservation.objects.get().state == ReservationState.USED


def test_reserving_nothing_is_refused(importer):
    with pytest.raises(ValueError):
        reserve_counter_values("event:20260301", 0, by=importer, purpose="导入")
    assert not CounterReservation.objects.exists()


def test_reserving_inside_a_transaction_is_refused_and_reserves_nothing(importer):
    """Inside a transaction the counter's lock would last to its end: the very wait the
    reservation exists to avoid."""
    with transaction.atomic():
        with pytest.raises(MustRunOutsideTransaction):
            reserve_counter_values("event:20260301", 3, by=importer, purpose="导入")

    assert not CounterReservation.objects.exists()
    assert not Counter.objects.filter(key="event:20260301").exists()


def test_settling_inside_a_transaction_is_refused(importer):
    reservation = reserve_counter_values("event:20260301", 1, by=importer, purpose="导入")

    with transaction.atomic():
        with pytest.raises(MustRunOutsideTransaction):
            settle_counter_reservation(reservation, used=1, by=importer)

    assert CounterReservation.objects.get().state == ReservationState.OPEN


def test_the_admin_shows_reservations_and_never_changes_them(importer):
    model_admin = admin.site._registry[CounterReservation]
    request = RequestFactory().get("/admin/core/counterreservation/")
    request.user = UserFactory(username="root", is_staff=True, is_superuser=True)

    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.check() == []
