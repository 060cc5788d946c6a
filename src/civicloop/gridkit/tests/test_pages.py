"""Pages for a phone and for paper: no tables and nothing wider than the screen (lists,
cards and one-column grids), the viewport set, and a print stylesheet for A4 that hides
the navigation. The event detail page links to its three forms. (A real 375 px browser
check is in test_browser_phone.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

import civicloop.gridkit
from civicloop.testing.journeys import report, walk

from .conftest import reports

CSS = (Path(civicloop.gridkit.__file__).parent / "static" / "gridkit" / "gridkit.css").read_text()
PAGES = [
    "gridkit:toolkit",
    "gridkit:card",
    "gridkit:map",
    "gridkit:flowchart",
    "gridkit:forms",
    "gridkit:versions",
]


@pytest.fixture
def pages(world, client, zd001_held):
    reports(world, 5, matter=zd001_held)
    event = walk(world, report(world), "closed")
    client.force_login(world.wuyuan_dispatcher)
    found = {
        name: client.get(reverse(name, args=[world.wuyuan_grid.code])).content.decode()
        for name in PAGES
    }
    found["gridkit:index"] = client.get(reverse("gridkit:index")).content.decode()
    found["gridkit:event-forms"] = client.get(
        reverse("gridkit:event-forms", args=[event.pk])
    ).content.decode()
    return found


def test_toolkit_pages_are_laid_out_for_a_375px_phone(pages):
    for name, page in pages.items():
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page, name
        assert "/static/gridkit/gridkit.css" in page, name
        # Tables scroll sideways on a phone: the toolkit uses lists and grids only.
        assert "<table" not in page, name
        # No fixed widths in the markup (the static map scales with its viewBox).
        assert not re.search(r'style="[^"]*width:\s*\d+px', page), name
        assert 'id="gridkit-page"' in page and 'class="gk-page"' in page, name


def test_the_stylesheet_starts_with_one_column_and_breaks_long_words():
    assert ".gk-page { max-width: 100%; overflow-wrap: anywhere;" in CSS
    assert ".gk-fields { display: grid; grid-template-columns: 1fr;" in CSS
    assert ".gk-field { display: grid; grid-template-columns: 6.5em minmax(0, 1fr);" in CSS
    assert ".gk-map { width: 100%;" in CSS
    # Wider columns only from 600 px (and on paper).
    wide = CSS[CSS.index("@media (min-width: 600px)") :]
    assert ".gk-fields { grid-template-columns: 1fr 1fr; }" in wide[: wide.index("}\n\n") + 1]


def test_the_print_stylesheet_is_a4_without_navigation():
    assert "@page { size: A4;" in CSS
    printing = CSS[CSS.index("@media print") :]
    assert ".site-header" in printing and ".site-footer" in printing and ".no-print" in printing
    assert "display: none !important" in printing
    assert ".print-only { display: block !important; }" in printing
    assert "page-break-after: always" in printing  # one form per sheet of paper


def test_every_grid_page_offers_print_and_keeps_the_version_line_for_paper(pages):
    for name in ["gridkit:card", "gridkit:map", "gridkit:flowchart", "gridkit:forms"]:
        assert 'data-print id="gk-print"' in pages[name], name
        assert 'id="gk-note"' in pages[name] or 'class="gk-note"' in pages[name], name
        # The navigation of the toolkit is not printed.
        assert 'class="gk-tabs no-print"' in pages[name], name


def test_the_map_prints_as_a_drawing(pages):
    page = pages["gridkit:map"]
    assert 'class="print-only" id="gk-static-map"' in page and 'class="gk-map no-print"' in page


def test_the_event_detail_links_to_its_three_forms(world, client):
    event = report(world)
    client.force_login(world.wuyuan_dispatcher)
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    forms = reverse("gridkit:event-forms", args=[event.pk])
    for kind in ["collection", "feedback", "satisfaction"]:
        assert f'href="{forms}?form={kind}" id="event-form-{kind}"' in page
