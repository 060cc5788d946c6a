"""POST Service Request: a request enters the same event loop as every other source,
attributed to the client that sent it (GeoReport v2 "POST Service Request")."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from civicloop.events.choices import AttachmentStage, EventState, Source
from civicloop.events.models import Event
from civicloop.open311.models import Open311Client, Open311Request

from .conftest import body, children, noise_request, wgs84_of, xml


def test_a_form_encoded_request_becomes_an_event_attributed_to_the_client(county, api_key, o311):
    response = o311.post("requests.xml", noise_request(api_key, county.wuyuan_grid))
    assert response.status_code == 200
    root = xml(response)
    assert root.tag == "service_requests"
    (request,) = root
    assert request.tag == "request"
    # realtime: the ID at once, and then no token (the spec: one or the other).
    assert children(request) == ["service_request_id", "service_notice", "account_id"]
    event = Event.objects.get()
    assert request.findtext("service_request_id") == event.number
    assert request.findtext("service_notice")
    assert (event.source, event.reported_by, event.state) == (
        Source.OPEN311,
        None,
        EventState.COLLECTED,
    )
    assert (event.category.code, event.region) == ("noise", county.wuyuan_grid)
    assert event.description == "小区楼下KTV每晚唱到凌晨两点，严重影响休息"
    collect = event.history.get()
    assert (collect.action, collect.actor, collect.to_state, collect.details["source"]) == (
        "collect",
        None,
        EventState.COLLECTED,
        Source.OPEN311,
    )
    link = Open311Request.objects.get()
    assert (link.event, link.client, link.service_code) == (
        event,
        Open311Client.objects.get(),
        "noise",
    )
    assert link.attributes == {"noise_source": "commercial", "noise_period": "night"}


def test_the_json_answer_to_a_post_is_an_array_of_one_request(county, api_key, o311):
    response = o311.post("requests.json", noise_request(api_key, county.wuyuan_grid))
    assert response.status_code == 200
    (answer,) = body(response)
    assert list(answer) == ["service_request_id", "service_notice", "account_id"]
    assert answer["service_request_id"] == Event.objects.get().number
    assert answer["account_id"] is None


def test_coordinates_are_taken_as_wgs84_and_stored_in_the_map_datum(county, api_key, o311):
    lat, lng = wgs84_of(county.ganpu_grid)
    o311.post("requests.xml", noise_request(api_key, county.ganpu_grid))
    event = Event.objects.get()
    assert event.region == county.ganpu_grid
    # stored GCJ-02 is the grid's own (GCJ-02) point, not the WGS-84 numbers sent
    assert (float(event.latitude), float(event.longitude)) == pytest.approx(
        (float(county.ganpu_grid.latitude), float(county.ganpu_grid.longitude)), abs=1e-5
    )
    assert abs(float(event.latitude) - lat) > 1e-3


def test_name_and_phone_become_the_masked_reporter_fields_and_the_rest_stays_with_the_request(
    county, api_key, o311
):
    o311.post(
        "requests.xml",
        noise_request(
            api_key,
            county.wuyuan_grid,
            first_name="三",
            last_name="张",
            phone="+86 139 1234 5678",
            email="zhangsan@example.cn",
            device_id="device-1",
            account_id="acct-42",
            media_url="https://img.example.cn/ktv.jpg",
        ),
    )
    event = Event.objects.get()
    assert (event.reporter_name, event.reporter_phone) == ("张三", "13912345678")
    link = event.open311
    assert (link.email, link.device_id, link.account_id, link.media_url) == (
        "zhangsan@example.cn",
        "device-1",
        "acct-42",
        "https://img.example.cn/ktv.jpg",
    )


def test_latin_names_keep_the_given_name_first(county, api_key, o311):
    o311.post(
        "requests.xml",
        noise_request(api_key, county.wuyuan_grid, first_name="John", last_name="Smith"),
    )
    assert Event.objects.get().reporter_name == "John Smith"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_multipart_request_may_carry_a_media_file(county, api_key, o311):
    data = noise_request(api_key, county.wuyuan_grid)
    data["media"] = SimpleUploadedFile("ktv.png", _png(), content_type="image/png")
    response = o311.post("requests.json", data, multipart=True)
    assert response.status_code == 200, response.content
    (attachment,) = Event.objects.get().attachments.all()
    assert (attachment.stage, attachment.content_type, attachment.uploaded_by) == (
        AttachmentStage.INTAKE,
        "image/png",
        None,
    )


def test_a_media_file_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(
    county, api_key, o311
):
    data = noise_request(api_key, county.wuyuan_grid)
    data["media"] = SimpleUploadedFile("ktv.png", b"MZ not a picture", content_type="image/png")
    response = o311.post("requests.json", data, multipart=True)
    assert response.status_code == 400
    assert "media" in body(response)[0]["description"]
    assert not Event.objects.exists()


def test_an_address_string_naming_a_village_places_the_request_there(county, api_key, o311):
    data = noise_request(
        api_key,
        county.wuyuan_grid,
        lat="",
        long="",
        address_string="海盐县澉浦镇南北湖村 景区停车场东侧",
    )
    response = o311.post("requests.xml", data)
    assert response.status_code == 200, response.content
    event = Event.objects.get()
    assert event.region == county.ganpu_grid
    assert event.address == "海盐县澉浦镇南北湖村 景区停车场东侧"
    assert event.latitude is None
    assert event.open311.address_string == "海盐县澉浦镇南北湖村 景区停车场东侧"


def test_an_address_id_is_one_of_our_division_codes(county, api_key, o311):
    data = noise_request(
        api_key, county.wuyuan_grid, lat="", long="", address_id=county.wuyuan_village2.code
    )
    assert o311.post("requests.xml", data).status_code == 200
    event = Event.objects.get()
    assert event.region == county.wuyuan_village2
    assert event.open311.address_id == county.wuyuan_village2.code


def test_bound_attributes_fill_the_time_it_happened_and_anonymity(county, api_key, o311):
    o311.post(
        "requests.xml",
        noise_request(
            api_key,
            county.wuyuan_grid,
            **{
                "attribute[occurred_at]": "2024-05-01T22:30:00+08:00",
                "attribute[anonymous]": "yes",
            },
        ),
    )
    event = Event.objects.get()
    assert event.occurred_at.isoformat() == "2024-05-01T14:30:00+00:00"
    assert event.is_anonymous is True
    assert event.open311.attributes["occurred_at"] == "2024-05-01T22:30:00+08:00"
    assert event.open311.attributes["anonymous"] == "yes"


def test_a_multivaluelist_attribute_takes_several_values(county, api_key, o311):
    lat, lng = wgs84_of(county.wuyuan_grid)
    response = o311.post(
        "requests.xml",
        {
            "api_key": api_key,
            "service_code": "sanitation",
            "lat": lat,
            "long": lng,
            "description": "路口垃圾桶满溢，旁边还有装修垃圾",
            "attribute[waste_kinds][]": ["household", "construction", "household"],
        },
    )
    assert response.status_code == 200, response.content
    assert Open311Request.objects.get().attributes == {"waste_kinds": ["household", "construction"]}


def test_a_request_without_description_is_described_by_its_service(county, api_key, o311):
    response = o311.post("requests.xml", noise_request(api_key, county.wuyuan_grid, description=""))
    assert response.status_code == 200
    assert Event.objects.get().description == "噪声扰民"


def test_the_service_notice_comes_from_the_service_profile(county, api_key, o311):
    lat, lng = wgs84_of(county.wuyuan_grid)
    response = o311.post(
        "requests.json",
        {
            "api_key": api_key,
            "service_code": "gas-safety",
            "lat": lat,
            "long": lng,
            "description": "小吃店门口堆放了很多液化气瓶",
        },
    )
    assert "119" in body(response)[0]["service_notice"]


def test_jurisdiction_id_in_the_body_is_accepted(county, api_key, o311):
    response = o311.post(
        "requests.xml", noise_request(api_key, county.wuyuan_grid, jurisdiction_id="330424")
    )
    assert response.status_code == 200


def test_clients_post_without_a_csrf_token(county, api_key):
    response = Client(enforce_csrf_checks=True).post(
        "/open311/v2/requests.xml",
        urlencode(noise_request(api_key, county.wuyuan_grid)),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
