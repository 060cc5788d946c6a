"""The review queue's pages: who sees the list, its filters, the detail with evidence, the
review form recording the outcome, and the Excel export."""

from __future__ import annotations

import io

import pytest
from django.template import Context, Template
from django.urls import reverse
from openpyxl import load_workbook

from civicloop.core.figures import Period, figures
from civicloop.discretion.models import RiskFlag, RiskState
from civicloop.discretion.risks import review_flag, sweep

from .risk_world import decided, dq005

pytestmark = pytest.mark.django_db


@pytest.fixture
def flags(case_world):
    matter = dq005(case_world)
    wuyuan = decided(case_world, matter, 3001, facts="甲")
    ganpu = decided(case_world, matter, 3500, facts="乙", region=case_world.ganpu_village)
    explained = decided(case_world, matter, 5000, facts="丙")
    sweep()
    review_flag(
        explained.risk_flags.get(), outcome="explain", note="另案合并", by=case_world.legal_reviewer
    )
    return {
        "wuyuan": wuyuan.risk_flags.get(),
        "ganpu": ganpu.risk_flags.get(),
        "explained": explained.risk_flags.get(),
    }


def listed(response) -> set[int]:
    html = response.content.decode()
    return {flag.pk for flag in RiskFlag.objects.all() if f'data-flag="{flag.pk}"' in html}


def test_the_queue_shows_open_flags_and_filters_by_state_and_town(client, case_world, flags):
    client.force_login(case_world.leader)
    url = reverse("discretion:risks")
    response = client.get(url)
    assert response.status_code == 200
    assert listed(response) == {flags["wuyuan"].pk, flags["ganpu"].pk}
    assert listed(client.get(url, {"state": "explained"})) == {flags["explained"].pk}
    assert listed(client.get(url, {"town": case_world.ganpu.pk})) == {flags["ganpu"].pk}
    assert listed(client.get(url, {"kind": "peer_outlier"})) == set()


def test_reviewers_see_their_area_and_officers_are_refused(client, case_world, flags):
    client.force_login(case_world.wuyuan_reviewer)
    assert listed(client.get(reverse("discretion:risks"))) == {flags["wuyuan"].pk}
    assert client.get(reverse("discretion:risk", args=[flags["ganpu"].pk])).status_code == 404
    client.force_login(case_world.wuyuan_officer)
    assert client.get(reverse("discretion:risks")).status_code == 403
    assert client.get(reverse("discretion:risk_export")).status_code == 403


def test_the_detail_shows_the_evidence_and_the_case(client, case_world, flags):
    flag = flags["wuyuan"]
    client.force_login(case_world.leader)
    response = client.get(reverse("discretion:risk", args=[flag.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert flag.evidence_shown in html and flag.evidence_shown == flag.evidence_text
    assert reverse("cases:detail", args=[flag.case.pk]) in html
    # Leaders see but do not review.
    assert 'id="flag-review"' not in html
    assert client.get(reverse("discretion:risk_review", args=[flag.pk])).status_code == 403


def test_a_reviewer_records_a_correction_through_the_form(client, case_world, flags):
    flag = flags["wuyuan"]
    client.force_login(case_world.legal_reviewer)
    url = reverse("discretion:risk_review", args=[flag.pk])
    assert 'id="flag-review"' in client.get(reverse("discretion:risk", args=[flag.pk])).text
    response = client.post(url, {"outcome": "correct", "note": "", "amount": "1"})
    assert response.status_code == 400
    assert "请填写理由。" in response.text
    assert RiskFlag.objects.get(pk=flag.pk).state == RiskState.OPEN
    response = client.post(url, {"outcome": "correct", "note": "已变更为3000元", "amount": "1"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.state == RiskState.CORRECTED and flag.reviewed_by == case_world.legal_reviewer
    assert flag.history.last().actor == case_world.legal_reviewer
    page = client.get(reverse("discretion:risk", args=[flag.pk])).text
    assert "已变更为3000元" in page and 'data-history-action="correct"' in page


def test_the_export_has_one_row_per_flag_of_the_filter(client, case_world, flags):
    client.force_login(case_world.leader)
    response = client.get(reverse("discretion:risk_export"), {"state": "open"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    numbers = {row[0] for row in rows[1:]}
    assert numbers == {flags["wuyuan"].case.number, flags["ganpu"].case.number}
    assert "澉浦镇" in {row[3] for row in rows[1:]}


def test_the_figures_drill_down_to_the_flags_behind_them(client, case_world, flags):
    client.force_login(case_world.leader)
    url = figures.get("discretion.risks_found").records_url(Period(), case_world.wuyuan)
    assert listed(client.get(url)) == {flags["wuyuan"].pk, flags["explained"].pk}


def test_the_navigation_badge_and_the_case_panel_show_flags_to_those_who_see_them(
    rf, case_world, flags
):
    page = Template("{% load risk_tags %}{% discretion_nav_link %}{% case_risk_flags case %}")

    def render(user):
        request = rf.get("/")
        request.user = user
        return page.render(Context({"request": request, "case": flags["wuyuan"].case}))

    html = render(case_world.wuyuan_reviewer)
    assert 'id="open-risks">1<' in html and f'data-flag="{flags["wuyuan"].pk}"' in html
    assert 'id="open-risks">2<' in render(case_world.leader)
    # An officer has the link to the discretion pages but no flag count and no flags.
    officer = render(case_world.wuyuan_officer)
    assert 'id="nav-discretion"' in officer
    assert "open-risks" not in officer and "data-flag" not in officer
