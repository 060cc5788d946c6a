"""The work log and the ranking cost a fixed number of queries, however many rows they show."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicloop.scoring import ledger

from .conftest import local

pytestmark = pytest.mark.django_db


def page(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_work_log_and_ranking_do_not_grow_queries_with_their_rows(world, rules, visit, client):
    worklog = reverse("scoring:worklog")
    ranking = reverse("scoring:ranking") + "?period=2026"
    visit(local(dt.date(2026, 4, 3), 9))
    ledger.recompute()
    client.force_login(world.grid_worker)
    worklog_few, shown = page(client, worklog)
    assert shown.count("巡查沿街商铺") == 1
    client.force_login(world.centre)
    ranking_few, shown = page(client, ranking)
    assert world.grid_worker.full_name in shown
    for day in range(4, 16):
        visit(local(dt.date(2026, 4, day), 9))
        visit(local(dt.date(2026, 4, day), 10), by=world.red_butler)
    ledger.recompute()
    client.force_login(world.grid_worker)
    worklog_more, shown = page(client, worklog)
    assert shown.count("巡查沿街商铺") == 13 and worklog_more == worklog_few
    client.force_login(world.centre)
    ranking_more, shown = page(client, ranking)
    assert world.red_butler.full_name in shown and ranking_more == ranking_few
