"""Panels other apps add to an event's pages (events/panels.py): shown on the pages they are
registered for, computed only there, and never in the way of the page when they fail."""

from __future__ import annotations

import logging

import pytest
from django.template import engines
from django.urls import reverse

from civicloop.events.panels import DETAIL, event_panels, register_event_panel
from civicloop.testing.journeys import report

# A panel template reads its data under the panel's name, and shows nothing without it.
TEMPLATE = engines["django"].from_string(
    '{% if test_panel %}<p id="test-panel">{{ test_panel.number }}</p>{% endif %}'
)


@pytest.fixture
def panel():
    """A panel of a test app, removed afterwards; ``calls`` counts its computations."""
    calls = []

    def context(request, event):
        calls.append(event.pk)
        return {"number": event.number}

    register_event_panel("test_panel", context=context, template=TEMPLATE, pages={"judge"})
    yield calls
    event_panels.unregister("test_panel")


@pytest.fixture
def failing_panel():
    def context(request, event):
        raise RuntimeError("the panel's app is broken")

    register_event_panel(
        "test_panel",
        context=context,
        template=TEMPLATE,
        pages={DETAIL, "judge"},
    )
    yield
    event_panels.unregister("test_panel")


def test_the_router_and_hotspots_panels_are_registered():
    assert {"routing", "duplicate_suggestions"} <= {p.name for p in event_panels}


def test_a_panel_shows_on_the_pages_it_is_registered_for_only(world, client, panel):
    event = report(world)
    client.force_login(world.wuyuan_dispatcher)
    judge = client.get(reverse("events:action", args=[event.pk, "judge"]))
    assert judge.status_code == 200
    assert f'id="test-panel">{event.number}<' in judge.content.decode()
    detail = client.get(reverse("events:detail", args=[event.pk]))
    assert detail.status_code == 200 and 'id="test-panel"' not in detail.content.decode()
    assert panel == [event.pk]  # computed once, for the judge page only


def test_a_failing_panel_is_logged_and_the_event_is_still_handled(
    world, client, failing_panel, caplog
):
    event = report(world)
    client.force_login(world.wuyuan_dispatcher)
    with caplog.at_level(logging.ERROR, logger="civicloop.events.panels"):
        assert client.get(reverse("events:detail", args=[event.pk])).status_code == 200
        url = reverse("events:action", args=[event.pk, "judge"])
        assert client.get(url).status_code == 200
    assert "the test_panel panel failed" in caplog.text
    response = client.post(url, {"urgency": "general", "span": "single", "reason": "核实"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.state == "judged"
