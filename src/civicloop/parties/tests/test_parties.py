"""Parties (当事人): identified by a checked ID number or credit code, one record per identifier,
shown masked, revealed only to those handling their cases (and each reveal logged)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.parties import services
from civicloop.parties.models import Party, PartyHistory
from civicloop.privacy.models import PersonalDataAccess
from civicloop.testing.cases import MONDAY, at, file
from civicloop.testing.world import ENTERPRISE2_CODE, ENTERPRISE_CODE, PERSON2_ID, PERSON_ID

PERSON = services.PartyData(
    kind="person",
    name="王五",
    id_number=PERSON2_ID,
    phone="13700000000",
    address="海盐县武原街道枣园路5号",
)
ENTERPRISE = services.PartyData(
    kind="organisation",
    name="海盐县鑫源建材有限公司",
    credit_code=ENTERPRISE2_CODE,
    legal_representative="赵六",
    phone="0573-86000000",
    address="海盐县经济开发区兴业路9号",
)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_officer_records_a_person_and_an_organisation_with_history(case_world):
    person = services.create_party(by=case_world.wuyuan_officer, data=PERSON)
    enterprise = services.create_party(by=case_world.wuyuan_officer, data=ENTERPRISE)
    assert person.kind == "person" and person.id_number == PERSON2_ID and person.credit_code == ""
    assert enterprise.credit_code == ENTERPRISE2_CODE and enterprise.legal_representative == "赵六"
    row = PartyHistory.objects.get(party=person)
    assert row.action == "create" and row.actor == case_world.wuyuan_officer
    assert PERSON2_ID not in str(row.details)  # history names fields, never personal data


@pytest.mark.parametrize(
    "data, field",
    [
        (
            services.PartyData(kind="person", name="王五", id_number="330424199207083520"),
            "id_number",
        ),
        (services.PartyData(kind="person", name="王五"), "id_number"),
        (
            services.PartyData(
                kind="person", name="王五", id_number=PERSON2_ID, credit_code=ENTERPRISE2_CODE
            ),
            "credit_code",
        ),
        (
            services.PartyData(
                kind="organisation", name="某公司", credit_code="91330424MA2D1Y2K5F"
            ),
            "credit_code",
        ),
        (services.PartyData(kind="organisation", name="某公司"), "credit_code"),
        (services.PartyData(kind="organisation", name="", credit_code=ENTERPRISE2_CODE), "name"),
        (
            services.PartyData(kind="person", name="王五", id_number=PERSON2_ID, phone="12345"),
            "phone",
        ),
        (services.PartyData(kind="robot", name="王五", id_number=PERSON2_ID), "kind"),
    ],
)
def test_bad_party_details_are_refused_on_their_field_and_nothing_is_stored(
    case_world, data, field
):
    before = Party.objects.count()
    with pytest.raises(InvalidInput) as refused:
        services.create_party(by=case_world.wuyuan_officer, data=data)
    assert refused.value.field == field
    assert Party.objects.count() == before


def test_one_identifier_belongs_to_one_party(case_world):
    with pytest.raises(InvalidInput) as refused:
        services.create_party(
            by=case_world.wuyuan_officer,
            data=services.PartyData(kind="person", name="张三", id_number=PERSON_ID),
        )
    assert refused.value.field == "id_number"
    found, created = services.find_or_create_party(
        by=case_world.wuyuan_officer,
        data=services.PartyData(
            kind="organisation", name="海盐县百味餐饮有限公司", credit_code=ENTERPRISE_CODE.lower()
        ),
    )
    assert found == case_world.enterprise and not created
    with pytest.raises(InvalidInput) as mismatch:
        services.find_or_create_party(
            by=case_world.wuyuan_officer,
            data=services.PartyData(kind="person", name="李四", id_number=PERSON_ID),
        )
    assert mismatch.value.field == "name"


def test_only_enforcement_officers_record_parties(case_world):
    for user in (case_world.grid_worker, case_world.wuyuan_dispatcher, case_world.legal_reviewer):
        with pytest.raises(NotPermitted):
            services.create_party(by=user, data=PERSON)
    assert not Party.objects.filter(id_number=PERSON2_ID).exists()


def test_a_person_is_shown_masked_and_an_organisations_name_and_code_in_full(case_world):
    person, enterprise = case_world.person.masked(), case_world.enterprise.masked()
    assert person["name"] == "张*" and person["id_number"] == "330424********2010"
    assert person["phone"] == "139****5678" and "健康路12号" not in person["address"]
    assert (
        enterprise["name"] == "海盐县百味餐饮有限公司"
        and enterprise["credit_code"] == ENTERPRISE_CODE
    )
    assert enterprise["legal_representative"] == "李*"


def test_staff_who_see_a_case_see_its_parties_and_nobody_else_does(case_world):
    with at(MONDAY):
        file(case_world)
    for username in ("wuyuan_officer", "wuyuan_officer2", "wuyuan_dispatcher", "centre", "leader"):
        assert case_world.person in Party.objects.visible_to(case_world.users[username]), username
    for username in (
        "ganpu_officer",
        "ganpu_dispatcher",
        "grid_worker",
        "legal_reviewer",
        "outsider",
    ):
        assert case_world.person not in Party.objects.visible_to(case_world.users[username]), (
            username
        )
    assert case_world.enterprise not in Party.objects.visible_to(case_world.wuyuan_officer)


def test_a_reveal_is_for_those_handling_the_case_and_is_logged(case_world):
    with at(MONDAY):
        file(case_world)
    shown = services.reveal_party(case_world.person, by=case_world.wuyuan_officer, channel="web")
    assert shown["id_number"] == PERSON_ID and shown["phone"] == "13912345678"
    access = PersonalDataAccess.objects.get()
    assert access.user == case_world.wuyuan_officer and "id_number" in access.fields
    with pytest.raises(NotPermitted):
        services.reveal_party(case_world.person, by=case_world.wuyuan_dispatcher, channel="web")
    assert PersonalDataAccess.objects.count() == 1


def test_the_api_masks_parties_and_logs_the_contact_endpoint(case_world):
    with at(MONDAY):
        file(case_world)
    listed = api(case_world.wuyuan_officer).get("/api/parties/").json()["results"]
    assert [p["name"] for p in listed] == ["张*"] and listed[0]["id_number"] == "330424********2010"
    assert (
        api(case_world.wuyuan_dispatcher)
        .get(f"/api/parties/{case_world.person.pk}/contact/")
        .status_code
        == 403
    )
    assert (
        api(case_world.ganpu_officer).get(f"/api/parties/{case_world.person.pk}/").status_code
        == 404
    )
    contact = api(case_world.wuyuan_officer).get(f"/api/parties/{case_world.person.pk}/contact/")
    assert contact.status_code == 200 and contact.json()["id_number"] == PERSON_ID
    assert "no-store" in contact["Cache-Control"]
    assert PersonalDataAccess.objects.filter(channel="api").count() == 1


def test_recording_a_party_over_the_api_checks_the_credit_code(case_world):
    bad = api(case_world.wuyuan_officer).post(
        "/api/parties/",
        {"kind": "organisation", "name": "某公司", "credit_code": "91330424MA2D1Y2K5F"},
        format="json",
    )
    assert bad.status_code == 400 and "credit_code" in bad.json()["errors"]
    good = api(case_world.wuyuan_officer).post(
        "/api/parties/",
        {"kind": "organisation", "name": "某公司", "credit_code": ENTERPRISE2_CODE},
        format="json",
    )
    assert good.status_code == 201 and good.json()["credit_code"] == ENTERPRISE2_CODE


def test_the_party_page_masks_until_revealed_and_a_correction_keeps_a_reason(case_world, client):
    with at(MONDAY):
        file(case_world)
    client.force_login(case_world.wuyuan_officer)
    page = client.get(f"/parties/{case_world.person.pk}/").content.decode()
    assert "330424********2010" in page and PERSON_ID not in page
    revealed = client.post(f"/parties/{case_world.person.pk}/reveal/").content.decode()
    assert PERSON_ID in revealed
    response = client.post(
        f"/parties/{case_world.person.pk}/correct/",
        {
            "kind": "person",
            "name": "张三",
            "id_number": PERSON_ID,
            "phone": "13912340000",
            "address": "海盐县武原街道百可社区健康路14号",
            "reason": "当事人搬家",
        },
    )
    assert response.status_code == 302
    case_world.person.refresh_from_db()
    assert case_world.person.phone == "13912340000"
    row = case_world.person.history.get(action="correct")
    assert row.reason == "当事人搬家" and set(row.details["fields"]) == {"phone", "address"}
    client.force_login(case_world.wuyuan_dispatcher)
    assert client.get(f"/parties/{case_world.person.pk}/correct/").status_code == 403


def test_a_case_party_is_recorded_with_the_case_in_one_transaction(case_world):
    from civicloop.cases.services import PartyLink

    with at(MONDAY):
        case = file(case_world, parties=[PartyLink(PERSON)])
    party = case.party_links.get().party
    assert party.id_number == PERSON2_ID and party.created_by == case_world.wuyuan_officer
