"""The assessment over the API, under the same permission rules as the pages."""

from __future__ import annotations

from rest_framework.test import APIClient


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
