"""The REST API of flexible enforcement: the list, a case's evaluation and circumstances,
commitments and credit repairs (one POST per manual transition), butler services and the
enterprise. Outside the scope is a 404, in scope but not yours a 403, bad input a 400 naming
the field, a wrong state a 409 — in Chinese when asked (Accept-Language: zh-hans)."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from civicloop.leniency.choices import CommitmentState, Harm, RepairState
from civicloop.leniency.models import ButlerService, CaseCircumstances, Commitment, CreditRepair
from civicloop.leniency.workflow import COMMITMENT_WORKFLOW, REPAIR_WORKFLOW
from civicloop.testing.cases import MONDAY, at, file

from .helpers import api, enterprise_story, exemption, record, scan


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_every_manual_transition_has_a_post_endpoint_and_the_system_ones_none(schema):
    for machine, prefix in (
        (COMMITMENT_WORKFLOW, "commitments"),
        (REPAIR_WORKFLOW, "credit-repairs"),
    ):
        for t in machine:
            path = f"/api/{prefix}/{{id}}/{t.name.replace('_', '-')}/"
            assert ("post" in schema["paths"].get(path, {})) == t.manual, t.name


def test_the_list_is_read_by_staff_and_not_by_the_anonymous(lw):
    cw = lw
    exemption(cw)
    assert APIClient().get("/api/leniency-items/").status_code in (401, 403)
    listed = api(cw.grid_worker).get("/api/leniency-items/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["code"] for r in rows] == ["MF-ZD-001"]
    one = api(cw.grid_worker).get("/api/leniency-items/MF-ZD-001/").json()
    assert one["matter"] == "ZD-001" and one["versions"][0]["conditions_text"].startswith(
        "first_violation=2"
    )
    assert api(cw.grid_worker).get("/api/leniency-items/NOPE-1/").status_code == 404


def test_the_case_evaluation_says_which_items_apply_and_why(lw):
    cw = lw
    exemption(cw)
    with at(MONDAY):
        case = file(cw)
        record(cw, case)
        body = api(cw.wuyuan_officer).get(f"/api/case-leniency/{case.pk}/").json()
    assert body["number"] == case.number and body["applied"] == []
    (item,) = body["evaluation"]
    assert item["item"] == "MF-ZD-001" and item["status"] == "applies"
    assert [(c["code"], c["met"]) for c in item["checks"]] == [
        ("first_violation", True),
        ("harm", True),
        ("corrected_in_time", True),
    ]
    assert api(cw.ganpu_officer).get(f"/api/case-leniency/{case.pk}/").status_code == 404


def test_recording_circumstances_over_the_api_403_400_and_200(lw):
    cw = lw
    with at(MONDAY):
        case = file(cw)
        url = f"/api/case-leniency/{case.pk}/circumstances/"
        forbidden = api(cw.wuyuan_dispatcher).post(url, {"harm": Harm.MINOR}, format="json")
        assert forbidden.status_code == 403
        assert forbidden.json()["detail"] == "由本案承办人在作出决定前登记案件情节。"
        future = api(cw.wuyuan_officer).post(
            url, {"harm": Harm.MINOR, "correction_ordered_on": "2026-06-02"}, format="json"
        )
        assert future.status_code == 400
        assert future.json()["errors"] == {"correction_ordered_on": ["该日期不能晚于今天。"]}
        bad_choice = api(cw.wuyuan_officer).post(url, {"harm": "terrible"}, format="json")
        assert bad_choice.status_code == 400 and "harm" in bad_choice.json()["errors"]
        assert not CaseCircumstances.objects.exists()
        done = api(cw.wuyuan_officer).post(
            url,
            {
                "harm": Harm.NONE,
                "correction_ordered_on": "2026-06-01",
                "correction_due_on": "2026-06-03",
                "corrected_on": "2026-06-01",
            },
            format="json",
        )
    assert done.status_code == 200 and done.json()["updated_by"] == "wuyuan_officer"
    circumstances = CaseCircumstances.objects.get(case=case)
    assert (
        circumstances.harm == Harm.NONE and circumstances.history.get().actor == cw.wuyuan_officer
    )


def test_a_commitment_is_served_signed_and_checked_over_the_api(lw, settings):
    cw = lw
    settings.CIVICLOOP_COMMITMENT_FOLLOW_UP_DAYS = 5
    client = api(cw.wuyuan_officer)
    with at(MONDAY):
        case = file(cw)
        missing = client.post("/api/commitments/", {"case": case.pk}, format="json")
        assert missing.status_code == 400 and missing.json()["errors"]["notice_text"] == [
            "此项为必填项。"
        ]
        not_party = client.post(
            "/api/commitments/",
            {"case": case.pk, "party": cw.enterprise.pk, "notice_text": "告知"},
            format="json",
        )
        assert not_party.status_code == 400 and not_party.json()["errors"]["party"] == [
            "不是本案当事人。"
        ]
        assert (
            api(cw.ganpu_officer)
            .post("/api/commitments/", {"case": case.pk, "notice_text": "告知"}, format="json")
            .status_code
            == 404
        )
        assert not Commitment.objects.exists()
        created = client.post(
            "/api/commitments/", {"case": case.pk, "notice_text": "告知：占道经营"}, format="json"
        )
        assert created.status_code == 201 and created.json()["state"] == CommitmentState.NOTIFIED
        pk = created.json()["id"]
        early_check = client.post(
            f"/api/commitments/{pk}/record-check/", {"result": "kept"}, format="json"
        )
        assert early_check.status_code == 409
        signed = client.post(
            f"/api/commitments/{pk}/record-commitment/",
            {"commitment_text": "本人承诺改正", "signed_on": "2026-06-01", "scan": scan()},
            format="multipart",
        )
    assert signed.status_code == 200, signed.json()
    assert signed.json()["follow_up_due_on"] == "2026-06-08" and signed.json()["has_scan"] is True
    assert client.get(f"/api/commitments/{pk}/scan/").status_code == 200
    with at(dt.datetime(2026, 6, 8, 10, 0)):
        broken = client.post(
            f"/api/commitments/{pk}/record-check/",
            {"result": "broken", "note": "回访仍在摆摊", "region": cw.wuyuan_village.code},
            format="json",
        )
    assert broken.status_code == 200 and broken.json()["state"] == CommitmentState.BROKEN
    assert broken.json()["reopened_event"]
    actions = [row["action"] for row in client.get(f"/api/commitments/{pk}/history/").json()]
    assert actions == ["serve_notice", "record_commitment", "record_check"]
    assert api(cw.ganpu_officer).get(f"/api/commitments/{pk}/").status_code == 404


def test_credit_repairs_over_the_api_with_403_for_the_wrong_capacity(lw):
    cw = lw
    story = enterprise_story(cw)
    repair = story["repair"]
    base = f"/api/credit-repairs/{repair.pk}"
    officer, leader = api(cw.wuyuan_officer), api(cw.wuyuan_leader)
    with at(dt.datetime(2026, 9, 2, 9, 0)):
        assert officer.post(f"{base}/record-contact/", {}, format="json").json()["errors"][
            "note"
        ] == ["此项为必填项。"]
        assert (
            officer.post(f"{base}/record-contact/", {"note": "电话告知"}, format="json").status_code
            == 200
        )
        assert (
            officer.post(
                f"{base}/record-application/", {"applied_on": "2026-09-02"}, format="json"
            ).status_code
            == 200
        )
        assert (
            officer.post(f"{base}/check-materials/", {"note": "齐全"}, format="json").status_code
            == 200
        )
        assert officer.post(f"{base}/approve-repair/", {}, format="json").status_code == 403
        assert (
            api(cw.ganpu_officer).post(f"{base}/approve-repair/", {}, format="json").status_code
            == 404
        )
        approved = leader.post(f"{base}/approve-repair/", {"note": "同意"}, format="json")
        assert approved.status_code == 200 and approved.json()["state"] == RepairState.REPAIRED
        again = leader.post(f"{base}/refuse-repair/", {"reason": "x"}, format="json")
        assert again.status_code == 409
    assert CreditRepair.objects.get().state == RepairState.REPAIRED
    history = officer.get(f"{base}/history/").json()
    assert [row["action"] for row in history] == [
        "notify",
        "record_contact",
        "record_application",
        "check_materials",
        "approve_repair",
    ]


def test_butler_services_and_the_enterprise_over_the_api(lw):
    cw = lw
    enterprise_story(cw)
    client = api(cw.wuyuan_officer)
    data = {
        "credit_code": cw.enterprise.credit_code,
        "enterprise_name": cw.enterprise.name,
        "kind": "law_session",
        "held_on": "2026-06-01",
        "unit": cw.ganpu_squad.code,
        "staff": ["wuyuan_officer"],
        "topics": "定制式普法",
    }
    with at(MONDAY):
        wrong_unit = client.post("/api/butler-services/", data, format="json")
        assert wrong_unit.status_code == 400 and wrong_unit.json()["errors"] == {
            "unit": ["请选择您本人所在的单位。"]
        }
        created = client.post(
            "/api/butler-services/", {**data, "unit": cw.wuyuan_squad.code}, format="json"
        )
    assert created.status_code == 201 and created.json()["credit_code"] == cw.enterprise.credit_code
    assert ButlerService.objects.count() == 2
    body = client.get(f"/api/enterprises/{cw.enterprise.credit_code}/").json()
    assert body["complete"] is False
    assert body["counts"] == {
        "cases": 3,
        "applied_items": 1,
        "commitments": 1,
        "no_penalty_decisions": 1,
        "credit_repairs": 1,
        "butler_services": 2,
    }
    everything = api(cw.centre).get(f"/api/enterprises/{cw.enterprise.credit_code}/").json()
    assert everything["complete"] is True and everything["counts"]["cases"] == 4
    assert (
        api(cw.grid_worker).get(f"/api/enterprises/{cw.enterprise.credit_code}/").status_code == 404
    )
