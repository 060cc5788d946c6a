"""``civicloop export card --grid CODE FILE.xlsx|.docx``: the card as a file, the same as
the page."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from civicloop.gridkit import services

from .conftest import reports
from .test_forms import docx_text


@pytest.fixture
def card_data(world, zd001_held):
    reports(world, 5, matter=zd001_held)
    reports(world, 2, category=world.food_safety)


def test_the_card_exports_to_excel(world, card_data, tmp_path, capsys):
    out = tmp_path / "card.xlsx"
    call_command("export_card", str(out), grid=world.wuyuan_grid.code)
    assert str(out) in capsys.readouterr().out
    ws = load_workbook(out).active
    rows = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    flat = [str(c) for row in rows for c in row]
    header = rows[3]
    assert len(header) == 6
    assert rows[4][0] == "1" and rows[4][1].startswith("ZD-001 ") and rows[4][-1] == "5"
    assert "《城市道路管理条例》第四十二条" in rows[4]
    assert any("武原街道综合行政执法队" in c for c in rows[4])
    assert (
        rows[5][0] == "2"
        and rows[5][1] == "食品安全"
        and any("县市场监督管理局" in c for c in rows[5])
    )
    assert any("138****0000" in c for c in flat) and not any("13800000000" in c for c in flat)
    assert any(world.wuyuan_grid.code in c for c in flat)


def test_the_card_exports_to_word_and_matches_the_web_download(world, card_data, tmp_path, client):
    out = tmp_path / "card.docx"
    call_command("export_card", str(out), grid=world.wuyuan_grid.code)
    text = docx_text(out.read_bytes())
    assert (
        "ZD-001 对擅自占用城市道路（含占道经营）的行政处罚" in text
        and "百可社区行政执法联络站" in text
    )
    doc = Document(str(out))
    assert (
        round(doc.sections[0].page_width.mm) == 210 and round(doc.sections[0].page_height.mm) == 297
    )
    client.force_login(world.grid_worker)
    web = client.get(reverse("gridkit:card-file", args=[world.wuyuan_grid.code, "docx"]))
    assert (
        web["Content-Disposition"]
        == f'attachment; filename="card-{world.wuyuan_grid.code}-v1.docx"'
    )
    # The web file names the request's address for the public page; otherwise they agree.
    assert docx_text(web.content).replace("http://testserver/report/", "/report/") == text
    xlsx = client.get(reverse("gridkit:card-file", args=[world.wuyuan_grid.code, "xlsx"]))
    assert load_workbook(io.BytesIO(xlsx.content)).active["A1"].value


def test_an_older_version_of_the_card_can_be_exported(world, card_data, tmp_path):
    services.refresh_toolkit(world.wuyuan_grid)
    reports(world, 1, category=world.disputes)
    assert services.refresh_toolkit(world.wuyuan_grid).version.number == 2
    out = tmp_path / "v1.docx"
    call_command("export_card", str(out), grid=world.wuyuan_grid.code, toolkit_version=1)
    assert "矛盾纠纷" not in docx_text(out.read_bytes())
    with pytest.raises(CommandError):
        call_command("export_card", str(out), grid=world.wuyuan_grid.code, toolkit_version=5)


def test_bad_arguments_are_refused(world, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_card", str(tmp_path / "card.pdf"), grid=world.wuyuan_grid.code)
    with pytest.raises(CommandError):
        call_command("export_card", str(tmp_path / "card.xlsx"), grid="330424001001999")
    with pytest.raises(CommandError):
        call_command("export_forms", str(tmp_path / "f.docx"))
