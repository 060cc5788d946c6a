"""The toolkit over REST: the same data as the pages, from the latest version or an older
one, documented in the OpenAPI schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from civicloop.gridkit import services
from civicloop.testing.matters import grant

from .conftest import TODAY, reports


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world.wuyuan_dispatcher)
    return client


def url(world, suffix: str = "") -> str:
    return f"/api/gridkit/grids/{world.wuyuan_grid.code}/{suffix}"


def test_the_list_shows_my_grids_with_their_latest_version(world, api):
    services.refresh_toolkit(world.wuyuan_grid)
    rows = api.get("/api/gridkit/grids/").json()["results"]
    assert [r["code"] for r in rows] == [world.wuyuan_grid.code, world.wuyuan_grid2.code]
    assert rows[0]["latest_version"] == 1 and rows[1]["latest_version"] is None
    assert (
        rows[0]["village"]["name"] == world.wuyuan_village.name
        and rows[0]["town"]["code"] == world.wuyuan.code
    )
    assert api.get(url(world)).json()["code"] == world.wuyuan_grid.code


def test_the_card_endpoint_gives_items_handlers_and_contacts(world, api, zd001_held):
    reports(world, 5, matter=zd001_held)
    data = api.get(url(world, "card/")).json()
    assert data["version"]["number"] == 1 and data["version"]["generated_by"] == ""
    assert data["basis"]["level"] == "grid"
    item = data["items"][0]
    assert item["key"] == "matter:ZD-001" and item["count"] == 5
    assert item["handler"]["code"] == world.wuyuan_squad.code and item["rule"] == "town_holds"
    assert data["report"]["red_butler"]["phone"] == "138****0000"
    assert data["report"]["public_report_url"] == "http://testserver/report/"


def test_an_older_version_is_served_on_request(world, api, zd001):
    reports(world, 5, matter=zd001)
    services.refresh_toolkit(world.wuyuan_grid)
    grant(world, zd001, start=TODAY)
    api.post(url(world, "refresh/"))
    assert (
        api.get(url(world, "card/")).json()["items"][0]["handler"]["code"]
        == world.wuyuan_squad.code
    )
    older = api.get(url(world, "card/"), {"version": 1}).json()
    assert (
        older["version"]["number"] == 1
        and older["items"][0]["handler"]["code"] == world.dept_zhzf.code
    )
    assert api.get(url(world, "card/"), {"version": 7}).status_code == 404
    versions = api.get(url(world, "versions/")).json()
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[0]["generated_by"] == "wuyuan_dispatcher"


def test_the_refresh_endpoint_says_whether_a_version_was_made(world, api):
    first = api.post(url(world, "refresh/")).json()
    again = api.post(url(world, "refresh/")).json()
    assert first["created"] is True and again["created"] is False
    assert again["version"]["number"] == 1


def test_the_flowchart_endpoint_draws_a_class(world, api, zd001_held):
    reports(world, 5, matter=zd001_held)
    data = api.get(url(world, "flowchart/")).json()
    assert data["key"] == "matter:ZD-001" and data["live"] is False
    assert data["classes"] == ["matter:ZD-001", "none"]
    assert [s["transition"] for s in data["steps"]][:2] == ["judge", "dispatch"]
    other = api.get(url(world, "flowchart/"), {"class": "category:food-safety"}).json()
    assert other["live"] is True
    accept = next(s for s in other["steps"] if s["transition"] == "accept")
    assert accept["who"][0]["names"] == ["县市场监督管理局"]
    assert api.get(url(world, "flowchart/"), {"class": "category:nope"}).status_code == 404


def test_the_forms_endpoint_gives_the_blank_forms(world, api):
    data = api.get(url(world, "forms/")).json()
    assert [f["kind"] for f in data["forms"]] == ["collection", "feedback", "satisfaction"]
    assert data["forms"][0]["unit"] == "百可第1网格队伍"


def test_the_schema_documents_the_toolkit_endpoints():
    from django.test import Client

    schema = Client().get("/api/schema/", {"format": "json"}).json()
    for path in [
        "/api/gridkit/grids/",
        "/api/gridkit/grids/{code}/",
        "/api/gridkit/grids/{code}/card/",
        "/api/gridkit/grids/{code}/map/",
        "/api/gridkit/grids/{code}/flowchart/",
        "/api/gridkit/grids/{code}/forms/",
        "/api/gridkit/grids/{code}/versions/",
        "/api/gridkit/events/{id}/",
    ]:
        assert "get" in schema["paths"][path], path
    assert "post" in schema["paths"]["/api/gridkit/grids/{code}/refresh/"]
