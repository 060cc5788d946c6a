"""The work log and the points ledger over REST: read-only; the work log is seen by place (a
grid's team sees its grid, a town its town), points by person; a point names its record."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from civicloop.scoring import ledger

from .conftest import local

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_grid_worker_reads_his_grids_visits_and_only_his_own_points(world, rules, visit):
    mine = visit(local(dt.date(2026, 4, 3), 9))
    butlers = visit(local(dt.date(2026, 4, 3), 10), by=world.red_butler)
    ledger.recompute()
    client = api(world.grid_worker)
    visits = client.get("/api/patrol-visits/").json()["results"]
    assert {row["id"] for row in visits} == {mine.pk, butlers.pk}
    assert visits[0]["region_code"] == world.wuyuan_grid.code
    other_town = api(world.ganpu_dispatcher)
    assert other_town.get("/api/patrol-visits/").json()["results"] == []
    assert other_town.get(f"/api/patrol-visits/{mine.pk}/").status_code == 404
    points = client.get("/api/point-entries/").json()["results"]
    assert points and all(row["person"] == world.grid_worker.username for row in points)
    assert {"type": "patrolvisit", "id": mine.pk} in [row["source"] for row in points]


def test_the_county_centre_sees_every_grid_workers_visits(world, rules, visit):
    visit(local(dt.date(2026, 4, 3), 9))
    visit(local(dt.date(2026, 4, 3), 10), by=world.red_butler)
    rows = api(world.centre).get("/api/patrol-visits/").json()["results"]
    assert {row["recorded_by"] for row in rows} == {"grid_worker", "red_butler"}


def test_the_work_log_api_is_read_only_and_needs_a_sign_in(world):
    assert APIClient().get("/api/patrol-visits/").status_code in (401, 403)
    assert api(world.grid_worker).post("/api/grid-activities/", {}).status_code == 405
