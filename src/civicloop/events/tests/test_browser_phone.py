"""At phone size (390 × 844): the grid worker's home page fits, and a report takes a photo,
a tap on the map and a line of text (Debian Chromium driven by Playwright)."""

from __future__ import annotations

import pytest
from shapely.geometry import box, mapping

from civicloop.org.choices import AreaSource
from civicloop.org.models import RegionArea

from .test_browser_journey import browser, sign_in  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
# The village area the tap lands in (百可社区, derived like the demo's).
BAIKE = (120.94, 30.52, 120.96, 30.535)


def _areas(world):
    for region, bounds in (
        (world.wuyuan, (120.90, 30.49, 121.00, 30.56)),
        (world.wuyuan_village, BAIKE),
    ):
        geometry = mapping(box(*bounds))
        RegionArea.objects.create(
            region=region,
            geometry={"type": geometry["type"], "coordinates": geometry["coordinates"]},
            source=AreaSource.DERIVED,
        )


def test_grid_worker_reports_with_photo_map_tap_and_text_on_a_phone(browser, live_server, tmp_path):  # noqa: F811
    from PIL import Image

    from civicloop.events.models import Event
    from civicloop.testing.journeys import report
    from civicloop.testing.world import build_world

    world = build_world()
    _areas(world)
    for i in range(12):  # a busy day: the home pages still fit
        report(world, description=f"第{i + 1}处井盖缺失，存在安全隐患")
    base = live_server.url

    page = sign_in(browser, base, "grid_worker", **PHONE)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 2 * 844, f"the home page is {height} px tall"
    assert page.locator("#tab-bar").is_visible()
    assert not page.locator("#nav-cases").count()

    # 1. Photo, 2. a tap on the map, 3. the text — and submit.
    page.click("#tab-new")
    photo = tmp_path / "scene.png"
    Image.new("RGB", (32, 32), "orange").save(photo)
    page.set_input_files("input[name=attachments]", str(photo))
    page.wait_for_function("document.getElementById('intake-map').civicloopPlaceMap !== undefined")
    page.evaluate("document.getElementById('intake-map').civicloopPlaceMap.ready")
    point = page.evaluate(
        "(() => { const m = document.getElementById('intake-map').civicloopPlaceMap.map;"
        " m.setView([30.5275, 120.95], 15, {animate: false});"
        " const p = m.latLngToContainerPoint([30.5275, 120.95]); return {x: p.x, y: p.y}; })()"
    )
    page.click("#intake-map", position=point)
    page.wait_for_selector(f'#intake-map[data-located="{world.wuyuan_grid.code}"]')
    assert "百可社区居委会" in page.inner_text("#place-found")
    page.fill("#id_description", "菜场东门流动摊贩占道经营，影响行人通行")
    page.click("#intake-submit")
    number = page.inner_text("#event-number").strip()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The dispatcher's home (twelve reports wait for judgement) fits too: ten cards a page.
    dispatcher = sign_in(browser, base, "wuyuan_dispatcher", **PHONE)
    assert dispatcher.locator("#work-items .event-card").count() == 10
    height = dispatcher.evaluate("document.documentElement.scrollHeight")
    assert height <= 3 * 844, f"the dispatcher's home page is {height} px tall"

    event = Event.objects.get(number=number)
    assert event.region == world.wuyuan_grid
    assert event.latitude is not None
    assert event.attachments.count() == 1
    assert event.title == "菜场东门流动摊贩占道经营，影响行人通行"
    assert list(event.history.values_list("action", flat=True)) == ["collect"]
