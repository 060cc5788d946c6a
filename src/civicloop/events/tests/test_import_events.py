"""`civicloop import events FILE --as USER`: check every row, store all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from civicloop.core.errors import InvalidInput
from civicloop.events import services
from civicloop.events.choices import EventState, Source
from civicloop.events.models import Event, EventHistory

HEADERS = ["来源", "标题", "描述", "类别", "地点", "地址", "反映人", "联系电话", "匿名"]
GOOD_ROWS = [
    [
        "热线",
        "百可社区门口占道经营",
        "菜市场门口有流动摊贩占道经营",
        "占道经营",
        "330424001001001",
        "武原街道百可社区3幢",
        "张三",
        "13912345678",
        "否",
    ],
    [
        "网格巡查",
        "",
        "枣园社区楼道堆放杂物，堵塞消防通道",
        "street-vending",
        "枣园社区",
        "",
        "",
        "",
        "",
    ],
]


def write_xlsx(path, rows, headers=HEADERS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path, rows, headers=HEADERS, encoding="utf-8-sig"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def run_import(path, username="wuyuan_dispatcher", **options):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import_events",
            str(path),
            username=username,
            language="en",
            stdout=out,
            stderr=err,
            **options,
        )
    except CommandError as exc:
        return exc, out.getvalue(), err.getvalue()
    return None, out.getvalue(), err.getvalue()


def test_a_good_xlsx_file_becomes_events_recorded_by_the_importing_user(world, tmp_path):
    error, out, _err = run_import(write_xlsx(tmp_path / "events.xlsx", GOOD_ROWS))

    assert error is None, out
    events = list(Event.objects.order_by("id"))
    assert len(events) == 2
    first, second = events
    assert first.source == Source.HOTLINE and first.category == world.street_vending
    assert first.region == world.wuyuan_grid and first.reporter_phone == "13912345678"
    assert second.source == Source.GRID_PATROL and second.region == world.wuyuan_grid2
    assert second.title.startswith("枣园社区楼道堆放杂物")
    for event in events:
        assert event.state == EventState.COLLECTED
        assert event.reported_by == world.wuyuan_dispatcher
        history = list(event.history.all())
        assert [(h.action, h.actor, h.to_state) for h in history] == [
            ("collect", world.wuyuan_dispatcher, EventState.COLLECTED)
        ]
    assert "Imported 2 events" in out


def test_a_good_utf8_csv_with_or_without_bom_is_imported(world, tmp_path):
    for index, encoding in enumerate(("utf-8-sig", "utf-8")):
        error, out, _err = run_import(
            write_csv(tmp_path / f"events{index}.csv", GOOD_ROWS, encoding=encoding)
        )
        assert error is None, out
    assert Event.objects.count() == 4
    assert EventHistory.objects.filter(action="collect", actor=world.wuyuan_dispatcher).count() == 4


def test_a_gb18030_csv_as_chinese_excel_saves_it_is_detected(world, tmp_path):
    path = write_csv(tmp_path / "gbk.csv", GOOD_ROWS, encoding="gb18030")

    error, out, _err = run_import(path)

    assert error is None, out
    assert "gb18030" in out
    assert Event.objects.filter(title="百可社区门口占道经营").exists()


def test_english_headers_and_excel_typed_cells_are_read(world, tmp_path):
    headers = [
        "source",
        "description",
        "category",
        "place",
        "longitude",
        "latitude",
        "occurred_at",
        "reporter_phone",
        "anonymous",
    ]
    occurred = dt.datetime(2026, 3, 1, 8, 30)
    rows = [
        [
            "grid patrol",
            "人行道上有流动摊贩",
            "street-vending",
            330424001001001,
            120.9411,
            30.5290,
            occurred,
            13912345678,
            "是",
        ]
    ]

    error, out, _err = run_import(write_xlsx(tmp_path / "typed.xlsx", rows, headers=headers))

    assert error is None, out
    event = Event.objects.get()
    assert event.reporter_phone == "13912345678"
    assert event.is_anonymous is True
    assert event.occurred_at.astimezone().replace(tzinfo=None) == occurred
    # WGS-84 from the file, stored as GCJ-02 like every other point.
    assert float(event.longitude) != 120.9411 and abs(float(event.longitude) - 120.9411) < 0.01


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row_and_column(world, tmp_path):
    rows = [
        GOOD_ROWS[0],
        ["热线", "", "描述", "没有这个类别", "百可社区", "", "", "", ""],
        GOOD_ROWS[1],
    ]

    error, out, err = run_import(write_xlsx(tmp_path / "bad.xlsx", rows))

    assert error is not None and error.returncode == 1
    assert Event.objects.count() == 0
    assert "Row 3, column “类别”" in err
    assert "没有这个类别" in err
    assert "Nothing was imported" in str(error)


def test_skip_bad_rows_imports_the_good_rows_and_reports_the_bad_ones(world, tmp_path):
    rows = [
        GOOD_ROWS[0],
        ["热线", "", "描述", "占道经营", "百可社区", "", "", "12345", ""],
        GOOD_ROWS[1],
    ]
    report = tmp_path / "errors.csv"

    error, out, err = run_import(
        write_xlsx(tmp_path / "mixed.xlsx", rows), skip_bad_rows=True, report=str(report)
    )

    assert error is None
    assert Event.objects.count() == 2
    assert "Row 3, column “联系电话”" in err
    assert "Skipped 1 rows" in out
    with report.open(encoding="utf-8-sig") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == ["row", "column", "value", "problem"]
    assert lines[1][:3] == ["3", "联系电话", "12345"]


def test_every_bad_row_is_reported_not_just_the_first(world, tmp_path):
    rows = [
        ["传真", "", "", "", "百可社区", "", "", "", "也许"],
        ["热线", "", "描述", "", "火星", "", "", "", ""],
    ]

    error, _out, err = run_import(write_csv(tmp_path / "two.csv", rows))

    assert error is not None
    assert "Row 2, column “来源”" in err
    assert "Row 2, column “描述”" in err
    assert "Row 2, column “匿名”" in err
    assert "Row 3, column “地点”" in err


def test_a_failure_while_storing_leaves_nothing_behind(world, tmp_path, monkeypatch):
    real = services.create_event
    calls = []

    def fails_on_second_row(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise InvalidInput("refused by the service", field="reporter_name")
        return real(**kwargs)

    monkeypatch.setattr(services, "create_event", fails_on_second_row)

    error, _out, err = run_import(write_xlsx(tmp_path / "half.xlsx", GOOD_ROWS))

    assert error is not None
    assert Event.objects.count() == 0
    assert EventHistory.objects.count() == 0
    assert "Row 3, column “反映人”: refused by the service" in err


def test_dry_run_checks_everything_and_stores_nothing(world, tmp_path):
    error, out, _err = run_import(write_xlsx(tmp_path / "events.xlsx", GOOD_ROWS), dry_run=True)

    assert error is None
    assert "2 of 2 rows would be imported" in out
    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["来源", "描述", "地点", "颜色"], "Unknown column(s) in row 1: “颜色”"),
        (["来源", "描述", "地点", "记录人"], "Unknown column(s) in row 1: “记录人”"),
        (["标题", "描述", "地点"], "Required column(s) missing: 来源/source"),
        (["来源", "描述"], "says nowhere where the events are"),
        (["来源", "描述", "地点", "地点"], "Two columns mean the same thing"),
    ],
)
def test_wrong_headers_are_one_clear_error_and_nothing_is_stored(
    world, tmp_path, headers, expected
):
    path = write_csv(tmp_path / "headers.csv", [["热线"] * len(headers)], headers=headers)

    error, _out, _err = run_import(path)

    assert error is not None and expected in str(error)
    assert Event.objects.count() == 0


def test_empty_files_and_header_only_files_are_refused(world, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = write_csv(tmp_path / "header.csv", [])

    assert "is empty" in str(run_import(empty)[0])
    assert "no events below it" in str(run_import(header_only)[0])


def test_files_of_the_wrong_type_are_refused(world, tmp_path):
    pdf = tmp_path / "events.pdf"
    pdf.write_bytes(b"%PDF-1.4 not a spreadsheet")
    xls = tmp_path / "events.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    fake_xlsx = tmp_path / "events.xlsx"
    fake_xlsx.write_text("来源,描述\n", encoding="utf-8")
    zip_csv = tmp_path / "events.csv"
    zip_csv.write_bytes(b"PK\x03\x04 not really a zip")

    assert "cannot be imported; use .xlsx or .csv" in str(run_import(pdf)[0])
    assert "old-style Excel (.xls)" in str(run_import(xls)[0])
    assert "is not an Excel workbook" in str(run_import(fake_xlsx)[0])
    assert "is not a spreadsheet" in str(run_import(zip_csv)[0])
    assert Event.objects.count() == 0


def test_an_unknown_category_is_reported(world, tmp_path):
    rows = [["热线", "", "描述", "不存在的类别", "百可社区", "", "", "", ""]]

    _error, _out, err = run_import(write_csv(tmp_path / "c.csv", rows))

    assert "Unknown category “不存在的类别”" in err


def test_a_place_outside_the_county_is_reported(world, tmp_path):
    rows = [
        ["热线", "", "描述", "", "330481001000", "", "", "", ""],
        ["热线", "", "描述", "", "330424", "", "", "", ""],
        ["热线", "", "描述", "", "海宁市某村", "", "", "", ""],
    ]

    error, _out, err = run_import(write_csv(tmp_path / "p.csv", rows), username="centre")

    assert error is not None
    assert "Row 2, column “地点”: The place 330481001000 is outside 海盐县 (330424)" in err
    assert "Row 3, column “地点”: Choose a town, village or grid, not the whole county" in err
    assert "Row 4, column “地点”: There is no place called “海宁市某村” in 海盐县" in err


def test_a_user_may_import_only_inside_their_own_area(world, tmp_path):
    rows = [["热线", "", "南北湖村有人占道经营", "", "澉浦镇/南北湖村", "", "", "", ""]]
    path = write_csv(tmp_path / "ganpu.csv", rows)

    error, _out, err = run_import(path, username="wuyuan_dispatcher")
    assert error is not None
    assert "is outside the area of wuyuan_dispatcher" in err
    assert Event.objects.count() == 0

    error, _out, _err = run_import(path, username="ganpu_dispatcher")
    assert error is None
    assert Event.objects.get().reported_by == world.ganpu_dispatcher


def test_an_unknown_username_is_a_clear_error(world, tmp_path):
    error, _out, _err = run_import(write_csv(tmp_path / "x.csv", GOOD_ROWS), username="nobody")

    assert "There is no staff member with the username “nobody”" in str(error)


def test_a_staff_member_without_an_area_cannot_import(world, tmp_path):
    error, _out, _err = run_import(
        write_csv(tmp_path / "x.csv", GOOD_ROWS), username="dept_officer"
    )

    assert "has no area" in str(error)
    assert Event.objects.count() == 0


def test_an_id_number_mangled_by_excel_is_explained(world, tmp_path):
    headers = ["来源", "描述", "地点", "身份证号"]
    rows = [["热线", "描述", "百可社区", 330424199001011234]]

    _error, _out, err = run_import(write_xlsx(tmp_path / "id.xlsx", rows, headers=headers))

    assert "turned into a number by Excel" in err


def test_a_title_row_above_the_header_is_skipped_and_row_numbers_match_the_sheet(world, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["海盐县民情线索导入表"])
    sheet.append(HEADERS)
    sheet.append(GOOD_ROWS[0])
    sheet.append([])
    sheet.append(["热线", "", "描述", "占道经营", "不存在的地方", "", "", "", ""])
    workbook.save(tmp_path / "titled.xlsx")

    _error, _out, err = run_import(tmp_path / "titled.xlsx")

    assert "Row 5, column “地点”" in err
