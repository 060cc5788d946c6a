"""A town leader in a real browser: lands on the cockpit with their duties beside it, opens the
约谈 to hold and records it held with the unit's commitments."""

from __future__ import annotations

import datetime as dt

import pytest

from civicloop.events.tests.test_browser_journey import browser  # noqa: F401
from civicloop.supervision import services
from civicloop.supervision.choices import SummonsState
from civicloop.supervision.models import Summons
from civicloop.testing.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_town_leader_finds_a_summons_on_the_cockpit_and_records_it_held(
    browser,  # noqa: F811
    live_server,
    sv,
):
    summons = services.record_summons(
        by=sv.wuyuan_leader, unit=sv.wuyuan_squad, month=dt.date(2026, 3, 1), reason="群众反映推诿"
    )
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("#id_username", "wuyuan_leader")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#logout-button", state="attached")
    page.goto(f"{base}/")
    page.wait_for_url(f"{base}/cockpit/**")
    page.locator("#duty-summons a").first.click()
    page.wait_for_url(f"{base}/supervision/summons/{summons.pk}/")
    page.click("#action-schedule summary")
    page.fill("#id_schedule-scheduled_for", "2026-04-08T09:00")
    page.fill("#id_schedule-place", "三楼会议室")
    page.click("#submit-schedule")
    page.wait_for_selector("#action-hold")
    page.click("#action-hold summary")
    page.fill("#id_hold-held_at", "2026-04-08T09:00")
    page.fill("#id_hold-attendees", "中队长 王某")
    page.fill("#id_hold-commitments", "建立首接负责制")
    page.click("#submit-hold")
    page.wait_for_selector("#summons-commitments")
    assert "建立首接负责制" in page.inner_text("#summons-commitments")
    summons.refresh_from_db()
    assert summons.state == SummonsState.HELD
    assert list(summons.history.values_list("action", flat=True)) == ["record", "schedule", "hold"]
    assert Summons.objects.count() == 1
    context.close()
