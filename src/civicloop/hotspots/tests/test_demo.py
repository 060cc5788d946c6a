"""The hotspot stories of ``civicloop demo``: a spike going on, an old one closed, duplicates."""

from __future__ import annotations

import pytest

from civicloop.events.choices import EventState
from civicloop.events.demo import load_categories
from civicloop.events.models import Event
from civicloop.hotspots import services
from civicloop.hotspots.choices import WarningState
from civicloop.hotspots.demo import play_demo_hotspots
from civicloop.hotspots.models import DuplicateSuggestion, Warning
from civicloop.org.demo import load_haiyan_organisation
from civicloop.org.models import User


@pytest.fixture
def demo(db):
    load_haiyan_organisation()
    load_categories()
    return play_demo_hotspots(seed=7)


def test_the_demo_shows_a_spike_at_the_market_and_a_closed_one(demo):
    assert demo.events == 22 and demo.merged == 1
    market = Warning.objects.get(region__name="百可社区居委会", category__code="street-vending")
    assert market.state == WarningState.OPEN and market.evidence.count() >= 5
    assert market.history.filter(action="extend").exists()
    closed = Warning.objects.get(region__code__startswith="330424105", state=WarningState.CLOSED)
    actions = [h.action for h in closed.history.all()]
    assert actions[0] == "raise" and actions[-1] == "close" and "acknowledge" in actions
    states = [h.to_state for h in closed.history.all()]
    assert states.index(WarningState.ACKNOWLEDGED) < states.index(WarningState.CLOSED)
    assert WarningState.OPEN not in states[states.index(WarningState.ACKNOWLEDGED) :]


def test_the_demo_leaves_fresh_repeats_whose_original_is_suggested(demo):
    dispatcher = User.objects.get(username="wuyuan_dispatcher")
    waiting = Event.objects.filter(state=EventState.COLLECTED, title__regex="烧烤店|河边")

    assert waiting.count() == 2
    for event in waiting:
        assert services.suggest_duplicates(event, user=dispatcher), event.title
    assert DuplicateSuggestion.objects.with_outcome().filter(merged=True).count() == 1
