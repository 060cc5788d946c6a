"""Phone first for field roles: few required inputs at intake, an auto-title that keeps
words whole, accept-and-start in one step, and navigation by role."""

import pytest
from django.urls import reverse

from civicloop.core.errors import NotPermitted
from civicloop.core.text import headline
from civicloop.events import services
from civicloop.events.actions import EVENT_ACTIONS
from civicloop.events.choices import EventState, Source
from civicloop.events.forms import IntakeForm
from civicloop.events.models import Event, EventHistory
from civicloop.testing.journeys import report, walk


def test_the_intake_form_requires_at_most_three_inputs():
    required = [name for name, field in IntakeForm().fields.items() if field.required]
    assert len(required) <= 3
    assert "description" in required
    for optional in ("source", "title", "reporter_name", "reporter_phone", "reporter_id_number"):
        assert optional not in required


def test_intake_puts_photo_place_and_text_before_the_reporters_details():
    order = list(IntakeForm().fields)
    assert order[:3] == ["attachments", "region", "address"]
    assert order.index("description") < order.index("reporter_name")
    assert min(order.index(n) for n in ("reporter_name", "reporter_phone", "is_anonymous")) > (
        order.index("category")
    )


def test_a_grid_worker_reports_with_a_place_and_text_only_and_the_source_follows_the_post(
    world, client
):
    client.force_login(world.users["grid_worker"])
    response = client.post(
        reverse("events:new"),
        {"description": "菜场门口流动摊贩占道经营，影响通行", "region": world.wuyuan_grid.pk},
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.source == Source.GRID_PATROL
    assert event.title == "菜场门口流动摊贩占道经营，影响通行"
    assert EventHistory.objects.get(event=event).action == "collect"


def test_the_auto_title_ends_at_a_clause_or_a_whole_word_never_mid_word():
    long = (
        "海盐县武原街道百可社区枣园路与海滨路交叉口附近的一处老旧居民楼外墙存在安全隐患需要尽快处理"
    )
    title = headline(long)
    assert title.endswith("…")
    assert "安全隐患" in title or "安" not in title[-3:]
    assert len(title) <= 40
    assert long.startswith(title.removesuffix("…"))
    clause = "菜场门口流动摊贩占道经营，早高峰时段严重影响行人和车辆通行，附近居民多次反映，请城管尽快到场处理"
    assert (
        headline(clause)
        == "菜场门口流动摊贩占道经营，早高峰时段严重影响行人和车辆通行，附近居民多次反映"
    )


def test_accept_and_start_is_one_action_that_records_both_moves(world):
    event = walk(world, report(world), EventState.DISPATCHED)
    EVENT_ACTIONS.perform("accept_and_start", event, by=world.wuyuan_officer, data={})
    event.refresh_from_db()
    assert event.state == EventState.HANDLING
    rows = list(EventHistory.objects.filter(event=event).order_by("pk"))
    assert [r.action for r in rows[-2:]] == ["accept", "start"]
    assert [(r.from_state, r.to_state) for r in rows[-2:]] == [
        (EventState.DISPATCHED, EventState.ACCEPTED),
        (EventState.ACCEPTED, EventState.HANDLING),
    ]
    assert {r.actor for r in rows[-2:]} == {world.wuyuan_officer}


def test_accept_and_start_by_someone_else_changes_nothing(world):
    event = walk(world, report(world), EventState.DISPATCHED)
    with pytest.raises(NotPermitted):
        services.accept_and_start(event, by=world.ganpu_officer)
    event.refresh_from_db()
    assert event.state == EventState.DISPATCHED
    assert not EventHistory.objects.filter(event=event, action="accept").exists()


def test_the_handler_accepts_and_starts_from_the_event_page(world, client):
    event = walk(world, report(world), EventState.DISPATCHED)
    client.force_login(world.wuyuan_officer)
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert 'id="action-accept_and_start"' in page
    response = client.post(reverse("events:accept-and-start", args=[event.pk]))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.state == EventState.HANDLING
    assert EventHistory.objects.filter(event=event, action="start").count() == 1


def test_the_event_page_shows_a_map_instead_of_raw_coordinates(world, client):
    event = services.create_event(
        by=world.grid_worker,
        source=Source.GRID_PATROL,
        description="路灯不亮",
        location=services.Location(latitude=30.527, longitude=120.946, datum="gcj02"),
    )
    client.force_login(world.wuyuan_dispatcher)
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert 'data-placemap="event-map-config"' in page
    assert "30.527000, 120.946000" not in page


def test_a_grid_worker_sees_no_cases_matters_or_leniency_in_the_navigation(world, client):
    client.force_login(world.users["grid_worker"])
    page = client.get(reverse("events:queue")).content.decode()
    for hidden in ('id="nav-cases"', 'id="nav-matters"', 'id="nav-leniency"'):
        assert hidden not in page, hidden
    for tab in ('id="tab-queue"', 'id="tab-new"', 'id="tab-events"', 'id="tab-map"'):
        assert tab in page, tab


def test_office_staff_see_cases_and_matters_in_the_navigation(world, client):
    client.force_login(world.users["wuyuan_dispatcher"])
    page = client.get(reverse("events:queue")).content.decode()
    assert 'id="nav-cases"' in page
    assert 'id="nav-matters"' in page


def _map_points(page: str) -> list[dict]:
    import json
    import re

    config = re.search(r'id="events-map-config"[^>]*>(.*?)</script>', page, re.S).group(1)
    return json.loads(config)["points"]


def test_the_events_map_shows_the_points_of_the_events_the_user_may_see(world, client):
    def at(by, region, lng, lat):
        return services.create_event(
            by=by,
            source=Source.GRID_PATROL,
            description="垃圾乱堆放",
            location=services.Location(region=region, latitude=lat, longitude=lng, datum="gcj02"),
        )

    mine = at(world.grid_worker, world.wuyuan_grid, 120.946, 30.527)
    other = at(world.ganpu_grid_worker, world.ganpu_grid, 120.885, 30.385)
    client.force_login(world.users["wuyuan_dispatcher"])
    page = client.get(reverse("events:map")).content.decode()
    titles = [p["title"] for p in _map_points(page)]
    assert any(t.startswith(mine.number) for t in titles)
    assert not any(t.startswith(other.number) for t in titles)
    assert "leaflet-heat.js" in page
    client.force_login(world.users["centre"])
    page = client.get(reverse("events:map")).content.decode()
    assert len(_map_points(page)) == 2


def test_the_api_accepts_and_starts_in_one_call_with_both_history_rows(world):
    from rest_framework.test import APIClient

    event = walk(world, report(world), EventState.DISPATCHED)
    client = APIClient()
    client.force_authenticate(world.wuyuan_officer)
    response = client.post(f"/api/events/{event.pk}/accept-and-start/", {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == EventState.HANDLING
    actions = list(EventHistory.objects.filter(event=event).values_list("action", flat=True))
    assert actions[-2:] == ["accept", "start"]
    client.force_authenticate(world.ganpu_officer)
    event = walk(world, report(world), EventState.DISPATCHED)
    response = client.post(f"/api/events/{event.pk}/accept-and-start/", {}, format="json")
    assert response.status_code in (403, 404)
    event.refresh_from_db()
    assert event.state == EventState.DISPATCHED
