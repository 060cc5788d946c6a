"""The spike scan on recorded events: what it raises, to whom, and that it raises a spike once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicloop.core.errors import InvalidInput, InvalidTransition, NotPermitted
from civicloop.events import services as event_services
from civicloop.hotspots import services
from civicloop.hotspots.choices import Dimension, WarningState
from civicloop.hotspots.models import Warning, WarningHistory
from civicloop.notifications.models import Notification
from civicloop.org.choices import RegionLevel
from civicloop.testing.events import local, report_at, report_on_days

AT = dt.date(2026, 6, 15)


def flat_month(world, **kwargs):
    """One event a day for the 31 days up to AT."""
    return report_on_days(world, {AT - dt.timedelta(days=i): 1 for i in range(31)}, **kwargs)


def spike_notices(user):
    return Notification.objects.filter(recipient=user, verb="spike_warning")


def test_a_flat_series_raises_nothing(world):
    flat_month(world)

    report = services.scan_spikes(at=AT)

    assert report.tested >= 1 and report.raised == [] and Warning.objects.count() == 0


def test_an_injected_spike_raises_one_warning_with_the_window_events_as_evidence(world):
    background = flat_month(world)
    spike = report_on_days(world, {AT: 9})

    report = services.scan_spikes(at=AT)

    assert len(report.raised) == 1
    warning = report.raised[0]
    assert (warning.region, warning.level) == (world.wuyuan_village, RegionLevel.VILLAGE)
    assert warning.category == world.street_vending and warning.dimension == Dimension.CATEGORY
    assert (warning.window_start, warning.window_end) == (AT - dt.timedelta(days=2), AT)
    in_window = [
        e for e in background if timezone.localtime(e.reported_at).date() >= warning.window_start
    ]
    expected = {e.pk for e in spike} | {e.pk for e in in_window}
    assert len(in_window) == 3
    assert set(warning.evidence.values_list("pk", flat=True)) == expected
    assert warning.observed == 12 and warning.observed >= warning.threshold > warning.expected
    row = WarningHistory.objects.get(warning=warning)
    assert (row.action, row.to_state, row.actor) == ("raise", WarningState.OPEN, None)
    assert row.details["observed"] == 12 and sorted(row.details["events"]) == sorted(expected)


def test_the_town_command_room_is_notified_and_nobody_else(world):
    report_on_days(world, {AT: 4})

    services.scan_spikes(at=AT)

    warning = Warning.objects.get()
    notice = spike_notices(world.wuyuan_dispatcher).get()
    assert notice.link == f"/hotspots/warnings/{warning.pk}/" and "占道经营" in notice.message
    assert not spike_notices(world.ganpu_dispatcher).exists()
    assert not spike_notices(world.centre).exists()


def test_a_rescan_does_not_raise_the_same_spike_twice(world):
    report_on_days(world, {AT: 4})
    services.scan_spikes(at=AT)

    again = services.scan_spikes(at=AT)

    assert again.raised == [] and again.unchanged == 1
    assert Warning.objects.count() == 1 and WarningHistory.objects.count() == 1
    assert spike_notices(world.wuyuan_dispatcher).count() == 1


def test_a_spike_that_goes_on_extends_its_warning(world):
    report_on_days(world, {AT: 4})
    services.scan_spikes(at=AT)
    later = report_on_days(world, {AT + dt.timedelta(days=1): 3})

    report = services.scan_spikes(at=AT + dt.timedelta(days=1))

    assert report.raised == [] and len(report.extended) == 1
    warning = Warning.objects.get()
    assert warning.window_end == AT + dt.timedelta(days=1)
    assert set(e.pk for e in later) <= set(warning.evidence.values_list("pk", flat=True))
    extend = warning.history.get(action="extend")
    assert sorted(extend.details["new_events"]) == sorted(e.pk for e in later)
    assert spike_notices(world.wuyuan_dispatcher).count() == 1


def test_a_closed_warning_is_not_raised_again_for_the_same_spike(world):
    report_on_days(world, {AT: 4})
    warning = services.scan_spikes(at=AT).raised[0]
    services.close_warning(warning, by=world.wuyuan_dispatcher, reason="已联合市场监管部门清理")

    again = services.scan_spikes(at=AT + dt.timedelta(days=1))

    assert again.raised == [] and Warning.objects.count() == 1


def test_a_village_spike_is_not_raised_again_for_its_town_or_county(world):
    report_on_days(world, {AT: 5})

    report = services.scan_spikes(at=AT)

    assert [w.level for w in report.raised] == [RegionLevel.VILLAGE]


def test_a_county_wide_spike_is_raised_to_the_county_centre(world):
    report_at(world, local(AT, 9), region=world.wuyuan_grid)
    report_at(world, local(AT, 10), region=world.wuyuan_grid2, by=world.other_grid_worker)
    report_at(world, local(AT, 11), region=world.ganpu_grid, by=world.ganpu_grid_worker)
    report_at(world, local(AT, 12), region=world.ganpu_grid, by=world.ganpu_grid_worker)

    report = services.scan_spikes(at=AT)

    assert [(w.level, w.region) for w in report.raised] == [(RegionLevel.COUNTY, world.county)]
    assert spike_notices(world.centre).count() == 1
    assert not spike_notices(world.wuyuan_dispatcher).exists()


def test_void_reports_do_not_count(world):
    events = report_on_days(world, {AT: 3})
    event_services.void_event(events[0], by=world.wuyuan_dispatcher, reason="测试数据")

    assert services.scan_spikes(at=AT).raised == []


# --- acknowledging and closing -------------------------------------------------------------------


@pytest.fixture
def warning(world):
    report_on_days(world, {AT: 4})
    return services.scan_spikes(at=AT).raised[0]


def test_the_command_room_acknowledges_and_the_history_says_who_and_when(world, warning):
    services.acknowledge_warning(warning, by=world.wuyuan_dispatcher, note="已派网格员现场查看")

    warning.refresh_from_db()
    assert (
        warning.state == WarningState.ACKNOWLEDGED
        and warning.acknowledged_by == world.wuyuan_dispatcher
    )
    row = warning.history.get(action="acknowledge")
    assert (row.actor, row.from_state, row.to_state, row.reason) == (
        world.wuyuan_dispatcher,
        WarningState.OPEN,
        WarningState.ACKNOWLEDGED,
        "已派网格员现场查看",
    )
    assert row.at == warning.acknowledged_at


def test_closing_needs_a_reason_and_records_it(world, warning):
    with pytest.raises(InvalidInput):
        services.close_warning(warning, by=world.wuyuan_dispatcher, reason=" ")

    services.close_warning(warning, by=world.centre, reason="已整治")

    warning.refresh_from_db()
    assert warning.state == WarningState.CLOSED and warning.closed_by == world.centre
    assert [h.action for h in warning.history.all()] == ["raise", "close"]


def test_a_dispatcher_of_another_town_may_not_act_on_the_warning(world, warning):
    with pytest.raises(NotPermitted):
        services.acknowledge_warning(warning, by=world.ganpu_dispatcher)
    with pytest.raises(NotPermitted):
        services.close_warning(warning, by=world.grid_worker, reason="x")


def test_a_closed_warning_cannot_be_acknowledged(world, warning):
    services.close_warning(warning, by=world.wuyuan_dispatcher, reason="已整治")

    with pytest.raises(InvalidTransition):
        services.acknowledge_warning(warning, by=world.wuyuan_dispatcher)


def test_counting_by_matter_raises_on_the_matter(world):
    from civicloop.testing.matters import make_matter

    matter = make_matter(world)
    events = report_on_days(world, {AT: 3})
    for event in events:
        event_services.judge_event(
            event,
            by=world.wuyuan_dispatcher,
            urgency="general",
            span="single",
            reason="占道经营",
            matter=matter,
        )

    report = services.scan_spikes(at=AT, dimension=Dimension.MATTER)

    warning = report.raised[0]
    assert warning.matter == matter and warning.category == world.street_vending
    assert warning.subject_name == matter.name
