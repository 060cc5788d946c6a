"""Real 311 records (NYC Open Data, see fixtures/SOURCES.md) replayed as Open311 POSTs.

At their New York coordinates they are refused as outside the county; the same records placed
by an address naming a Haiyan village enter the loop under the mapped service, and what GET
returns parses back into what a client needs.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest

from civicloop.events.choices import EventState, Source
from civicloop.events.models import Event
from civicloop.open311 import services
from civicloop.open311.models import Open311Request

from .conftest import error_descriptions

FIXTURES = Path(__file__).parent / "fixtures"
NEW_YORK = ZoneInfo("America/New_York")
# Villages of the test county, as people write them in an address.
VILLAGES = ["武原街道百可社区", "武原街道枣园社区", "澉浦镇南北湖村"]


def read_csv(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


RECORDS = read_csv("nyc_311_sample.csv")
MAPPING = read_csv("nyc_complaint_mapping.csv")


def mapped(record: dict) -> dict:
    """The mapping row for a record: its descriptor's row if there is one, else its type's."""
    rows = [m for m in MAPPING if m["complaint_type"] == record["Complaint Type"]]
    exact = [m for m in rows if m["descriptor"] == record["Descriptor"]]
    return (exact or [m for m in rows if not m["descriptor"]])[0]


def created_w3(record: dict) -> str:
    moment = dt.datetime.strptime(record["Created Date"], "%m/%d/%Y %I:%M:%S %p").replace(
        tzinfo=NEW_YORK
    )
    return moment.isoformat()


def as_post(record: dict, api_key: str) -> dict:
    mapping = mapped(record)
    data = {
        "api_key": api_key,
        "service_code": mapping["service_code"],
        "description": f"{record['Complaint Type']}: {record['Descriptor']} ({record['Location Type']})",
        "attribute[occurred_at]": created_w3(record),
    }
    if mapping["attribute"]:
        key = f"attribute[{mapping['attribute']}]"
        if mapping["attribute"] == "waste_kinds":
            key += "[]"
        data[key] = mapping["value"]
    return data


@pytest.fixture
def replay_key(county) -> str:
    return services.issue_key(name="NYC 311 replay", rate_limit=1000)[1]


def test_the_sample_is_thirty_real_records_from_both_sources_and_every_type_is_mapped():
    assert len(RECORDS) == 30
    assert {r["Source"] for r in RECORDS} == {"pyboot", "uissc04"}
    assert len({r["Unique Key"] for r in RECORDS}) == 30
    for record in RECORDS:
        assert mapped(record)["service_code"], record["Complaint Type"]
        assert -75 < float(record["Longitude"]) < -73 and 40 < float(record["Latitude"]) < 41.5


def test_the_mapping_names_only_services_we_publish(county, o311):
    codes = {s.findtext("service_code") for s in ET.fromstring(o311.get("services.xml").content)}
    assert {m["service_code"] for m in MAPPING} <= codes


def test_nyc_records_at_their_new_york_coordinates_are_refused_as_outside_the_county(
    county, replay_key, o311
):
    for i, record in enumerate(RECORDS):
        data = as_post(record, replay_key) | {
            "lat": record["Latitude"],
            "long": record["Longitude"],
            "address_string": record["Incident Address"],
        }
        response = o311.post(f"requests.{'xml' if i % 2 else 'json'}", data)
        assert response.status_code == 400, (record["Unique Key"], response.content)
        (description,) = error_descriptions(response)
        assert "outside 海盐县" in description and record["Latitude"] in description
    assert not Event.objects.exists()


def test_the_same_records_placed_in_a_haiyan_village_enter_the_loop(county, replay_key, o311):
    numbers = {}
    for i, record in enumerate(RECORDS):
        village = VILLAGES[i % len(VILLAGES)]
        data = as_post(record, replay_key) | {
            "address_string": f"海盐县{village} {record['Incident Address']}"
        }
        response = o311.post(f"requests.{'xml' if i % 2 else 'json'}", data)
        assert response.status_code == 200, (record["Unique Key"], response.content.decode())
        if i % 2:
            number = ET.fromstring(response.content).findtext("request/service_request_id")
        else:
            number = json.loads(response.content)[0]["service_request_id"]
        numbers[record["Unique Key"]] = number

    assert Event.objects.count() == 30
    grids = {
        VILLAGES[0]: county.wuyuan_grid,
        VILLAGES[1]: county.wuyuan_grid2,
        VILLAGES[2]: county.ganpu_grid,
    }
    for i, record in enumerate(RECORDS):
        event = Event.objects.select_related("category", "open311").get(
            number=numbers[record["Unique Key"]]
        )
        mapping = mapped(record)
        assert (event.source, event.state, event.reported_by) == (
            Source.OPEN311,
            EventState.COLLECTED,
            None,
        )
        assert event.category.code == mapping["service_code"]
        assert event.region == grids[VILLAGES[i % len(VILLAGES)]]
        assert event.occurred_at == dt.datetime.fromisoformat(created_w3(record))
        assert record["Complaint Type"] in event.description
        if mapping["attribute"]:
            value = event.open311.attributes[mapping["attribute"]]
            assert value == (
                [mapping["value"]] if mapping["attribute"] == "waste_kinds" else mapping["value"]
            )
    assert Open311Request.objects.filter(client__name="NYC 311 replay").count() == 30

    # What a client reads back: every record, with the fields it needs.
    listed = json.loads(o311.get("requests.json").content)
    assert {r["service_request_id"] for r in listed} == set(numbers.values())
    by_number = {r["service_request_id"]: r for r in listed}
    xml_records = {
        r.findtext("service_request_id"): {c.tag: c.text for c in r}
        for r in ET.fromstring(o311.get("requests.xml").content)
    }
    for record in RECORDS:
        number = numbers[record["Unique Key"]]
        for parsed in (by_number[number], xml_records[number]):
            assert parsed["status"] == "open"
            assert parsed["service_code"] == mapped(record)["service_code"]
            assert parsed["description"].startswith(record["Complaint Type"])
            assert record["Incident Address"] in parsed["address"]
            assert dt.datetime.fromisoformat(parsed["requested_datetime"]).tzinfo is not None
            assert parsed["agency_responsible"] in (
                "武原街道综合信息指挥室",
                "澉浦镇综合信息指挥室",
            )
    noise = json.loads(o311.get("requests.json", service_code="noise").content)
    assert len(noise) == sum(1 for r in RECORDS if mapped(r)["service_code"] == "noise")
