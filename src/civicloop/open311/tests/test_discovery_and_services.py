"""Conformance of service discovery, GET Service List and GET Service Definition, written from
the GeoReport v2 and Service Discovery specifications (wiki.open311.org)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from civicloop.matters.models import Category
from civicloop.open311.models import ServiceAttribute

from .conftest import body, children, error_descriptions, xml

SERVICE_ELEMENTS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
ATTRIBUTE_ELEMENTS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]


# --- discovery ------------------------------------------------------------------------


def test_discovery_answers_in_xml_with_every_field_the_discovery_spec_requires(county, o311):
    response = o311.get("discovery.xml")
    assert response.status_code == 200
    root = xml(response)
    assert root.tag == "discovery"
    assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
    assert all(root.findtext(tag) for tag in ("changeset", "contact", "key_service"))
    (endpoint,) = root.find("endpoints")
    assert endpoint.tag == "endpoint"
    assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
    assert all(f.tag == "format" for f in endpoint.find("formats"))


def test_discovery_answers_in_json_with_the_same_content(county, o311):
    document = body(o311.get("discovery.json"))
    assert set(document) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = document["endpoints"]
    assert endpoint == {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": "http://testserver/open311/v2",
        "changeset": document["changeset"],
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    assert "海盐县社会治理中心" in document["contact"]


def test_discovery_contact_and_endpoint_type_are_configurable(county, o311, settings):
    settings.CIVICLOOP_OPEN311_CONTACT = "open311@haiyan.gov.cn 0573-86000000"
    settings.CIVICLOOP_OPEN311_ENDPOINT_TYPE = "test"
    document = body(o311.get("discovery.json"))
    assert document["contact"] == "open311@haiyan.gov.cn 0573-86000000"
    assert document["endpoints"][0]["type"] == "test"


def test_discovery_changeset_moves_only_when_the_catalogue_changes(county, o311):
    first = body(o311.get("discovery.json"))["changeset"]
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        assert body(o311.get("discovery.json"))["changeset"] == first
        ServiceAttribute.objects.filter(code="noise_period").update(required=True)
        second = body(o311.get("discovery.json"))["changeset"]
    assert second > first  # sortable: "YYYY-MM-DD HH:MM:SS"
    with time_machine.travel(timezone.now() + dt.timedelta(hours=4)):
        Category.objects.filter(code="forestry").update(is_active=False)
        assert body(o311.get("discovery.json"))["changeset"] > second


def test_the_endpoint_root_serves_discovery_too(county, o311):
    assert xml(o311.get("")).tag == "discovery"


# --- GET Service List -----------------------------------------------------------------------


def test_service_list_in_xml_has_one_service_per_active_category_with_the_spec_elements(
    county, o311
):
    Category.objects.filter(code="forestry").update(is_active=False)
    root = xml(o311.get("services.xml"))
    assert root.tag == "services"
    assert all(service.tag == "service" for service in root)
    assert all(children(service) == SERVICE_ELEMENTS for service in root)
    codes = [s.findtext("service_code") for s in root]
    assert codes == list(
        Category.objects.filter(is_active=True)
        .order_by("position", "code")
        .values_list("code", flat=True)
    )
    assert "forestry" not in codes and "noise" in codes
    noise = next(s for s in root if s.findtext("service_code") == "noise")
    assert noise.findtext("service_name") == "噪声扰民"
    assert noise.findtext("group") == "环境污染"  # the parent category
    assert noise.findtext("type") == "realtime"
    assert noise.findtext("metadata") == "true"
    assert "噪音" in noise.findtext("keywords").split(", ")
    assert noise.findtext("description")


def test_service_list_in_json_is_an_array_of_the_same_services(county, o311):
    services = body(o311.get("services.json"))
    assert isinstance(services, list)
    assert [list(s) for s in services] == [SERVICE_ELEMENTS] * len(services)
    by_code = {s["service_code"]: s for s in services}
    assert by_code["street-vending"]["group"] == "市容环境"
    assert (
        by_code["city-appearance"]["group"] == "市容环境"
    )  # a top-level category is its own group
    assert by_code["noise"]["metadata"] is True


def test_metadata_is_false_for_a_service_without_attributes(county, o311):
    ServiceAttribute.objects.filter(service_code="").update(is_active=False)
    by_code = {s["service_code"]: s for s in body(o311.get("services.json"))}
    assert by_code["other"]["metadata"] is False
    assert by_code["noise"]["metadata"] is True


def test_keywords_are_derived_from_the_category_names_when_no_profile_gives_them(county, o311):
    Category.objects.create(
        code="fishing",
        name="非法捕捞（电鱼、网箱）",
        parent=Category.objects.get(code="agriculture"),
    )
    service = next(s for s in body(o311.get("services.json")) if s["service_code"] == "fishing")
    assert service["keywords"] == "非法捕捞, 电鱼, 网箱, 农业农村, 秸秆, 农资"
    assert service["description"] == "非法捕捞（电鱼、网箱）"


# --- GET Service Definition ---------------------------------------------------------------------


def test_service_definition_in_xml_lists_its_attributes_in_order(county, o311):
    root = xml(o311.get("services/noise.xml"))
    assert root.tag == "service_definition"
    assert children(root) == ["service_code", "attributes"]
    assert root.findtext("service_code") == "noise"
    attributes = root.find("attributes")
    assert all(a.tag == "attribute" and children(a) == ATTRIBUTE_ELEMENTS for a in attributes)
    assert [a.findtext("code") for a in attributes] == [
        "noise_source",
        "noise_period",
        "occurred_at",
        "anonymous",
    ]
    assert [a.findtext("order") for a in attributes] == ["1", "2", "3", "4"]
    source = attributes[0]
    assert (
        source.findtext("variable"),
        source.findtext("datatype"),
        source.findtext("required"),
    ) == ("true", "singlevaluelist", "true")
    values = source.find("values")
    assert all(v.tag == "value" and children(v) == ["key", "name"] for v in values)
    assert [v.findtext("key") for v in values] == [
        "construction",
        "industrial",
        "commercial",
        "social",
        "traffic",
    ]
    assert values[0].findtext("name") == "建筑施工"
    occurred = attributes[2]
    assert occurred.findtext("datatype") == "datetime" and occurred.findtext("required") == "false"
    assert list(occurred.find("values")) == []


def test_service_definition_in_json_uses_arrays_for_attributes_and_values(county, o311):
    definition = body(o311.get("services/sanitation.json"))
    assert list(definition) == ["service_code", "attributes"]
    assert definition["service_code"] == "sanitation"
    kinds = definition["attributes"][0]
    assert list(kinds) == ATTRIBUTE_ELEMENTS
    assert kinds["code"] == "waste_kinds" and kinds["datatype"] == "multivaluelist"
    assert kinds["variable"] is True and kinds["required"] is False and kinds["order"] == 1
    assert kinds["datatype_description"] is None
    assert kinds["values"][0] == {"key": "household", "name": "生活垃圾"}
    orders = [a["order"] for a in definition["attributes"]]
    assert orders == sorted(set(orders))


def test_attributes_are_data_an_administrator_adds_without_code(county, o311):
    ServiceAttribute.objects.create(
        service_code="street-vending",
        code="goods",
        description="摊贩卖什么？",
        datatype="string",
        order=2,
    )
    codes = [a["code"] for a in body(o311.get("services/street-vending.json"))["attributes"]]
    assert codes == ["stall_count", "goods", "occurred_at", "anonymous"]


def test_a_service_may_override_an_attribute_every_service_asks(county, o311):
    ServiceAttribute.objects.create(
        service_code="disputes",
        code="anonymous",
        description="调解需要实名，不能匿名",
        datatype="string",
        variable=False,
        order=1,
    )
    attributes = body(o311.get("services/disputes.json"))["attributes"]
    assert [(a["code"], a["variable"]) for a in attributes] == [
        ("anonymous", False),
        ("occurred_at", True),
    ]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_service_definition_of_an_unknown_or_retired_service_is_404(county, o311, fmt):
    response = o311.get(f"services/potholes.{fmt}")
    assert response.status_code == 404
    assert "potholes" in error_descriptions(response)[0]
    Category.objects.filter(code="forestry").update(is_active=False)
    assert o311.get(f"services/forestry.{fmt}").status_code == 404


# --- jurisdiction_id --------------------------------------------------------------------------


def test_jurisdiction_id_may_be_omitted_or_name_our_county(county, o311, settings):
    settings.CIVICLOOP_OPEN311_JURISDICTION_ID = "haiyan.gov.cn"
    for value in ("", "330424", "haiyan.gov.cn", "HAIYAN.gov.cn"):
        assert o311.get("services.xml", jurisdiction_id=value).status_code == 200, value


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_jurisdiction_id_is_404_on_every_method(county, o311, fmt):
    for path in (
        f"discovery.{fmt}",
        f"services.{fmt}",
        f"services/noise.{fmt}",
        f"requests.{fmt}",
        f"requests/E2024010100001.{fmt}",
        f"tokens/abc.{fmt}",
    ):
        response = o311.get(path, jurisdiction_id="sfgov.org")
        assert response.status_code == 404, path
        assert "sfgov.org" in error_descriptions(response)[0]


def test_the_domain_jurisdiction_id_is_refused_until_it_is_configured(county, o311):
    assert o311.get("services.xml", jurisdiction_id="haiyan.gov.cn").status_code == 404
