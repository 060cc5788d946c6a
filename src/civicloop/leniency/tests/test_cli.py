"""The command line: `civicloop leniency sweep | evaluate | docs`, `civicloop import leniency` and
`civicloop export leniency` (the import's errors are in test_list_import_export.py)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from civicloop.cli import main
from civicloop.leniency import services
from civicloop.leniency.choices import CommitmentState
from civicloop.leniency.models import Commitment, CreditRepair
from civicloop.testing.cases import MONDAY, at, file

from .helpers import exemption, paid_penalty, record, scan


def run(command, *args) -> str:
    out = io.StringIO()
    call_command(command, "--language", "en", *args, stdout=out)
    return out.getvalue()


def test_the_sweep_command_makes_checks_due_and_opens_repairs(lw, settings):
    cw = lw
    settings.CIVICLOOP_COMMITMENT_FOLLOW_UP_DAYS = 5
    with at(MONDAY):
        penalty = paid_penalty(cw)
        commitment = services.serve_commitment_notice(
            file(cw), by=cw.wuyuan_officer, notice_text="告知"
        )
        services.record_commitment(
            commitment, by=cw.wuyuan_officer, text="承诺", signed_on=MONDAY.date(), scan=scan()
        )
    with at(dt.datetime(2026, 9, 1, 8, 0)):
        assert (
            run("leniency", "sweep")
            == "1 follow-up checks came due; 1 penalties became repairable.\n"
        )
        assert (
            run("leniency", "sweep")
            == "0 follow-up checks came due; 0 penalties became repairable.\n"
        )
    assert Commitment.objects.get().state == CommitmentState.DUE
    assert CreditRepair.objects.get().case == penalty


def test_the_evaluate_command_prints_each_item_and_condition_with_its_evidence(lw):
    cw = lw
    exemption(cw)
    with at(MONDAY):
        case = file(cw)
        record(cw, case)
        out = run("leniency", "evaluate", case.number)
    lines = out.splitlines()
    assert lines[0].startswith("MF-ZD-001 · exemption (no penalty) · applies · ")
    assert lines[1].startswith(
        "  ✔ first violation of this matter within 2 years: No earlier violation"
    )
    assert len(lines) == 4
    with pytest.raises(CommandError, match="No case with the number"):
        run("leniency", "evaluate", "无此案")


def test_the_docs_command_checks_the_generated_workflow_document(tmp_path):
    assert "is current" in run("leniency", "docs", "--check")
    stale = tmp_path / "leniency-workflow.md"
    stale.write_text("old", encoding="utf-8")
    with pytest.raises(CommandError, match="out of date"):
        run("leniency", "docs", "--check", "--output", str(stale))


def test_export_then_import_through_the_civicloop_command(lw, tmp_path, capsys):
    cw = lw
    exemption(cw)
    path = tmp_path / "list.xlsx"
    assert "Wrote 1 items" in run("export_leniency", str(path))
    assert load_workbook(path).worksheets[0].cell(row=2, column=1).value == "MF-ZD-001"
    with pytest.raises(CommandError, match=".xlsx"):
        run("export_leniency", str(tmp_path / "list.csv"))
    main(
        [
            "civicloop",
            "import",
            "leniency",
            str(path),
            "--as",
            "centre",
            "--dry-run",
            "--language",
            "en",
        ]
    )
    assert (
        "Dry run, nothing was stored: 0 new items, 0 new versions, 1 unchanged."
        in capsys.readouterr().out
    )
