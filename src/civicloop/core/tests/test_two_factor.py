"""The second factor (TOTP, core/twofactor.py): a password alone does not sign in a person who
has one, nor open the admin; wrong codes are throttled; setting it up, removing it and every
refused code leave a history row; the API token asks for the code too."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from civicloop.core.models import SecondFactorHistory
from civicloop.core.signin import PENDING_KEY
from civicloop.core.twofactor import Action
from civicloop.testing.factories import TEST_PASSWORD
from civicloop.testing.twofactor import give_device, next_code, sign_in_verified


@pytest.fixture
def clock():
    """The clock stands still unless a test moves it (a wrong code makes the next try wait)."""
    with time_machine.travel(dt.datetime.now(tz=dt.UTC), tick=False) as traveller:
        yield traveller


def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def sign_in_with_password(client, username, next_url=""):
    return client.post(
        "/login/", {"username": username, "password": TEST_PASSWORD, "next": next_url}
    )


def history(user) -> list[tuple[str, str | None]]:
    rows = SecondFactorHistory.objects.filter(user=user).order_by("at", "id")
    return [(row.action, row.actor.username if row.actor else None) for row in rows]


def wrong_code(device) -> str:
    right = next_code(device)
    return f"{(int(right) + 1) % 1_000_000:06d}"


# --- signing in on the web -----------------------------------------------------------------------


def test_a_person_with_a_second_factor_is_not_signed_in_by_the_password_alone(world, clock):
    device = give_device(world.wuyuan_dispatcher)
    client = english()
    response = sign_in_with_password(client, "wuyuan_dispatcher", "/events/")
    assert response.status_code == 302
    assert response["Location"] == "/login/code/"
    # The password is right, yet nobody is signed in: every page still asks to sign in.
    assert SESSION_KEY not in client.session
    assert client.get("/events/").status_code == 302
    assert client.get("/api/me/").status_code in (401, 403)

    refused = client.post("/login/code/", {"code": wrong_code(device)})
    assert refused.status_code == 400
    assert "The code is not right" in refused.content.decode()
    assert SESSION_KEY not in client.session

    clock.shift(2)
    passed = client.post("/login/code/", {"code": next_code(device)})
    assert passed.status_code == 302
    assert passed["Location"] == "/events/"
    assert client.session[SESSION_KEY] == str(world.wuyuan_dispatcher.pk)
    assert PENDING_KEY not in client.session
    assert client.get("/events/").status_code == 200
    assert history(world.wuyuan_dispatcher) == [
        (Action.FAILED, "wuyuan_dispatcher"),
        (Action.VERIFIED, "wuyuan_dispatcher"),
    ]
    row = SecondFactorHistory.objects.filter(user=world.wuyuan_dispatcher).first()
    assert row.details["address"] == "127.0.0.1"
    assert row.details["via"] == "web"


def test_without_a_second_factor_the_password_signs_in_as_before(world):
    client = english()
    response = sign_in_with_password(client, "wuyuan_dispatcher")
    assert response.status_code == 302
    assert response["Location"] != "/login/code/"
    assert client.get("/events/").status_code == 200


def test_the_code_must_follow_the_password_within_five_minutes(world):
    device = give_device(world.wuyuan_dispatcher)
    client = english()
    start = dt.datetime.now(tz=dt.UTC)
    with time_machine.travel(start, tick=False):
        sign_in_with_password(client, "wuyuan_dispatcher")
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        response = client.post("/login/code/", {"code": next_code(device)})
        assert response.status_code == 302
        assert response["Location"] == "/login/"
        assert SESSION_KEY not in client.session
        page = client.get("/login/").content.decode()
        assert "Sign in again: the code must follow the password." in page


def test_guessing_codes_is_throttled_and_each_refusal_recorded(world):
    device = give_device(world.wuyuan_dispatcher)
    client = english()
    start = dt.datetime.now(tz=dt.UTC)
    with time_machine.travel(start, tick=False):
        sign_in_with_password(client, "wuyuan_dispatcher")
        assert client.post("/login/code/", {"code": wrong_code(device)}).status_code == 400
        # Straight after a wrong code even the right one is not tried: wait 1 s, then 2, 4 …
        throttled = client.post("/login/code/", {"code": next_code(device)})
        assert throttled.status_code == 429
        assert "Too many wrong codes. Try again in 1 second." in throttled.content.decode()
        assert SESSION_KEY not in client.session
    with time_machine.travel(start + dt.timedelta(seconds=2), tick=False):
        assert client.post("/login/code/", {"code": wrong_code(device)}).status_code == 400
        assert client.post("/login/code/", {"code": next_code(device)}).status_code == 429
    with time_machine.travel(start + dt.timedelta(seconds=5), tick=False):
        assert client.post("/login/code/", {"code": next_code(device)}).status_code == 302
    assert history(world.wuyuan_dispatcher) == [
        (Action.FAILED, "wuyuan_dispatcher"),
        (Action.THROTTLED, "wuyuan_dispatcher"),
        (Action.FAILED, "wuyuan_dispatcher"),
        (Action.THROTTLED, "wuyuan_dispatcher"),
        (Action.VERIFIED, "wuyuan_dispatcher"),
    ]


def test_the_code_page_sends_nobody_onwards_to_another_site(world):
    device = give_device(world.wuyuan_dispatcher)
    client = english()
    sign_in_with_password(client, "wuyuan_dispatcher", "https://evil.example/")
    response = client.post("/login/code/", {"code": next_code(device)})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


# --- the admin ----------------------------------------------------------------------------------


def test_the_admin_needs_a_session_that_passed_the_second_factor(world, clock):
    anonymous = english()
    response = anonymous.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    # The admin's own password form is not a way round: it sends to the one sign-in.
    response = anonymous.get(response["Location"])
    assert response["Location"] == "/login/?next=%2Fadmin%2F"

    # Signed in with the password only and no device yet: set one up first.
    client = english()
    client.force_login(world.admin)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/account/two-factor/?next=%2Fadmin%2F"
    assert "need a second factor" in response.content.decode()

    # With a device, but this session did not give its code: the code page.
    device = give_device(world.admin)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/code/?next=%2Fadmin%2F"
    passed = client.post("/login/code/", {"code": next_code(device), "next": "/admin/"})
    assert passed["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_sign_in_verified_opens_the_admin_and_force_login_alone_does_not(world):
    plain = english()
    plain.force_login(world.admin)
    assert plain.get("/admin/org/user/").status_code == 302
    verified = english()
    sign_in_verified(verified, world.admin)
    assert verified.get("/admin/org/user/").status_code == 200


def test_with_the_policy_none_the_admin_asks_for_no_second_factor(world, settings):
    settings.CIVICLOOP_REQUIRE_2FA = "none"
    client = english()
    client.force_login(world.admin)
    assert client.get("/admin/").status_code == 200


def test_an_administrator_removes_a_lost_second_factor_and_it_is_recorded(world):
    give_device(world.wuyuan_dispatcher)
    admin_client = english()
    sign_in_verified(admin_client, world.admin)
    device = TOTPDevice.objects.get(user=world.wuyuan_dispatcher)
    response = admin_client.post(
        "/admin/otp_totp/totpdevice/",
        {"action": "remove_second_factor", "_selected_action": [device.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.wuyuan_dispatcher).exists()
    assert history(world.wuyuan_dispatcher) == [(Action.REMOVED, "admin")]
    # The secret is not shown in the admin.
    admin_device = TOTPDevice.objects.get(user=world.admin)
    page = admin_client.get(f"/admin/otp_totp/totpdevice/{admin_device.pk}/change/")
    assert admin_device.key not in page.content.decode()


# --- policy "all" --------------------------------------------------------------------------------


def test_with_the_policy_all_a_session_reaches_only_the_set_up_page_until_it_has_one(
    world, settings
):
    settings.CIVICLOOP_REQUIRE_2FA = "all"
    client = english()
    sign_in_with_password(client, "wuyuan_dispatcher")
    response = client.get("/events/")
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/?next=%2Fevents%2F"
    refused = client.get("/api/me/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "second_factor_required"
    assert client.get("/account/two-factor/").status_code == 200

    device = TOTPDevice.objects.get(user=world.wuyuan_dispatcher, confirmed=False)
    done = client.post(
        "/account/two-factor/",
        {"action": "confirm", "code": next_code(device), "next": "/events/"},
    )
    assert done["Location"] == "/events/"
    assert client.get("/events/").status_code == 200
    assert client.get("/api/me/").status_code == 200


# --- setting one up and removing it -------------------------------------------------------------


def test_setting_up_shows_a_qr_code_and_turns_on_only_with_a_right_code(world, clock):
    client = english()
    client.force_login(world.wuyuan_dispatcher)
    page = client.get("/account/two-factor/").content.decode()
    assert 'src="data:image/svg+xml' in page
    device = TOTPDevice.objects.get(user=world.wuyuan_dispatcher)
    assert not device.confirmed

    refused = client.post("/account/two-factor/", {"action": "confirm", "code": wrong_code(device)})
    assert refused.status_code == 400
    device.refresh_from_db()
    assert not device.confirmed
    # A wrong code makes the next try wait a second: try again a little later.
    clock.shift(2)
    done = client.post("/account/two-factor/", {"action": "confirm", "code": next_code(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert history(world.wuyuan_dispatcher) == [
        (Action.FAILED, "wuyuan_dispatcher"),
        (Action.ENROLLED, "wuyuan_dispatcher"),
    ]
    # From now on the password alone does not sign in.
    again = english()
    assert sign_in_with_password(again, "wuyuan_dispatcher")["Location"] == "/login/code/"


def test_removing_the_second_factor_needs_a_current_code(world, clock):
    client = english()
    device = sign_in_verified(client, world.wuyuan_dispatcher)
    refused = client.post("/account/two-factor/", {"action": "remove", "code": wrong_code(device)})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    clock.shift(2)
    done = client.post("/account/two-factor/", {"action": "remove", "code": next_code(device)})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.wuyuan_dispatcher).exists()
    assert [action for action, _ in history(world.wuyuan_dispatcher)] == [
        Action.FAILED,
        Action.VERIFIED,
        Action.REMOVED,
    ]


# --- the API token ------------------------------------------------------------------------------


def get_token(username, **extra):
    return APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/auth/token/",
        {"username": username, "password": TEST_PASSWORD, **extra},
        format="json",
    )


def test_the_api_token_needs_the_code_of_an_account_with_a_second_factor(world, clock):
    device = give_device(world.wuyuan_dispatcher)
    missing = get_token("wuyuan_dispatcher")
    assert missing.status_code == 400
    assert missing.json()["code"] == "otp_required"
    wrong = get_token("wuyuan_dispatcher", otp=wrong_code(device))
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid_otp"
    assert not Token.objects.exists()
    clock.shift(2)
    issued = get_token("wuyuan_dispatcher", otp=next_code(device))
    assert issued.status_code == 200
    assert Token.objects.get().user == world.wuyuan_dispatcher
    assert history(world.wuyuan_dispatcher) == [
        (Action.FAILED, "wuyuan_dispatcher"),
        (Action.VERIFIED, "wuyuan_dispatcher"),
    ]
    assert {row.details["via"] for row in SecondFactorHistory.objects.all()} == {"api"}


def test_the_api_token_answers_429_while_codes_are_throttled(world, clock):
    device = give_device(world.wuyuan_dispatcher)
    assert get_token("wuyuan_dispatcher", otp=wrong_code(device)).status_code == 400
    throttled = get_token("wuyuan_dispatcher", otp=next_code(device))
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "otp_throttled"


def test_with_the_policy_all_no_api_token_before_a_second_factor(world, settings):
    settings.CIVICLOOP_REQUIRE_2FA = "all"
    refused = get_token("wuyuan_dispatcher")
    assert refused.status_code == 403
    assert refused.json()["code"] == "second_factor_required"
    settings.CIVICLOOP_REQUIRE_2FA = "admin"
    assert get_token("wuyuan_dispatcher").status_code == 200


@pytest.mark.parametrize("code", ["", "abcdef", "1" * 13])
def test_a_malformed_code_is_refused_on_the_page_without_a_sign_in(world, code):
    give_device(world.wuyuan_dispatcher)
    client = english()
    sign_in_with_password(client, "wuyuan_dispatcher")
    response = client.post("/login/code/", {"code": code})
    assert response.status_code in (400, 429)
    assert SESSION_KEY not in client.session


def test_the_command_line_removes_a_lost_second_factor_and_records_it(world):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    give_device(world.admin)
    out = StringIO()
    call_command("remove_second_factor", "admin", reason="手机丢失", language="en", stdout=out)
    assert "was removed" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=world.admin).exists()
    row = SecondFactorHistory.objects.get(user=world.admin)
    assert (row.action, row.actor, row.reason) == (Action.REMOVED, None, "手机丢失")
    with pytest.raises(CommandError):
        call_command("remove_second_factor", "admin", reason="again", language="en")
