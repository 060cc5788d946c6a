"""Benchmark pages: the list and a version with its tiers and factors for everyone signed in;
export as .xlsx; import and adoption only for the county legal office and the county centre."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from civicloop.discretion import services
from civicloop.discretion.exporting import write_workbook
from civicloop.discretion.models import Benchmark
from civicloop.discretion.services import BenchmarkSpec, FactorSpec, ItemSpec, TierSpec
from civicloop.testing.world import build_world

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def benchmark():
    return services.create_version(
        BenchmarkSpec(
            code="demo",
            title="测试裁量基准",
            issuer="县局",
            effective_from=dt.date(2026, 1, 1),
            status="starter",
            source="由规则生成",
            items=[
                ItemSpec(
                    code="X-1",
                    violation="占道经营",
                    stat_min=D(0),
                    stat_max=D(2000),
                    tiers=[TierSpec(1, "从轻处罚", "首次", band_min=D(0), band_max=D(400))],
                ),
                ItemSpec(
                    code="G-1",
                    violation="未批先建",
                    method="factors",
                    start_percent=D(20),
                    factors=[FactorSpec("建设项目地点", [("一般区域", D(0)), ("敏感区", D(6))])],
                ),
            ],
        )
    )


def test_list_and_detail_show_tiers_factors_and_the_starter_badge(client, world, benchmark):
    client.force_login(world.wuyuan_officer)
    page = client.get(reverse("discretion:benchmarks")).content.decode()
    assert "测试裁量基准" in page and "data-starter" in page
    assert 'id="import-benchmark"' not in page
    page = client.get(reverse("discretion:benchmark", args=["demo", 1])).content.decode()
    assert 'id="starter-badge"' in page
    assert "首次" in page and "400" in page
    assert "建设项目地点" in page and "敏感区" in page
    assert 'id="adopt-form"' not in page


def test_export_downloads_the_workbook(client, world, benchmark):
    client.force_login(world.wuyuan_officer)
    response = client.get(reverse("discretion:benchmark_export", args=["demo", 1]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="demo-v1.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["基准", "事项与档次", "裁量因素"]


def test_import_needs_the_county(client, world, benchmark):
    client.force_login(world.wuyuan_officer)
    assert client.get(reverse("discretion:benchmark_import")).status_code == 403
    assert client.post(reverse("discretion:benchmark_adopt", args=["demo", 1])).status_code == 403
    assert Benchmark.objects.get().status == "starter"


def test_import_a_new_version_and_adopt(client, world, benchmark):
    out = io.BytesIO()
    write_workbook(benchmark, out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    book["基准"]["B11"].value = "2026-06-01"
    data = io.BytesIO()
    book.save(data)
    client.force_login(world.legal_reviewer)
    upload = io.BytesIO(data.getvalue())
    upload.name = "demo.xlsx"
    response = client.post(reverse("discretion:benchmark_import"), {"file": upload})
    assert response.status_code == 302
    assert response["Location"] == reverse("discretion:benchmark", args=["demo", 2])
    response = client.post(
        reverse("discretion:benchmark_adopt", args=["demo", 2]), {"reason": "县局采用"}
    )
    assert Benchmark.objects.get(version=2).status == "adopted"
    history = Benchmark.objects.get(version=2).history.last()
    assert (history.action, history.actor, history.reason) == (
        "adopted",
        world.legal_reviewer,
        "县局采用",
    )


def test_a_bad_workbook_shows_its_problems(client, world):
    client.force_login(world.centre)
    upload = io.BytesIO(b"not a workbook")
    upload.name = "x.xlsx"
    response = client.post(reverse("discretion:benchmark_import"), {"file": upload})
    assert response.status_code == 400
    assert Benchmark.objects.count() == 0
