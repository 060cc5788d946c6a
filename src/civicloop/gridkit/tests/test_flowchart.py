"""The disposal flowchart is generated from the code the loop runs: the transition table
(``events.workflow.EVENT_WORKFLOW``), the buttons it offers (``permissions.event_actions``),
the routing rules (``events.routing``) with today's empowerment, and the ``DeadlineRule``
rows — change any of them and the chart changes; every manual transition appears."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from civicloop.core.workflow import StateMachine, Transition
from civicloop.events import deadlines, routing, workflow
from civicloop.events.choices import EventState as S
from civicloop.events.models import DeadlineRule
from civicloop.gridkit import services
from civicloop.gridkit.content import build_content
from civicloop.gridkit.flowchart import STATE_CLOCKS, build_flow, main_path, present
from civicloop.testing.journeys import report, walk

from .conftest import TODAY, reports

ZD = "matter:ZD-001"


@pytest.fixture
def chart_of(world):
    def chart(key: str = ZD, grid=None) -> dict:
        content = build_content(grid or world.wuyuan_grid, on=TODAY)
        found = present(content, key)
        assert found is not None, [c["key"] for c in content["flowcharts"]]
        return found

    return chart


@pytest.fixture
def on_card(world, zd001):
    reports(world, 5, matter=zd001)
    return zd001


def step(chart: dict, name: str) -> dict:
    return next(s for s in chart["steps"] if s["transition"] == name)


def names(who: list[dict], scenario: str) -> list[str]:
    return next(g["names"] for g in who if scenario in g["scenario_keys"])


def test_the_main_path_runs_from_collected_to_closed_through_the_table(world, on_card, chart_of):
    chart = chart_of()
    assert [s["state"] for s in chart["steps"]] == [
        S.COLLECTED,
        S.JUDGED,
        S.DISPATCHED,
        S.ACCEPTED,
        S.HANDLING,
        S.FEEDBACK_SUBMITTED,
        S.CHECKED,
        S.RATED,
    ]
    assert [s["transition"] for s in chart["steps"]] == [
        "judge",
        "dispatch",
        "accept",
        "start",
        "submit_feedback",
        "check",
        "rate",
        "close",
    ]
    assert chart["end"] == S.CLOSED
    for s in chart["steps"]:  # each step is a row of the table
        t = workflow.EVENT_WORKFLOW[s["transition"]]
        assert s["state"] in t.sources and s["to"] == t.targets[0]


def test_every_transition_of_the_table_appears_on_the_page(world, on_card, client):
    client.force_login(world.wuyuan_dispatcher)
    page = client.get(
        reverse("gridkit:flowchart", args=[world.wuyuan_grid.code]), {"class": ZD}
    ).content.decode()
    for t in workflow.EVENT_WORKFLOW:
        assert f'data-transition="{t.name}"' in page, t.name
        assert str(t.label) in page
    for t in workflow.ASSIGNMENT_WORKFLOW:
        assert f'data-subtask-transition="{t.name}"' in page, t.name


def test_side_paths_show_return_rework_and_escalation(world, on_card, chart_of):
    chart = chart_of()
    dispatched = step(chart, "accept")["side"]
    back = {(r["transition"], r["to"]) for r in dispatched if r["direction"] == "back"}
    assert ("return", S.JUDGED) in back
    assert ("rework", S.HANDLING) in {
        (r["transition"], r["to"]) for r in step(chart, "close")["side"]
    }
    assert ("check", S.HANDLING) in {
        (r["transition"], r["to"]) for r in step(chart, "check")["side"]
    }
    escalate = next(r for r in chart["anytime"] if r["transition"] == "escalate")
    assert escalate["to"] is None and set(escalate["from"]) == set(
        workflow.EVENT_WORKFLOW["escalate"].sources
    )
    assert {r["transition"] for r in chart["elsewhere"]} == {"resume", "close_with_original"}


def test_changing_the_transition_table_changes_the_chart(
    world, on_card, chart_of, monkeypatch, client
):
    table = workflow.EVENT_WORKFLOW
    inspect = Transition(
        "inspect",
        "inspect on site",
        (S.HANDLING,),
        (S.HANDLING,),
        frozenset({"collector"}),
        reason_required=True,
        description="grid staff look again",
    )
    changed = StateMachine(
        states=table.states,
        initial=table.initial,
        actor_labels=table.actor_labels,
        transitions=[
            replace(t, actors=frozenset({"county_centre"})) if t.name == "judge" else t
            for t in table
            if t.name != "park"
        ]
        + [inspect],
    )
    before = chart_of()
    client.force_login(world.wuyuan_dispatcher)
    url = reverse("gridkit:flowchart", args=[world.wuyuan_grid.code])
    services.refresh_toolkit(world.wuyuan_grid)
    assert 'data-transition="park"' in client.get(url, {"class": ZD}).content.decode()

    monkeypatch.setattr(workflow, "EVENT_WORKFLOW", changed)
    after = chart_of()
    assert "park" in before["transitions"] and "park" not in after["transitions"]
    inspected = next(
        r for r in step(after, "submit_feedback")["side"] if r["transition"] == "inspect"
    )
    assert inspected["label"] == "inspect on site" and inspected["direction"] == "stay"
    assert names(inspected["who"], "general") == ["百可第1网格队伍", "百可社区行政执法联络站"]
    assert names(step(before, "judge")["who"], "general") == [
        "武原街道综合信息指挥室",
        "海盐县社会治理中心",
    ]
    assert names(step(after, "judge")["who"], "general") == ["海盐县社会治理中心"]
    # The page shows the new table once the toolkit is regenerated (a new version: the content changed).
    result = services.refresh_toolkit(world.wuyuan_grid)
    assert result.created and "flowchart" in result.version.changed_parts
    page = client.get(url, {"class": ZD}).content.decode()
    assert 'data-transition="inspect"' in page and "inspect on site" in page
    assert 'data-transition="park"' not in page


def test_who_handles_follows_the_empowerment_of_the_grids_town_today(world, on_card, chart_of):
    accept = step(chart_of(), "accept")["who"]
    assert names(accept, "general") == ["县综合行政执法局"]
    assert names(accept, "urgent") == ["应急处突队伍"]
    from civicloop.testing.matters import grant

    grant(world, on_card, start=TODAY)
    chart = chart_of()
    assert chart["held_by_town"] is True and chart["rule"] == "town_holds"
    accept = step(chart, "accept")["who"]
    assert names(accept, "general") == ["武原街道综合行政执法队"]
    assert (
        "县综合行政执法局" in names(accept, "multi")[0]
        and "武原街道综合行政执法队" in names(accept, "multi")[0]
    )
    goes_to = step(chart, "dispatch")["goes_to"]
    assert names(goes_to, "general") == ["武原街道综合行政执法队"]
    assert (
        names(goes_to, "urgent")[0] == "应急处突队伍"
        and "武原街道综合信息指挥室" in names(goes_to, "urgent")[1]
    )


def test_multi_span_events_are_dispatched_by_the_county_centre_only_as_the_buttons_say(
    world, on_card, chart_of
):
    dispatch = step(chart_of(), "dispatch")["who"]
    assert names(dispatch, "general") == ["武原街道综合信息指挥室", "海盐县社会治理中心"]
    assert names(dispatch, "multi") == ["海盐县社会治理中心"]


def test_the_chart_asks_the_routing_rules_themselves(world, on_card, chart_of, monkeypatch):
    monkeypatch.setattr(routing, "town_may_handle", lambda **kwargs: True)
    assert names(step(chart_of(), "accept")["who"], "general") == ["武原街道综合行政执法队"]
    monkeypatch.setattr(routing, "town_may_handle", lambda **kwargs: False)
    assert names(step(chart_of(), "accept")["who"], "general") == ["县综合行政执法局"]


def test_deadlines_come_from_the_deadline_rules(world, on_card):
    flow = build_flow()
    assert flow["clocks"][S.DISPATCHED]["rules"]["general"] == {
        "amount": "4",
        "unit": "working_hours",
    }
    assert flow["clocks"][S.DISPATCHED]["rules"]["urgent"] == {
        "amount": "0.5",
        "unit": "calendar_hours",
    }
    assert flow["clocks"][S.ACCEPTED]["rules"]["multi"] == {"amount": "10", "unit": "working_days"}
    DeadlineRule.objects.filter(stage="accept", urgency="general", span="").update(amount=6)
    assert build_flow()["clocks"][S.DISPATCHED]["rules"]["general"] == {
        "amount": "6",
        "unit": "working_hours",
    }


def test_the_clock_of_each_state_is_the_deadline_the_services_set(world):
    """Walk an event along the main path: in every state that has a clock, the event's
    deadline is what the chart's rule gives."""
    start = timezone.make_aware(dt.datetime(2026, 3, 3, 9, 0))  # a Tuesday, working hours
    with time_machine.travel(start, tick=False):
        event = report(world)
        for state in [
            S.COLLECTED,
            S.JUDGED,
            S.DISPATCHED,
            S.ACCEPTED,
            S.HANDLING,
            S.FEEDBACK_SUBMITTED,
        ]:
            event = walk(world, event, state)
            stage, graded = STATE_CLOCKS[state]
            expected = deadlines.deadline(
                stage,
                start,
                urgency=event.urgency if graded else "",
                span=event.span if graded else "",
            )
            assert event.deadline_at == expected, state


