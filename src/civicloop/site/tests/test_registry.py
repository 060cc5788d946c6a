"""Apps plug their demo steps, sweeps, figures and workflow documents into the site-wide
commands through ``core.registry``; the commands only iterate what was registered."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from civicloop.core import figures as figures_module
from civicloop.core import registry
from civicloop.core.figures import Figure, Period, figures
from civicloop.core.registry import DemoStep, Registry
from civicloop.site import tasks as site_tasks
from civicloop.site.management.commands import demo, workflow_docs
from civicloop.site.management.commands.worker import intervals


def command(name, *args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, language="en", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def noop(context):
    pass


# --- the registry -----------------------------------------------------------------------


def test_a_different_step_under_a_taken_name_is_refused_with_a_clear_error():
    steps = Registry("demo step")
    steps.add(DemoStep(name="events.events", order=40, title="Events", run=noop))

    with pytest.raises(ImproperlyConfigured, match="demo step 'events.events' is registered twice"):
        steps.add(DemoStep(name="events.events", order=45, title="Other events", run=noop))

    assert [s.order for s in steps] == [40]


def test_registering_the_same_step_again_is_harmless_as_django_may_run_ready_twice():
    steps = Registry("demo step")
    step = DemoStep(name="org.organisation", order=10, title="Organisation", run=noop)

    steps.add(step)
    steps.add(DemoStep(name="org.organisation", order=10, title="Organisation", run=noop))

    assert list(steps) == [step]


def test_figures_of_different_subjects_may_share_a_name_but_not_within_a_subject():
    figures = figures_module.FigureRegistry("figure")
    figures.add(Figure("cases", "total", definition="d", unit="cases", compute=lambda p, r: 1))
    figures.add(Figure("events", "total", definition="d", unit="events", compute=lambda p, r: 2))

    with pytest.raises(ImproperlyConfigured, match="figure 'cases.total' is registered twice"):
        figures.add(Figure("cases", "total", definition="e", unit="cases", compute=lambda p, r: 3))
    assert figures.report("events") == {"period": {"from": None, "to": None}, "total": 2}


def test_a_figure_that_cannot_be_broken_down_by_place_has_no_value_for_a_place():
    figure = Figure(
        "cases", "total", definition="d", unit="cases", compute=lambda p: 7, regional=False
    )

    assert figure.value(Period()) == 7
    assert figure.value(Period(), region=object()) is None


def test_every_app_registers_its_pieces_at_start_up():
    assert [d.path for d in registry.workflow_documents] == [
        "docs/event-workflow.md",
        "docs/case-workflow.md",
        "docs/leniency-workflow.md",
        "docs/inspections-workflow.md",
        "docs/scoring-workflow.md",
        "docs/supervision-workflow.md",
        "docs/kpis.md",
    ]
    assert [s.name for s in registry.deadline_sweeps] == [
        "events.escalate_overdue",
        "cases.deadlines",
        "leniency.follow_ups",
        "supervision.action_items",
        "supervision.summons",
    ]
    assert {"hotspots.scan", "cockpit.rollups", "scoring.recompute"} <= {
        t.name for t in registry.periodic_tasks
    }
    assert [page.name for page in registry.landing_pages] == ["cockpit", "scoring.grid_home"]
    assert "gridkit.nightly_refresh" in {s.name for s in registry.worker_starts}
    names = [s.name for s in registry.demo_steps]
    # The case demo plays the leniency app's cases, so the list is loaded before it.
    assert names.index("org.organisation") < names.index("events.events")
    assert names.index("leniency.items") < names.index("cases.cases")
    # The cockpit's rollups summarise what every other step made.
    assert names[-1] == "cockpit.rollups"


def test_core_imports_no_app():
    core = Path(registry.__file__).parent
    offending = []
    for path in core.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(r"\s*(from|import) civicloop\.(?!core\b)", line):
                offending.append(f"{path.relative_to(core)}: {line.strip()}")
    assert offending == []


# --- civicloop demo ---------------------------------------------------------------------


def _said(text):
    def run(context):
        context.say(text)

    return run


def test_the_demo_runs_the_registered_steps_in_their_declared_order_and_times_each(db, monkeypatch):
    steps = Registry("demo step")
    # Registered out of order, as apps are loaded in INSTALLED_APPS order.
    steps.add(DemoStep("b.third", order=30, title="Third", run=_said("three"), summary=True))
    steps.add(DemoStep("a.first", order=10, title="First", run=_said("one")))
    steps.add(DemoStep("c.serve", order=5, title="Warm", run=_said("warm"), serving_only=True))

    def second(context):
        context.logins.append(
            type("Login", (), {"username": "tester", "role": "r", "unit": "u", "note": ""})
        )
        context.password = "Secret@1"
        context.say("two")

    steps.add(DemoStep("a.second", order=20, title="Second", run=second, summary=True))
    monkeypatch.setattr(demo, "demo_steps", steps)

    out, err = command("demo", events=0)

    assert err == ""
    lines = out.splitlines()
    titles = [line for line in lines if re.match(r"\[\d/\d\]", line)]
    assert titles == ["[1/3] First…", "[2/3] Second…", "[3/3] Third…"]  # --serve only: skipped
    first = lines.index("[1/3] First…")
    assert lines[first + 1] == "  one" and re.fullmatch(r"  done in \d+\.\d s", lines[first + 2])
    # The steps that count toward the summary are repeated after "Demo ready".
    ready = next(i for i, line in enumerate(lines) if line.startswith("Demo ready in"))
    assert lines[ready + 1 : ready + 3] == ["two", "three"]
    assert "tester" in out and "Every demo account's password: Secret@1" in out


# --- civicloop worker -------------------------------------------------------------------


def test_the_deadline_task_runs_every_registered_sweep_even_when_one_fails(monkeypatch):
    sweeps = Registry("deadline sweep")

    def broken():
        raise RuntimeError("database locked")

    sweeps.add(registry.DeadlineSweep("a.broken", broken, order=1))
    sweeps.add(registry.DeadlineSweep("b.two", lambda: 2, order=2))
    sweeps.add(registry.DeadlineSweep("c.three", lambda: 3, order=3))
    monkeypatch.setattr(site_tasks, "deadline_sweeps", sweeps)

    assert site_tasks.sweep_deadlines.call() == 5


def test_the_worker_takes_each_periodic_tasks_interval_from_its_option_or_its_setting(settings):
    settings.CIVICLOOP_HOTSPOT_SCAN_SECONDS = 120

    assert intervals({})["hotspots.scan"] == 120
    assert intervals({"scan_every": 0})["hotspots.scan"] == 0


# --- civicloop kpi ----------------------------------------------------------------------


def test_kpi_list_names_each_figure_with_its_unit_and_definition(db):
    out, _err = command("kpi", "--list", "cases")

    assert "qualified_review_share" in out and "share (0–1)" in out
    assert "distinct enterprises (parties)" in out

    out, _err = command("kpi", "--list", "--json")
    listed = {f["name"]: f for f in json.loads(out)}
    assert listed["closed_cases"]["unit"] == "cases, by procedure"
    assert listed["leniency_items"]["subject"] == "cases"


def test_kpi_cases_reports_the_leniency_apps_figures_too_in_the_registry_order(db):
    out, _err = command("kpi", "cases", "--json", "--from", "2026-01-01")

    data = json.loads(out)
    assert list(data) == ["period", "region", "figures"]
    assert list(data["figures"]) == [figure.key for figure in figures.of("cases")]
    assert {"cases.leniency_items", "cases.credit_repairs"} <= set(data["figures"])
    assert data["period"] == {"from": "2026-01-01", "to": None}
    assert data["figures"]["cases.leniency_items"]["value"] == 0


def test_kpi_without_a_subject_reports_every_registered_figure(db):
    out, _err = command("kpi", "--json", "--from", "2026-01-01", "--to", "2026-03-31")

    data = json.loads(out)
    assert set(data["figures"]) == {figure.key for figure in figures}
    for figure in data["figures"].values():
        assert set(figure) == {"value", "previous", "last_year", "definition"}


def test_a_figure_is_computed_for_the_period_it_is_given():
    figures = figures_module.FigureRegistry("figure")
    figures.add(
        Figure(
            "demo",
            "days",
            definition="d",
            unit="days",
            compute=lambda period, region: (period.end - period.start).days,
        )
    )
    assert figures.report("demo", Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31)))["days"] == 30


# --- civicloop workflow_docs ------------------------------------------------------------


def test_workflow_docs_writes_every_registered_document_and_check_finds_a_stale_one(
    tmp_path, monkeypatch
):
    documents = Registry("workflow document")
    documents.add(registry.WorkflowDocument("docs/a.md", lambda: "# A\n"))
    documents.add(registry.WorkflowDocument("docs/b.md", lambda: "# B\n"))
    monkeypatch.setattr(workflow_docs, "workflow_documents", documents)

    call_command("workflow_docs", root=str(tmp_path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("workflow_docs", root=str(tmp_path), check=True, stdout=out)

    assert (tmp_path / "docs" / "a.md").read_text() == "# A\n"
    assert out.getvalue().count("is current") == 2
    (tmp_path / "docs" / "b.md").write_text("# B, edited by hand\n")
    with pytest.raises(CommandError, match="b.md is out of date"):
        call_command("workflow_docs", root=str(tmp_path), check=True, stdout=io.StringIO())
