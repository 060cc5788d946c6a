"""Benchmark: penalty cases on the Haiyan demo — documents, 一免一减 evaluation, KPIs, sweeps,
the enterprise page.

    .venv/bin/python bench/cases.py [--repeat 3] [--db sqlite [postgres]] [--no-write]

Each database gets a throwaway VAR_DIR and database, filled by the real ``civicloop demo``
(``call_command("demo")``: the organisation, a year of events and ~38 penalty cases made
through the case services, with flexible enforcement). Then, in one process per database:

* ``documents``   which documents each case has now (``documents.availability.slots``); issuing
                  each of them the first time (``documents.services.issue_document``: the number,
                  the snapshot, the version row, the history row — a proof of service also issues
                  the notice it cites); issuing it again with nothing changed (snapshot and hash,
                  no write); the DOCX bytes of each version (``documents.services.render``);
* ``evaluation``  the 一免一减 evaluation shown at decision (``leniency.evaluation.evaluate_case``)
                  for every case;
* ``KPIs``        ``cases.kpis.report(Period())`` over the whole database;
* ``sweeps``      the worker's ``cases.deadlines.sweep_case_deadlines`` and ``leniency.tasks.sweep``
                  once on the demo as loaded (the first run sends what is due), then again (idle),
                  then — with ``at`` two years on — once with every open deadline, follow-up check
                  and credit repair due (the warnings, notifications and rows they write);
* ``enterprise``  ``leniency.enterprise.enterprise_history`` for every organisation that is a party
                  to a case, as the county leader (sees everything), and the whole page
                  (``GET /leniency/enterprises/<code>/`` through Django's test client, template included).

Per-item figures are p50/p95 over all items and ``--repeat`` passes; ``queries`` is the number of SQL
statements of one call (averaged over the items), counted in a separate pass that is not timed.
PostgreSQL is reached at $BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres); a
throwaway database is created and dropped. Results are printed and added to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from pathlib import Path

from benchlib import machine, percentile, write_section

REPO = Path(__file__).resolve().parents[1]
MARKER = "## Cases, documents and flexible enforcement (`bench/cases.py`)"
INTRO = """What an officer or the worker waits for on penalty cases, measured on the Haiyan demo as
`civicloop demo` loads it (about 38 cases made through the case services, with 一免一减 items
applied, commitments, credit repairs and butler services): which documents a case has, issuing
each 文书 (its number, snapshot and version row) and rendering its DOCX, the 一免一减 evaluation
shown at decision, the case KPIs over the whole database, one run of each deadline sweep of the
worker, and an enterprise's history page as the county sees it. One process, no PDF conversion."""
RESULT_PREFIX = "BENCH-RESULT "


# --- shared helpers ------------------------------------------------------------------------------


def spread(values: list[float]) -> dict:
    """p50/p95 (ms) of per-item timings."""
    if not values:
        return {"n": 0, "p50": None, "p95": None}
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95)}


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- one database, in its own process ---------------------------------------------------------------


class Clock:
    """Per-item timings (ms) of one measurement."""

    def __init__(self):
        self.values: list[float] = []

    def __call__(self, fn, *args, **kwargs):
        started = time.perf_counter()
        value = fn(*args, **kwargs)
        self.values.append((time.perf_counter() - started) * 1000)
        return value


