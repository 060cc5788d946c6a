"""Civicloop's own commands: export, prune_attachments, import divisions."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook
from PIL import Image

from civicloop import cli
from civicloop.events.choices import EventState
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region
from civicloop.testing.journeys import report, walk

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def command(name, *args, **options):
    out = io.StringIO()
    call_command(name, *args, language="en", stdout=out, stderr=out, **options)
    return out.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


# --- export -----------------------------------------------------------------------


def read_sheet(path):
    sheet = load_workbook(path).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_export_holds_only_what_the_user_may_see_with_personal_data_masked(world, tmp_path):
    mine = report(
        world,
        reporter_name="张三丰",
        reporter_phone="13912345678",
        reporter_id_number="330424199001011239",
    )
    report(world, by=world.ganpu_grid_worker, region=world.ganpu_grid)
    path = tmp_path / "export.xlsx"

    output = command("export_events", str(path), username="wuyuan_dispatcher")

    rows = read_sheet(path)
    assert len(rows) == 2 and "Wrote 1 events" in output
    header, row = rows
    record = dict(zip(header, row, strict=True))
    assert record["number"] == mine.number
    assert record["reporter name"] == "张**"
    assert record["reporter phone"] == "139****5678"
    assert record["reporter ID number"] == "330424********1239"
    assert record["town / street"] == "武原街道"
    flat = " ".join(str(v) for r in rows for v in r)
    assert "13912345678" not in flat and "张三丰" not in flat and "199001011239" not in flat


def test_export_filters_by_state_and_town(world, tmp_path):
    first = report(world)
    walk(world, report(world), EventState.JUDGED)
    report(world, by=world.ganpu_grid_worker, region=world.ganpu_grid)

    command(
        "export_events",
        str(tmp_path / "a.xlsx"),
        username="centre",
        state=["collected"],
        town="330424001",
    )
    command(
        "export_events", str(tmp_path / "b.xlsx"), username="centre", state=["judged,collected"]
    )

    assert [r[0] for r in read_sheet(tmp_path / "a.xlsx")[1:]] == [first.number]
    assert len(read_sheet(tmp_path / "b.xlsx")) == 4
    with pytest.raises(CommandError, match="Unknown state"):
        command("export_events", str(tmp_path / "c.xlsx"), username="centre", state=["lost"])
    with pytest.raises(CommandError, match="ending in .xlsx"):
        command("export_events", str(tmp_path / "c.csv"), username="centre")


def test_export_writes_formula_like_text_as_plain_text(world, tmp_path):
    report(world, title='=HYPERLINK("http://x")', description="=1+1 占道")

    command("export_events", str(tmp_path / "f.xlsx"), username="centre")

    sheet = load_workbook(tmp_path / "f.xlsx").active
    assert sheet["B2"].value.startswith("=HYPERLINK") and sheet["B2"].data_type == "s"


# --- prune_attachments ------------------------------------------------------------------


def test_prune_attachments_dry_run_lists_orphans_and_deletes_nothing(world, settings):
    event = report(world, attachments=[SimpleUploadedFile("photo.png", png_bytes())])
    kept = settings.MEDIA_ROOT / event.attachments.get().file.name
    orphan = settings.MEDIA_ROOT / "attachments" / "ab" / "orphan.png"
    young = settings.MEDIA_ROOT / "attachments" / "cd" / "young.png"
    for path in (orphan, young):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 2048)
    old = time.time() - 3 * 3600
    os.utime(orphan, (old, old))
    os.utime(kept, (old, old))

    output = command("prune_attachments", dry_run=True)

    assert (
        "attachments/ab/orphan.png" in output
        and "Would delete 1 unreferenced files (2 KB)" in output
    )
    assert "Kept 1 unreferenced files younger than 60 minutes" in output
    assert orphan.exists() and young.exists() and kept.exists()

    output = command("prune_attachments")

    assert "Deleted 1 unreferenced files" in output
    assert not orphan.exists() and not orphan.parent.exists()
    assert young.exists() and kept.exists()


# --- import divisions -------------------------------------------------------------------


# Transactional: the `civicloop` entry point closes the database connections when it ends.
@pytest.mark.django_db(transaction=True)
def test_import_divisions_loads_the_county_through_the_civicloop_command(capsys):
    cli.main(["civicloop", "import", "divisions", "--county", "330424", "--language", "en"])

    assert "9 towns/streets, 122 villages/communities, 122 grids" in capsys.readouterr().out
    assert Region.objects.filter(level=RegionLevel.TOWN).count() == 9
    assert Region.objects.get(code="330424001001001").parent.code == "330424001001"


def test_import_divisions_refuses_a_county_it_has_no_data_for(db):
    with pytest.raises(CommandError, match="not in the shipped division data"):
        command("import_divisions", county="110101")
    with pytest.raises(CommandError, match="6 digits"):
        command("import_divisions", county="33")
