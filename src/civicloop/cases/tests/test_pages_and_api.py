"""Pages and API of penalty cases: the list with filters and its Excel export, the detail,
action forms (a refusal shows on its field and stores nothing), the API (one POST per
transition, filing with field errors), the figures page, command and endpoint."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from rest_framework.test import APIClient

from civicloop.cases.choices import CaseState, Procedure, ServiceMethod
from civicloop.cases.models import Case, CaseHistory, Evidence
from civicloop.cases.workflow import CASE_WORKFLOW
from civicloop.parties.models import Party
from civicloop.testing.cases import MONDAY, at, decide, file, photo, to_notice
from civicloop.testing.world import ENTERPRISE2_CODE

S = CaseState


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_every_manual_case_transition_has_a_post_endpoint_and_system_moves_none(schema):
    for t in CASE_WORKFLOW:
        path = f"/api/cases/{{id}}/{t.name.replace('_', '-')}/"
        if t.manual:
            assert "post" in schema["paths"].get(path, {}), t.name
        else:
            assert path not in schema["paths"], t.name


def test_the_list_filters_and_exports_what_it_shows_with_parties_masked(case_world, client):
    cw = case_world
    with at(MONDAY):
        ordinary = file(cw, title="占道经营甲")
        fast = file(cw, procedure=Procedure.FAST_TRACK, title="占道经营乙")
    client.force_login(cw.wuyuan_officer)
    page = client.get("/cases/", {"procedure": Procedure.FAST_TRACK}).content.decode()
    assert f'data-case="{fast.number}"' in page and f'data-case="{ordinary.number}"' not in page
    assert f'data-waiting="{ordinary.number}"' in page  # the handler's own work is listed above
    assert "张*" in page and "张三" not in page
    searched = client.get("/cases/", {"q": "330424198503152010"}).content.decode()
    assert f'data-case="{fast.number}"' in searched  # a party's full identifier finds its cases
    response = client.get("/cases/export.xlsx", {"procedure": Procedure.FAST_TRACK})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == fast.number and rows[1][7] == "张*"
    # Nothing filtered: every case the list shows (it used to be the header row alone).
    everything = client.get("/cases/export.xlsx")
    numbers = {row[0] for row in load_workbook(io.BytesIO(everything.content)).active.iter_rows(
        min_row=2, values_only=True
    )}  # fmt: skip
    assert numbers == {fast.number, ordinary.number}
    # An invalid filter exports nothing rather than everything.
    invalid = client.get("/cases/export.xlsx", {"filed_after": "not a date"})
    assert load_workbook(io.BytesIO(invalid.content)).active.max_row == 1


def test_the_list_page_costs_a_fixed_number_of_queries(
    case_world, client, django_assert_max_num_queries
):
    with at(MONDAY):
        for _n in range(6):
            file(case_world)
    client.force_login(case_world.wuyuan_officer)
    client.get("/cases/")
    with django_assert_max_num_queries(14):
        assert client.get("/cases/").status_code == 200


def test_the_detail_shows_parties_matters_evidence_deadlines_review_and_timeline(
    case_world, client
):
    cw = case_world
    with at(MONDAY):
        case = to_notice(cw, file(cw))
    client.force_login(cw.wuyuan_officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    for expected in (
        "张*",
        "330424********2010",
        "《城市道路管理条例》第四十二条",
        "现场检查笔录1",
        "现场照片.png",
        'data-deadline="decision"',
        'data-deadline="statement_period"',
        'data-seat-reviewer="legal_reviewer"',
        'data-history-action="review_approved"',
        "ZJ33042400002",
    ):
        assert expected in page, expected
    evidence = Evidence.objects.exclude(file="").get()
    assert client.get(f"/cases/{case.pk}/evidence/{evidence.pk}/").status_code == 200
    client.force_login(cw.ganpu_officer)
    assert client.get(f"/cases/{case.pk}/evidence/{evidence.pk}/").status_code == 404


def test_an_on_the_spot_fine_over_the_limit_is_refused_on_the_fine_field(case_world, client):
    with at(MONDAY):
        case = file(case_world, procedure=Procedure.SIMPLE)
    client.force_login(case_world.wuyuan_officer)
    rows = CaseHistory.objects.count()
    response = client.post(
        f"/cases/{case.pk}/act/decide_on_the_spot/",
        {"outcome": "penalty", "fine": "201", "party_informed": "on"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-field-error="fine"' in body and "200" in body
    assert CaseHistory.objects.count() == rows and Case.objects.get(pk=case.pk).state == S.FILED
    ok = client.post(
        f"/cases/{case.pk}/act/decide_on_the_spot/",
        {"outcome": "penalty", "fine": "200", "party_informed": "on"},
    )
    assert ok.status_code == 302 and Case.objects.get(pk=case.pk).state == S.SERVED


def test_an_organisation_may_be_fined_up_to_three_thousand_on_the_spot(case_world):
    from civicloop.cases import services
    from civicloop.cases.choices import Outcome
    from civicloop.core.errors import InvalidInput

    cw = case_world
    with at(MONDAY):
        case = file(cw, procedure=Procedure.SIMPLE, parties=[services.PartyLink(cw.enterprise)])
        for fine, penalties, field in (
            (Decimal("3000.01"), [], "fine"),
            (Decimal("100"), ["revoke_licence"], "penalties"),
        ):
            with pytest.raises(InvalidInput) as refused:
                services.decide_on_the_spot(
                    case,
                    by=cw.wuyuan_officer,
                    decision=services.SpotDecision(
                        outcome=Outcome.PENALTY, fine=fine, penalties=penalties, party_informed=True
                    ),
                )
            assert refused.value.field == field
        with pytest.raises(InvalidInput) as receipt:
            services.decide_on_the_spot(
                case,
                by=cw.wuyuan_officer,
                decision=services.SpotDecision(
                    outcome=Outcome.PENALTY,
                    fine=Decimal("3000"),
                    party_informed=True,
                    collected_on_the_spot=True,
                    receipt_number="R1",
                ),
            )
        assert receipt.value.field == "collection_reason"  # above 100 yuan (Art. 68)
        services.decide_on_the_spot(
            case,
            by=cw.wuyuan_officer,
            decision=services.SpotDecision(
                outcome=Outcome.PENALTY, fine=Decimal("3000"), party_informed=True
            ),
        )
        warning = file(cw, procedure=Procedure.SIMPLE)
        services.decide_on_the_spot(
            warning,
            by=cw.wuyuan_officer,
            decision=services.SpotDecision(
                outcome=Outcome.PENALTY, penalties=["warning"], party_informed=True
            ),
        )
    assert Case.objects.get(pk=case.pk).fine_amount == Decimal("3000")
    assert Case.objects.get(pk=warning.pk).penalties == ["warning"]


def test_filing_over_the_api_names_the_bad_field_and_stores_nothing(case_world):
    cw = case_world
    body = {
        "handling_unit": cw.wuyuan_squad.code,
        "procedure": "ordinary",
        "source": "direct",
        "title": "占道",
        "facts": "摆摊",
        "violation_date": "2026-06-01",
        "matters": ["ZD-001"],
        "handlers": ["wuyuan_officer", "wuyuan_officer2"],
        "party": {
            "kind": "organisation",
            "name": "海盐县鑫源建材有限公司",
            "credit_code": "91330424MA2D1Y2K5F",
        },
    }
    parties = Party.objects.count()
    with at(MONDAY):
        bad = api(cw.wuyuan_officer).post("/api/cases/", body, format="json")
        assert bad.status_code == 400 and "party_credit_code" in bad.json()["errors"]
        unknown = api(cw.wuyuan_officer).post(
            "/api/cases/", {**body, "matters": ["XX-999"]}, format="json"
        )
        assert unknown.status_code == 400 and "matters" in unknown.json()["errors"]
        good_party = {**body["party"], "credit_code": ENTERPRISE2_CODE}
        one = api(cw.wuyuan_officer).post(
            "/api/cases/",
            {**body, "party": good_party, "handlers": ["wuyuan_officer"]},
            format="json",
        )
        assert one.status_code == 400 and "handlers" in one.json()["errors"]
        assert not Case.objects.exists() and Party.objects.count() == parties
        good = api(cw.wuyuan_officer).post(
            "/api/cases/",
            {**body, "party": {**body["party"], "credit_code": ENTERPRISE2_CODE}},
            format="json",
        )
    assert good.status_code == 201, good.json()
    data = good.json()
    assert data["state"] == "filed" and data["is_empowered"] is True
    assert data["party_links"][0]["party"]["credit_code"] == ENTERPRISE2_CODE
    assert data["allowed_actions"] == [
        "start_investigation",
        "add_evidence",
        "request_withdrawal",
        "request_extension",
    ]


def test_the_api_walks_a_case_with_one_post_per_transition(case_world):
    cw = case_world
    with at(MONDAY):
        case = file(cw)
        officer = api(cw.wuyuan_officer)
        assert officer.post(f"/api/cases/{case.pk}/start-investigation/").status_code == 200
        evidence = officer.post(
            f"/api/cases/{case.pk}/add-evidence/",
            {"kind": "record", "description": "现场笔录", "file": photo()},
            format="multipart",
        )
        assert evidence.status_code == 200
        url = evidence.json()["evidence"][0]["url"]
        assert officer.get(url).status_code == 200
        concluded = officer.post(
            f"/api/cases/{case.pk}/conclude-investigation/",
            {
                "facts": "摆摊",
                "outcome": "penalty",
                "fine": "800",
                "facts_clear": True,
                "evidence_complete": True,
            },
            format="json",
        )
        assert concluded.json()["state"] == "case_review"
        bad = api(cw.wuyuan_leader).post(
            f"/api/cases/{case.pk}/return-case-review/", {}, format="json"
        )
        assert bad.status_code == 400 and "reason" in bad.json()["errors"]
        assert (
            api(cw.wuyuan_leader)
            .post(f"/api/cases/{case.pk}/approve-case-review/", {})
            .json()["state"]
            == "legal_review"
        )
        officer.post(
            f"/api/cases/{case.pk}/assign-reviewers/",
            {"mode": "single", "reviewers": ["legal_reviewer"]},
            format="json",
        )
        reviewed = api(cw.legal_reviewer).post(
            f"/api/cases/{case.pk}/record-opinion/", {"opinion": "approve"}, format="json"
        )
        assert reviewed.json()["state"] == "prior_notice"
        notice = officer.post(
            f"/api/cases/{case.pk}/serve-notice/",
            {"method": "in_person", "waive_statement": True, "waiver_note": "书面放弃"},
            format="json",
        )
        assert notice.status_code == 200
        decided = api(cw.wuyuan_leader).post(
            f"/api/cases/{case.pk}/decide/",
            {"outcome": "penalty", "fine": "800", "reason": "依法", "serve_on_the_spot": True},
            format="json",
        )
        assert decided.json()["state"] == "served"
        assert (
            officer.post(f"/api/cases/{case.pk}/record-payment/", {"amount": "800"}).json()["state"]
            == "executing"
        )
        assert (
            api(cw.wuyuan_leader).post(f"/api/cases/{case.pk}/close/", {}).json()["state"]
            == "closed"
        )
    history = officer.get(f"/api/cases/{case.pk}/history/").json()
    assert [row["action"] for row in history][-3:] == ["decide", "record_payment", "close"]
    assert history[0]["actor"]["username"] == "wuyuan_officer"


def test_the_queue_lists_the_cases_waiting_for_me(case_world):
    cw = case_world
    with at(MONDAY):
        case = file(cw)
    mine = api(cw.wuyuan_officer).get("/api/cases/", {"queue": "mine"}).json()["results"]
    assert [row["number"] for row in mine] == [case.number]
    assert api(cw.wuyuan_dispatcher).get("/api/cases/", {"queue": "mine"}).json()["results"] == []
    assert api(cw.wuyuan_officer).get("/api/cases/", {"queue": "all"}).status_code == 400


def closed_cases(cw):
    from civicloop.cases import services
    from civicloop.cases.choices import Outcome

    with at(MONDAY):
        simple = file(cw, procedure=Procedure.SIMPLE)
        services.decide_on_the_spot(
            simple,
            by=cw.wuyuan_officer,
            decision=services.SpotDecision(
                outcome=Outcome.PENALTY,
                fine=Decimal("100"),
                party_informed=True,
                collected_on_the_spot=True,
                receipt_number="R1",
            ),
        )
        services.close_case(simple, by=cw.wuyuan_leader)
        ordinary = to_notice(cw, file(cw))
    with at(MONDAY + dt.timedelta(days=20)):
        decide(
            cw,
            ordinary,
            outcome=Outcome.NO_PENALTY,
            fine=None,
            penalties=[],
            no_penalty_ground="minor_corrected",
            reason="轻微",
        )
        services.serve_decision(ordinary, by=cw.wuyuan_officer, method=ServiceMethod.IN_PERSON)
        services.close_case(ordinary, by=cw.wuyuan_leader)


def test_kpi_cases_prints_the_figures_as_json_for_a_period(case_world):
    closed_cases(case_world)
    out = io.StringIO()
    call_command("kpi", "cases", "--json", stdout=out)
    data = json.loads(out.getvalue())
    values = {key: figure["value"] for key, figure in data["figures"].items()}
    assert values["cases.avg_closing_days"] == {"simple": 0.0, "fast_track": None, "ordinary": 20.0}
    assert values["cases.qualified_review_share"] == 1.0
    assert values["cases.no_penalty_decisions"] == 1
    assert values["cases.leniency_items"] == 0 and values["cases.credit_repairs"] == 0
    # The whole database has no period before it to compare with.
    assert data["figures"]["cases.no_penalty_decisions"]["previous"] is None
    out = io.StringIO()
    call_command("kpi", "cases", "--json", "--from", "2026-07-01", "--to", "2026-07-31", stdout=out)
    data = json.loads(out.getvalue())
    assert data["period"] == {"from": "2026-07-01", "to": "2026-07-31"} and data["region"] is None
    figures = data["figures"]
    assert figures["cases.avg_closing_days"]["value"]["simple"] is None
    assert figures["cases.qualified_review_share"]["value"] is None
    # June's cases are July's previous period.
    assert figures["cases.avg_closing_days"]["previous"]["ordinary"] == 20.0


def test_kpi_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("kpi", "cases", "--from", "2026-13-01")


def test_the_figures_page_and_endpoint_show_average_days_by_procedure(case_world, client):
    closed_cases(case_world)
    client.force_login(case_world.centre)
    page = client.get("/cases/figures/").content.decode()
    assert 'data-procedure="ordinary"' in page and "20.0" in page
    assert 'id="closing-days-overall">10.0<' in page  # 0 and 20 days
    data = client.get("/api/case-figures/", {"from": "2026-06-01"}).json()
    assert data["avg_closing_days"]["ordinary"] == 20.0 and data["closed_cases"]["simple"] == 1
    assert client.get("/api/case-figures/", {"from": "x"}).status_code == 400


@pytest.mark.parametrize(
    "query, field",
    [({"to": "9999-12-31"}, "to"), ({"from": "9999-12-30", "to": "9999-12-31"}, "from")],
)
def test_case_figures_for_a_day_beyond_any_record_are_refused_not_a_server_error(
    case_world, client, query, field
):
    # Found by fuzzing the API: the period's end in year 9999 overflowed (OverflowError, a 500).
    client.force_login(case_world.centre)
    response = client.get("/api/case-figures/", query)
    assert response.status_code == 400
    assert response.json()["errors"] == {field: ["请填写1900-01-01至2999-12-31之间的日期。"]}
    # The page ignores a date it cannot use, as it ignores a malformed one.
    assert client.get("/cases/figures/", query).status_code == 200


def test_the_case_figures_cost_a_fixed_number_of_queries(case_world, django_assert_max_num_queries):
    from civicloop.cases.kpis import Period, report
    from civicloop.core.figures import figures

    closed_cases(case_world)
    # One query per figure (a distinct count is one too), however many cases there are.
    with django_assert_max_num_queries(len(figures.of("cases"))):
        report(Period())
