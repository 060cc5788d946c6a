"""Fixtures of the Open311 tests: the Haiyan test county with every shipped category, a
client with an API key, and small helpers to call the endpoint and read its answers."""

from __future__ import annotations

import json
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from civicloop.events.demo import load_categories
from civicloop.open311 import services
from civicloop.org.geo import gcj02_to_wgs84

BASE = "/open311/v2/"


@pytest.fixture
def county(world):
    """The test county with all 25 shipped categories (noise, transport, sanitation …)."""
    load_categories()
    return world


@pytest.fixture
def api_key(county) -> str:
    _client, key = services.issue_key(name="城市通 App", contact="ops@example.cn")
    return key


def wgs84_of(region) -> tuple[float, float]:
    """A region's (stored GCJ-02) point as the WGS-84 lat, long a phone would send."""
    lng, lat = gcj02_to_wgs84(float(region.longitude), float(region.latitude))
    return lat, lng


class Open311:
    """Calls ``/open311/v2/…`` like a client would and parses what comes back. Error
    descriptions follow the request's language: the tests ask for English, so that they
    read the same before and after the catalogue is translated."""

    def __init__(self, language: str = "en") -> None:
        self.http = Client(HTTP_ACCEPT_LANGUAGE=language)

    def get(self, path: str, **params):
        query = f"?{urlencode(params, doseq=True)}" if params else ""
        return self.http.get(BASE + path + query)

    def post(self, path: str, data: dict, *, multipart: bool = False):
        if multipart:
            return self.http.post(BASE + path, data)
        return self.http.post(
            BASE + path,
            urlencode(data, doseq=True),
            content_type="application/x-www-form-urlencoded; charset=utf-8",
        )


@pytest.fixture
def o311() -> Open311:
    return Open311()


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8", response["Content-Type"]
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def body(response):
    assert response["Content-Type"] == "application/json; charset=utf-8", response["Content-Type"]
    return json.loads(response.content)


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def error_descriptions(response) -> list[str]:
    """The descriptions of a spec-format error response, in either format."""
    if response["Content-Type"].startswith("text/xml"):
        root = xml(response)
        assert root.tag == "errors"
        assert all(children(e) == ["code", "description"] for e in root)
        return [e.findtext("description") for e in root]
    errors = body(response)
    assert isinstance(errors, list) and errors
    assert all(set(e) == {"code", "description"} for e in errors)
    return [e["description"] for e in errors]


def noise_request(api_key: str, region, **extra) -> dict:
    """A valid POST of a noise complaint at ``region``'s point."""
    lat, lng = wgs84_of(region)
    data = {
        "api_key": api_key,
        "service_code": "noise",
        "lat": f"{lat:.6f}",
        "long": f"{lng:.6f}",
        "description": "小区楼下KTV每晚唱到凌晨两点，严重影响休息",
        "attribute[noise_source]": "commercial",
        "attribute[noise_period]": "night",
    }
    data.update(extra)
    return data
