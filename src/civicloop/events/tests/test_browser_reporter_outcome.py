"""A reporter scans the receipt's QR code on a phone, sees what was done — the handler's
feedback, masked, with its photo — and rates it (issue 13, "Done when")."""

from __future__ import annotations

import pytest

from civicloop.events.tests.test_browser_journey import PHONE, browser  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reporter_tracks_sees_the_feedback_and_rates_on_a_phone(browser, live_server):  # noqa: F811
    from civicloop.events import services
    from civicloop.events.choices import EventState, Outcome
    from civicloop.testing.cases import photo
    from civicloop.testing.journeys import report, walk
    from civicloop.testing.world import build_world

    world = build_world()
    event = walk(world, report(world), EventState.HANDLING)
    services.submit_feedback(
        event,
        by=world.wuyuan_officer,
        outcome=Outcome.RESOLVED,
        measures="已电话联系反映人（13912345678），劝离摊贩并清理现场。",
        attachments=[photo("清理后.png")],
    )
    event.refresh_from_db()
    event = walk(world, event, EventState.CHECKED)

    page = browser.new_context(locale="zh-CN", **PHONE).new_page()
    page.goto(f"{live_server.url}/t/{event.tracking_code}/")  # the short link behind the QR
    feedback = page.locator("#public-feedback")
    assert "劝离摊贩并清理现场" in feedback.inner_text()
    assert "13912345678" not in page.content()
    image = feedback.locator("img").first
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    # What was done comes before the question, and the page fits the phone's width.
    assert feedback.bounding_box()["y"] < page.locator("#public-rating-form").bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.check("input[name=rating][value=satisfied]")
    page.click("#public-rating-submit")
    page.wait_for_selector('#public-state[data-state="rated"]')

    event.refresh_from_db()
    assert event.state == EventState.RATED
    row = event.history.order_by("-at", "-id").first()
    assert (row.action, row.to_state) == ("rate", EventState.RATED)
    assert event.ratings.get().channel == "public"
