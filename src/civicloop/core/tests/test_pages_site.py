"""Site-wide pages: home, health check, sign-in and lockout, password change,
language switch and the base layout."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from civicloop.notifications.services import notify_users
from civicloop.testing.factories import TEST_PASSWORD

NEW_PASSWORD = "Haiyan-Grid-2025!"


def test_home_sends_visitors_to_sign_in_and_staff_to_their_queue(world, client):
    assert client.get("/")["Location"] == reverse("login")
    client.force_login(world.users["wuyuan_dispatcher"])
    assert client.get("/")["Location"] == reverse("work-queue")


def test_health_check_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_sign_in_page_is_in_chinese_by_default(client, db):
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "用户名" in page  # Django's own catalogue: the label of the username field
    for marker in ['id="login-form"', 'id="id_username"', 'id="id_password"', 'id="login-submit"']:
        assert marker in page


def test_sign_in_with_good_credentials_lands_on_the_queue(world, client):
    response = client.post(
        reverse("login"), {"username": "wuyuan_dispatcher", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    # Home sends each person to their landing page: a dispatcher's is the one work queue (a grid
    # worker's is their phone home, scoring/tests/test_pages.py).
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == reverse("work-queue")
    assert client.session[SESSION_KEY] == str(world.users["wuyuan_dispatcher"].pk)


def test_sign_in_with_bad_credentials_says_so_clearly(world, client):
    response = client.post(reverse("login"), {"username": "grid_worker", "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="login-error"' in page
    assert "请输入一个正确的" in page  # Django's zh-hans message for a wrong user name or password
    assert SESSION_KEY not in client.session


def test_sign_in_is_locked_after_five_failures_and_the_page_says_for_how_long(
    world, client, settings
):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 0.25  # hours
    url = reverse("login")
    for _attempt in range(4):
        assert client.post(url, {"username": "grid_worker", "password": "wrong"}).status_code == 200
    locked = client.post(
        url, {"username": "grid_worker", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert locked.status_code == 429
    page = locked.content.decode()
    assert 'id="locked-out"' in page and '<html lang="en">' in page
    assert "locked for 15 minutes" in page
    # Even the right password does not get in while the lock lasts.
    again = client.post(url, {"username": "grid_worker", "password": TEST_PASSWORD})
    assert again.status_code == 429
    assert SESSION_KEY not in client.session


def test_a_rotating_x_forwarded_for_does_not_reset_the_sign_in_lockout(world, client, settings):
    # The lockout counts by core.api.client_ip (AXES_CLIENT_IP_CALLABLE), as the rate limits do.
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("login")
    answers = [
        client.post(
            url,
            {"username": "grid_worker", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"101.{n}.0.1",  # public addresses, as an attacker sends
        ).status_code
        for n in range(4)
    ]
    assert answers == [200, 200, 429, 429]


def test_lockout_page_follows_the_users_language(world, client, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 1
    response = client.post(reverse("login"), {"username": "grid_worker", "password": "wrong"})
    assert response.status_code == 429
    assert '<html lang="zh-hans">' in response.content.decode()


def test_sign_out_ends_the_session(world, client):
    client.force_login(world.users["grid_worker"])
    page = client.get(reverse("events:queue")).content.decode()
    assert 'id="logout-button"' in page
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_password_change_follows_the_policy(world, client):
    client.force_login(world.users["grid_worker"])
    assert client.get(reverse("password_change")).status_code == 200
    weak = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200
    assert weak.context["form"].errors["new_password2"]
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == reverse("password_change_done")
    user = world.users["grid_worker"]
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_language_switch_turns_the_pages_english(world, client):
    client.force_login(world.users["grid_worker"])
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("events:queue")}
    )
    assert response.status_code == 302
    assert client.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("events:queue")).content.decode()
    assert '<html lang="en">' in page
    assert 'id="language-zh-hans"' in page


@pytest.mark.parametrize("username, sees_admin", [("admin", True), ("grid_worker", False)])
def test_navigation_has_the_main_pages_and_admin_only_for_staff(
    world, client, username, sees_admin
):
    client.force_login(world.users[username])
    page = client.get(reverse("events:queue")).content.decode()
    for marker in [
        'id="nav-queue"',
        'id="nav-events"',
        'id="nav-new"',
        'id="nav-notifications"',
        'id="account-menu"',
        'id="language-form"',
        'name="viewport"',
    ]:
        assert marker in page, marker
    assert ('id="nav-admin"' in page) is sees_admin


def test_navigation_shows_the_unread_notification_count(world, client):
    user = world.users["grid_worker"]
    notify_users([user], verb="test", message="一", link="")
    notify_users([user], verb="test", message="二", link="")
    client.force_login(user)
    page = client.get(reverse("events:list")).content.decode()
    assert '<span class="badge" id="unread-count"' in page
    assert ">2</span>" in page


def test_visitors_see_the_public_navigation(client, db):
    page = client.get(reverse("public:track")).content.decode()
    assert 'id="nav-public-report"' in page and 'id="nav-login"' in page
    assert 'id="nav-queue"' not in page


def test_the_pages_static_files_are_found():
    from django.contrib.staticfiles import finders

    for path in [
        "civicloop/civicloop.css",
        "civicloop/civicloop.js",
        "vendor/htmx/htmx.min.js",
        "vendor/pico/pico.min.css",
    ]:
        assert finders.find(path), path
