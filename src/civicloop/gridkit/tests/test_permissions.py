"""Who may open a grid's toolkit: those whose area covers the grid (the county all grids, a
town's dispatchers its grids, a station its village's, a grid team its own), the town
squad for its town; nobody else, and never the public — on pages, files and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from civicloop.gridkit.permissions import grids_visible_to
from civicloop.testing.journeys import report

GRID_PAGES = [
    "gridkit:toolkit",
    "gridkit:card",
    "gridkit:map",
    "gridkit:flowchart",
    "gridkit:forms",
    "gridkit:versions",
]
GRID_FILES = ["gridkit:card-file", "gridkit:forms-file"]
API = ["", "card/", "map/", "flowchart/", "forms/", "versions/"]

# username → the world's grids they may open
MATRIX = {
    "centre": {"wuyuan_grid", "wuyuan_grid2", "ganpu_grid"},
    "leader": {"wuyuan_grid", "wuyuan_grid2", "ganpu_grid"},
    "admin": {"wuyuan_grid", "wuyuan_grid2", "ganpu_grid"},
    "wuyuan_dispatcher": {"wuyuan_grid", "wuyuan_grid2"},
    "ganpu_dispatcher": {"ganpu_grid"},
    "wuyuan_officer": {"wuyuan_grid", "wuyuan_grid2"},
    "station_staff": {"wuyuan_grid"},
    "grid_worker": {"wuyuan_grid"},
    "red_butler": {"wuyuan_grid"},
    "other_grid_worker": {"wuyuan_grid2"},
    "ganpu_grid_worker": {"ganpu_grid"},
    "emergency_officer": set(),
    "dept_officer": set(),
    "legal_reviewer": set(),
    "lawyer": set(),
    "assessor": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("username, expected", sorted(MATRIX.items()))
def test_each_role_sees_exactly_the_grids_of_its_area(world, username, expected):
    user = world.users[username]
    assert {g.code for g in grids_visible_to(user)} == {
        getattr(world, name).code for name in expected
    }


def test_a_grid_worker_of_another_town_cannot_open_this_grids_toolkit(world, client):
    client.force_login(world.ganpu_grid_worker)
    code = world.wuyuan_grid.code
    for name in GRID_PAGES:
        assert client.get(reverse(name, args=[code])).status_code == 404, name
    for name in GRID_FILES:
        assert client.get(reverse(name, args=[code, "docx"])).status_code == 404, name
    assert client.post(reverse("gridkit:refresh", args=[code])).status_code == 404
    api = APIClient()
    api.force_authenticate(world.ganpu_grid_worker)
    for suffix in API:
        assert api.get(f"/api/gridkit/grids/{code}/{suffix}").status_code == 404, suffix
    assert api.post(f"/api/gridkit/grids/{code}/refresh/").status_code == 404
    listed = api.get("/api/gridkit/grids/").json()["results"]
    assert [g["code"] for g in listed] == [world.ganpu_grid.code]


def test_a_grid_worker_of_the_neighbouring_grid_cannot_open_it_either(world, client):
    client.force_login(world.other_grid_worker)
    assert client.get(reverse("gridkit:card", args=[world.wuyuan_grid.code])).status_code == 404
    assert client.get(reverse("gridkit:card", args=[world.wuyuan_grid2.code])).status_code == 200


def test_the_public_never_sees_a_toolkit(world, client):
    code = world.wuyuan_grid.code
    for name in GRID_PAGES:
        response = client.get(reverse(name, args=[code]))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), (
            name
        )
    for suffix in API:
        assert APIClient().get(f"/api/gridkit/grids/{code}/{suffix}").status_code in (401, 403), (
            suffix
        )
    event = report(world)
    assert client.get(reverse("gridkit:event-forms", args=[event.pk])).status_code == 302
    assert APIClient().get(f"/api/gridkit/events/{event.pk}/").status_code in (401, 403)


def test_the_forms_of_an_event_follow_the_events_scope(world, client):
    event = report(world)
    client.force_login(world.ganpu_dispatcher)
    assert client.get(reverse("gridkit:event-forms", args=[event.pk])).status_code == 404
    assert (
        client.get(reverse("gridkit:event-forms-file", args=[event.pk, "xlsx"])).status_code == 404
    )
    client.force_login(world.wuyuan_dispatcher)
    assert client.get(reverse("gridkit:event-forms", args=[event.pk])).status_code == 200


def test_my_grid_leads_a_grid_worker_to_their_grid_and_a_dispatcher_to_their_towns_grids(
    world, client
):
    client.force_login(world.grid_worker)
    response = client.get(reverse("gridkit:mine"))
    assert response["Location"] == reverse("gridkit:toolkit", args=[world.wuyuan_grid.code])
    client.force_login(world.wuyuan_dispatcher)
    assert client.get(reverse("gridkit:mine"))["Location"] == reverse("gridkit:index")
    page = client.get(reverse("gridkit:index")).content.decode()
    assert (
        f'data-grid="{world.wuyuan_grid.code}"' in page
        and f'data-grid="{world.wuyuan_grid2.code}"' in page
    )
    assert f'data-grid="{world.ganpu_grid.code}"' not in page


def test_the_county_picks_a_town_in_the_list(world, client):
    client.force_login(world.centre)
    page = client.get(reverse("gridkit:index"), {"town": world.ganpu.code}).content.decode()
    assert (
        f'data-grid="{world.ganpu_grid.code}"' in page
        and f'data-grid="{world.wuyuan_grid.code}"' not in page
    )
    page = client.get(reverse("gridkit:index"), {"q": "枣园"}).content.decode()
    assert (
        f'data-grid="{world.wuyuan_grid2.code}"' in page
        and f'data-grid="{world.wuyuan_grid.code}"' not in page
    )


def test_the_navigation_says_my_grid_to_grid_staff_and_nothing_to_those_without_grids(
    world, client
):
    client.force_login(world.grid_worker)
    page = client.get(reverse("events:queue")).content.decode()
    nav = page[page.index('id="nav-gridkit"') - 60 : page.index('id="nav-gridkit"') + 60]
    assert f'href="{reverse("gridkit:mine")}"' in nav
    client.force_login(world.wuyuan_dispatcher)
    page = client.get(reverse("events:queue")).content.decode()
    assert 'id="nav-gridkit"' in page
    client.force_login(world.legal_reviewer)
    assert 'id="nav-gridkit"' not in client.get(reverse("events:queue")).content.decode()
