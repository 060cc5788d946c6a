"""A request created through Open311 walks the normal loop, and Open311 shows each step until
``closed`` (the mapping table in ``status.py`` and docs/open311.md)."""

from __future__ import annotations

from django.utils import timezone, translation

from civicloop.events import services as event_services
from civicloop.events.choices import EventState, Span, Urgency
from civicloop.events.models import Event
from civicloop.open311.status import STATUS_TABLE
from civicloop.testing.journeys import ORDER, walk

from .conftest import Open311, body, noise_request


def submit(o311, api_key, region, service_code="noise", **extra) -> Event:
    data = noise_request(api_key, region, service_code=service_code, **extra)
    if service_code != "noise":
        data = {k: v for k, v in data.items() if not k.startswith("attribute[")}
    response = o311.post("requests.json", data)
    assert response.status_code == 200, response.content
    return Event.objects.get(number=body(response)[0]["service_request_id"])


def seen(o311, event: Event) -> dict:
    (record,) = body(o311.get(f"requests/{event.number}.json"))
    return record


def w3(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def test_every_state_of_the_lifecycle_has_a_row_in_the_mapping_table():
    assert set(STATUS_TABLE) == set(EventState.values)
    assert {status for status, _notes in STATUS_TABLE.values()} == {"open", "closed"}


def test_a_request_walks_the_loop_and_open311_follows_it_to_closed(county, api_key, o311):
    event = submit(o311, api_key, county.wuyuan_grid)
    expected = {
        EventState.COLLECTED: ("open", "武原街道综合信息指挥室"),
        EventState.JUDGED: ("open", "武原街道综合信息指挥室"),
        EventState.DISPATCHED: ("open", "武原街道综合行政执法队"),
        EventState.ACCEPTED: ("open", "武原街道综合行政执法队"),
        EventState.HANDLING: ("open", "武原街道综合行政执法队"),
        EventState.FEEDBACK_SUBMITTED: ("open", "武原街道综合行政执法队"),
        EventState.CHECKED: ("open", "武原街道综合行政执法队"),
        EventState.RATED: ("open", "武原街道综合行政执法队"),
        EventState.CLOSED: ("closed", "武原街道综合行政执法队"),
    }
    with translation.override("zh-hans"):
        labels = {state: str(label) for state, label in EventState.choices}
    for state in ORDER:
        event = walk(county, event, state)
        record = seen(o311, event)
        status, agency = expected[state]
        assert (record["status"], record["agency_responsible"]) == (status, agency), state
        assert record["status_notes"].startswith(labels[state]), state
        if state in (EventState.DISPATCHED, EventState.HANDLING, EventState.CLOSED):
            assert agency in record["status_notes"]
        if status == "open":
            assert record["expected_datetime"] == w3(event.deadline_at)
            assert record["updated_datetime"] == w3(event.updated_at)
    assert record["updated_datetime"] == w3(event.closed_at)
    assert record["expected_datetime"] is None
    assert [r["status"] for r in body(o311.get("requests.json", status="closed"))] == ["closed"]


def test_status_notes_are_in_the_deployment_language_whatever_language_the_client_asks_for(
    county, api_key, o311
):
    event = walk(county, submit(o311, api_key, county.wuyuan_grid), EventState.HANDLING)
    for language in ("en", "zh-hans"):
        record = seen(Open311(language), event)
        assert record["status_notes"].startswith("处置中"), (
            language
        )  # the zh-hans label of "handling"
        assert "武原街道综合行政执法队" in record["status_notes"]


def test_a_voided_request_is_closed_with_a_note_but_not_the_staff_reason(county, api_key, o311):
    event = submit(o311, api_key, county.wuyuan_grid)
    event_services.void_event(event, by=county.wuyuan_dispatcher, reason="重复测试数据，内部备注")
    event.refresh_from_db()
    record = seen(o311, event)
    assert record["status"] == "closed"
    assert record["status_notes"].startswith("已作废")
    assert "内部备注" not in record["status_notes"]
    assert record["expected_datetime"] is None
    assert record["updated_datetime"] == w3(event.updated_at)


def test_a_parked_request_stays_open(county, api_key, o311):
    event = walk(county, submit(o311, api_key, county.wuyuan_grid), EventState.HANDLING)
    event_services.park_event(event, by=county.wuyuan_dispatcher, reason="需等待规划调整")
    record = seen(o311, event)
    assert record["status"] == "open"
    assert record["status_notes"].startswith("已挂账")
    assert record["agency_responsible"] == "武原街道综合行政执法队"
    assert "规划" not in record["status_notes"]


def test_a_merged_duplicate_follows_its_original_until_both_are_closed(county, api_key, o311):
    original = submit(o311, api_key, county.wuyuan_grid)
    duplicate = submit(o311, api_key, county.wuyuan_grid)
    event_services.merge_event(
        duplicate, into=original, by=county.wuyuan_dispatcher, reason="同一KTV"
    )
    original = walk(county, original, EventState.HANDLING)
    record = seen(o311, duplicate)
    assert record["status"] == "open"
    assert original.number in record["status_notes"]
    assert "处置中" in record["status_notes"]
    assert record["agency_responsible"] == "武原街道综合行政执法队"
    assert record["expected_datetime"] == w3(original.deadline_at)
    assert [r["service_request_id"] for r in body(o311.get("requests.json", status="open"))] == [
        duplicate.number,
        original.number,
    ]

    original = walk(county, original, EventState.CLOSED)
    duplicate.refresh_from_db()
    assert duplicate.state == EventState.CLOSED
    record = seen(o311, duplicate)
    assert record["status"] == "closed"
    assert original.number in record["status_notes"]
    assert record["agency_responsible"] == "武原街道综合行政执法队"
    assert {r["service_request_id"] for r in body(o311.get("requests.json", status="closed"))} == {
        duplicate.number,
        original.number,
    }


def test_a_duplicate_of_a_voided_original_reads_as_closed(county, api_key, o311):
    original = submit(o311, api_key, county.wuyuan_grid)
    duplicate = submit(o311, api_key, county.wuyuan_grid)
    event_services.merge_event(
        duplicate, into=original, by=county.wuyuan_dispatcher, reason="同一KTV"
    )
    event_services.void_event(original, by=county.wuyuan_dispatcher, reason="误报")
    assert seen(o311, duplicate)["status"] == "closed"
    assert [r["service_request_id"] for r in body(o311.get("requests.json", status="closed"))] == [
        duplicate.number,
        original.number,
    ]


def test_a_coordination_order_names_every_unit_it_went_to(county, api_key, o311):
    event = submit(o311, api_key, county.wuyuan_grid, service_code="street-vending")
    event_services.judge_event(
        event, by=county.centre, urgency=Urgency.GENERAL, span=Span.MULTI, reason="需部门与街道协同"
    )
    assert seen(o311, event)["agency_responsible"] == "海盐县社会治理中心"
    event_services.dispatch_event(event, by=county.centre)
    record = seen(o311, event)
    assert record["agency_responsible"] == "县综合行政执法局、武原街道综合行政执法队"
    assert record["status"] == "open"


def test_an_urgent_request_is_shown_with_the_emergency_team(county, api_key, o311):
    event = submit(o311, api_key, county.ganpu_grid)
    walk(
        county,
        event,
        EventState.DISPATCHED,
        urgency=Urgency.URGENT,
        dispatcher=county.ganpu_dispatcher,
    )
    assert seen(o311, event)["agency_responsible"] == "应急处突队伍"
