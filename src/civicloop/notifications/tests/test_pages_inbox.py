"""The notifications inbox page: my own notifications only, open, mark read."""

from django.urls import reverse

from civicloop.notifications.models import Notification
from civicloop.notifications.services import notify_users


def note(user, message="新事件", link="/events/queue/"):
    return notify_users([user], verb="new_event", message=message, link=link)[0]


def test_inbox_lists_only_my_notifications(world, client):
    mine = note(world.users["grid_worker"], "给我的")
    note(world.users["red_butler"], "给别人的")
    client.force_login(world.users["grid_worker"])
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert [n.pk for n in response.context["notifications"]] == [mine.pk]
    assert "给别人的" not in response.content.decode()


def test_marking_read_with_htmx_returns_the_updated_row(world, client):
    mine = note(world.users["grid_worker"])
    client.force_login(world.users["grid_worker"])
    response = client.post(reverse("notifications:read", args=[mine.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<li class="notification" id="notification-{mine.pk}"')
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_nobody_can_mark_someone_elses_notification(world, client):
    theirs = note(world.users["red_butler"])
    client.force_login(world.users["grid_worker"])
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(world, client):
    mine = note(world.users["grid_worker"], link="/events/42/")
    client.force_login(world.users["grid_worker"])
    response = client.get(reverse("notifications:open", args=[mine.pk]))
    assert response["Location"] == "/events/42/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_link_to_another_site_is_not_followed(world, client):
    mine = note(world.users["grid_worker"], link="https://evil.example/")
    client.force_login(world.users["grid_worker"])
    assert client.get(reverse("notifications:open", args=[mine.pk]))["Location"] == reverse(
        "notifications:inbox"
    )


def test_mark_all_read_touches_only_my_notifications(world, client):
    for _i in range(3):
        note(world.users["grid_worker"])
    theirs = note(world.users["red_butler"])
    client.force_login(world.users["grid_worker"])
    assert client.post(reverse("notifications:read-all")).status_code == 302
    assert not Notification.objects.filter(
        recipient=world.users["grid_worker"], read_at__isnull=True
    ).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_unread_filter_hides_read_notifications(world, client):
    read = note(world.users["grid_worker"], "已读")
    unread = note(world.users["grid_worker"], "未读")
    client.force_login(world.users["grid_worker"])
    client.post(reverse("notifications:read", args=[read.pk]))
    response = client.get(reverse("notifications:inbox"), {"unread": "1"})
    assert [n.pk for n in response.context["notifications"]] == [unread.pk]
