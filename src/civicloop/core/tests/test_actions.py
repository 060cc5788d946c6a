"""The one input layer (``core.actions``): an action name leads to exactly one handler."""

from __future__ import annotations

import pytest

from civicloop.core.actions import Actions, UnknownAction, with_reason, without_input


def test_an_action_calls_its_handler_with_the_target_the_actor_and_the_input():
    actions = Actions("thing")
    calls = []
    actions.add(
        "note", with_reason(lambda t, *, by, note: calls.append((t, by, note)), keyword="note")
    )
    actions.add("poke", without_input(lambda t, *, by: calls.append((t, by))))

    actions.perform("note", "a thing", by="ann", data={"reason": "why"})
    actions.perform("poke", "a thing", by="bob")

    assert calls == [("a thing", "ann", "why"), ("a thing", "bob")]
    assert set(actions) == {"note", "poke"} and "note" in actions


def test_an_unknown_action_is_refused_and_a_name_is_never_wired_twice():
    actions = Actions("thing")
    actions.add("poke", without_input(lambda t, *, by: None))
    with pytest.raises(UnknownAction):
        actions.perform("kick", "a thing", by="ann")
    with pytest.raises(ValueError):
        actions.add("poke", without_input(lambda t, *, by: None))
