import datetime as dt

import pytest
from django.urls import reverse

from civicloop.inspections import services
from civicloop.inspections.choices import ItemOutcome, ResultCode, VisitState
from civicloop.inspections.models import InspectionRecord, Task, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(insp_world, scjg_plan, zhzf_plan):
    w = insp_world
    draw = services.draw_plan(
        scjg_plan,
        by=w.dept_officer,
        window_start=dt.date(2026, 3, 2),
        window_end=dt.date(2026, 3, 13),
        seed=99,
    )
    services.draw_plan(
        zhzf_plan,
        by=w.zhzf_handler1,
        window_start=dt.date(2026, 3, 2),
        window_end=dt.date(2026, 3, 13),
        seed=99,
    )
    return draw


def test_a_town_lists_its_own_subjects_only(client, insp_world):
    w = insp_world
    client.force_login(w.wuyuan_dispatcher)
    page = client.get(reverse("inspections:subjects")).content.decode()
    assert "测试企业1有限公司" in page  # in 武原
    assert "测试企业4有限公司" not in page  # in 澉浦
    other = w.subjects[3]
    assert client.get(reverse("inspections:subject", args=[other.pk])).status_code == 404


def test_the_public_page_lists_draws_with_seed_and_hash_without_signing_in(client, drawn):
    page = client.get(reverse("inspections:public")).content.decode()
    assert str(drawn.seed) in page and drawn.inputs_hash[:10] in page
    detail = client.get(reverse("inspections:public-draw", args=[drawn.pk]) + "?reproduce=1")
    text = detail.content.decode()
    assert drawn.inputs_hash in text and 'id="reproduce-result"' in text
    assert "message-success" in text


def test_merging_tasks_on_the_page_makes_joint_visits(client, insp_world, drawn):
    client.force_login(insp_world.centre)
    response = client.post(reverse("inspections:tasks"), {"window_days": ""})
    assert response.status_code == 302
    assert Visit.objects.count() == 6 and not Task.objects.open().exists()


def test_recording_on_the_phone_page_and_opening_a_case(client, insp_world, drawn):
    w = insp_world
    services.plan_joint_visits(by=w.centre, tasks=Task.objects.open())
    visit = Visit.objects.filter(subject=w.subjects[0]).get()
    client.force_login(w.zhzf_handler1)
    url = reverse("inspections:visit-record", args=[visit.pk])
    assert client.get(url).status_code == 200
    data = {
        "result_code": ResultCode.CORRECTED,
        "findings": "健康证明过期，现场责令改正。",
        "inspector_signature": "zhzf_handler1、zhzf_handler2",
        "representative_name": "王五",
        "representative_confirmed": "on",
        "latitude": "30.52",
        "longitude": "120.94",
    }
    for item in services.visit_items(visit):
        data[f"item_{item.pk}"] = ItemOutcome.FAIL
    bad = client.post(url, {**data, "representative_confirmed": ""})
    assert bad.status_code == 400 and not InspectionRecord.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302
    rec = InspectionRecord.objects.get()
    assert rec.visit.state == VisitState.DONE
    response = client.post(
        reverse("inspections:record-case", args=[rec.pk]),
        {
            "handling_unit": w.dept_zhzf.pk,
            "title": "健康证明过期",
            "procedure": "ordinary",
            "matter": w.county_matter.pk,
            "handlers": [w.zhzf_handler1.pk, w.zhzf_handler2.pk],
            "facts": "",
        },
    )
    assert response.status_code == 302, [
        line for line in response.content.decode().splitlines() if "error" in line
    ]
    rec.refresh_from_db()
    assert rec.case is not None
    case_page = client.get(reverse("cases:detail", args=[rec.case.pk])).content.decode()
    assert rec.number in case_page and 'id="case-inspection-records"' in case_page


def test_the_monitor_warning_shows_on_the_visits_page(client, insp_world):
    w = insp_world
    subject = w.subjects[0]
    for day, unit in ((1, w.dept_scjg), (15, w.dept_zhzf)):
        v = Visit.objects.create(subject=subject, date=dt.date(2026, 3, day), lead_unit=unit)
        v.units.set([unit])
    client.force_login(w.centre)
    page = client.get(reverse("inspections:visits")).content.decode()
    assert 'id="repeated-banner"' in page and page.count("data-repeated=") == 1


def test_a_legal_reviewer_approves_a_joint_plan_on_its_page(client, insp_world):
    from .conftest import make_plan

    w = insp_world
    plan = make_plan(w, inspectors=[w.scjg_inspector1, w.scjg_inspector2], joint=[w.dept_zhzf])
    services.submit_plan(plan, by=w.dept_officer)
    client.force_login(w.legal_reviewer)
    page = client.get(reverse("inspections:plan", args=[plan.pk])).content.decode()
    assert 'id="action-approve_plan"' in page
    client.post(reverse("inspections:plan-action", args=[plan.pk, "approve_plan"]))
    plan.refresh_from_db()
    assert plan.state == "published"


def test_the_api_lists_the_subjects_a_town_may_see(client, insp_world):
    w = insp_world
    client.force_login(w.ganpu_dispatcher)
    rows = client.get("/api/inspection-subjects/").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert rows and all(r["region_code"].startswith("330424105") for r in rows)
    other = w.subjects[0]  # in 武原
    assert client.get(f"/api/inspection-subjects/{other.pk}/").status_code == 404


def test_an_import_with_a_bad_row_stores_nothing_and_names_the_row(client, insp_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from civicloop.inspections.models import Subject

    from .conftest import credit_code

    w = insp_world
    good = f"{credit_code(50)},海盐县导入测试一号店,餐饮服务,330424001001,B"
    bad = f"{credit_code(51)},海盐县导入测试二号店,餐饮服务,999999999999,E"
    csv = "统一社会信用代码,名称,行业,区划代码,风险等级\n" + good + "\n" + bad + "\n"
    client.force_login(w.dept_officer)
    before = Subject.objects.count()
    response = client.post(
        reverse("inspections:subject-import"),
        {"file": SimpleUploadedFile("subjects.csv", csv.encode("utf-8"))},
    )
    assert response.status_code == 400 and Subject.objects.count() == before
    text = response.content.decode()
    assert "第 3 行“区划代码”列" in text and "第 3 行“风险等级”列" in text
    ok = client.post(
        reverse("inspections:subject-import"),
        {
            "file": SimpleUploadedFile(
                "subjects.csv",
                ("统一社会信用代码,名称,行业,区划代码,风险等级\n" + good + "\n").encode(),
            )
        },
    )
    assert ok.status_code == 200 and Subject.objects.count() == before + 1
