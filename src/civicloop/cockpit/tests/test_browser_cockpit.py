"""The cockpit in a real browser (Debian Chromium driven by Playwright): a county leader signs
in, lands on the cockpit, reads the cards on a desktop and on a phone, and follows a number
to the records behind it."""

from __future__ import annotations

import pytest

from civicloop.events.tests.test_browser_journey import browser  # noqa: F401
from civicloop.org.areas import derive_areas
from civicloop.testing.factories import TEST_PASSWORD

from .test_views_support import TEST_FIGURES, build_march, registered_test_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
MARCH = "period=month&year=2025&month=3"


@pytest.fixture
def registered():
    with registered_test_figures():
        yield


def sign_in_as_leader(browser, base, **context_options):  # noqa: F811
    context = browser.new_context(locale="zh-CN", **context_options)
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("#id_username", "leader")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#logout-button", state="attached")
    # The home page sends leaders to the cockpit (core.registry landing pages).
    page.goto(f"{base}/")
    page.wait_for_url(f"{base}/cockpit/")
    return page


def check_cards(page) -> None:
    number = page.locator('[data-figure="cockpit_test.reported"] .cockpit-value-link')
    assert number.inner_text().strip() == "3"
    assert page.locator(".cockpit-card").count() >= len(TEST_FIGURES)
    share = page.locator('[data-figure="cockpit_test.patrol_share"] .cockpit-value-text')
    assert share.inner_text().strip() == "66.67%"
    page.wait_for_selector("#cockpit-trend canvas")


def test_a_leader_reads_the_cockpit_on_desktop_and_phone(
    browser,  # noqa: F811
    live_server,
    registered,
    tmp_path,
):
    from civicloop.testing.world import build_world

    world = build_world()
    build_march(world)
    derive_areas("330424")  # the towns' approximate areas, for the map
    base = live_server.url

    desktop = sign_in_as_leader(browser, base, **DESKTOP)
    desktop.goto(f"{base}/cockpit/?{MARCH}")
    check_cards(desktop)
    desktop.screenshot(path=str(tmp_path / "desktop.png"), full_page=True)
    # Cards sit side by side on a wide screen.
    first, second = desktop.locator(".cockpit-card").all()[:2]
    assert first.bounding_box()["y"] == second.bounding_box()["y"]

    phone = sign_in_as_leader(browser, base, **PHONE)
    phone.goto(f"{base}/cockpit/?{MARCH}")
    check_cards(phone)
    phone.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= phone.evaluate("window.innerWidth"), "nothing may be wider than the phone"
    # One column: the second card is below the first, as wide.
    first, second = phone.locator(".cockpit-card").all()[:2]
    assert second.bounding_box()["y"] > first.bounding_box()["y"]
    chart = phone.locator("#cockpit-trend canvas").bounding_box()
    assert chart["width"] <= 390

    # The number leads to the list of the records counted: the three March events.
    phone.click('[data-figure="cockpit_test.reported"] .cockpit-value-link')
    phone.wait_for_url("**/events/**reported_after=2025-03-01**")
    assert phone.locator('input[name="reported_after"]').input_value() == "2025-03-01"
    assert phone.locator('input[name="reported_before"]').input_value() == "2025-03-31"
    assert phone.locator("#event-table tbody tr[data-event]").count() == 3

    # The map colours the towns by the charted figure; a click on one opens its cockpit.
    desktop.goto(f"{base}/cockpit/?{MARCH}&figure=cockpit_test.reported")
    desktop.wait_for_selector("#cockpit-map path.leaflet-interactive")
    desktop.locator("#cockpit-map path.leaflet-interactive").first.click(force=True)
    desktop.wait_for_url("**region=330424*")
    desktop.go_back()
    desktop.wait_for_selector("#cockpit-children")

    # A town in the breadcrumb's list opens that town's cockpit.
    desktop.click('#cockpit-children a[data-region="330424001000"]')
    desktop.wait_for_url("**region=330424001000*")
    assert desktop.inner_text("#cockpit-place") == "武原街道"
    reported = desktop.locator('[data-figure="cockpit_test.reported"] .cockpit-value-link')
    assert reported.inner_text().strip() == "2"
