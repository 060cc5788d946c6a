"""On a phone (375 px wide, Chromium): a grid worker lands on "my work", logs a patrol visit
while the network drops (the draft is kept and sent once the connection returns, once) and an
activity, and the quarter's points follow, each entry linked to its record."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from civicloop.events.tests.test_browser_journey import PHONE, browser, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_grid_worker_logs_a_visit_offline_and_an_activity_and_the_points_follow(
    browser,  # noqa: F811
    live_server,
    tmp_path,
):
    from civicloop.scoring import ledger, services
    from civicloop.scoring.models import Activity, PatrolVisit, PointEntry
    from civicloop.testing.world import build_world

    world = build_world()
    services.add_rule_version(
        by=world.centre,
        effective_from=dt.date(timezone.localdate().year, 1, 1),
        base_scores={"professional_grid_worker": 100},
        points={"patrol_visit": 1, "activity": 2},
    )
    base = live_server.url
    page = sign_in(browser, base, "grid_worker", **PHONE)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    assert page.url == f"{base}/scoring/"
    assert page.locator(".phone-home .tile").count() == 4 and fits(page)

    # A visit: the network drops as it is sent; the entry stays and goes once it is back.
    page.click("#tile-visit")
    page.fill("#id_note", "巡查沿街商铺，无异常")
    page.context.set_offline(True)
    page.click("#worklog-submit")
    page.wait_for_selector("#worklog-retry:not([hidden])")
    assert "网络" in page.inner_text("#worklog-status")
    draft = page.evaluate("Object.keys(localStorage).filter(k => k.includes('scoring.visit'))")
    assert len(draft) == 1
    page.context.set_offline(False)
    page.wait_for_url(re.compile(r"/scoring/visits/\d+/$"))
    assert "巡查沿街商铺" in page.inner_text("main") and fits(page)
    assert page.evaluate("localStorage.length") == 0

    # An activity, the ordinary way.
    page.goto(f"{base}/scoring/activities/new/")
    page.select_option("#id_kind", "law_talk")
    page.fill("#id_topic", "反电诈普法宣传")
    page.fill("#id_participant_count", "35")
    assert fits(page)
    page.click("#worklog-submit")
    page.wait_for_url(re.compile(r"/scoring/activities/\d+/$"))

    assert PatrolVisit.objects.count() == 1 and Activity.objects.count() == 1
    ledger.recompute()
    assert PointEntry.objects.filter(person=world.grid_worker).count() == 2

    page.goto(f"{base}/scoring/")
    page.click("#tile-points")
    assert page.inner_text("#points-total").strip() == "103"
    assert page.locator("#points-entries .entry-source").count() == 2 and fits(page)
    page.click("#points-entries tr[data-item=patrol_visit] .entry-source")
    page.wait_for_url(re.compile(r"/scoring/visits/\d+/$"))
    assert not errors
