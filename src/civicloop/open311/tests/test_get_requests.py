"""GET Service Requests, GET Service Request and GET service_request_id from a token: the
elements, the filters, the default window (90 days) and cap (1000), and what stays private."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from civicloop.events import services as event_services
from civicloop.events.choices import EventState, Source
from civicloop.events.models import Event
from civicloop.open311.models import Open311Client, Open311Request
from civicloop.testing.journeys import report, walk

from .conftest import body, children, noise_request, wgs84_of, xml

REQUEST_ELEMENTS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def submit(o311, api_key, region, **extra) -> Event:
    response = o311.post("requests.json", noise_request(api_key, region, **extra))
    assert response.status_code == 200, response.content
    return Event.objects.get(number=body(response)[0]["service_request_id"])


def test_a_request_reads_back_with_every_spec_element_in_xml(county, api_key, o311):
    event = submit(o311, api_key, county.wuyuan_grid, media_url="https://img.example.cn/ktv.jpg")
    root = xml(o311.get(f"requests/{event.number}.xml"))
    assert root.tag == "service_requests"
    (request,) = root
    assert request.tag == "request"
    assert children(request) == REQUEST_ELEMENTS
    assert request.findtext("service_request_id") == event.number
    assert request.findtext("status") == "open"
    assert request.findtext("service_code") == "noise"
    assert request.findtext("service_name") == "噪声扰民"
    assert request.findtext("agency_responsible") == "武原街道综合信息指挥室"
    assert request.findtext("address_id") == county.wuyuan_grid.code
    assert request.findtext("media_url") == "https://img.example.cn/ktv.jpg"
    lat, lng = wgs84_of(county.wuyuan_grid)
    assert float(request.findtext("lat")) == pytest.approx(lat, abs=1e-5)
    assert float(request.findtext("long")) == pytest.approx(lng, abs=1e-5)


def test_a_request_reads_back_in_json_as_an_array_of_one(county, api_key, o311):
    event = submit(o311, api_key, county.wuyuan_grid)
    (request,) = body(o311.get(f"requests/{event.number}.json"))
    assert list(request) == REQUEST_ELEMENTS
    assert request["status"] == "open"
    assert request["zipcode"] is None and request["media_url"] is None
    assert isinstance(request["lat"], float) and isinstance(request["long"], float)
    assert request["requested_datetime"] == timezone.localtime(event.reported_at).isoformat(
        timespec="seconds"
    )
    assert request["expected_datetime"] == timezone.localtime(event.deadline_at).isoformat(
        timespec="seconds"
    )


def test_open311_output_never_carries_the_tracking_code_or_personal_data(county, api_key, o311):
    personal = {
        "first_name": "三",
        "last_name": "张",
        "phone": "13912345678",
        "email": "zhangsan@example.cn",
        "device_id": "imei-8613",
        "account_id": "acct-42",
    }
    posted = o311.post("requests.json", noise_request(api_key, county.wuyuan_grid, **personal))
    event = Event.objects.get()
    walk(county, event, EventState.HANDLING)
    texts = [posted.content.decode()] + [
        o311.get(path).content.decode()
        for path in (
            "requests.xml",
            "requests.json",
            f"requests/{event.number}.xml",
            f"requests/{event.number}.json",
            f"tokens/{event.open311.token}.json",
        )
    ]
    for text in texts:
        for secret in (
            event.tracking_code,
            "张三",
            "13912345678",
            "zhangsan",
            "imei-8613",
            "acct-42",
            "wuyuan_dispatcher",
            "wuyuan_officer",
            "核实为占道经营",
        ):
            assert secret not in text, secret


def test_only_requests_that_came_through_open311_are_published(county, api_key, o311):
    ours = submit(o311, api_key, county.wuyuan_grid)
    hotline = report(county, source=Source.HOTLINE)
    portal = event_services.create_event(
        by=None,
        source=Source.PUBLIC_PORTAL,
        description="路灯不亮",
        location=event_services.Location(region=county.wuyuan_grid),
    )
    assert [r["service_request_id"] for r in body(o311.get("requests.json"))] == [ours.number]
    for other in (hotline, portal):
        assert o311.get(f"requests/{other.number}.json").status_code == 404
    ids = f"{ours.number},{hotline.number},{portal.number}"
    assert [
        r["service_request_id"] for r in body(o311.get("requests.json", service_request_id=ids))
    ] == [ours.number]


def test_requests_are_listed_newest_first_and_filtered_by_service_code_and_status(
    county, api_key, o311
):
    first = submit(o311, api_key, county.wuyuan_grid)
    lat, lng = wgs84_of(county.ganpu_grid)
    second = Event.objects.get(
        number=body(
            o311.post(
                "requests.json",
                {
                    "api_key": api_key,
                    "service_code": "sanitation",
                    "lat": lat,
                    "long": lng,
                    "description": "垃圾满溢",
                },
            )
        )[0]["service_request_id"]
    )
    walk(county, first, EventState.CLOSED)

    def numbers(**params):
        return [r["service_request_id"] for r in body(o311.get("requests.json", **params))]

    assert numbers() == [second.number, first.number]
    assert numbers(service_code="noise") == [first.number]
    assert numbers(service_code="noise,sanitation") == [second.number, first.number]
    assert numbers(service_code="potholes") == []
    assert numbers(status="closed") == [first.number]
    assert numbers(status="open") == [second.number]
    assert numbers(status="open,closed") == [second.number, first.number]


def test_service_request_id_takes_a_comma_list_and_overrides_the_other_arguments(
    county, api_key, o311
):
    a = submit(o311, api_key, county.wuyuan_grid)
    b = submit(o311, api_key, county.wuyuan_grid)
    found = body(
        o311.get(
            "requests.json",
            service_request_id=f"{a.number}, {b.number}",
            service_code="sanitation",
            status="closed",
            start_date="2001-01-01T00:00:00Z",
            end_date="2001-02-01T00:00:00Z",
        )
    )
    assert {r["service_request_id"] for r in found} == {a.number, b.number}


def test_the_default_window_is_the_last_90_days(county, api_key, o311):
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=100), tick=False):
        old = submit(o311, api_key, county.wuyuan_grid)
    with time_machine.travel(now - dt.timedelta(days=89), tick=False):
        recent = submit(o311, api_key, county.wuyuan_grid)

    def numbers(**params):
        return [r["service_request_id"] for r in body(o311.get("requests.json", **params))]

    assert numbers() == [recent.number]
    # start_date alone: 90 days from it
    start = (now - dt.timedelta(days=180)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert numbers(start_date=start) == [old.number]
    # end_date alone: the 90 days before it
    end = timezone.localtime(now - dt.timedelta(days=95)).date().isoformat()
    assert numbers(end_date=end) == [old.number]
    # both, in the deployment's offset
    window = {
        "start_date": timezone.localtime(now - dt.timedelta(days=101)).isoformat(
            timespec="seconds"
        ),
        "end_date": timezone.localtime(now - dt.timedelta(days=12)).isoformat(timespec="seconds"),
    }
    assert numbers(**window) == [recent.number, old.number]


def test_at_most_the_1000_newest_requests_are_returned(
    county, api_key, o311, django_assert_max_num_queries
):
    client = Open311Client.objects.get()
    now = timezone.now()
    events = Event.objects.bulk_create(
        [
            Event(
                number=f"E20990101{i:05d}",
                tracking_code=f"T{i:09d}",
                source=Source.OPEN311,
                title="噪声",
                description=f"噪声 {i}",
                category_id=county.street_vending.pk,
                region=county.wuyuan_grid,
                reported_at=now - dt.timedelta(minutes=i),
                deadline_at=now + dt.timedelta(hours=8),
            )
            for i in range(1001)
        ]
    )
    if events[0].pk is None:  # a backend that does not return keys from bulk inserts
        events = list(Event.objects.filter(number__startswith="E20990101").order_by("number"))
    Open311Request.objects.bulk_create(
        [
            Open311Request(
                event=e, client=client, service_code="street-vending", token=f"t{e.number}"
            )
            for e in events
        ]
    )
    with django_assert_max_num_queries(12):
        response = o311.get("requests.json")
    found = body(response)
    assert len(found) == 1000
    assert found[0]["service_request_id"] == "E2099010100000"
    assert found[-1]["service_request_id"] == "E2099010100999"  # the oldest one is left out
    assert len(xml(o311.get("requests.xml"))) == 1000


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_token_gives_back_the_service_request_id(county, api_key, o311, fmt):
    event = submit(o311, api_key, county.wuyuan_grid)
    token = event.open311.token
    assert token != event.tracking_code
    response = o311.get(f"tokens/{token}.{fmt}")
    assert response.status_code == 200
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_requests"
        (request,) = root
        assert request.tag == "request" and children(request) == ["service_request_id", "token"]
        assert (request.findtext("service_request_id"), request.findtext("token")) == (
            event.number,
            token,
        )
    else:
        assert body(response) == [{"service_request_id": event.number, "token": token}]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_what_a_client_needs_parses_back_from_our_output(county, api_key, o311, fmt):
    """A client keeps: ID, status, notes, service, times (tz-aware), place (WGS-84), agency."""
    event = submit(o311, api_key, county.ganpu_grid)
    response = o311.get(f"requests.{fmt}")
    if fmt == "xml":
        records = [{child.tag: child.text for child in request} for request in xml(response)]
    else:
        records = json.loads(response.content)
    (record,) = records
    assert record["service_request_id"] == event.number
    assert record["status"] in ("open", "closed")
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        moment = dt.datetime.fromisoformat(record[name])
        assert moment.utcoffset() == dt.timedelta(hours=8)
    assert dt.datetime.fromisoformat(record["requested_datetime"]) == event.reported_at.replace(
        microsecond=0
    )
    lat, lng = wgs84_of(county.ganpu_grid)
    assert (float(record["lat"]), float(record["long"])) == pytest.approx((lat, lng), abs=1e-5)
    assert (
        record["service_code"] == "noise" and record["agency_responsible"] == "澉浦镇综合信息指挥室"
    )
    assert record["status_notes"] and record["address"].startswith("澉浦镇")


def test_listing_requests_costs_the_same_few_queries_however_many_there_are(
    county, api_key, o311, django_assert_max_num_queries
):
    for _i in range(3):
        walk(county, submit(o311, api_key, county.wuyuan_grid), EventState.HANDLING)
    with django_assert_max_num_queries(12) as few:
        o311.get("requests.json")
    queries = len(few)
    for _i in range(6):
        walk(county, submit(o311, api_key, county.wuyuan_grid), EventState.ACCEPTED)
    with django_assert_max_num_queries(queries):
        assert len(body(o311.get("requests.json"))) == 9


def test_text_with_characters_xml_cannot_carry_still_reads_as_xml(county, api_key, o311):
    event = submit(o311, api_key, county.wuyuan_grid, description="铃声\x07太吵 <KTV> & 酒吧")
    (request,) = xml(o311.get(f"requests/{event.number}.xml"))
    assert request.findtext("description") == "铃声太吵 <KTV> & 酒吧"
    assert (
        body(o311.get(f"requests/{event.number}.json"))[0]["description"]
        == "铃声\x07太吵 <KTV> & 酒吧"
    )
