"""The one spreadsheet reader and cell writer every import and export uses."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from civicloop.core.spreadsheets import (
    CellError,
    Column,
    RowCheck,
    SpreadsheetError,
    TableSpec,
    append_header,
    append_row,
    cell,
    choice_lookup,
    parse_choice,
    parse_date,
    parse_datetime,
    parse_int,
    parse_number,
    parse_yes_no,
    read_table,
    write_error_report,
)


class ItemKind(models.TextChoices):
    EXEMPTION = "exemption", "免罚"


SPEC = TableSpec(
    columns=(
        Column("code", "编号", ("代码",), required=True),
        Column("start", "开始日期", ("起始日期",)),
        Column("amount", "金额"),
    ),
    max_rows=3,
    no_rows_message=gettext_lazy("%(path)s has a header row but no items below it."),
)


def check(table):
    """Each row checked the way the importers do: every cell parsed, every problem kept."""
    checks = []
    for number, row in table.rows:
        row_check = RowCheck(number, table.cells(row), table.headers)
        row_check.cell("start", parse_date)
        row_check.cell("amount", parse_number, low=0)
        checks.append(row_check)
    return checks


def xlsx(*rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    for row in rows:
        append_row(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_bad_date_in_row_3_is_one_error_naming_row_3_and_the_column_as_written():
    data = "编号,起始日期,金额\nA-1,2026-07-01,10\nA-2,2026-13-01,20\n".encode()
    with translation.override("en"):
        checks = check(read_table(data, "list.csv", SPEC))

        assert checks[0].ok
        (error,) = checks[1].errors
        assert (error.row, error.column, error.value) == (3, "起始日期", "2026-13-01")
        assert str(error) == (
            "Row 3, column “起始日期”: “2026-13-01” is not a date (write e.g. 2026-07-01)."
        )


def test_an_xlsx_file_round_trips_a_date_and_a_decimal():
    data = xlsx(["编号", "开始日期", "金额"], ["A-1", dt.date(2026, 7, 1), Decimal("1680.32")])
    table = read_table(data, "list.xlsx", SPEC)
    (check_row,) = check(table)

    assert table.kind == "xlsx" and table.header_row == 1
    assert check_row.ok
    cells = table.cells(table.rows[0][1])
    assert parse_date(cells["start"]) == dt.date(2026, 7, 1)
    assert parse_number(cells["amount"]) == Decimal("1680.32")


def test_a_title_row_above_the_header_is_skipped_and_chinese_excel_csv_is_read():
    data = "海盐县清单导入表\n编号,金额\nA-1,5\n".encode("gb18030")
    table = read_table(data, "list.csv", SPEC)

    assert (table.header_row, table.encoding, table.rows) == (2, "gb18030", [(3, ["A-1", "5"])])


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "x.csv", "is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 50, "x.xls", "old-style Excel (.xls)"),
        (b"%PDF-1.4", "x.pdf", "cannot be imported; use .xlsx or .csv"),
        ("编号,颜色\nA,B\n".encode(), "x.csv", "Unknown column(s) in row 1: “颜色”"),
        ("金额,开始日期\n1,2\n".encode(), "x.csv", "Required column(s) missing: 编号/code"),
        ("编号,代码\nA,B\n".encode(), "x.csv", "Two columns mean the same thing"),
        ("编号,金额\n".encode(), "x.csv", "no items below it"),
        ("编号,金额\n1,1\n2,2\n3,3\n4,4\n".encode(), "x.csv", "import at most 3 at a time"),
        (b"foo,bar\n1,2\n", "x.csv", "No header row found"),
    ],
)
def test_a_file_that_cannot_be_imported_is_one_clear_error(data, name, message):
    with translation.override("en"), pytest.raises(SpreadsheetError) as refused:
        read_table(data, name, SPEC)
    assert message in refused.value.message


def test_typed_parsers_accept_what_people_write_and_refuse_the_rest():
    assert parse_date("2026年7月1日") == parse_date("2026/7/1") == dt.date(2026, 7, 1)
    assert parse_date(46204) == dt.date(2026, 7, 1)  # an Excel serial date from a CSV
    assert parse_datetime("2026-03-01 08:30") == timezone.make_aware(dt.datetime(2026, 3, 1, 8, 30))
    assert parse_int("12") == 12 and parse_int("") is None
    assert parse_yes_no("√") is True and parse_yes_no("否") is False
    assert parse_yes_no("匿名", yes=("匿名",)) is True
    sources = choice_lookup(synonyms={"hotline": ("热线", "12345热线")})
    assert parse_choice(" 12345 热线", sources) == parse_choice("Hotline", sources) == "hotline"
    assert parse_choice("", sources) == ""
    with pytest.raises(CellError, match="来源"):
        parse_choice("", sources, message="请填写来源", required=True)
    for parse, value in ((parse_int, "1.5"), (parse_yes_no, "也许"), (parse_number, "abc")):
        with pytest.raises(CellError):
            parse(value)
    with pytest.raises(CellError):
        parse_choice("传真", sources)
    with translation.override("en"), pytest.raises(CellError, match="out of range"):
        parse_number("200", low=-90, high=90)


def test_one_cell_formatter_writes_dates_decimals_choices_and_formula_like_text():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("x")
    moment = timezone.make_aware(dt.datetime(2026, 3, 1, 8, 30), dt.UTC)
    append_header(sheet, ["a", "b", "c", "d", "e", "f"], widths=[10] * 6)
    append_row(sheet, [dt.date(2026, 7, 1), Decimal("20000"), ItemKind.EXEMPTION, "=1+1", None])
    sheet.append([cell(sheet, moment)])
    with translation.override("en"):
        append_row(sheet, [True, False])
    buffer = io.BytesIO()
    workbook.save(buffer)

    read = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert read["A1"].font.bold and read.freeze_panes == "A2"
    assert read["A2"].value == dt.datetime(2026, 7, 1) and read["A2"].number_format == "yyyy-mm-dd"
    assert read["B2"].value == 20000
    assert read["C2"].value == str(ItemKind.EXEMPTION.label)
    assert read["D2"].value == "=1+1" and read["D2"].data_type == "s"
    assert read["E2"].value is None
    # Excel has no time zones: the local wall-clock time is written.
    assert read["A3"].value == timezone.localtime(moment).replace(tzinfo=None)
    assert read["A3"].number_format == "yyyy-mm-dd hh:mm"
    assert (read["A4"].value, read["B4"].value) == ("yes", "no")


def test_the_error_report_opens_in_chinese_excel(tmp_path):
    data = "编号,开始日期\nA-1,明天\n".encode()
    errors = [e for c in check(read_table(data, "x.csv", SPEC)) for e in c.errors]
    path = tmp_path / "errors.csv"
    with translation.override("en"):
        write_error_report(path, errors)

    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "row,column,value,problem"
    assert lines[1].startswith("2,开始日期,明天,")
