"""``civicloop hotspots top|scan|evaluate`` and the worker's scan schedule."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from civicloop import cli
from civicloop.hotspots.models import Warning
from civicloop.testing.events import report_on_days

AT = dt.date(2026, 6, 15)


def command(*args, **options):
    out = io.StringIO()
    call_command("hotspots", *args, language="en", stdout=out, stderr=out, **options)
    return out.getvalue()


def test_top_prints_the_table_and_writes_excel(world, tmp_path):
    report_on_days(world, {AT: 3, AT - dt.timedelta(days=7): 1})
    path = tmp_path / "top.xlsx"

    output = command(
        "top",
        "--town",
        world.wuyuan.code[:9],
        "--from",
        "2026-06-15",
        "--to",
        "2026-06-21",
        "--out",
        str(path),
    )

    assert (
        "武原街道, 2026-06-15 – 2026-06-21: 3 events (previous period 2026-06-08 – 2026-06-14: 1)"
        in output
    )
    assert "street-vending" in output and "占道经营" in output and "+200%" in output
    rows = [[c.value for c in row] for row in load_workbook(path).worksheets[0].iter_rows()]
    assert any(row[:4] == [1, "street-vending", "占道经营", 3] for row in rows)


def test_top_with_as_applies_the_scope_and_refuses_bad_input(world, tmp_path):
    report_on_days(world, {AT: 2})
    with pytest.raises(CommandError, match="outside the area"):
        command("top", "--town", world.wuyuan.code, "--as", "ganpu_dispatcher")
    with pytest.raises(CommandError, match="not a town"):
        command("top", "--town", world.wuyuan_village.code)
    with pytest.raises(CommandError, match="ending in .xlsx"):
        command("top", "--out", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="No place"):
        command("top", "--place", "123456789012")
    output = command(
        "top",
        "--from",
        "2026-06-15",
        "--to",
        "2026-06-15",
        "--as",
        "wuyuan_dispatcher",
        "--place",
        world.wuyuan.code,
    )
    assert ": 2 events" in output


def test_scan_raises_once_over_several_days(world):
    report_on_days(world, {AT: 4})

    output = command("scan", "--at", "2026-06-16", "--days", "3")

    assert "2026-06-15 raised: 占道经营 in 百可社区居委会" in output
    assert "Scanned 3 day(s) up to 2026-06-16" in output and "1 warnings raised" in output
    assert Warning.objects.count() == 1


def test_scan_through_the_civicloop_entry_point(world, capsys):
    report_on_days(world, {AT: 3})

    cli.main(["civicloop", "hotspots", "scan", "--at", "2026-06-15", "--language", "en"])

    assert "1 warnings raised" in capsys.readouterr().out


def test_evaluate_reports_precision_recall_and_spike_recall(db):
    output = command("evaluate", "--rounds", "20", "--places", "8", "--no-variants")

    assert "Duplicates: 324 labelled pairs of real messages" in output
    assert "At similarity ≥ 0.18: precision" in output and "recall" in output
    assert "Spikes: 8 places × 8 subjects × 365 days" in output
    assert "False warnings:" in output and "per 1,000 place-days" in output


def test_the_scan_task_returns_what_it_did(world):
    from civicloop.hotspots.tasks import scan_hotspots

    result = scan_hotspots.enqueue()

    assert result.return_value["raised"] == 0 and "at" in result.return_value
