"""On a phone (375 px wide, Chromium): every page of a grid's toolkit and an event's forms
fit the screen — no sideways scrolling — and the offline map draws without any tile
server."""

from __future__ import annotations

import os

import pytest

from civicloop.events.tests.test_browser_journey import PHONE, browser, sign_in  # noqa: F401
from civicloop.testing.journeys import report, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("CIVICLOOP_GRIDKIT_SHOTS")  # a folder: save screenshots there


def test_every_toolkit_page_fits_a_phone_screen(browser, live_server):  # noqa: F811
    from civicloop.testing.world import build_world

    world = build_world()
    event = walk(world, report(world, reporter_address="百可社区幸福路18号3幢201室"), "closed")
    grid = world.wuyuan_grid.code
    page = sign_in(browser, live_server.url, "wuyuan_dispatcher", **PHONE)
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e) + (e.stack or "")))
    pages = {
        "toolkit": f"/gridkit/grids/{grid}/",
        "card": f"/gridkit/grids/{grid}/card/",
        "map": f"/gridkit/grids/{grid}/map/",
        "flowchart": f"/gridkit/grids/{grid}/flowchart/",
        "forms": f"/gridkit/grids/{grid}/forms/",
        "versions": f"/gridkit/grids/{grid}/versions/",
        "event-forms": f"/gridkit/events/{event.pk}/forms/",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.wait_for_selector("#gridkit-page")
        if name == "map":  # the outline and the markers are drawn, offline
            page.wait_for_selector("#gk-map path.leaflet-interactive", timeout=10000)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{name} is {width} px wide"
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)
            page.emulate_media(media="print")
            page.screenshot(path=os.path.join(SHOTS, f"{name}-print.png"), full_page=True)
            page.emulate_media(media="screen")
    assert not errors, errors
    assert all(url.startswith(live_server.url) for url in requests), (
        "a page loaded something from elsewhere"
    )
