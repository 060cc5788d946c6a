"""Every refusal, in the spec's error format (``<errors><error><code/><description/>`` or a JSON
list of ``{code, description}``) with the spec's status: 403 for a wrong or missing api_key,
404 for what does not exist, 400 for any other request that cannot be fulfilled."""

from __future__ import annotations

import pytest

from civicloop.events.models import Event
from civicloop.matters.models import Category
from civicloop.open311 import services
from civicloop.open311.models import Open311Client

from .conftest import body, error_descriptions, noise_request, xml

FORMATS = ["xml", "json"]


def post_refused(o311, fmt, data, status):
    response = o311.post(f"requests.{fmt}", data)
    assert response.status_code == status, response.content.decode()
    assert not Event.objects.exists()
    return error_descriptions(response)


def test_the_error_document_has_the_spec_shape_in_xml(county, o311):
    response = o311.post("requests.xml", {"service_code": "noise"})
    assert response.status_code == 403
    root = xml(response)
    assert root.tag == "errors"
    (error,) = root
    assert error.tag == "error"
    assert [child.tag for child in error] == ["code", "description"]
    assert error.findtext("code") == "403"


def test_the_error_document_has_the_spec_shape_in_json(county, o311):
    response = o311.post("requests.json", {"service_code": "noise"})
    assert response.status_code == 403
    assert body(response) == [{"code": 403, "description": body(response)[0]["description"]}]


