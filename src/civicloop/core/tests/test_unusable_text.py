"""NUL characters and lone surrogates are refused with 400 at one input layer, before any lookup
reaches the database (they used to end in a 500 on PostgreSQL): in the path, the query, form
fields and JSON bodies, with and without sign-in; nothing is stored."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from civicloop.events.models import Event

pytestmark = pytest.mark.django_db


def refused_as_json(response) -> bool:
    return response.status_code == 400 and response.json()["code"] == "invalid_text"


def test_a_nul_in_a_public_tracking_code_or_query_is_a_400_page(world, client):
    for url in ("/track/AB%00CD/", "/track/?code=AB%00CD"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert 'id="bad-request"' in response.content.decode()


def test_a_nul_in_a_staff_search_is_a_400(world, client):
    client.force_login(world.grid_worker)
    assert client.get("/events/?q=%E5%8D%A0%00").status_code == 400
    assert client.get("/events/?q=%E5%8D%A0").status_code == 200  # the same search without it


def test_a_nul_in_a_form_field_stores_nothing(world, client):
    response = client.post(
        "/report/", {"description": "下水道堵塞\x00", "region": world.wuyuan_village.pk}
    )
    assert response.status_code == 400
    assert not Event.objects.exists()


@pytest.mark.parametrize("text", ["乱收费\u0000", "乱收费\ud800"])
def test_a_nul_or_a_lone_surrogate_in_json_is_a_400_and_stores_nothing(world, text):
    body = json.dumps({"description": text, "address": "澉浦镇南北湖村"})
    assert "\\u" in body  # sent escaped, as a JSON client does
    response = APIClient().post("/api/public/reports/", body, content_type="application/json")
    assert refused_as_json(response)
    assert not Event.objects.exists()


def test_a_nul_in_an_open311_lookup_is_a_400(world):
    client = APIClient()
    assert refused_as_json(client.get("/open311/v2/requests/1%00.json"))
    assert refused_as_json(client.get("/open311/v2/services.json?service_code=a%00"))


def test_ordinary_text_and_files_pass(world, client):
    # A NUL inside an uploaded photo's bytes is data, not text: not looked at.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from civicloop.events.tests.test_intake import png_bytes

    response = client.post(
        "/report/",
        {
            "description": "下水道堵塞",
            "region": world.wuyuan_village.pk,
            "attachments": SimpleUploadedFile("p.png", png_bytes()),
        },
    )
    assert b"\x00" in png_bytes()
    assert response.status_code == 200 and Event.objects.count() == 1  # the receipt