def count_queries(calls) -> float:
    """Average number of SQL statements per call (untimed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    calls = list(calls)
    with CaptureQueriesContext(connection) as captured:
        for fn in calls:
            fn()
    return len(captured.captured_queries) / max(1, len(calls))


def issuer(case):
    """A handler of the case who may generate its documents (the lead first), or None."""
    from civicloop.documents.permissions import may_generate_documents

    for link in case.handlers.select_related("user").order_by("-is_lead", "id"):
        if may_generate_documents(link.user, case):
            return link.user
    return None


def child(vendor: str, repeat: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicloop.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    # WhiteNoise warns that the throwaway VAR_DIR has no collected static files; the page needs none.
    warnings.filterwarnings("ignore", message="No directory at")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from civicloop.cases import kpis
    from civicloop.cases.choices import PartyRole
    from civicloop.cases.deadlines import sweep_case_deadlines
    from civicloop.cases.models import Case
    from civicloop.documents.availability import slots
    from civicloop.documents.choices import TITLES, DocumentKind, FileFormat
    from civicloop.documents.services import issue_document, render
    from civicloop.leniency import tasks as leniency_tasks
    from civicloop.leniency.credit import sweep_credit_repairs
    from civicloop.leniency.enterprise import enterprise_history
    from civicloop.leniency.evaluation import evaluate_case
    from civicloop.leniency.services import sweep_commitments
    from civicloop.org.models import User
    from civicloop.parties.choices import PartyKind
    from civicloop.parties.models import Party

    result: dict = {"vendor": vendor}
    if vendor == "sqlite":
        import sqlite3

        result["version"] = f"SQLite {sqlite3.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            result["version"] = "PostgreSQL " + cursor.fetchone()[0].split()[0]

    progress(f"[{vendor}] civicloop demo …")
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    call_command("demo", stdout=out, stderr=err)
    result["demo_s"] = time.perf_counter() - started
    result["demo_errors"] = [line for line in err.getvalue().splitlines() if line.strip()]

    cases = list(Case.objects.order_by("pk"))
    result["cases"] = len(cases)

    # --- documents ---
    progress(f"[{vendor}] documents …")
    availability = Clock()
    for _ in range(repeat):
        for case in cases:
            availability(slots, case)
    result["slots"] = spread(availability.values)
    result["slots_q"] = count_queries(lambda case=case: slots(case) for case in cases)

    plan = []  # (case, slot, user)
    without_issuer = 0
    for case in cases:
        user = issuer(case)
        if user is None:
            without_issuer += 1
            continue
        plan.extend((case, slot, user) for slot in slots(case))
    result["without_issuer"] = without_issuer

    first = Clock()
    first_by_kind: dict[str, list[float]] = defaultdict(list)
    versions = []
    for case, slot, user in plan:
        issued = first(issue_document, case, kind=slot.kind, subject=slot.subject, by=user)
        if issued.created:
            first_by_kind[slot.kind].append(first.values[-1])
        versions.append(issued.version)
    result["issue_first"] = spread([v for values in first_by_kind.values() for v in values])
    result["documents"] = len(plan)

    again = Clock()
    revised = 0
    for _ in range(repeat):
        for case, slot, user in plan:
            issued = again(issue_document, case, kind=slot.kind, subject=slot.subject, by=user)
            revised += issued.created or issued.revised
    result["issue_again"] = spread(again.values)
    result["issue_again_q"] = count_queries(
        lambda c=c, s=s, u=u: issue_document(c, kind=s.kind, subject=s.subject, by=u)
        for c, s, u in plan
    )
    result["revised_without_change"] = revised

    docx = Clock()
    docx_by_kind: dict[str, list[float]] = defaultdict(list)
    sizes: dict[str, list[int]] = defaultdict(list)
    for _ in range(repeat):
        for version in versions:
            data = docx(render, version, FileFormat.DOCX)
            docx_by_kind[version.document.kind].append(docx.values[-1])
            sizes[version.document.kind].append(len(data))
    result["docx"] = spread(docx.values)
    result["by_kind"] = {
        kind: {
            "n": len(values) // repeat,
            "docx_p50": percentile(values, 50),
            "issue_p50": percentile(first_by_kind[kind], 50) if first_by_kind[kind] else None,
            "kb": statistics.mean(sizes[kind]) / 1024,
        }
        for kind, values in docx_by_kind.items()
    }
    result["kind_order"] = list(DocumentKind.values)
    result["titles"] = {kind: str(TITLES[kind]) for kind in DocumentKind.values}

    # --- 一免一减 evaluation at decision ---
    progress(f"[{vendor}] 一免一减 evaluation …")
    evaluation = Clock()
    items = 0
    for _ in range(repeat):
        for case in cases:
            items += len(evaluation(evaluate_case, case))
    result["evaluate"] = spread(evaluation.values)
    result["evaluate_items"] = items / max(1, len(evaluation.values))
    result["evaluate_q"] = count_queries(lambda case=case: evaluate_case(case) for case in cases)

    # --- KPIs ---
    progress(f"[{vendor}] KPIs …")
    report_clock = Clock()
    for _ in range(max(repeat, 5)):
        report_clock(kpis.report, kpis.Period())
    result["kpis"] = spread(report_clock.values)
    result["kpis_q"] = count_queries([lambda: kpis.report(kpis.Period())])

    # --- enterprise history ---
    progress(f"[{vendor}] enterprise history …")
    leader = User.objects.get(username="leader")
    parties = list(
        Party.objects.filter(kind=PartyKind.ORGANISATION, case_links__role=PartyRole.PARTY)
        .distinct()
        .order_by("pk")
    )
    result["enterprises"] = len(parties)
    history = Clock()
    for _ in range(repeat):
        for party in parties:
            history(lambda party=party: enterprise_history(party, leader).counts)
    result["history"] = spread(history.values)
    result["history_q"] = count_queries(
        lambda party=party: enterprise_history(party, leader).counts for party in parties
    )
    client = Client()
    client.force_login(leader)
    urls = [reverse("leniency:enterprise", kwargs={"credit_code": p.credit_code}) for p in parties]
    page = Clock()
    for url in urls:  # warm-up: templates compiled, session read
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} gave HTTP {response.status_code}")
    for _ in range(repeat):
        for url in urls:
            page(client.get, url)
    result["page"] = spread(page.values)
    result["page_q"] = count_queries(lambda url=url: client.get(url) for url in urls)

    # --- the worker's sweeps (last: they write) ---
    progress(f"[{vendor}] sweeps …")
    for name, sweep in (("deadlines", sweep_case_deadlines), ("leniency", leniency_tasks.sweep)):
        once = Clock()
        sent = once(sweep)
        idle = Clock()
        for _ in range(repeat):
            idle(sweep)
        result[f"sweep_{name}"] = {
            "first_ms": once.values[0],
            "sent": sent,
            "idle": spread(idle.values),
        }
        result[f"sweep_{name}_q"] = count_queries([sweep])

    # --- the same sweeps two years on, when every open deadline and follow-up is due ---
    later = timezone.now() + dt.timedelta(days=730)
    for name, sweep in (
        ("deadlines", lambda: sweep_case_deadlines(at=later)),
        ("leniency", lambda: sweep_commitments(at=later) + sweep_credit_repairs(at=later)),
    ):
        due = Clock()
        sent = due(sweep)
        result[f"sweep_{name}"]["due_ms"] = due.values[0]
        result[f"sweep_{name}"]["due_sent"] = sent
    return result


# --- orchestration --------------------------------------------------------------------------------


def bench_database(vendor: str, args) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"civicloop-bench-cases-{vendor}-"))
    created_pg = None
    try:
        if vendor == "sqlite":
            url = f"sqlite:///{work / 'bench.sqlite3'}"
        else:
            import psycopg

            admin_url = os.environ.get(
                "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"
            )
            name = f"civicloop_bench_cases_{os.getpid()}"
            with psycopg.connect(admin_url, autocommit=True) as con:
                con.execute(f'CREATE DATABASE "{name}"')
            created_pg = (admin_url, name)
            url = admin_url.rsplit("/", 1)[0] + "/" + name
        env = dict(os.environ)
        env.update(
            DATABASE_URL=url,
            CIVICLOOP_VAR_DIR=str(work / "var"),
            DJANGO_SETTINGS_MODULE="civicloop.settings",
            LOG_LEVEL="ERROR",
            CIVICLOOP_LOG_LEVEL="ERROR",
        )
        done = subprocess.run(
            [sys.executable, __file__, "--child", vendor, "--repeat", str(args.repeat)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        line = next(x for x in reversed(done.stdout.splitlines()) if x.startswith(RESULT_PREFIX))
        return json.loads(line[len(RESULT_PREFIX) :])
    finally:
        if created_pg:
            import psycopg

            with psycopg.connect(created_pg[0], autocommit=True) as con:
                con.execute(f'DROP DATABASE IF EXISTS "{created_pg[1]}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


def ms(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def pair(s: dict) -> str:
    return f"{ms(s['p50'])} / {ms(s['p95'])}"


def report(results: list[dict], args) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    first = results[0]
    demo = ", ".join(
        f"{r['demo_s']:.0f} s on {r['vendor'] == 'sqlite' and 'SQLite' or 'PostgreSQL'}"
        for r in results
    )
    head = " | ".join(r["version"] for r in results)

    def row(what: str, n, queries, key: str) -> str:
        cells = " | ".join(pair(r[key]) for r in results)
        q = "—" if queries is None else f"{queries:.0f}" if queries >= 10 else f"{queries:.1f}"
        return f"| {what} | {n} | {q} | {cells} |"

    def sweep_rows(name: str, what: str) -> list[str]:
        firsts = " | ".join(
            f"{ms(r[f'sweep_{name}']['first_ms'])} ({r[f'sweep_{name}']['sent']} done)"
            for r in results
        )
        idle = " | ".join(ms(r[f"sweep_{name}"]["idle"]["p50"]) for r in results)
        q = first[f"sweep_{name}_q"]
        due = " | ".join(
            f"{ms(r[f'sweep_{name}']['due_ms'])} ({r[f'sweep_{name}']['due_sent']} done)"
            for r in results
        )
        return [
            f"| {what}, first run on the demo as loaded | 1 | — | {firsts} |",
            f"| {what} again, nothing due (median) | {args.repeat} | {q:.0f} | {idle} |",
            f"| {what} two years on, everything due | 1 | — | {due} |",
        ]

    lines = [
        f"### Cases — {now}",
        "",
        f"Machine: {machine()}.  ",
        f"Command: `python bench/cases.py --repeat {args.repeat} --db {' '.join(args.db)}` (Haiyan demo: "
        f"{first['cases']} cases, {first['documents']} documents, {first['enterprises']} enterprises that are "
        f"parties; `civicloop demo` itself took {demo}). Cells are p50 / p95 over {args.repeat} passes "
        f"(KPIs: {max(args.repeat, 5)}); `n` is items per pass; `queries` is SQL statements per call.",
        "",
        f"| what | n | queries | {head} |",
        "|---|---:|---:|" + "---:|" * len(results),
        row(
            "documents a case has now (`availability.slots`), per case",
            first["cases"],
            first["slots_q"],
            "slots",
        ),
        row(
            "issuing a document the first time (number, snapshot, version and history rows)",
            first["issue_first"]["n"],
            None,
            "issue_first",
        ),
        row(
            "issuing it again with nothing changed (snapshot and hash, no write)",
            first["documents"],
            first["issue_again_q"],
            "issue_again",
        ),
        row("DOCX bytes of one version (`services.render`)", first["documents"], 0, "docx"),
        row(
            f"一免一减 evaluation of one case (`evaluate_case`, {first['evaluate_items']:.1f} items)",
            first["cases"],
            first["evaluate_q"],
            "evaluate",
        ),
        row(
            "case KPIs over the whole database (`kpis.report(Period())`)",
            1,
            first["kpis_q"],
            "kpis",
        ),
        row(
            "`enterprise_history` of one enterprise, as the county leader",
            first["enterprises"],
            first["history_q"],
            "history",
        ),
        row(
            "the enterprise page, `GET /leniency/enterprises/<code>/` (test client)",
            first["enterprises"],
            first["page_q"],
            "page",
        ),
        *sweep_rows("deadlines", "`cases.deadlines.sweep_case_deadlines`"),
        *sweep_rows("leniency", "`leniency.tasks.sweep` (commitments, credit repairs)"),
        "",
        "By kind of document (DOCX rendering does not touch the database: first database only):",
        "",
        "| document | count | DOCX size | DOCX render p50 | "
        + " | ".join(f"first issue p50 ({r['version'].split()[0]})" for r in results)
        + " |",
        "|---|---:|---:|---:|" + "---:|" * len(results),
    ]
    for kind in first["kind_order"]:
        stats = first["by_kind"].get(kind)
        if not stats:
            continue
        issues = " | ".join(ms(r["by_kind"].get(kind, {}).get("issue_p50")) for r in results)
        lines.append(
            f"| {first['titles'][kind]} (`{kind}`) | {stats['n']} | {stats['kb']:.0f} KiB "
            f"| {ms(stats['docx_p50'])} | {issues} |"
        )
    for r in results:
        if r["without_issuer"]:
            lines.append(
                f"\n{r['version']}: {r['without_issuer']} cases had no user who may generate documents."
            )
        if r["revised_without_change"]:
            lines.append(
                f"\n{r['version']}: issuing again without a change made {r['revised_without_change']} "
                "new versions (expected none)."
            )
        for error in r["demo_errors"]:
            lines.append(f"\n{r['version']}: the demo said `{error}`.")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", nargs="+", choices=["sqlite", "postgres"], default=["sqlite"])
    parser.add_argument(
        "--no-write", action="store_true", help="print only; do not update docs/benchmarks.md"
    )
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(RESULT_PREFIX + json.dumps(child(args.child, args.repeat)), flush=True)
        return
    results = [bench_database(vendor, args) for vendor in args.db]
    text = report(results, args)
    print("\n" + text)
    if not args.no_write:
        print(f"written to {write_section(MARKER, INTRO, text)}")


if __name__ == "__main__":
    main()
