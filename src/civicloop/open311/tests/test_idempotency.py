"""An Open311 client that lost the answer to its POST and sends it again with the same
``Idempotency-Key`` gets the first answer (the same service_request_id), and the request becomes
one event; refusals of the key keep the spec's error format."""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.translation import gettext, override

from civicloop.core import idempotency
from civicloop.core.models import IdempotencyKey
from civicloop.events.models import Event
from civicloop.open311 import services

from .conftest import BASE, body, error_descriptions, noise_request


def post(o311, path: str, data: dict, key: str | None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return o311.http.post(
        BASE + path,
        urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
        **headers,
    )


def test_a_retried_post_with_the_same_key_is_one_event_with_the_same_answer(county, api_key, o311):
    data = noise_request(api_key, county.wuyuan_grid)
    first = post(o311, "requests.json", data, key="8e03978e-40d5-43e8-bc93-6894a57f9324")
    assert first.status_code == 200
    again = post(o311, "requests.json", data, key="8e03978e-40d5-43e8-bc93-6894a57f9324")
    assert again.status_code == 200
    assert again.content == first.content
    assert again[idempotency.REPLAYED_HEADER] == "true"
    (answer,) = body(again)
    event = Event.objects.get()
    assert answer["service_request_id"] == event.number
    assert event.history.filter(action="collect").count() == 1
    assert IdempotencyKey.objects.get().scope.startswith("open311:")


def test_without_a_key_a_repeated_post_is_a_second_request(county, api_key, o311):
    data = noise_request(api_key, county.wuyuan_grid)
    assert post(o311, "requests.xml", data, key=None).status_code == 200
    assert post(o311, "requests.xml", data, key=None).status_code == 200
    assert Event.objects.count() == 2


def test_the_same_key_for_another_request_is_refused_in_the_spec_format(county, api_key, o311):
    post(o311, "requests.xml", noise_request(api_key, county.wuyuan_grid), key="k-1")
    other = noise_request(api_key, county.wuyuan_grid, description="工地夜间施工噪声")
    response = post(o311, "requests.xml", other, key="k-1")
    assert response.status_code == 422
    with override("en"):
        assert error_descriptions(response) == [gettext(str(idempotency.KEY_REUSED))]
    assert Event.objects.count() == 1


def test_a_key_belongs_to_its_client(county, api_key, o311):
    """Two applications that happen to choose the same key each get their own request."""
    _client, other_key = services.issue_key(name="12345 热线", contact="ops@example.cn")
    post(o311, "requests.json", noise_request(api_key, county.wuyuan_grid), key="same")
    second = post(o311, "requests.json", noise_request(other_key, county.wuyuan_grid), key="same")
    assert second.status_code == 200 and idempotency.REPLAYED_HEADER not in second
    assert Event.objects.count() == 2


def test_a_malformed_key_is_a_400_in_the_spec_format(county, api_key, o311):
    response = post(
        o311, "requests.json", noise_request(api_key, county.wuyuan_grid), key="has space"
    )
    assert response.status_code == 400
    with override("en"):
        assert error_descriptions(response) == [gettext(str(idempotency.INVALID_KEY))]
    assert not Event.objects.exists()


def test_a_refused_request_keeps_no_key(county, api_key, o311):
    bad = noise_request(api_key, county.wuyuan_grid, service_code="no-such-service")
    assert post(o311, "requests.json", bad, key="k-2").status_code == 404
    assert not IdempotencyKey.objects.exists()
    good = noise_request(api_key, county.wuyuan_grid)
    assert post(o311, "requests.json", good, key="k-2").status_code == 200
    assert Event.objects.count() == 1
