"""Benchmark: the leaders' cockpit on a simulated year, from a county to a province.

    .venv/bin/python bench/cockpit.py --db sqlite --scale 1
    .venv/bin/python bench/cockpit.py --db postgres --scale 90 [--keep] [--reuse]

Each run gets a throwaway database (SQLite in a temporary directory; PostgreSQL database
``bench_cockpit_s<S>`` at $BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres),
migrates it, loads the previous and the current year with ``civicloop simulate --scale S`` (the
load rate is recorded), rebuilds the cockpit's rollups (``civicloop kpi --refresh``, timed), and
then requests each cockpit view through Django's test client as the administrator (the whole
page: figures, comparisons, ranking, trend, map values, template):

* everywhere, a year (a province when S > 1);
* the county, a year and a quarter;
* a town, a year and a quarter;
* ``civicloop kpi --json`` for the county and the year, counted from the records (not a page:
  shown for comparison with the rollups).

Each view is requested once to warm up, then ``--repeat`` times; p50/p95 in ms and the number of
SQL statements of one request. ``--keep`` keeps the PostgreSQL database and ``--reuse`` measures
an existing one (``--database NAME``) without loading again; the load rate is then the one
``civicloop simulate`` printed when it was loaded. Results are printed and added to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import machine, percentile, write_section

REPO = Path(__file__).resolve().parents[1]
MARKER = "## Cockpit at county and province scale (`bench/cockpit.py`)"
INTRO = """What a leader waits for on the cockpit (`/cockpit/`), on a year simulated by `civicloop
simulate` (S = 1 ≈ Haiyan: about 45 000 grid problems and 4 500 penalty cases a year; S = 90 ≈ a
province of 90 counties), with the previous year loaded too so every figure has its comparison.
Every view is the whole page through Django's test client: about 25 figures with the previous
period and last year, a ranking of the places below, a 24-month trend and the map's values.
The issue's targets: under 100 ms at S = 1 on SQLite, under 300 ms at S = 90 on PostgreSQL."""
RESULT_PREFIX = "BENCH-RESULT "


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def spread(values: list[float]) -> dict:
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95)}


