"""The 一免一减 list: items and dated versions through the services, Excel/CSV import that checks
every row and stores all or nothing (per-row errors), and the export that imports back
unchanged."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.spreadsheets import SpreadsheetError
from civicloop.leniency import services
from civicloop.leniency.choices import ItemKind, LegalBasis
from civicloop.leniency.exporting import export_items, write_list_workbook
from civicloop.leniency.importing import Action, import_list, read_list
from civicloop.leniency.models import LeniencyItem, LeniencyItemHistory, LeniencyItemVersion

from .helpers import exemption

HEADER = "编号,执法事项编码,类型,适用情形,适用条件,依据类型,清单文号,生效日期"
GOOD = [
    "MF-ZD-001,ZD-001,免罚,首次占道经营并及时改正,首次违法=2；危害后果=轻微；及时改正,art33_first,,2024-07-01",
    "JQ-ZD-002,ZD-002,减轻,主动消除危害后果,harm=none; corrected_in_time,art32,,2024-07-01",
]


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_county_creates_an_item_with_its_first_version_and_a_history_row(lw):
    cw = lw
    item = services.create_item(
        by=cw.centre,
        code="mf-zd-001",
        matter=cw.town_matter,
        kind=ItemKind.EXEMPTION,
        content=services.VersionData(
            title="首次占道经营",
            conditions="first_violation=1; harm=none",
            legal_basis=LegalBasis.ART33_FIRST,
        ),
        effective_from=dt.date(2024, 7, 1),
    )
    assert item.code == "MF-ZD-001"
    version = item.versions.get()
    assert version.number == 1 and version.effective_to is None
    assert version.basis_text == "《中华人民共和国行政处罚法》第三十三条第一款"
    row = item.history.get()
    assert (row.action, row.actor, row.details["effective_from"]) == (
        "create",
        cw.centre,
        "2024-07-01",
    )


def test_only_the_county_maintains_the_list(lw):
    cw = lw
    with pytest.raises(NotPermitted):
        services.create_item(
            by=cw.wuyuan_officer,
            code="MF-ZD-009",
            matter=cw.town_matter,
            kind=ItemKind.EXEMPTION,
            content=services.VersionData(
                title="x", conditions="harm=none", legal_basis=LegalBasis.ART33_MINOR
            ),
            effective_from=dt.date(2024, 7, 1),
        )
    assert not LeniencyItem.objects.filter(code="MF-ZD-009").exists()


@pytest.mark.parametrize(
    ("kind", "basis", "conditions", "document", "field", "text"),
    [
        (ItemKind.REDUCED, LegalBasis.ART33_FIRST, "harm=none", "", "legal_basis", "rests on"),
        (
            ItemKind.EXEMPTION,
            LegalBasis.ART33_FIRST,
            "harm=none",
            "",
            "conditions",
            "first_violation",
        ),
        (
            ItemKind.EXEMPTION,
            LegalBasis.LOCAL,
            "harm=none",
            "",
            "document_number",
            "document number",
        ),
        (ItemKind.EXEMPTION, LegalBasis.ART33_MINOR, "harm=bad", "", "conditions", "The harm is"),
    ],
)
def test_an_item_that_contradicts_its_legal_basis_is_refused_on_its_field(
    lw, kind, basis, conditions, document, field, text
):
    cw = lw
    with pytest.raises(InvalidInput) as refused:
        services.create_item(
            by=cw.centre,
            code="MF-ZD-009",
            matter=cw.town_matter,
            kind=kind,
            content=services.VersionData(
                title="情形", conditions=conditions, legal_basis=basis, document_number=document
            ),
            effective_from=dt.date(2024, 7, 1),
        )
    assert refused.value.field == field and text in str(refused.value)
    assert not LeniencyItem.objects.exists()


def test_a_new_version_ends_the_previous_one_the_day_before_and_keeps_it(lw):
    cw = lw
    item = exemption(cw)
    version = services.add_version(
        item,
        by=cw.centre,
        effective_from=dt.date(2026, 3, 1),
        reason="新清单",
        content=services.VersionData(
            title="首次占道经营",
            conditions="first_violation=1; harm=none",
            legal_basis=LegalBasis.ART33_FIRST,
        ),
    )
    first = item.versions.get(number=1)
    assert first.effective_to == dt.date(2026, 2, 28) and version.number == 2
    assert (
        item.version_on(dt.date(2026, 2, 28)) == first
        and item.version_on(dt.date(2026, 3, 1)) == version
    )
    assert list(item.history.values_list("action", "actor__username")) == [
        ("create", None),
        ("new_version", "centre"),
    ]
    with pytest.raises(InvalidInput) as same:
        services.add_version(
            item,
            by=cw.centre,
            effective_from=dt.date(2026, 9, 1),
            content=services.VersionData(
                title="首次占道经营",
                conditions="first_violation=1; harm=none",
                legal_basis=LegalBasis.ART33_FIRST,
            ),
        )
    assert "Nothing changed" in str(same.value)
    with pytest.raises(InvalidInput) as earlier:
        services.add_version(
            item,
            by=cw.centre,
            effective_from=dt.date(2026, 3, 1),
            content=services.VersionData(
                title="另一个",
                conditions="harm=none; first_violation=1",
                legal_basis=LegalBasis.ART33_FIRST,
            ),
        )
    assert earlier.value.field == "effective_from"
    assert item.versions.count() == 2


def test_withdrawing_an_item_ends_its_version_and_needs_a_reason(lw):
    cw = lw
    item = exemption(cw)
    with pytest.raises(InvalidInput):
        services.withdraw_item(item, by=cw.centre, last_day=dt.date(2026, 5, 31), reason="")
    services.withdraw_item(item, by=cw.centre, last_day=dt.date(2026, 5, 31), reason="清单调整")
    item.refresh_from_db()
    assert not item.is_active and item.versions.get().effective_to == dt.date(2026, 5, 31)
    assert not LeniencyItem.objects.in_force(dt.date(2026, 6, 1)).exists()
    assert item.history.last().action == "withdraw"


def test_a_good_csv_imports_every_row_as_an_item(lw):
    cw = lw
    result = import_list(
        read_list(csv_bytes(*GOOD), "list.csv"), by=cw.centre, effective_from=dt.date(2026, 1, 1)
    )
    assert result.stored and not result.errors and result.count(Action.CREATE) == 2
    assert set(LeniencyItem.objects.values_list("code", "kind")) == {
        ("MF-ZD-001", ItemKind.EXEMPTION),
        ("JQ-ZD-002", ItemKind.REDUCED),
    }
    version = LeniencyItemVersion.objects.get(item__code="MF-ZD-001")
    assert version.effective_from == dt.date(2024, 7, 1)
    assert version.conditions[0] == {"code": "first_violation", "value": 2}
    assert LeniencyItemHistory.objects.filter(action="create", actor=cw.centre).count() == 2


def test_a_bad_file_imports_nothing_and_names_each_bad_row_and_column(lw):
    cw = lw
    exemption(cw, "MF-OLD-001")
    data = csv_bytes(
        GOOD[0],
        "JQ-ZD-002,ZD-999,减轻,情形,harm=none,art32,,2024-07-01",  # unknown matter
        "MF-ZD-003,ZD-001,免罚,情形,首违=abc,art33_first,,2024-07-01",  # bad condition value
        "MF-ZD-004,ZD-001,大概,情形,harm=none,art33_minor,,2024-07-01",  # unknown kind
        "MF-ZD-001,ZD-001,免罚,情形,harm=none,art33_minor,,2024-13-01",  # duplicate code, bad date
    )
    result = import_list(
        read_list(data, "list.csv"), by=cw.centre, effective_from=dt.date(2026, 1, 1)
    )
    assert not result.stored
    found = {(e.row, e.column) for e in result.errors}
    assert (3, "matter/执法事项编码") in found
    assert (4, "conditions/适用条件") in found
    assert (5, "kind/类型") in found
    assert (6, "code/编号") in found and (6, "effective_from/生效日期") in found
    assert not any(e.row == 2 for e in result.errors)
    assert list(LeniencyItem.objects.values_list("code", flat=True)) == ["MF-OLD-001"]


def test_an_xlsx_with_a_changed_row_becomes_a_new_version_and_an_unchanged_row_is_left_alone(lw):
    cw = lw
    exemption(cw, "MF-ZD-001")
    exemption(
        cw,
        "MF-ZD-002",
        conditions="harm=none; corrected_in_time",
        basis=LegalBasis.ART33_MINOR,
        title="经责令及时改正",
    )
    rows = [
        ["code", "matter", "kind", "title", "conditions", "legal_basis", "effective_from"],
        [
            "MF-ZD-001",
            "ZD-001",
            "exemption",
            "首次占道经营，危害轻微",
            "first_violation=1; harm=minor",
            "art33_first",
            dt.datetime(2026, 3, 1),
        ],
        [
            "MF-ZD-002",
            "ZD-001",
            "exemption",
            "经责令及时改正",
            "harm=none; corrected_in_time",
            "art33_minor",
            None,
        ],
    ]
    result = import_list(
        read_list(xlsx_bytes(rows), "list.xlsx"), by=cw.centre, effective_from=dt.date(2026, 4, 1)
    )
    assert (
        result.stored
        and result.count(Action.NEW_VERSION) == 1
        and result.count(Action.UNCHANGED) == 1
    )
    item = LeniencyItem.objects.get(code="MF-ZD-001")
    assert item.versions.count() == 2
    assert item.versions.get(number=1).effective_to == dt.date(2026, 2, 28)
    assert item.versions.get(number=2).effective_from == dt.date(2026, 3, 1)
    assert LeniencyItem.objects.get(code="MF-ZD-002").versions.count() == 1


def test_an_xlsx_row_may_not_move_an_item_to_another_matter_or_kind(lw):
    cw = lw
    exemption(cw)
    rows = [
        ["code", "matter", "kind", "title", "conditions", "legal_basis"],
        ["MF-ZD-001", "ZD-002", "exemption", "换事项", "harm=none", "art33_minor"],
    ]
    result = import_list(
        read_list(xlsx_bytes(rows), "list.xlsx"), by=cw.centre, effective_from=dt.date(2026, 4, 1)
    )
    assert not result.stored and result.errors[0].column == "code/编号"
    assert "new code" in result.errors[0].message
    assert LeniencyItem.objects.get().matter == cw.town_matter


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "is empty"),
        (b"foo,bar\n1,2\n", "x.csv", "No header row found"),
        (
            "编号,执法事项编码,类型,颜色\nA,B,C,D\n".encode(),
            "x.csv",
            "Unknown column(s) in row 1: “颜色”",
        ),
        (
            "编号,执法事项编码,类型\nMF-1,ZD-001,免罚\n".encode(),
            "x.csv",
            "Required column(s) missing",
        ),
        (HEADER.encode() + b"\n", "x.csv", "no items below it"),
        (b"\xd0\xcf\x11\xe0old excel", "old.xls", "not an Excel workbook"),
    ],
)
def test_a_file_that_is_not_a_list_is_refused_as_a_whole(data, name, message):
    with pytest.raises(SpreadsheetError) as refused:
        read_list(data, name)
    assert message in refused.value.message


def test_a_gb18030_csv_from_chinese_excel_is_read(lw):
    cw = lw
    table = read_list(("\n".join([HEADER, GOOD[0]]) + "\n").encode("gb18030"), "list.csv")
    result = import_list(table, by=cw.centre, effective_from=dt.date(2026, 1, 1))
    assert (
        result.stored
        and LeniencyItem.objects.get().versions.get().title == "首次占道经营并及时改正"
    )


def test_the_export_imports_back_unchanged_and_lists_every_version(lw, tmp_path):
    cw = lw
    item = exemption(cw)
    exemption(
        cw,
        "JQ-ZD-001",
        kind=ItemKind.REDUCED,
        basis=LegalBasis.LOCAL,
        conditions="harm=none",
        document_number="盐政办发〔2024〕18号（演示）",
        title='=HYPERLINK("x")',
    )
    services.add_version(
        item,
        by=cw.centre,
        effective_from=dt.date(2026, 3, 1),
        content=services.VersionData(
            title="新",
            conditions="first_violation=1; harm=none",
            legal_basis=LegalBasis.ART33_FIRST,
        ),
    )
    path = tmp_path / "list.xlsx"
    assert write_list_workbook(export_items(), str(path)) == 2
    workbook = load_workbook(path)
    items, versions = workbook.worksheets[0], workbook.worksheets[1]
    assert items.max_row == 3 and versions.max_row == 4
    formula = next(row for row in items.iter_rows() if row[0].value == "JQ-ZD-001")
    assert (
        formula[3].value == '=HYPERLINK("x")' and formula[3].data_type == "s"
    )  # text, not a formula
    result = import_list(
        read_list(path.read_bytes(), path.name),
        by=cw.centre,
        effective_from=dt.date(2026, 6, 1),
        dry_run=True,
    )
    assert not result.errors and result.count(Action.UNCHANGED) == 2


def test_the_import_command_reports_rows_and_stores_nothing_on_error(lw, tmp_path):
    from django.core.management import CommandError, call_command

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(GOOD[0], "X,ZD-999,免罚,情形,harm=none,art33_minor,,"))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(
            "import_leniency",
            str(bad),
            "--as",
            "centre",
            "--language",
            "en",
            stdout=out,
            stderr=err,
        )
    assert "Nothing was imported: 1 of 2 rows" in str(failed.value)
    assert "Row 3, column “matter/执法事项编码”: No matter with this code" in err.getvalue()
    assert not LeniencyItem.objects.exists()
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(*GOOD))
    call_command(
        "import_leniency", str(good), "--as", "centre", "--language", "en", stdout=out, stderr=err
    )
    assert "Imported: 2 new items, 0 new versions, 0 unchanged." in out.getvalue()
    assert LeniencyItem.objects.count() == 2
    with pytest.raises(CommandError):
        call_command(
            "import_leniency",
            str(good),
            "--as",
            "wuyuan_officer",
            "--language",
            "en",
            stdout=out,
            stderr=err,
        )


def test_the_import_page_lists_each_bad_row_and_stores_nothing_and_is_the_countys_alone(lw, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cw = lw
    bad = csv_bytes(GOOD[0], "JQ-ZD-002,ZD-999,减轻,情形,harm=none,art32,,2024-07-01")
    client.force_login(cw.centre)
    response = client.post(
        "/leniency/items/import/",
        {"file": SimpleUploadedFile("list.csv", bad)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        'data-row="3"' in page and 'data-row="2"' not in page and "No matter with this code" in page
    )
    assert not LeniencyItem.objects.exists()
    good = client.post(
        "/leniency/items/import/", {"file": SimpleUploadedFile("list.csv", csv_bytes(*GOOD))}
    )
    assert good.status_code == 302 and LeniencyItem.objects.count() == 2
    listed = client.get("/leniency/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "MF-ZD-001" in listed and "JQ-ZD-002" in listed
    # Conditions read as sentences, not as the list file's syntax.
    assert "2 年内首次违反该事项" in listed and "first_violation=" not in listed
    export = client.get("/leniency/items/export.xlsx")
    assert export.status_code == 200
    assert load_workbook(io.BytesIO(b"".join(export))).worksheets[0].cell(row=2, column=1).value
    client.force_login(cw.wuyuan_officer)
    assert client.get("/leniency/items/import/").status_code == 403
    assert client.get("/leniency/items/new/").status_code == 403
    assert client.get("/leniency/items/MF-ZD-001/").status_code == 200
