"""The read-only organisation endpoints: regions, units and event categories."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def client(world):
    client = APIClient()
    client.force_authenticate(world.grid_worker)
    return client


def codes(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["code"] for row in response.json()["results"]]


def test_regions_are_paginated_and_ordered_by_code(client):
    response = client.get("/api/regions/")
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 9
    assert codes(response) == sorted(codes(response))


def test_regions_filter_by_level_parent_and_code_prefix(world, client):
    assert codes(client.get("/api/regions/", {"level": "town"})) == [
        world.wuyuan.code,
        world.ganpu.code,
    ]
    assert codes(client.get("/api/regions/", {"parent": world.wuyuan.code})) == [
        world.wuyuan_village.code,
        world.wuyuan_village2.code,
    ]
    assert codes(client.get("/api/regions/", {"code_prefix": "330424105"})) == [
        world.ganpu.code,
        world.ganpu_village.code,
        world.ganpu_grid.code,
    ]
    assert codes(
        client.get("/api/regions/", {"level": ["village", "grid"], "code_prefix": "330424001001"})
    ) == [world.wuyuan_village.code, world.wuyuan_grid.code]


def test_a_region_is_found_by_its_division_code(world, client):
    body = client.get(f"/api/regions/{world.wuyuan_grid.code}/").json()
    assert (body["name"], body["level"], body["parent"]) == (
        world.wuyuan_grid.name,
        "grid",
        world.wuyuan_village.code,
    )
    assert client.get("/api/regions/330424999999/").status_code == 404


def test_units_filter_by_kind_region_and_area(world, client):
    assert codes(client.get("/api/units/", {"kind": "squad"})) == [
        "330424001-squad",
        "330424105-squad",
    ]
    assert set(codes(client.get("/api/units/", {"region": world.wuyuan.code}))) == {
        "330424001-command",
        "330424001-squad",
    }
    assert set(codes(client.get("/api/units/", {"within": world.wuyuan_village.code}))) == {
        "330424001001-station",
        "330424001001001-team",
    }
    assert codes(client.get("/api/units/", {"within": "330424999999"})) == []


def test_a_unit_is_found_by_its_code(client):
    body = client.get("/api/units/dept-scjg/").json()
    assert (body["kind"], body["region"]["level"]) == ("department", "county")


def test_categories_are_listed_with_their_routing_facts(world, client):
    rows = {row["code"]: row for row in client.get("/api/categories/").json()["results"]}
    assert set(rows) == {"street-vending", "food-safety", "disputes"}
    assert rows["food-safety"]["department"]["code"] == "dept-scjg"
    assert rows["food-safety"]["town_may_handle"] is False
    assert codes(client.get("/api/categories/", {"handling_level": "village"})) == ["disputes"]
    assert client.get("/api/categories/food-safety/").json()["name"] == "食品安全"


@pytest.mark.parametrize("path", ["/api/regions/", "/api/units/", "/api/categories/"])
def test_the_organisation_is_read_only_and_needs_a_sign_in(client, path):
    assert client.post(path, {"code": "x"}, format="json").status_code == 405
    assert APIClient().get(path).status_code == 401
