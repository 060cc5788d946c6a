"""API keys — issued in the admin or with ``civicloop open311 issue-key``, shown once, stored
as a digest, revocable — and the rate limits per key and per address."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from civicloop.core.errors import InvalidInput
from civicloop.open311 import services
from civicloop.open311.models import Open311Client
from civicloop.testing.twofactor import sign_in_verified

from .conftest import body, error_descriptions, noise_request


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("open311", "--language", "en", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- the command line ----------------------------------------------------------------------------


def test_issue_key_prints_a_key_that_works_and_only_its_digest_is_stored(county, o311):
    out, err = run("issue-key", "浙里办", "--contact", "ops@example.cn", "--rate-limit", "120")
    key = out.strip()
    assert key.startswith("o311_") and len(key) > 40
    assert "shown only now" in err
    client = Open311Client.objects.get()
    assert (client.name, client.contact, client.rate_limit, client.is_active) == (
        "浙里办",
        "ops@example.cn",
        120,
        True,
    )
    assert client.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str([getattr(client, f.attname) for f in Open311Client._meta.fields])
    assert client.key_prefix == key[:12]
    assert o311.post("requests.xml", noise_request(key, county.wuyuan_grid)).status_code == 200
    client.refresh_from_db()
    assert client.last_used_at is not None


def test_issue_key_refuses_a_name_in_use_unless_told_to_replace_the_key(county, o311):
    old = run("issue-key", "App")[0].strip()
    with pytest.raises(CommandError, match="already a client"):
        run("issue-key", "App")
    new = run("issue-key", "App", "--replace")[0].strip()
    assert new != old
    assert o311.post("requests.xml", noise_request(old, county.wuyuan_grid)).status_code == 403
    assert o311.post("requests.xml", noise_request(new, county.wuyuan_grid)).status_code == 200


def test_list_keys_shows_clients_without_their_keys(county):
    key = run("issue-key", "App A")[0].strip()
    run("issue-key", "App B", "--rate-limit", "5")
    run("revoke-key", "App B")
    out, _err = run("list-keys")
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["name", "API", "key", "state"]
    assert any(line.startswith("App A") and "active" in line for line in lines)
    assert any(line.startswith("App B") and "revoked" in line for line in lines)
    assert key not in out and key[:12] in out


def test_revoke_key_makes_the_key_fail_at_once(county, o311):
    key = run("issue-key", "App")[0].strip()
    out, _err = run("revoke-key", "App")
    assert "Revoked" in out
    response = o311.post("requests.json", noise_request(key, county.wuyuan_grid))
    assert response.status_code == 403 and "revoked" in error_descriptions(response)[0]
    assert "already revoked" in run("revoke-key", "App")[0]
    with pytest.raises(CommandError, match="no Open311 client"):
        run("revoke-key", "Nobody")


def test_a_client_needs_a_name_and_a_sensible_rate_limit(county):
    with pytest.raises(InvalidInput):
        services.issue_key(name=" ")
    with pytest.raises(InvalidInput):
        services.issue_key(name="App", rate_limit=0)
    assert not Open311Client.objects.exists()


# --- the admin ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(county):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    # The admin needs a session that passed the second factor (core/twofactor.py).
    sign_in_verified(client, county.admin)
    return client


def test_the_admin_add_form_shows_the_new_key_once(county, admin_client, o311):
    response = admin_client.post(
        "/admin/open311/open311client/add/",
        {"name": "12345 热线", "contact": "热线中心", "rate_limit": "30"},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    client = Open311Client.objects.get()
    key = page.split('class="open311-key">')[1].split("<")[0]
    assert client.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert client.rate_limit == 30
    assert o311.post("requests.xml", noise_request(key, county.wuyuan_grid)).status_code == 200
    for url in (
        "/admin/open311/open311client/",
        f"/admin/open311/open311client/{client.pk}/change/",
    ):
        assert key not in admin_client.get(url).content.decode()


def test_the_admin_action_issues_new_keys_and_another_revokes_them(county, admin_client, o311):
    client, old = services.issue_key(name="App")
    response = admin_client.post(
        "/admin/open311/open311client/",
        {"action": "issue_new_keys", "_selected_action": [client.pk]},
    )
    key = response.content.decode().split('class="open311-key">')[1].split("<")[0]
    assert key != old
    assert o311.post("requests.xml", noise_request(old, county.wuyuan_grid)).status_code == 403
    assert o311.post("requests.xml", noise_request(key, county.wuyuan_grid)).status_code == 200
    admin_client.post(
        "/admin/open311/open311client/", {"action": "revoke_keys", "_selected_action": [client.pk]}
    )
    assert o311.post("requests.xml", noise_request(key, county.wuyuan_grid)).status_code == 403


def test_received_requests_are_read_only_in_the_admin_with_personal_data_masked(
    county, admin_client, api_key, o311
):
    o311.post(
        "requests.xml",
        noise_request(
            api_key,
            county.wuyuan_grid,
            email="zhangsan@example.cn",
            device_id="imei-861234",
            account_id="acct-4242",
        ),
    )
    link = county.wuyuan_grid.events.get().open311
    page = admin_client.get(f"/admin/open311/open311request/{link.pk}/change/").content.decode()
    assert "zhangsan@example.cn" not in page and "zh****@example.cn" in page
    assert "imei-861234" not in page and "acct-4242" not in page
    assert admin_client.get("/admin/open311/open311request/add/").status_code == 403


# --- rate limits -------------------------------------------------------------------------------


# The counters run in fixed one-minute windows, so each test starts at the top of a minute on a
# stopped clock: a run that crosses a minute boundary on the real clock would reset the count.
@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 5, 1, 10, 0, 5, tzinfo=dt.UTC), tick=False) as t:
        yield t


def test_each_key_has_its_own_rate_limit_answered_with_429_and_retry_after(county, o311, clock):
    slow, slow_key = services.issue_key(name="Slow", rate_limit=3)
    _other, other_key = services.issue_key(name="Other")
    for _i in range(3):
        assert o311.get("services.json", api_key=slow_key).status_code == 200
    for fmt in ("json", "xml"):
        response = o311.get(f"services.{fmt}", api_key=slow_key)
        assert response.status_code == 429
        assert response["Retry-After"] == "55"  # seconds to the end of the minute
        assert "at most 3 a minute" in error_descriptions(response)[0]
    refused = o311.post("requests.json", noise_request(slow_key, county.wuyuan_grid))
    assert refused.status_code == 429 and body(refused)[0]["code"] == 429
    assert not county.wuyuan_grid.events.exists()
    assert o311.get("services.json", api_key=other_key).status_code == 200
    clock.shift(dt.timedelta(seconds=60))
    assert o311.get("services.json", api_key=slow_key).status_code == 200


def test_reads_without_a_key_are_limited_per_address_at_the_public_rate(
    county, o311, settings, clock
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public": "2/minute"},
    }
    assert o311.get("services.xml").status_code == 200
    assert o311.get("requests.json").status_code == 200
    response = o311.get("services.xml")
    assert response.status_code == 429 and response["Retry-After"]
    other_address = Client(REMOTE_ADDR="10.1.2.3")
    assert other_address.get("/open311/v2/services.xml").status_code == 200
