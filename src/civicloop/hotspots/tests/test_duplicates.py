"""Duplicate suggestions at intake: which earlier events are suggested, what is recorded,
and merging from a suggestion."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicloop.core.errors import NotPermitted
from civicloop.events import services as event_services
from civicloop.events.choices import EventState
from civicloop.hotspots import services
from civicloop.hotspots.choices import PlaceMatch
from civicloop.hotspots.duplicates import find_candidates
from civicloop.hotspots.models import DuplicateSuggestion
from civicloop.testing.events import report_at
from civicloop.testing.journeys import walk

BBQ = (
    "百可小区北门烧烤店油烟扰民",
    "百可小区北门一家烧烤店每天营业到凌晨，油烟直排，顾客喧哗，楼上居民无法休息，请求处理。",
)
BBQ_AGAIN = (
    "百可小区北门烧烤店晚上太吵",
    "反映百可小区北门那家烧烤店每晚经营到凌晨，油烟直接排到楼上，噪音很大，影响休息。",
)
MANHOLE = ("枣园路口井盖破损", "枣园路与海滨路交叉口的井盖破损下陷，车辆经过颠簸，存在安全隐患。")


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def original_and_repeat(
    world, now, *, first=BBQ, second=BBQ_AGAIN, hours=3, region=None, second_region=None, **kwargs
):
    original = report_at(
        world,
        now - dt.timedelta(hours=hours),
        title=first[0],
        description=first[1],
        region=region,
        **kwargs,
    )
    repeat = report_at(
        world,
        now - dt.timedelta(minutes=10),
        title=second[0],
        description=second[1],
        region=second_region or region,
        **kwargs,
    )
    return original, repeat


def numbers(candidates):
    return [c.event.number for c in candidates]


def test_same_place_similar_text_and_close_in_time_is_suggested(world, now):
    original, repeat = original_and_repeat(world, now)

    found = find_candidates(repeat)

    assert numbers(found) == [original.number]
    assert found[0].place_match == PlaceMatch.GRID and found[0].similarity > 0.5
    assert found[0].hours_apart == pytest.approx(2 + 50 / 60, abs=0.01)


def test_the_later_report_is_never_suggested_as_the_original(world, now):
    original, repeat = original_and_repeat(world, now)

    assert find_candidates(original) == []


def test_another_village_is_not_the_same_place(world, now):
    _original, repeat = original_and_repeat(world, now, second_region=world.wuyuan_grid2)

    assert find_candidates(repeat) == []


def test_two_points_close_together_are_the_same_place_across_a_village_border(world, now):
    original = report_at(
        world,
        now - dt.timedelta(hours=2),
        title=BBQ[0],
        description=BBQ[1],
        latitude=30.523400,
        longitude=120.948000,
    )
    repeat = report_at(
        world,
        now - dt.timedelta(minutes=5),
        title=BBQ_AGAIN[0],
        description=BBQ_AGAIN[1],
        region=world.wuyuan_grid2,
        latitude=30.523900,
        longitude=120.948300,
    )

    found = find_candidates(repeat)

    assert numbers(found) == [original.number]
    assert found[0].place_match == PlaceMatch.NEARBY and found[0].distance_m < 100


def test_an_old_report_is_not_suggested(world, now):
    _original, repeat = original_and_repeat(world, now, hours=31 * 24)

    assert find_candidates(repeat) == []


def test_a_different_problem_at_the_same_place_is_not_suggested(world, now):
    _original, repeat = original_and_repeat(world, now, second=MANHOLE)

    assert find_candidates(repeat) == []


def test_a_finished_original_is_not_suggested(world, now):
    original, repeat = original_and_repeat(world, now)
    event_services.void_event(original, by=world.wuyuan_dispatcher, reason="重复测试")

    assert find_candidates(repeat) == []


def test_showing_suggestions_records_who_saw_them_and_how_often(world, now):
    original, repeat = original_and_repeat(world, now)

    services.suggest_duplicates(repeat, user=world.wuyuan_dispatcher)
    services.suggest_duplicates(repeat, user=world.centre)

    row = DuplicateSuggestion.objects.get()
    assert (row.event, row.candidate) == (repeat, original)
    assert row.first_shown_to == world.wuyuan_dispatcher and row.times_shown == 2
    assert row.last_shown_at >= row.first_shown_at
    assert row.detector.startswith("tfidf-char12")
    assert DuplicateSuggestion.objects.with_outcome().get().merged is False


def test_merging_from_a_suggestion_merges_and_the_outcome_is_read_from_the_event(world, now):
    original, repeat = original_and_repeat(world, now)
    suggestion = services.suggest_duplicates(repeat, user=world.wuyuan_dispatcher)[0]

    services.merge_suggested(suggestion, by=world.wuyuan_dispatcher, reason="同一烧烤店，合并处理")

    repeat.refresh_from_db()
    assert repeat.state == EventState.MERGED and repeat.merged_into == original
    merge = repeat.history.get(action="merge")
    assert merge.reason == "同一烧烤店，合并处理" and merge.actor == world.wuyuan_dispatcher
    assert DuplicateSuggestion.objects.with_outcome().get().merged is True
    assert find_candidates(repeat) == []  # a merged event has nothing more to merge


def test_merging_without_a_reason_gives_the_suggestion_as_the_reason(world, now):
    original, repeat = original_and_repeat(world, now)
    suggestion = services.suggest_duplicates(repeat, user=world.wuyuan_dispatcher)[0]

    services.merge_suggested(suggestion, by=world.wuyuan_dispatcher)

    assert original.number in repeat.history.get(action="merge").reason


def test_only_the_command_room_may_merge_from_a_suggestion(world, now):
    _original, repeat = original_and_repeat(world, now)
    suggestion = services.suggest_duplicates(repeat, user=world.grid_worker)[0]

    with pytest.raises(NotPermitted):
        services.merge_suggested(suggestion, by=world.grid_worker, reason="重复")


def test_a_dispatcher_of_another_town_gets_no_suggestions(world, now):
    _original, repeat = original_and_repeat(world, now)

    assert services.suggest_duplicates(repeat, user=world.ganpu_dispatcher) == []
    assert not DuplicateSuggestion.objects.exists()


def test_an_original_the_user_cannot_see_is_not_suggested(world, now):
    # The repeat was reported by the ganpu grid worker in 武原: the reporter sees their own
    # report but not the original, which another grid team recorded.
    original = report_at(world, now - dt.timedelta(hours=2), title=BBQ[0], description=BBQ[1])
    repeat = report_at(
        world,
        now - dt.timedelta(minutes=5),
        title=BBQ_AGAIN[0],
        description=BBQ_AGAIN[1],
        by=world.ganpu_grid_worker,
    )

    assert services.suggest_duplicates(repeat, user=world.ganpu_grid_worker) == []
    assert [
        s.candidate for s in services.suggest_duplicates(repeat, user=world.wuyuan_dispatcher)
    ] == [original]


def test_an_original_further_in_the_loop_is_still_suggested(world, now):
    original, repeat = original_and_repeat(world, now)
    walk(world, original, EventState.HANDLING)

    assert numbers(find_candidates(repeat)) == [original.number]
