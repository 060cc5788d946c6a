"""The three forms (三清单): filled from an event — in the page, the DOCX and the XLSX alike —
with the reporter's details masked unless the viewer may see them (and then the view is
logged), Chinese dates, and blank versions per grid for paper."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document
from openpyxl import load_workbook
from rest_framework.test import APIClient

from civicloop.core.formatting import format_date, format_datetime
from civicloop.gridkit.choices import FormKind
from civicloop.privacy.models import PersonalDataAccess
from civicloop.testing.journeys import report, walk

from .conftest import reports


@pytest.fixture
def closed_event(world):
    event = report(world, reporter_address="百可社区幸福路18号3幢201室", title="幸福路流动摊贩")
    return walk(world, event, "closed")


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def xlsx_cells(content: bytes) -> dict[str, list[str]]:
    workbook = load_workbook(io.BytesIO(content))
    return {
        ws.title: [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
        for ws in workbook.worksheets
    }


def test_dates_are_written_the_chinese_way():
    with translation.override("zh-hans"):
        assert format_date(dt.date(2026, 11, 28)) == "2026年11月28日"
        moment = timezone.make_aware(dt.datetime(2026, 11, 28, 9, 5))
        assert format_datetime(moment) == "2026年11月28日 09时05分"
    with translation.override("en"):
        assert format_date(dt.date(2026, 11, 28)) == "2026-11-28"


def test_a_grid_worker_gets_the_forms_with_the_reporters_details_masked(
    world, closed_event, client
):
    client.force_login(world.grid_worker)
    response = client.get(reverse("gridkit:event-forms-file", args=[closed_event.pk, "docx"]))
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    text = docx_text(response.content)
    assert closed_event.number in text and "幸福路流动摊贩" in text
    assert "139****5678" in text and "13912345678" not in text
    assert "张*" in text and "张三" not in text
    assert "幸福路18号3幢201室" not in text
    assert format_date(closed_event.reported_at) in text and "年" in format_date(
        closed_event.reported_at
    )
    assert "百可第1网格队伍" in text  # the collecting unit
    assert "武原街道综合行政执法队" in text  # the handling unit
    assert "已劝离摊贩并清理现场" in text and "现场核查已整改" in text
    assert "☑满意" in text and "☐不满意" in text
    assert not PersonalDataAccess.objects.exists()


def test_the_command_room_gets_them_in_full_and_the_view_is_logged(world, closed_event, client):
    dispatcher = world.wuyuan_dispatcher
    client.force_login(dispatcher)
    response = client.get(
        reverse("gridkit:event-forms-file", args=[closed_event.pk, "xlsx"]), REMOTE_ADDR="10.0.0.8"
    )
    sheets = xlsx_cells(response.content)
    titles = [str(k.label) for k in FormKind]
    assert list(sheets) == [t[:31] for t in titles]
    collection = sheets[titles[0][:31]]
    assert "13912345678" in collection and "张三" in collection
    assert "百可社区幸福路18号3幢201室" in collection
    access = PersonalDataAccess.objects.get()
    assert (
        access.user == dispatcher
        and access.channel == "web"
        and access.object_id == str(closed_event.pk)
    )
    assert access.ip_address == "10.0.0.8"
    assert set(access.fields) == {"reporter_name", "reporter_phone", "reporter_address"}
    workbook = load_workbook(io.BytesIO(response.content))
    assert (
        str(workbook.worksheets[0].page_setup.paperSize) == workbook.worksheets[0].PAPERSIZE_A4
    )  # "9"


def test_the_printable_page_shows_the_three_forms_and_a_masked_copy_on_request(
    world, closed_event, client
):
    client.force_login(world.wuyuan_dispatcher)
    url = reverse("gridkit:event-forms", args=[closed_event.pk])
    page = client.get(url).content.decode()
    for kind in FormKind.values:
        assert f'data-form="{kind}"' in page
    assert "13912345678" in page and 'id="gk-revealed"' in page
    assert PersonalDataAccess.objects.count() == 1
    masked = client.get(url, {"masked": "1"}).content.decode()
    assert "13912345678" not in masked and "139****5678" in masked
    feedback_only = client.get(url, {"form": "feedback"}).content.decode()
    assert 'data-form="feedback"' in feedback_only and 'data-form="collection"' not in feedback_only
    assert PersonalDataAccess.objects.count() == 1


def test_forms_of_an_event_still_open_leave_room_to_write(world, client):
    event = report(world)
    client.force_login(world.grid_worker)
    text = docx_text(
        client.get(reverse("gridkit:event-forms-file", args=[event.pk, "docx"])).content
    )
    assert "☐满意　☐基本满意　☐不满意" in text  # nothing ticked: the rating is written by hand


def test_the_same_records_give_the_same_forms(world, closed_event, client):
    client.force_login(world.grid_worker)
    url = reverse("gridkit:event-forms-file", args=[closed_event.pk, "docx"])
    first, second = client.get(url).content, client.get(url).content
    assert docx_text(first) == docx_text(second)
    assert (
        Document(io.BytesIO(first)).core_properties.modified
        == Document(io.BytesIO(second)).core_properties.modified
    )


def test_the_blank_forms_of_a_grid_carry_its_units_and_its_common_matters(
    world, zd001_held, client
):
    reports(world, 5, matter=zd001_held)
    client.force_login(world.grid_worker)
    grid = world.wuyuan_grid.code
    text = docx_text(client.get(reverse("gridkit:forms-file", args=[grid, "docx"])).content)
    assert "百可第1网格队伍" in text and "武原街道综合信息指挥室" in text
    assert "☐对擅自占用城市道路（含占道经营）的行政处罚" in text
    assert grid in text  # the version line
    cells = xlsx_cells(client.get(reverse("gridkit:forms-file", args=[grid, "xlsx"])).content)
    assert len(cells) == 3 and any("百可第1网格队伍" in v for v in next(iter(cells.values())))
    page = client.get(reverse("gridkit:forms", args=[grid])).content.decode()
    assert page.count('class="gk-sheet"') == 3 and 'data-version="1"' in page
    one = client.get(
        reverse("gridkit:forms", args=[grid]), {"form": "satisfaction"}
    ).content.decode()
    assert one.count('class="gk-sheet"') == 1


def test_the_api_fills_the_forms_and_logs_a_reveal_as_api(world, closed_event):
    client = APIClient()
    client.force_authenticate(world.wuyuan_dispatcher)
    data = client.get(f"/api/gridkit/events/{closed_event.pk}/").json()
    assert data["revealed"] is True and [f["kind"] for f in data["forms"]] == FormKind.values
    values = {f["key"]: f["value"] for s in data["forms"][0]["sections"] for f in s["fields"]}
    assert values["reporter_phone"] == "13912345678"
    assert PersonalDataAccess.objects.get().channel == "api"
    client.force_authenticate(world.grid_worker)
    data = client.get(f"/api/gridkit/events/{closed_event.pk}/").json()
    assert data["revealed"] is False
    assert PersonalDataAccess.objects.count() == 1


def test_the_command_line_exports_the_forms_as_the_given_user_sees_them(
    world, closed_event, tmp_path
):
    out = tmp_path / "forms.docx"
    call_command("export_forms", str(out), event=closed_event.number, username="grid_worker")
    assert "139****5678" in docx_text(out.read_bytes())
    call_command("export_forms", str(out), event=closed_event.number, username="wuyuan_dispatcher")
    assert "13912345678" in docx_text(out.read_bytes())
    assert PersonalDataAccess.objects.get().channel == "cli"
    with pytest.raises(CommandError):
        call_command(
            "export_forms", str(out), event=closed_event.number, username="ganpu_dispatcher"
        )
    with pytest.raises(CommandError):
        call_command(
            "export_forms",
            str(tmp_path / "forms.pdf"),
            event=closed_event.number,
            username="centre",
        )
    blank = tmp_path / "blank.xlsx"
    call_command("export_forms", str(blank), grid=world.wuyuan_grid.code)
    assert len(load_workbook(blank).worksheets) == 3


def test_the_cli_command_name_maps_from_civicloop_export_forms(
    world, closed_event, tmp_path, monkeypatch
):
    from civicloop import cli

    calls = []
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: calls.append(argv)
    )
    cli.main(
        ["civicloop", "export", "forms", "--event", closed_event.number, "--as", "centre", "x.docx"]
    )
    assert calls[0][1] == "export_forms"
