"""My notifications over the API: only mine, and marking one read."""

from __future__ import annotations

from rest_framework.test import APIClient

from civicloop.notifications.models import Notification
from civicloop.testing.journeys import report


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_i_see_only_my_own_notifications(world):
    event = report(world)
    mine = client_for(world.wuyuan_dispatcher).get("/api/notifications/").json()
    assert mine["count"] == 1
    assert (
        mine["results"][0]["verb"] == "new_event" and event.number in mine["results"][0]["message"]
    )
    assert client_for(world.ganpu_dispatcher).get("/api/notifications/").json()["count"] == 0


def test_marking_a_notification_read_moves_it_out_of_unread(world):
    report(world)
    client = client_for(world.wuyuan_dispatcher)
    notification = Notification.objects.get(recipient=world.wuyuan_dispatcher)
    assert client.get("/api/notifications/", {"unread": "true"}).json()["count"] == 1
    response = client.post(f"/api/notifications/{notification.pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"]
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert client.get("/api/notifications/", {"unread": "true"}).json()["count"] == 0
    assert client.get("/api/notifications/", {"unread": "false"}).json()["count"] == 1


def test_someone_elses_notification_is_a_404(world):
    report(world)
    notification = Notification.objects.get(recipient=world.wuyuan_dispatcher)
    response = client_for(world.ganpu_dispatcher).post(
        f"/api/notifications/{notification.pk}/read/"
    )
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_notifications_need_a_sign_in(world):
    assert APIClient().get("/api/notifications/").status_code == 401


def test_marking_all_read_touches_only_my_notifications(world):
    report(world)
    report(world, by=world.ganpu_grid_worker, region=world.ganpu_grid)
    response = client_for(world.wuyuan_dispatcher).post("/api/notifications/read-all/")
    assert response.status_code == 200 and response.json() == {"marked": 1}
    assert Notification.objects.get(recipient=world.ganpu_dispatcher).read_at is None


def test_notices_are_written_in_the_deployment_language_whatever_the_actor_uses(world):
    from django.utils import translation

    from civicloop.events import services
    from civicloop.testing.journeys import report

    with translation.override("en"):
        event = report(world)
        services.judge_event(
            event, by=world.wuyuan_dispatcher, urgency="general", span="single", reason="x"
        )
        services.dispatch_event(event, by=world.wuyuan_dispatcher)
    notice = world.wuyuan_officer.notifications.get(verb="dispatched")
    assert notice.message.startswith("新派遣事件")  # not “Dispatched to you…”
    assert event.number in notice.message
