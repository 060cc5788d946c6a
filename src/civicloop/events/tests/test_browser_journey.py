"""The closed loop walked in a real browser (Debian Chromium driven by Playwright).

A grid worker reports on a phone-sized screen → the town dispatcher judges and
dispatches → the squad accepts, handles and feeds back → the dispatcher checks →
the reporter rates on the public page → the dispatcher closes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from civicloop.testing.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("CIVICLOOP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


@pytest.fixture
def browser(monkeypatch):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CIVICLOOP_SKIP_BROWSER") == "1":
            pytest.skip("CIVICLOOP_SKIP_BROWSER=1")
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium (./dev test does)"
        )
    # Playwright's sync API runs an event loop in this thread; the ORM work of the
    # test happens before and after the browser steps, never during.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        yield browser
        browser.close()


def sign_in(browser, base_url, username, **context_options):
    context = browser.new_context(locale="zh-CN", **context_options)
    page = context.new_page()
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{base_url}/events/queue/")
    return page


def act(page, action, fill=None):
    # Each click navigates (a link to the action's form, or a button that posts):
    # wait for the new page, or the old page's elements would answer the checks below.
    with page.expect_navigation():
        page.click(f'[data-action="{action}"]')
    if page.locator("#action-form").count():
        if fill:
            fill(page)
        with page.expect_navigation():
            page.click("#action-submit")
    page.wait_for_selector("#event-state")


def test_grid_worker_to_rated_close_in_the_browser(browser, live_server, tmp_path):
    from civicloop.testing.world import build_world

    world = build_world()
    base = live_server.url

    # 1. The grid worker reports a problem on the phone (民情收集单).
    worker = sign_in(browser, base, "grid_worker", **PHONE)
    worker.click("#tab-new")
    assert worker.locator("html").get_attribute("lang").startswith("zh")
    worker.fill("#id_description", "枣园路与健康路口有流动摊贩占道经营，影响行人通行")
    worker.select_option("#id_category", label="占道经营")
    photo = tmp_path / "scene.png"
    from PIL import Image

    Image.new("RGB", (32, 32), "orange").save(photo)
    worker.set_input_files("input[name=attachments]", str(photo))
    worker.click("#intake-submit")
    number = worker.inner_text("#event-number").strip()
    tracking_code = worker.inner_text("#tracking-code").strip()
    detail_url = worker.get_attribute("#receipt-open-event", "href")
    assert number.startswith("E") and len(tracking_code) == 10
    width = worker.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the collection form must fit a phone screen"
    worker.screenshot(path=str(tmp_path / "receipt.png"))

    # 2. The town dispatcher judges and dispatches to the suggested unit.
    dispatcher = sign_in(browser, base, "wuyuan_dispatcher")
    assert number in dispatcher.inner_text("main")  # it is in the dispatcher's queue
    dispatcher.goto(base + detail_url)

    def judge(page):
        page.check("input[name=urgency][value=general]")
        page.check("input[name=span][value=single]")
        page.fill("#id_reason", "属一般占道经营，由街道执法队处置")

    act(dispatcher, "judge", judge)
    assert dispatcher.get_attribute("#event-state", "data-state") == "judged"
    act(dispatcher, "dispatch")
    assert dispatcher.get_attribute("#event-state", "data-state") == "dispatched"

    # 3. The squad officer accepts, handles and submits the feedback form.
    officer = sign_in(browser, base, "wuyuan_officer")
    officer.goto(base + detail_url)
    act(officer, "accept")
    act(officer, "start")

    def feedback(page):
        page.check("input[name=outcome][value=resolved]")
        page.fill("#id_measures", "现场劝离摊贩，清理占道物品，已恢复通行")

    act(officer, "submit_feedback", feedback)
    assert officer.get_attribute("#event-state", "data-state") == "feedback_submitted"

    # 4. The command room checks the result.
    dispatcher.goto(base + detail_url)

    def check(page):
        page.check("input[name=result][value=pass]")
        page.fill("#id_notes", "回访现场已无摊贩")

    act(dispatcher, "check", check)
    assert dispatcher.get_attribute("#event-state", "data-state") == "checked"

    # 5. The reporter follows the event by its code and rates it on the public page.
    public = browser.new_context(locale="zh-CN", **PHONE).new_page()
    public.goto(f"{base}/track/")
    public.fill("#id_code", tracking_code)
    public.click("#track-submit")
    assert public.get_attribute("#public-state", "data-state") == "checked"
    public.check("input[name=rating][value=satisfied]")
    public.fill("#id_comment", "处理及时")
    public.click("#public-rating-submit")
    public.wait_for_selector('#public-state[data-state="rated"]')

    # 6. The dispatcher closes the loop.
    dispatcher.goto(base + detail_url)
    act(dispatcher, "close")
    assert dispatcher.get_attribute("#event-state", "data-state") == "closed"
    timeline = dispatcher.inner_text("main")
    assert "处理及时" in timeline  # the reporter's comment is on the timeline

    # The records behind what the browser showed.
    from civicloop.events.models import Event

    event = Event.objects.get(number=number)
    assert event.state == "closed"
    assert list(event.history.values_list("action", flat=True)) == [
        "collect",
        "judge",
        "dispatch",
        "accept",
        "start",
        "submit_feedback",
        "check",
        "rate",
        "close",
    ]
    assert event.attachments.count() == 1
    assert event.ratings.get().channel == "public"
    assert world.wuyuan_dispatcher.pk == event.history.get(action="close").actor_id
