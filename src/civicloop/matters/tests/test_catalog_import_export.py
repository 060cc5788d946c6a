"""`civicloop import matters` / `civicloop export matters`: every row checked first, row-level
errors, nothing half-imported, changes become new versions, exports import back unchanged."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from civicloop.core.spreadsheets import SpreadsheetError
from civicloop.events.demo import load_categories
from civicloop.matters.importing import (
    Action,
    import_catalog,
    load_starter_catalog,
    read_catalog,
)
from civicloop.matters.models import Matter, MatterHistory, MatterVersion
from civicloop.org.demo import load_haiyan_organisation
from civicloop.testing.matters import ARTICLE_TEXT

HEADER = [
    "code",
    "name",
    "department",
    "law",
    "article",
    "fine_min",
    "fine_max",
    "category",
    "delegable",
    "effective_from",
    "article_text",
]
GOOD = [
    "ZD-001",
    "对擅自占用城市道路（含占道经营）的行政处罚",
    "dept-zhzf",
    "城市道路管理条例",
    "第四十二条",
    "",
    "20000",
    "street-vending",
    "是",
    "2020-01-01",
    ARTICLE_TEXT,
]
FOOD = [
    "SC-001",
    "对经营不符合食品安全标准食品的行政处罚",
    "县市场监督管理局",
    "食品安全法",
    "第一百二十四条",
    "50000",
    "100000",
    "食品安全",
    "否",
    "2021-04-29",
    "第一百二十四条　违反本法规定……处五万元以上十万元以下罚款。",
]


def workbook(path, rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def run_import(path, **kwargs):
    return import_catalog(read_catalog(path), by=None, system=True, **kwargs)


def test_a_good_file_creates_matters_with_their_first_version_and_history(world, tmp_path):
    result = run_import(workbook(tmp_path / "catalog.xlsx", [GOOD, FOOD]))
    assert result.stored and not result.errors and result.count(Action.CREATE) == 2
    food = Matter.objects.get(code="SC-001")
    assert (food.category, food.department, food.delegable) == (
        world.food_safety,
        world.dept_scjg,
        False,
    )
    version = food.current_version(dt.date(2022, 1, 1))
    assert (version.law, version.article, version.fine_min, version.fine_max) == (
        "食品安全法",
        "第一百二十四条",
        Decimal(50000),
        Decimal(100000),
    )
    assert food.current_version(dt.date(2021, 4, 28)) is None  # before the wording took effect
    assert MatterHistory.objects.get(matter=food).action == "create"


def test_every_bad_row_is_reported_with_row_and_column_and_nothing_is_stored(world, tmp_path):
    rows = [
        GOOD,
        [
            "bad code!",
            "",
            "dept-nowhere",
            "城市道路管理条例",
            "第42条",
            "abc",
            "100",
            "no-such-category",
            "也许",
            "2026-13-01",
            ARTICLE_TEXT,
        ],
        [*GOOD[:5], "30000", "20000", *GOOD[7:]],  # the same code again, and min > max
    ]
    result = run_import(workbook(tmp_path / "bad.xlsx", rows))
    assert not result.stored and Matter.objects.count() == 0 and MatterVersion.objects.count() == 0
    found = {(e.row, e.column) for e in result.errors}
    assert {
        (3, "code"),
        (3, "department"),
        (3, "fine_min"),
        (3, "category"),
        (3, "delegable"),
        (3, "effective_from"),
        (3, "name"),
    } <= found
    assert (4, "code") in found  # duplicate of row 2
    assert all(e.message for e in result.errors)


def test_the_command_exits_with_an_error_and_stores_nothing_when_a_row_is_bad(world, tmp_path):
    path = workbook(tmp_path / "bad.xlsx", [GOOD, [*GOOD[:7], "no-such-category", *GOOD[8:]]])
    err, report = io.StringIO(), tmp_path / "errors.csv"
    with pytest.raises(CommandError) as failed:
        call_command(
            "import_matters",
            str(path),
            report=str(report),
            language="en",
            stderr=err,
            stdout=io.StringIO(),
        )
    assert failed.value.returncode == 1
    assert "Row 3" in err.getvalue() and "category" in err.getvalue()
    assert Matter.objects.count() == 0
    assert "no-such-category" in report.read_text(encoding="utf-8-sig")


def test_a_file_that_is_not_a_catalog_is_refused_as_a_whole(world, tmp_path):
    with pytest.raises(SpreadsheetError):
        read_catalog(workbook(tmp_path / "x.xlsx", [["a", "b"]], header=["foo", "bar"]))
    with pytest.raises(SpreadsheetError):
        read_catalog(
            workbook(tmp_path / "y.xlsx", [GOOD[:2]], header=["code", "name"])
        )  # law… missing
    (tmp_path / "z.xlsx").write_text("not a workbook")
    with pytest.raises(SpreadsheetError):
        read_catalog(tmp_path / "z.xlsx")


def test_a_changed_wording_or_range_becomes_a_new_version_from_the_given_date(world, tmp_path):
    run_import(workbook(tmp_path / "v1.xlsx", [GOOD, FOOD]))
    changed = [
        *GOOD[:6],
        "30000",
        *GOOD[7:9],
        "",
        GOOD[10],
    ]  # fine_max 20000 → 30000, no effective_from
    start = dt.date(2026, 7, 1)
    result = run_import(workbook(tmp_path / "v2.xlsx", [changed, FOOD]), effective_from=start)
    assert (
        result.stored
        and result.count(Action.NEW_VERSION) == 1
        and result.count(Action.UNCHANGED) == 1
    )
    matter = Matter.objects.get(code="ZD-001")
    old, new = matter.versions.order_by("effective_from")
    assert (old.effective_from, old.effective_to, old.fine_max) == (
        dt.date(2020, 1, 1),
        dt.date(2026, 6, 30),
        Decimal(20000),
    )
    assert (new.effective_from, new.effective_to, new.fine_max) == (start, None, Decimal(30000))
    assert matter.current_version(dt.date(2026, 6, 30)).fine_max == Decimal(20000)
    assert matter.history.filter(action="new_version").count() == 1


def test_the_import_date_defaults_to_today_and_may_not_go_behind_the_latest_version(
    world, tmp_path
):
    run_import(workbook(tmp_path / "v1.xlsx", [GOOD]))
    renamed = [GOOD[0], "对擅自占用城市道路从事经营活动的行政处罚", *GOOD[2:9], "", GOOD[10]]
    run_import(workbook(tmp_path / "v2.xlsx", [renamed]))
    matter = Matter.objects.get(code="ZD-001")
    assert matter.latest_version().effective_from == timezone.localdate()
    assert matter.name == "对擅自占用城市道路从事经营活动的行政处罚"
    back = [GOOD[0], "又一个名称", *GOOD[2:9], "2025-01-01", GOOD[10]]
    result = run_import(workbook(tmp_path / "v3.xlsx", [back]))
    assert not result.stored and result.errors[0].column == "effective_from"
    assert matter.versions.count() == 2


def test_category_department_and_delegability_change_without_a_new_version(world, tmp_path):
    run_import(workbook(tmp_path / "v1.xlsx", [GOOD]))
    moved = [*GOOD[:2], "dept-scjg", *GOOD[3:8], "否", *GOOD[9:]]
    result = run_import(workbook(tmp_path / "v2.xlsx", [moved]))
    assert result.count(Action.CHANGE) == 1 and result.count(Action.NEW_VERSION) == 0
    matter = Matter.objects.get(code="ZD-001")
    assert (
        matter.department == world.dept_scjg
        and not matter.delegable
        and matter.versions.count() == 1
    )
    assert matter.history.get(action="change").details["after"] == {
        "department": "dept-scjg",
        "delegable": False,
    }


def test_the_article_text_is_taken_from_the_shipped_statute_when_left_empty(world, tmp_path):
    row = [*GOOD[:10], ""]
    run_import(workbook(tmp_path / "catalog.xlsx", [row]))
    assert (
        Matter.objects.get(code="ZD-001")
        .latest_version()
        .article_text.startswith("第四十二条　违反本条例第二十七条规定")
    )
    unknown = [*FOOD[:3], "某地方条例", *FOOD[4:10], ""]
    result = run_import(workbook(tmp_path / "unknown.xlsx", [unknown]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "article_text")]


def test_export_has_the_required_columns_first_and_imports_back_unchanged(world, tmp_path):
    run_import(workbook(tmp_path / "v1.xlsx", [GOOD, FOOD]))
    path = tmp_path / "out" / "matters.xlsx"
    out = io.StringIO()
    call_command("export_matters", str(path), language="en", stdout=out)
    assert "Wrote 2 matters" in out.getvalue()
    book = load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:7] == ["code", "name", "department", "law", "article", "fine_min", "fine_max"]
    assert {"category", "delegable", "effective_from", "article_text"} <= set(header)
    rows = {
        r[0]: dict(zip(header, r, strict=False))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert rows["ZD-001"]["fine_min"] is None and rows["ZD-001"]["fine_max"] == 20000
    assert rows["SC-001"]["department"] == "dept-scjg" and rows["SC-001"]["law"] == "食品安全法"
    assert book.sheetnames[:2] == ["matters", "versions"]
    again = run_import(path)
    assert (
        again.stored and again.count(Action.UNCHANGED) == 2 and MatterVersion.objects.count() == 2
    )


def test_the_export_refuses_a_file_name_that_is_not_xlsx(world, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "export_matters", str(tmp_path / "matters.csv"), language="en", stdout=io.StringIO()
        )


def test_the_starter_catalog_loads_into_the_haiyan_organisation_and_again_changes_nothing(db):
    load_haiyan_organisation()
    load_categories()
    first = load_starter_catalog()
    assert first.count(Action.CREATE) == Matter.objects.count() == 72
    assert MatterHistory.objects.count() == 72
    second = load_starter_catalog()
    assert second.count(Action.UNCHANGED) == 72 and MatterHistory.objects.count() == 72
    assert Matter.objects.get(code="LY-006").department.code == "dept-zrzy"
