"""Done when (issue 11): a department plans, draws, merges, inspects on a phone and opens a
case from a finding; the draw page shows the seed and the inputs hash and reproduces."""

from __future__ import annotations

import datetime as dt

import pytest

from civicloop.events.tests.test_browser_journey import PHONE, browser, sign_in  # noqa: F401
from civicloop.inspections import services
from civicloop.inspections.models import InspectionRecord, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_draw_merge_inspect_on_a_phone_and_open_a_case(
    browser,  # noqa: F811
    live_server,
    insp_world,
    zhzf_plan,
):
    w = insp_world
    services.draw_plan(
        zhzf_plan,
        by=w.zhzf_handler1,
        window_start=dt.date(2026, 3, 2),
        window_end=dt.date(2026, 3, 13),
        seed=5,
    )
    base = live_server.url
    page = sign_in(browser, base, "dept_officer")
    page.goto(f"{base}/inspections/plans/new/")
    page.select_option("#id_unit", label=w.dept_scjg.name)
    page.fill("#id_title", "市场监管2026年度双随机抽查")
    page.click("#submit")
    page.wait_for_selector("#plan-state")
    page.click("#add-item summary")
    page.fill("#id_item-code", "SP-01")
    page.fill("#id_item-title", "食品经营许可证公示")
    page.click("#item-submit")
    page.click("#add-stratum summary")
    page.fill("#id_stratum-ratio", "1")
    page.click("#stratum-submit")
    for name in ("scjg_inspector1", "scjg_inspector2"):
        page.click("#add-pool summary")
        page.select_option("#id_pool-inspector", label=name)
        page.click("#pool-submit")
    page.click("#action-publish_plan")
    assert page.inner_text("#plan-state") == "已发布"
    page.fill("#id_draw-window_start", "2026-03-02")
    page.fill("#id_draw-window_end", "2026-03-13")
    page.fill("#id_draw-seed", "20260302")
    page.click("#draw-submit")
    page.wait_for_selector("#draw-hash")
    assert page.inner_text("#draw-seed") == "20260302"
    inputs_hash = page.inner_text("#draw-hash").strip()
    assert len(inputs_hash) >= 32
    page.click("#reproduce")
    assert "message-success" in page.get_attribute("#reproduce-result", "class")
    assert inputs_hash in page.inner_text("#reproduce-result")

    page.goto(f"{base}/inspections/tasks/")
    page.click("#merge-submit")
    page.wait_for_selector("#visits-table")
    assert page.locator("#visits-table mark:has-text('联合')").count() == len(w.subjects)

    visit = Visit.objects.get(subject=w.subjects[0])
    phone = sign_in(browser, base, "zhzf_handler1", **PHONE)
    phone.goto(f"{base}/inspections/visits/{visit.pk}/record/")
    for radio in phone.locator("#checklist input[value=fail]").all():
        radio.check()
    phone.select_option("#id_result_code", "06")
    phone.fill("#id_findings", "从业人员健康证明过期，现场责令改正。")
    phone.fill("#id_inspector_signature", "zhzf_handler1、scjg_inspector1")
    phone.fill("#id_representative_name", "王五")
    phone.check("#id_representative_confirmed")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.click("#record-submit")
    phone.wait_for_selector("#record-result")
    phone.click("#open-case")
    phone.select_option("#id_handling_unit", label=w.dept_zhzf.name)
    phone.fill("#id_title", "未按规定持有健康证明")
    phone.select_option("#id_matter", value=str(w.county_matter.pk))
    phone.select_option("#id_handlers", label=["zhzf_handler1", "zhzf_handler2"])
    phone.click("#submit")
    phone.wait_for_selector("#case-inspection-records")
    record = InspectionRecord.objects.get()
    assert record.case is not None and record.number in phone.inner_text("#case-inspection-records")
