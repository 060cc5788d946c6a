"""The assessment over the API, under the same permission rules as the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from civicloop.assessment.models import AssessmentRound


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_assessment_rounds_are_for_assessors_and_the_county(world):
    payload = {"name": "2026年上半年", "period_start": "2026-01-01", "period_end": "2026-06-30"}
    assert (
        api(world.wuyuan_dispatcher)
        .post("/api/assessment-rounds/", payload, format="json")
        .status_code
        == 403
    )
    assert api(world.wuyuan_dispatcher).get("/api/assessment-rounds/").status_code == 403
    response = api(world.assessor).post("/api/assessment-rounds/", payload, format="json")
    assert response.status_code == 201
    round_id = response.json()["id"]
    results = api(world.centre).get(f"/api/assessment-rounds/{round_id}/results/").json()
    assert {r["town"]["code"] for r in results} == {world.wuyuan.code, world.ganpu.code}
    mine = (
        api(world.wuyuan_dispatcher)
        .get("/api/town-assessments/", {"round": round_id})
        .json()["results"]
    )
    assert [a["town"]["code"] for a in mine] == [world.wuyuan.code]
    assessment = mine[0]["id"]
    score = {"dimension": "cases", "score": "85"}
    assert (
        api(world.wuyuan_dispatcher)
        .post(f"/api/town-assessments/{assessment}/score/", score, format="json")
        .status_code
        == 403
    )
    response = api(world.assessor).post(
        f"/api/town-assessments/{assessment}/score/", score, format="json"
    )
    assert response.status_code == 200
    assert {s["dimension"]: s["score"] for s in response.json()["scores"]}["cases"] == "85.00"
    assert (
        api(world.assessor)
        .post(f"/api/town-assessments/{assessment}/submit/", {}, format="json")
        .status_code
        == 400
    )  # not every dimension scored


OUT_OF_RANGE = "请填写1900-01-01至2999-12-31之间的日期。"


@pytest.mark.parametrize(
    "period, field",
    [
        (("0001-01-01", "2026-03-31"), "period_start"),
        (("2026-01-01", "9999-12-31"), "period_end"),
    ],
)
def test_a_period_beyond_any_record_is_refused_on_its_field_not_with_a_server_error(
    world, period, field
):
    # Found by fuzzing the API: 0001-01-01 had the indicators compute its local midnight in
    # UTC, an OverflowError and a 500.
    payload = {"name": "2026年第一季度", "period_start": period[0], "period_end": period[1]}
    response = api(world.centre).post("/api/assessment-rounds/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [OUT_OF_RANGE]}
    assert not AssessmentRound.objects.exists()


def test_the_round_page_refuses_the_same_period_with_the_same_message(world, client):
    client.force_login(world.centre)
    response = client.post(
        reverse("assessment:round-new"),
        {"name": "2026年第一季度", "period_start": "0001-01-01", "period_end": "2026-03-31"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["period_start"] == [OUT_OF_RANGE]
    assert not AssessmentRound.objects.exists()