class StatementCounter:
    """Counts the SQL statements run while installed (``connection.execute_wrapper``)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def child(vendor: str, scale: float, year: int, repeat: int, reuse: bool) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicloop.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from civicloop.events.models import Event
    from civicloop.org.models import Region, User

    result: dict = {"vendor": vendor, "scale": scale, "year": year}
    if vendor == "sqlite":
        import sqlite3

        result["version"] = f"SQLite {sqlite3.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            result["version"] = "PostgreSQL " + cursor.fetchone()[0].split()[0]

    if not reuse:
        progress(f"[{vendor}] migrate …")
        call_command("migrate", verbosity=0)
        loads = []
        for simulated in (year - 1, year):
            progress(f"[{vendor}] simulate {simulated} at scale {scale} …")
            out = io.StringIO()
            started = time.perf_counter()
            call_command(
                "simulate",
                county="330424",
                year=simulated,
                scale=scale,
                yes=True,
                stdout=out,
                stderr=io.StringIO(),
            )
            loads.append({"year": simulated, "s": time.perf_counter() - started})
            progress(out.getvalue().strip().splitlines()[-1] if out.getvalue().strip() else "")
        result["loads"] = loads
        progress(f"[{vendor}] rollups …")
        started = time.perf_counter()
        call_command(
            "kpi",
            "--refresh",
            "--from",
            f"{year - 1}-01-01",
            "--to",
            f"{year}-12-31",
            stdout=io.StringIO(),
        )
        result["refresh_s"] = time.perf_counter() - started
    result["events"] = Event.objects.count()
    try:
        from civicloop.cases.models import Case

        result["cases"] = Case.objects.count()
    except ImportError:  # pragma: no cover
        result["cases"] = None
    if result.get("loads"):
        total = sum(load["s"] for load in result["loads"])
        result["events_per_s"] = result["events"] / total if total else None

    admin, _created = User.objects.get_or_create(
        username="bench-admin", defaults={"full_name": "bench", "is_superuser": True}
    )
    if not admin.is_superuser:
        admin.is_superuser = True
        admin.save(update_fields=["is_superuser"])
    client = Client()
    client.force_login(admin)
    county = Region.objects.get(code="330424000000")
    town = Region.objects.towns().filter(code__startswith="330424").order_by("code").first()
    views = [
        ("everywhere, year", {"period": "year", "year": year, "region": ""}),
        ("county, year", {"period": "year", "year": year, "region": county.code}),
        (
            "county, quarter",
            {"period": "quarter", "year": year, "quarter": 2, "region": county.code},
        ),
        ("town, year", {"period": "year", "year": year, "region": town.code}),
        ("town, quarter", {"period": "quarter", "year": year, "quarter": 2, "region": town.code}),
    ]
    timings = {}
    for name, params in views:
        params = {key: value for key, value in params.items() if value != ""}
        response = client.get("/cockpit/", params)
        if response.status_code != 200:
            raise SystemExit(f"{name}: HTTP {response.status_code}")
        counter = StatementCounter()
        with connection.execute_wrapper(counter):
            client.get("/cockpit/", params)
        values = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get("/cockpit/", params)
            values.append((time.perf_counter() - started) * 1000)
        timings[name] = {**spread(values), "queries": counter.count}
        progress(f"[{vendor}] {name}: p50 {timings[name]['p50']:.0f} ms")
    out = io.StringIO()
    started = time.perf_counter()
    call_command(
        "kpi",
        "--json",
        "--from",
        f"{year}-01-01",
        "--to",
        f"{year}-12-31",
        "--region",
        county.code,
        stdout=out,
    )
    result["kpi_records_s"] = time.perf_counter() - started
    result["figures"] = len(json.loads(out.getvalue())["figures"])
    result["views"] = timings
    return result


def run(
    vendor: str,
    scale: float,
    year: int,
    repeat: int,
    keep: bool,
    reuse: bool,
    database: str | None = None,
) -> dict:
    env = dict(os.environ)
    tmp = Path(tempfile.mkdtemp(prefix="bench-cockpit-"))
    env["CIVICLOOP_VAR_DIR"] = str(tmp)
    env["DEBUG"] = "0"
    env.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
    name = database or f"bench_cockpit_s{str(scale).replace('.', '_')}"
    admin_url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        base = admin_url.rsplit("/", 1)[0]
        env["DATABASE_URL"] = f"{base}/{name}"
        if not reuse:
            subprocess.run(
                ["psql", admin_url, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True
            )
            subprocess.run(["psql", admin_url, "-qc", f"CREATE DATABASE {name}"], check=True)
    try:
        completed = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                vendor,
                "--scale",
                str(scale),
                "--year",
                str(year),
                "--repeat",
                str(repeat),
                *(["--reuse"] if reuse else []),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        sys.stderr.write(completed.stderr[-4000:])
        for line in completed.stdout.splitlines():
            if line.startswith(RESULT_PREFIX):
                return json.loads(line[len(RESULT_PREFIX) :])
        raise SystemExit(f"{vendor}: the benchmark failed (exit {completed.returncode})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if vendor == "postgres" and not keep and not reuse:
            subprocess.run(["psql", admin_url, "-qc", f"DROP DATABASE IF EXISTS {name}"])


def report(results: list[dict]) -> str:
    lines = [f"### {dt.date.today().isoformat()} — {machine()}", ""]
    for r in results:
        lines.append(
            f"**{r['version']}, S = {r['scale']:g}** ({r['events']:,} events, "
            f"{r['cases'] or 0:,} cases over two simulated years; {r['figures']} figures)"
        )
        if r.get("loads"):
            loads = ", ".join(f"{load['year']}: {load['s']:.0f} s" for load in r["loads"])
            rate = r.get("events_per_s")
            lines.append(
                f"load ({loads}; ≈ {rate:,.0f} events/s with their assignments, ratings and "
                f"cases), rollups rebuilt in {r['refresh_s']:.0f} s; "
                f"`civicloop kpi --json` for the county's year from the records: "
                f"{r['kpi_records_s']:.1f} s."
            )
        lines.append("")
        lines.append("| view | p50 ms | p95 ms | SQL statements |")
        lines.append("|---|---:|---:|---:|")
        for name, t in r["views"].items():
            lines.append(f"| {name} | {t['p50']:.0f} | {t['p95']:.0f} | {t['queries']} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--year", type=int, default=dt.date.today().year - 1)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument(
        "--database", help="the PostgreSQL database to use (with --reuse: one already loaded)"
    )
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = child(args.child, args.scale, args.year, args.repeat, args.reuse)
        print(RESULT_PREFIX + json.dumps(result))
        return
    result = run(args.db, args.scale, args.year, args.repeat, args.keep, args.reuse, args.database)
    text = report([result])
    print(text)
    if not args.no_write:
        write_section(MARKER, INTRO, text)


if __name__ == "__main__":
    main()
