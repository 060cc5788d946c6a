"""The Content-Security-Policy in a real browser (Debian Chromium driven by Playwright): the main
pages — sign-in with the second factor, a list, an event, the cockpit with its chart and map,
a grid's staff map, Swagger UI and the admin — work and Chromium reports no violation."""

from __future__ import annotations

import pytest
from django.utils import timezone

from civicloop.events.tests.test_browser_journey import browser  # noqa: F401
from civicloop.org.areas import derive_areas
from civicloop.testing.events import local, report_at
from civicloop.testing.factories import TEST_PASSWORD
from civicloop.testing.twofactor import give_device, next_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects what the browser reports: `securitypolicyviolation` events of the page (an init script
# added through the DevTools protocol, which the policy does not cover).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
                    (e.sourceFile || "") + ":" + (e.lineNumber || ""));
});
"""


class Watched:
    """A browser page whose policy violations (events and console messages) are collected."""

    def __init__(self, browser, base):  # noqa: F811
        self.base = base
        self.context = browser.new_context(locale="zh-CN")
        self.context.add_init_script(WATCH)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", self._console)
        self.violations: list[str] = []

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console.append(text)

    def collect(self) -> None:
        try:
            self.violations += self.page.evaluate("window.__csp || []")
        except Exception:  # a page that navigated away meanwhile: its list is gone
            pass

    def goto(self, path: str) -> None:
        self.collect()
        self.page.goto(f"{self.base}{path}")
        self.page.wait_for_load_state("networkidle")

    def sweep(self, selector: str) -> None:
        """Move the pointer across an element (chart tooltips, map tooltips appear)."""
        self.page.wait_for_selector(selector)
        box = self.page.locator(selector).first.bounding_box()
        for step in range(1, 10):
            self.page.mouse.move(box["x"] + box["width"] * step / 10, box["y"] + box["height"] / 2)
            self.page.wait_for_timeout(60)

    def problems(self) -> list[str]:
        self.collect()
        return self.violations + self.console


def test_the_main_pages_break_no_rule_of_the_content_security_policy(
    browser,  # noqa: F811
    live_server,
    tmp_path,
):
    from civicloop.testing.world import build_world

    world = build_world()
    derive_areas("330424")  # the towns' areas, for the cockpit's map
    event = report_at(world, local(timezone.localdate(), hour=9))
    base = live_server.url

    # An administrator with an authenticator app signs in: password, then the code.
    device = give_device(world.admin)
    admin = Watched(browser, base)
    admin.goto("/login/")
    admin.page.fill("#id_username", "admin")
    admin.page.fill("#id_password", TEST_PASSWORD)
    with admin.page.expect_navigation():
        admin.page.click("#login-submit")
    assert admin.page.url == f"{base}/login/code/"
    admin.page.fill("#id_code", next_code(device))
    with admin.page.expect_navigation():
        admin.page.click("#login-code-submit")
    admin.page.wait_for_selector("#logout-button", state="attached")
    admin.goto("/admin/")
    assert admin.page.locator("#site-name").count() == 1
    admin.goto("/admin/org/user/")
    admin.goto("/account/two-factor/")
    admin.goto("/api/docs/")
    admin.page.wait_for_selector(".swagger-ui .info", timeout=30_000)
    assert admin.problems() == []

    # A leader: the cockpit, its trend chart (ECharts, with a tooltip) and its map (Leaflet).
    leader = Watched(browser, base)
    leader.goto("/login/")
    leader.page.fill("#id_username", "leader")
    leader.page.fill("#id_password", TEST_PASSWORD)
    with leader.page.expect_navigation():
        leader.page.click("#login-submit")
    leader.goto("/cockpit/")
    leader.page.wait_for_selector("#cockpit-trend canvas")
    leader.sweep("#cockpit-trend")
    leader.sweep("#cockpit-map-block .leaflet-container")
    # The high-frequency subjects: two more ECharts charts.
    leader.goto("/hotspots/")
    leader.sweep("#top-trend-chart canvas")
    leader.sweep("#top-bars-chart canvas")
    leader.goto("/events/")
    leader.goto(f"/events/{event.pk}/")
    assert leader.problems() == []

    # A grid worker: the queue and the grid's staff map (Leaflet).
    worker = Watched(browser, base)
    worker.goto("/login/")
    worker.page.fill("#id_username", "grid_worker")
    worker.page.fill("#id_password", TEST_PASSWORD)
    with worker.page.expect_navigation():
        worker.page.click("#login-submit")
    worker.goto(f"/gridkit/grids/{world.wuyuan_grid.code}/map/")
    worker.page.wait_for_selector(".leaflet-container")
    worker.goto("/events/new/")
    # Public pages, signed out.
    worker.goto("/report/")
    assert worker.problems() == []
    admin.page.screenshot(path=str(tmp_path / "swagger.png"))