# --- the API key (403) -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_without_api_key_is_403(county, o311, fmt):
    data = noise_request("", county.wuyuan_grid)
    del data["api_key"]
    assert "api_key" in post_refused(o311, fmt, data, 403)[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_with_an_unknown_api_key_is_403(county, api_key, o311, fmt):
    descriptions = post_refused(o311, fmt, noise_request(api_key + "x", county.wuyuan_grid), 403)
    assert "api_key" in descriptions[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_with_a_revoked_api_key_is_403(county, api_key, o311, fmt):
    services.revoke_key(Open311Client.objects.get())
    assert "revoked" in post_refused(o311, fmt, noise_request(api_key, county.wuyuan_grid), 403)[0]


def test_a_read_that_sends_a_wrong_api_key_is_403_though_reads_need_none(county, api_key, o311):
    assert o311.get("services.xml").status_code == 200
    assert o311.get("services.xml", api_key=api_key).status_code == 200
    assert o311.get("services.xml", api_key="o311_guess").status_code == 403


# --- the service code --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_without_service_code_is_400(county, api_key, o311, fmt):
    data = noise_request(api_key, county.wuyuan_grid)
    del data["service_code"]
    assert "service_code" in post_refused(o311, fmt, data, 400)[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_with_an_unknown_service_code_is_404_as_the_spec_says(county, api_key, o311, fmt):
    descriptions = post_refused(
        o311, fmt, noise_request(api_key, county.wuyuan_grid, service_code="pothole"), 404
    )
    assert "pothole" in descriptions[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_for_a_retired_service_is_404(county, api_key, o311, fmt):
    Category.objects.filter(code="noise").update(is_active=False)
    post_refused(o311, fmt, noise_request(api_key, county.wuyuan_grid), 404)


# --- the location ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_without_any_location_is_400(county, api_key, o311, fmt):
    data = noise_request(api_key, county.wuyuan_grid)
    del data["lat"], data["long"]
    assert "location" in post_refused(o311, fmt, data, 400)[0]


@pytest.mark.parametrize(
    ("lat", "long", "words"),
    [
        ("30.5", "", "both lat and long"),
        ("north", "120.9", "decimal degrees"),
        ("95", "120.9", "between -90 and 90"),
        ("30.5", "200", "between -180 and 180"),
        ("nan", "120.9", "between -90 and 90"),
    ],
)
def test_bad_coordinates_are_400(county, api_key, o311, lat, long, words):
    data = noise_request(api_key, county.wuyuan_grid, lat=lat, long=long)
    assert words in post_refused(o311, "json", data, 400)[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_point_outside_the_county_is_400_with_a_clear_message(county, api_key, o311, fmt):
    # Times Square, then Jiaxing city centre: one abroad, one next door in the same province.
    for lat, lng in (("40.758", "-73.9855"), ("30.7522", "120.7555")):
        (description,) = post_refused(
            o311, fmt, noise_request(api_key, county.wuyuan_grid, lat=lat, long=lng), 400
        )
        assert "outside 海盐县" in description and lat in description


def test_an_address_nobody_can_place_is_400(county, api_key, o311):
    data = noise_request(
        api_key, county.wuyuan_grid, lat="", long="", address_string="1600 Market St, San Francisco"
    )
    assert "address_string" in post_refused(o311, "json", data, 400)[0]


def test_an_address_id_that_is_not_one_of_our_division_codes_is_400(county, api_key, o311):
    for value in ("545483", "330424000000", "330481001001"):
        data = noise_request(api_key, county.wuyuan_grid, lat="", long="", address_id=value)
        assert value in post_refused(o311, "json", data, 400)[0]


# --- the description and the other arguments ---------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_oversized_description_is_400(county, api_key, o311, fmt):
    data = noise_request(api_key, county.wuyuan_grid, description="吵" * 4001)
    (description,) = post_refused(o311, fmt, data, 400)
    assert "description" in description and "4000" in description and "4001" in description


def test_a_description_of_exactly_the_limit_is_accepted(county, api_key, o311):
    assert (
        o311.post(
            "requests.xml", noise_request(api_key, county.wuyuan_grid, description="吵" * 4000)
        ).status_code
        == 200
    )


def test_bad_email_media_url_and_phone_are_400(county, api_key, o311):
    assert (
        "email"
        in post_refused(
            o311, "json", noise_request(api_key, county.wuyuan_grid, email="not-an-email"), 400
        )[0]
    )
    assert (
        "media_url"
        in post_refused(
            o311,
            "json",
            noise_request(api_key, county.wuyuan_grid, media_url="javascript:alert(1)"),
            400,
        )[0]
    )
    assert (
        "phone"
        in post_refused(o311, "json", noise_request(api_key, county.wuyuan_grid, phone="12"), 400)[
            0
        ]
    )


def test_every_problem_of_a_request_is_reported_at_once(county, api_key, o311):
    data = {"api_key": api_key, "description": "x" * 5000, "email": "nope"}
    descriptions = post_refused(o311, "json", data, 400)
    assert len(descriptions) == 4
    assert any("service_code" in d for d in descriptions) and any(
        "location" in d for d in descriptions
    )


# --- attributes --------------------------------------------------------------------------------


def test_a_missing_required_attribute_is_400(county, api_key, o311):
    data = noise_request(api_key, county.wuyuan_grid)
    del data["attribute[noise_source]"]
    (description,) = post_refused(o311, "json", data, 400)
    assert "attribute[noise_source]" in description and "噪声来自哪里" in description


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"attribute[noise_source]": "aliens"}, "not one of the choices"),
        ({"attribute[colour]": "red"}, "no attribute colour"),
        ({"attribute[occurred_at]": "yesterday"}, "w3 datetime"),
        ({"attribute[occurred_at]": "2024-05-01T22:30:00"}, "time zone"),
        ({"attribute[noise_period][]": ["day", "night"]}, "takes one value"),
    ],
)
def test_bad_attribute_values_are_400(county, api_key, o311, extra, words):
    assert (
        words
        in post_refused(o311, "json", noise_request(api_key, county.wuyuan_grid, **extra), 400)[0]
    )


def test_an_attribute_time_in_the_future_is_400(county, api_key, o311):
    data = noise_request(
        api_key, county.wuyuan_grid, **{"attribute[occurred_at]": "2999-01-01T00:00:00Z"}
    )
    assert "future" in post_refused(o311, "json", data, 400)[0]


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"start_date": "last monday"}, "w3 datetime"),
        ({"start_date": "2024-13-01T00:00:00Z"}, "not a valid date"),
        ({"end_date": "2024-05-01T00:00:00"}, "time zone"),
        (
            {"start_date": "2024-05-02T00:00:00Z", "end_date": "2024-05-01T00:00:00Z"},
            "after end_date",
        ),
        ({"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-05-01T00:00:00Z"}, "90 days"),
        ({"status": "open,pending"}, "open or closed"),
        # Found by fuzzing: a bare 9999-12-31 overflowed in the query's bounds (a 500).
        ({"start_date": "9999-12-31"}, "between 1900-01-01 and 2999-12-31"),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_query_arguments_are_400(county, o311, fmt, params, words):
    response = o311.get(f"requests.{fmt}", **params)
    assert response.status_code == 400
    assert words in error_descriptions(response)[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_request_id_is_404(county, o311, fmt):
    response = o311.get(f"requests/E2024010100001.{fmt}")
    assert response.status_code == 404
    assert "E2024010100001" in error_descriptions(response)[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_token_is_404(county, o311, fmt):
    response = o311.get(f"tokens/0123abcd.{fmt}")
    assert response.status_code == 404
    assert "0123abcd" in error_descriptions(response)[0]


def test_an_unknown_resource_or_format_is_404_in_the_spec_format(county, o311):
    assert o311.get("reports.json").status_code == 404
    assert error_descriptions(o311.get("reports.json"))
    response = o311.get("services.csv")
    assert response.status_code == 404 and xml(response).tag == "errors"


def test_a_method_the_resource_does_not_have_is_refused_in_the_spec_format(county, o311):
    response = o311.http.delete("/open311/v2/requests.json")
    assert response.status_code == 405
    assert "DELETE" in error_descriptions(response)[0]
    assert "POST" in response["Allow"]
    assert o311.post("services.xml", {}).status_code == 405