def test_the_main_path_is_found_in_any_table():
    tiny = StateMachine(
        states=S,
        initial=S.COLLECTED,
        transitions=[
            Transition("a", "a", (S.COLLECTED,), (S.CLOSED,), frozenset({"x"})),
            Transition("b", "b", (S.COLLECTED,), (S.JUDGED,), frozenset({"x"})),
            Transition("c", "c", (S.JUDGED,), (S.CLOSED,), frozenset({"x"})),
            Transition("auto", "auto", (S.JUDGED,), (S.HANDLING,), frozenset({"x"}), manual=False),
        ],
    )
    assert [s["transition"] for s in main_path(tiny)] == ["b", "c"]


def test_a_matter_not_on_the_card_is_drawn_live_from_todays_rules(world, zd001, client):
    client.force_login(world.wuyuan_dispatcher)
    url = reverse("gridkit:flowchart", args=[world.wuyuan_grid.code])
    page = client.get(url, {"class": ZD}).content.decode()
    assert 'id="gk-live"' in page and 'data-class="matter:ZD-001"' in page
    assert client.get(url, {"class": "matter:NOPE-1"}).status_code == 404


def test_the_charts_of_a_version_are_the_card_classes_and_the_uncategorised(world, on_card, client):
    version = services.refresh_toolkit(world.wuyuan_grid).version
    assert [c["key"] for c in version.content["flowcharts"]] == [ZD, "none"]
    client.force_login(world.wuyuan_dispatcher)
    page = client.get(reverse("gridkit:flowchart", args=[world.wuyuan_grid.code])).content.decode()
    assert 'data-class="matter:ZD-001" aria-current="true"' in page and 'id="gk-live"' not in page
