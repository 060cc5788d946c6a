"""研判并派遣 on one page, and the unit choice: suggested units first, only units within the
dispatcher's reach; a cross-town dispatch needs the county centre."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from civicloop.core.errors import InvalidInput
from civicloop.events import services
from civicloop.events.choices import EventState
from civicloop.testing.journeys import report

S = EventState


def unit_options(html: str, name: str = "unit") -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="(\d+)"', select)


def history(event):
    return list(event.history.order_by("at", "id").values_list("action", "from_state", "to_state"))


def test_a_town_dispatcher_judges_and_dispatches_on_one_page_leaving_both_history_rows(
    world, client
):
    event = report(world)
    client.force_login(world.wuyuan_dispatcher)
    url = reverse("events:judge-dispatch", args=[event.pk])
    page = client.get(url).content.decode()
    assert "研判派遣" in page
    response = client.post(
        url, {"urgency": "general", "span": "single", "reason": "占道经营，一般", "unit": ""}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.state == S.DISPATCHED
    assert event.lead_assignment().unit == world.wuyuan_squad
    assert history(event)[-2:] == [
        ("judge", S.COLLECTED, S.JUDGED),
        ("dispatch", S.JUDGED, S.DISPATCHED),
    ]
    assert {row.actor_id for row in event.history.filter(action__in=["judge", "dispatch"])} == {
        world.wuyuan_dispatcher.pk
    }


def test_the_event_page_offers_judge_and_dispatch_to_the_command_room(world, client):
    event = report(world)
    client.force_login(world.wuyuan_dispatcher)
    html = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert reverse("events:judge-dispatch", args=[event.pk]) in html


def test_the_dispatch_form_lists_in_scope_units_only_with_the_suggested_unit_first(world, client):
    event = report(world)
    services.judge_event(
        event, by=world.wuyuan_dispatcher, urgency="general", span="single", reason="一般"
    )
    client.force_login(world.wuyuan_dispatcher)
    html = client.get(reverse("events:action", args=[event.pk, "dispatch"])).content.decode()
    options = unit_options(html)
    assert options[0] == str(world.wuyuan_squad.pk)
    assert "（建议）" in html
    assert str(world.dept_scjg.pk) in options  # the county's departments are within reach
    for other_town in (world.ganpu_squad, world.ganpu_command):
        assert str(other_town.pk) not in options


def test_an_out_of_scope_unit_is_refused_with_a_chinese_message_and_nothing_is_stored(
    world, client
):
    event = report(world)
    client.force_login(world.wuyuan_dispatcher)
    response = client.post(
        reverse("events:judge-dispatch", args=[event.pk]),
        {
            "urgency": "general",
            "span": "single",
            "reason": "一般",
            "unit": world.ganpu_squad.pk,
            "dispatch_reason": "试试别的镇",
        },
    )
    assert response.status_code == 400
    assert "不在您的派遣范围内" in response.content.decode()
    event.refresh_from_db()
    assert event.state == S.COLLECTED and history(event)[-1][0] == "collect"


def test_a_missing_reason_for_another_unit_lands_on_the_dispatch_reason_and_nothing_is_judged(
    world, client
):
    event = report(world)
    client.force_login(world.wuyuan_dispatcher)
    response = client.post(
        reverse("events:judge-dispatch", args=[event.pk]),
        {"urgency": "general", "span": "single", "reason": "一般", "unit": world.dept_zhzf.pk},
    )
    assert response.status_code == 400
    assert 'id="id_dispatch_reason"' in response.content.decode()
    event.refresh_from_db()
    assert event.state == S.COLLECTED


def test_the_county_centre_sees_and_dispatches_to_another_towns_units(world, client):
    event = report(world)
    client.force_login(world.centre)
    html = client.get(reverse("events:judge-dispatch", args=[event.pk])).content.decode()
    assert str(world.ganpu_squad.pk) in unit_options(html)
    client.post(
        reverse("events:judge-dispatch", args=[event.pk]),
        {
            "urgency": "general",
            "span": "single",
            "reason": "一般",
            "unit": world.ganpu_squad.pk,
            "dispatch_reason": "澉浦执法队更近",
        },
    )
    event.refresh_from_db()
    assert event.state == S.DISPATCHED and event.lead_assignment().unit == world.ganpu_squad
    assert event.history.get(action="dispatch").details["overridden"] is True


def test_a_multi_span_event_judged_by_a_town_is_left_for_the_county_centre(world):
    event = report(world)
    event = services.judge_and_dispatch_event(
        event, by=world.wuyuan_dispatcher, urgency="general", span="multi", reason="多部门"
    )
    assert event.state == S.JUDGED
    with pytest.raises(InvalidInput):
        services.judge_and_dispatch_event(
            report(world),
            by=world.wuyuan_dispatcher,
            urgency="general",
            span="multi",
            reason="多部门",
            to_unit=world.wuyuan_squad,
        )
