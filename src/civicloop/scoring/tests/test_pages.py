"""The phone pages of the work log, my points with each entry's record, the ranking by scope,
the export and the figures."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from civicloop.core.figures import Period, figures
from civicloop.scoring import ledger
from civicloop.scoring.models import Activity, PatrolVisit, PointEntry
from civicloop.testing.events import local

pytestmark = pytest.mark.django_db


def test_a_grid_worker_lands_on_their_phone_home_with_four_entries(world, client):
    client.force_login(world.grid_worker)
    assert client.get("/")["Location"] == reverse("scoring:home")
    page = client.get(reverse("scoring:home")).content.decode()
    for tile, url in [
        ("tile-visit", reverse("scoring:visit-new")),
        ("tile-report", reverse("events:new")),
        ("tile-tasks", reverse("events:queue")),
        ("tile-points", reverse("scoring:mine")),
    ]:
        assert f'href="{url}" class="tile" id="{tile}"' in page
    client.force_login(world.wuyuan_dispatcher)
    assert client.get("/")["Location"] == reverse("work-queue")


def test_logging_a_visit_on_the_page_stores_it_once_per_client_key(world, client):
    client.force_login(world.grid_worker)
    form = client.get(reverse("scoring:visit-new")).content.decode()
    assert 'data-offline-draft="civicloop.scoring.visit.' in form
    data = {
        "region": world.wuyuan_grid.pk,
        "visited_at": "",
        "note": "巡查沿街商铺",
        "latitude": "30.52",
        "longitude": "120.94",
        "client_key": "8f14e45f-ceea-467f-a0e5-b5a0e5f1c001",
    }
    first = client.post(reverse("scoring:visit-new"), data)
    again = client.post(reverse("scoring:visit-new"), data)
    visit = PatrolVisit.objects.get()
    assert first["Location"] == again["Location"] == reverse("scoring:visit", args=[visit.pk])
    assert visit.latitude is not None and float(visit.latitude) != 30.52  # stored as GCJ-02
    worklog = client.get(reverse("scoring:worklog")).content.decode()
    assert reverse("scoring:visit", args=[visit.pk]) in worklog
    client.force_login(world.ganpu_grid_worker)
    assert client.get(reverse("scoring:visit", args=[visit.pk])).status_code == 404


def test_a_visit_outside_ones_area_is_refused_in_chinese_and_nothing_is_stored(world, client):
    client.force_login(world.grid_worker)
    response = client.post(
        reverse("scoring:visit-new"), {"region": world.ganpu_grid.pk, "note": "越界"}
    )
    assert response.status_code == 400
    assert "选择" in response.content.decode() or "区域" in response.content.decode()
    assert not PatrolVisit.objects.exists()


def test_logging_an_activity_on_the_page(world, client):
    client.force_login(world.red_butler)
    response = client.post(
        reverse("scoring:activity-new"),
        {
            "kind": "law_talk",
            "topic": "反电诈普法宣传",
            "region": world.wuyuan_grid.pk,
            "participant_count": "35",
            "participant_names": "",
        },
    )
    activity = Activity.objects.get()
    assert response["Location"] == reverse("scoring:activity", args=[activity.pk])
    assert (activity.participant_count, activity.recorded_by) == (35, world.red_butler)


def test_my_points_list_each_entry_with_a_link_to_its_record(world, rules, visit, client):
    made = visit(local(dt.date(2026, 2, 3)))
    ledger.recompute()
    client.force_login(world.grid_worker)
    page = client.get(reverse("scoring:mine") + "?period=2026Q1").content.decode()
    assert reverse("scoring:visit", args=[made.pk]) in page
    assert 'id="points-total">101' in page


def test_the_ranking_is_for_supervisors_and_shows_their_own_staff(world, rules, client):
    client.force_login(world.grid_worker)
    assert client.get(reverse("scoring:ranking")).status_code == 403
    client.force_login(world.wuyuan_dispatcher)
    page = client.get(reverse("scoring:ranking") + "?period=2026Q1").content.decode()
    assert 'data-person="grid_worker"' in page
    assert 'data-person="ganpu_grid_worker"' not in page
    client.force_login(world.centre)
    page = client.get(reverse("scoring:ranking") + "?period=2026Q1").content.decode()
    assert 'data-person="ganpu_grid_worker"' in page


def test_the_annual_export_has_totals_entries_and_outcomes(world, rules, visit, client):
    visit(local(dt.date(2026, 2, 3)))
    ledger.recompute()
    client.force_login(world.wuyuan_dispatcher)
    response = client.get(reverse("scoring:export") + "?year=2026")
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 3
    totals = list(book.worksheets[0].values)
    row = next(r for r in totals if r[0] == "grid_worker")
    assert row[3] == 101  # Q1 total
    entries = list(book.worksheets[1].values)
    assert any(r[0] == "grid_worker" and r[3] == 1 for r in entries[1:])
    assert not any(r[0] == "ganpu_grid_worker" for r in totals)


def test_the_figures_count_visits_activities_and_points(world, rules, visit):
    visit(local(dt.date(2026, 2, 3)))
    visit(local(dt.date(2026, 2, 4)), by=world.ganpu_grid_worker, region=world.ganpu_grid)
    ledger.recompute()
    q1 = Period.quarter(2026, 1)
    assert figures.get("scoring.patrol_visits").value(q1) == 2
    assert figures.get("scoring.patrol_visits").value(q1, world.wuyuan) == 1
    distribution = figures.get("scoring.points_distribution").value(q1, world.wuyuan)
    assert distribution["0-9"] >= 1 and sum(distribution.values()) >= 2
    roles = figures.get("scoring.staff_by_role").value(q1, world.ganpu)
    assert roles["professional_grid_worker"] == 1 and roles["red_butler"] == 1
    assert PointEntry.objects.count() == 2


def test_an_appeal_filed_and_decided_on_the_pages_leaves_its_history(world, rules, visit, client):
    visit(local(dt.date(2026, 2, 3)))
    ledger.recompute()
    entry = PointEntry.objects.get()
    client.force_login(world.grid_worker)
    response = client.post(reverse("scoring:appeal-new", args=[entry.pk]), {"reason": "漏记一次"})
    appeal_url = response["Location"]
    client.force_login(world.wuyuan_dispatcher)
    assert 'id="decision-form"' in client.get(appeal_url).content.decode()
    response = client.post(appeal_url, {"upheld": "1", "points": "2", "decision": "核实属实"})
    assert response.status_code == 302
    page = client.get(appeal_url).content.decode()
    assert 'data-action="uphold"' in page and "支持申诉" in page
    assert PointEntry.objects.filter(item="appeal_adjustment").get().points == 1


def test_a_supervisor_records_a_quarter_rating_from_the_ranking(world, rules, client):
    from civicloop.scoring.models import Outcome

    client.force_login(world.wuyuan_dispatcher)
    page = client.get(reverse("scoring:ranking") + "?period=2026Q1").content.decode()
    assert 'class="inline-form outcome-form"' in page
    client.post(
        reverse("scoring:outcome-new"),
        {
            "person": world.grid_worker.pk,
            "kind": "rating",
            "year": 2026,
            "quarter": 1,
            "grade": "good",
            "total": "100",
            "next": "/scoring/ranking/?period=2026Q1",
        },
    )
    client.post(
        reverse("scoring:outcome-new"),
        {"person": world.ganpu_grid_worker.pk, "kind": "promotion", "year": 2026},
    )
    outcome = Outcome.objects.get()
    assert (outcome.person, outcome.recorded_by, outcome.grade) == (
        world.grid_worker,
        world.wuyuan_dispatcher,
        "good",
    )
