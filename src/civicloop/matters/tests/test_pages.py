"""The pages: the catalog with the article text, the town page (what it holds today, base vs
characteristic, the legal basis, the decision, how it changed), requests and approval."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from civicloop.matters import services
from civicloop.matters.choices import GrantKind, RequestState
from civicloop.matters.models import EmpowermentGrant, EmpowermentRequest
from civicloop.testing.matters import grant, make_matter


def today():
    # Read when the test runs, not when the module is collected: a run that crosses
    # midnight (Asia/Shanghai) would otherwise compare with yesterday.
    return timezone.localdate()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def catalog(world):
    base = make_matter(world)
    extra = make_matter(
        world,
        "LY-006",
        name="对森林防火期内未经批准擅自在森林防火区内野外用火的行政处罚",
        law="森林防火条例",
        article="第五十条",
        fine_min=200,
        fine_max=50000,
        article_text="第五十条　违反本条例规定，森林防火期内未经批准擅自在森林防火区内野外用火的……",
    )
    kept = make_matter(
        world,
        "GG-002",
        delegable=False,
        name="对违规发布烟草广告的行政处罚",
        department=world.dept_scjg,
    )
    grant(world, base, town=world.ganpu, start=dt.date(2023, 7, 1))
    grant(
        world,
        extra,
        town=world.ganpu,
        start=today() - dt.timedelta(days=30),
        kind=GrantKind.CHARACTERISTIC,
    )
    return base, extra, kept


def test_the_town_page_shows_base_and_characteristic_matters_with_legal_basis_and_decision(
    world, catalog, client
):
    client.force_login(world.ganpu_dispatcher)
    page = client.get(reverse("matters:town", args=[world.ganpu.code])).content.decode()
    base_part = page[page.index('id="base-matters"') : page.index('id="characteristic-matters"')]
    extra_part = page[page.index('id="characteristic-matters"') : page.index('id="town-timeline"')]
    assert 'data-matter="ZD-001"' in base_part and 'data-matter="LY-006"' not in base_part
    assert 'data-matter="LY-006"' in extra_part
    assert (
        "《森林防火条例》第五十条" in extra_part
        and "森林防火期内未经批准擅自在森林防火区内野外用火的……" in extra_part
    )
    assert "盐政发〔2023〕18号" in base_part
    timeline = page[page.index('id="town-timeline"') :]
    assert timeline.count('data-timeline-action="grant"') == 2
    assert 'id="action-request"' in page and 'id="action-grant"' not in page


def test_the_town_page_shows_what_was_held_on_an_earlier_date(world, catalog, client):
    client.force_login(world.centre)
    earlier = (today() - dt.timedelta(days=31)).isoformat()
    page = client.get(
        reverse("matters:town", args=[world.ganpu.code]), {"on": earlier}
    ).content.decode()
    assert 'data-matter="ZD-001"' in page
    assert "data-grant" in page and 'data-matter="LY-006" data-grant' not in page
    assert 'id="action-grant"' in page and 'data-action="end-grant"' in page


def test_every_signed_in_member_of_staff_reads_the_catalog_and_holdings_but_not_others_requests(
    world, catalog, client
):
    services.submit_request(
        town=world.ganpu,
        matter=make_matter(world, "ZD-009", name="测试事项"),
        by=world.ganpu_dispatcher,
        wanted_from=today(),
        reason="申请",
    )
    client.force_login(world.wuyuan_dispatcher)
    page = client.get(reverse("matters:town", args=[world.ganpu.code])).content.decode()
    assert 'data-matter="LY-006"' in page and 'id="town-requests"' not in page
    assert client.get(reverse("matters:catalog")).status_code == 200
    client.logout()
    assert client.get(reverse("matters:catalog")).status_code == 302


def test_the_catalog_searches_code_name_statute_and_article_text_and_shows_the_article(
    world, catalog, client
):
    client.force_login(world.grid_worker)
    page = client.get(reverse("matters:catalog"), {"q": "野外用火"}).content.decode()
    assert 'data-matter="LY-006"' in page and 'data-matter="ZD-001"' not in page
    page = client.get(reverse("matters:catalog"), {"q": "城市道路管理条例"}).content.decode()
    assert 'data-matter="ZD-001"' in page and "2万元以下的罚款" in page
    page = client.get(reverse("matters:catalog"), {"delegable": "false"}).content.decode()
    assert 'data-matter="GG-002"' in page and 'data-matter="ZD-001"' not in page
    page = client.get(reverse("matters:catalog"), {"held_by": world.ganpu.code}).content.decode()
    assert 'data-matter="LY-006"' in page and 'data-matter="GG-002"' not in page
    detail = client.get(reverse("matters:matter", args=["LY-006"])).content.decode()
    assert 'id="article-text"' in detail and world.ganpu.name in detail


def test_the_catalog_page_costs_a_fixed_number_of_queries(
    world, catalog, client, django_assert_max_num_queries
):
    for n in range(10):
        make_matter(world, f"XX-{n:03d}", name=f"事项{n}")
    client.force_login(world.grid_worker)
    # 13: the statutory ranges come in one prefetch; the navigation's discretion link reads the
    # viewer's reviewer posts once. Neither grows with the number of matters.
    with django_assert_max_num_queries(13):
        assert client.get(reverse("matters:catalog")).status_code == 200


def test_a_town_requests_on_the_page_and_the_county_approves_with_a_decision_file(
    world, catalog, client
):
    wanted = today() + dt.timedelta(days=7)
    client.force_login(world.wuyuan_dispatcher)
    form_url = reverse("matters:request-new", args=[world.wuyuan.code])
    assert "LY-006" in client.get(form_url).content.decode()
    assert "GG-002" not in client.get(form_url).content.decode()  # not delegable: not offered
    response = client.post(
        form_url,
        {
            "matter": catalog[1].pk,
            "wanted_from": wanted.isoformat(),
            "kind": GrantKind.CHARACTERISTIC,
            "reason": "辖区山林防火压力大",
        },
    )
    assert response.status_code == 302
    request = EmpowermentRequest.objects.get()
    detail = reverse("matters:request", args=[request.pk])
    assert 'id="action-withdraw"' in client.get(detail).content.decode()
    approve_url = reverse("matters:request-action", args=[request.pk, "approve"])
    assert client.get(approve_url).status_code == 403

    client.force_login(world.centre)
    assert 'id="action-approve"' in client.get(detail).content.decode()
    response = client.post(
        approve_url,
        {
            "decision_number": "盐政发〔2026〕30号",
            "decision_title": "关于向武原街道赋予森林防火事项的决定",
            "decision_file": SimpleUploadedFile("决定.pdf", PDF, content_type="application/pdf"),
            "reason": "同意",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED
    new_grant = EmpowermentGrant.objects.get(request=request)
    assert new_grant.effective_from == wanted and new_grant.decision.file_name == "决定.pdf"
    assert new_grant.decision.file.name.startswith("matters/decisions/")
    file_response = client.get(reverse("matters:decision-file", args=[new_grant.decision.pk]))
    assert file_response.status_code == 200 and b"".join(file_response.streaming_content) == PDF


def test_a_rejection_without_reason_stays_on_the_form(world, catalog, client):
    request = services.submit_request(
        town=world.wuyuan,
        matter=catalog[1],
        by=world.wuyuan_dispatcher,
        wanted_from=today(),
        reason="申请",
    )
    client.force_login(world.leader)
    url = reverse("matters:request-action", args=[request.pk, "reject"])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED


def test_requests_are_hidden_from_other_towns(world, catalog, client):
    request = services.submit_request(
        town=world.wuyuan,
        matter=catalog[1],
        by=world.wuyuan_dispatcher,
        wanted_from=today(),
        reason="申请",
    )
    client.force_login(world.ganpu_dispatcher)
    assert client.get(reverse("matters:request", args=[request.pk])).status_code == 404
    assert "data-request" not in client.get(reverse("matters:requests")).content.decode()
    # Those whose area covers the whole town see them: its command room (and the county) —
    # not a grid worker, whose area is one grid.
    client.force_login(world.grid_worker)
    assert client.get(reverse("matters:request", args=[request.pk])).status_code == 404
    for username in ("wuyuan_dispatcher", "centre", "leader", "assessor"):
        client.force_login(world.users[username])
        assert client.get(reverse("matters:request", args=[request.pk])).status_code == 200, (
            username
        )


def test_the_county_ends_a_grant_on_the_page(world, catalog, client):
    held = EmpowermentGrant.objects.get(matter=catalog[1])
    url = reverse("matters:grant-end", args=[held.pk])
    client.force_login(world.ganpu_dispatcher)
    assert client.get(url).status_code == 403
    client.force_login(world.centre)
    response = client.post(url, {"effective_to": today().isoformat(), "reason": "评估后收回"})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.effective_to == today() and held.history.filter(action="end").exists()


def test_the_judged_event_page_links_its_matter(world, catalog, client):
    from civicloop.events import services as events
    from civicloop.testing.journeys import report

    event = events.judge_event(
        report(world),
        by=world.wuyuan_dispatcher,
        urgency="general",
        span="single",
        reason="研判",
        matter=catalog[0],
    )
    client.force_login(world.wuyuan_dispatcher)
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert 'id="event-matter"' in page and reverse("matters:matter", args=["ZD-001"]) in page


def test_the_town_page_costs_the_same_number_of_queries_however_many_matters_it_holds(
    world, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        client.force_login(world.wuyuan_dispatcher)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("matters:town", args=[world.wuyuan.code])).status_code == 200
        return len(queries)

    for n in range(3):
        grant(world, make_matter(world, f"AA-{n:03d}", name=f"事项{n}"))
    few = count()
    for n in range(3, 15):
        grant(world, make_matter(world, f"AA-{n:03d}", name=f"事项{n}"))
    assert count() == few


def test_the_catalog_export_without_a_filter_holds_every_matter_the_page_lists(
    world, catalog, client
):
    import io

    from openpyxl import load_workbook

    make_matter(world, "XX-900", name="导出事项甲")
    make_matter(world, "XX-901", name="导出事项乙")
    client.force_login(world.grid_worker)
    listed = client.get(reverse("matters:catalog")).content.decode()
    book = load_workbook(io.BytesIO(client.get(reverse("matters:export")).content))
    codes = {
        row[0]
        for sheet in book.worksheets
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row and row[0]
    }
    assert {"XX-900", "XX-901"} <= codes
    assert all(code in listed for code in ("XX-900", "XX-901"))
