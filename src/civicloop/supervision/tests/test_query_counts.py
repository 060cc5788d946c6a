"""The summonses and meetings pages cost a fixed number of queries, however many rows they show."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicloop.supervision import services

pytestmark = pytest.mark.django_db


def page(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_summonses_and_meetings_pages_do_not_grow_queries_with_their_rows(sv, groups, client):
    county, _town = groups
    units = [sv.wuyuan_squad, sv.ganpu_squad, sv.wuyuan_command, sv.ganpu_command]

    def add(month: int):
        for unit in units:
            services.record_summons(
                by=sv.leader, unit=unit, month=dt.date(2026, month, 1), reason="连续两月排名靠后"
            )
        services.record_meeting(
            by=sv.leader,
            group=county,
            title=f"{month}月专题会议",
            held_on=dt.date(2026, month, 10),
            decisions=[
                {"text": "整改超期件", "owner_unit": unit, "due_on": dt.date(2026, month, 28)}
                for unit in units
            ],
        )

    add(3)
    client.force_login(sv.leader)
    summons_few, shown = page(client, reverse("supervision:summonses"))
    assert shown.count("/supervision/summons/") >= 4
    meetings_few, shown = page(client, reverse("supervision:meetings"))
    assert "3月专题会议" in shown
    for month in (4, 5, 6):
        add(month)
    summons_more, shown = page(client, reverse("supervision:summonses"))
    assert shown.count("/supervision/summons/") >= 16 and summons_more == summons_few
    meetings_more, shown = page(client, reverse("supervision:meetings"))
    assert "6月专题会议" in shown and meetings_more == meetings_few
