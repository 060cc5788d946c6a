"""Benchmark: events accepted per second at intake.

    .venv/bin/python bench/intake.py [--db sqlite postgres] [--seconds 10] [--clients 8] [--workers 4]

For each database it measures, in the same run on the same machine:

* ``raw INSERT``   single-row INSERTs into a scratch table, one connection, autocommit
                   (the ceiling the database itself sets);
* ``service``      ``events.services.create_event`` called in a loop in one process
                   (validation, location, numbering, history row, notifications);
* ``REST API``     ``POST /api/events/`` with token auth against ``civicloop serve``
                   (gunicorn), from ``--clients`` concurrent keep-alive clients.

Results are printed and appended to docs/benchmarks.md with the machine and date.
PostgreSQL is reached at $BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres);
a throwaway database is created and dropped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchlib import machine, write_section

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
CIVICLOOP = str(Path(PYTHON).with_name("civicloop"))
DESCRIPTION = "枣园路与健康路口有流动摊贩占道经营，影响行人通行（基准测试）"


# --- helpers -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args: list[str], env: dict, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, check=True, capture_output=True, text=True, **kw)


# --- setup of one database ------------------------------------------------------


SETUP = """
from rest_framework.authtoken.models import Token
from civicloop.org.demo import load_haiyan_organisation
from civicloop.events.demo import load_categories
from civicloop.org.models import User
load_haiyan_organisation()
load_categories()
user = User.objects.get(username="grid_worker")
print(Token.objects.get_or_create(user=user)[0].key)
"""

SERVICE_LOOP = """
import json, time
from civicloop.events import services
from civicloop.events.models import Category, Event
from civicloop.org.models import User, Region
user = User.objects.get(username="grid_worker")
grid = Region.objects.get(code="{grid}")
category = Category.objects.get(code="street-vending")
deadline = time.perf_counter() + {seconds}
count = 0
start = time.perf_counter()
while time.perf_counter() < deadline:
    services.create_event(by=user, source="grid_patrol", description="{text}", category=category,
                          location=services.Location(region=grid))
    count += 1
print(json.dumps({{"count": count, "elapsed": time.perf_counter() - start}}))
"""

RAW_SQLITE = """
import json, sqlite3, time, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=20)
con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA synchronous=NORMAL")
con.execute("CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, body TEXT, at TEXT)")
deadline = time.perf_counter() + float(sys.argv[2]); n = 0; start = time.perf_counter()
while time.perf_counter() < deadline:
    con.execute("INSERT INTO bench_raw (body, at) VALUES (?, datetime('now'))", ("x" * 200,)); n += 1
print(json.dumps({"count": n, "elapsed": time.perf_counter() - start}))
"""

RAW_POSTGRES = """
import json, time, sys, psycopg
con = psycopg.connect(sys.argv[1], autocommit=True)
con.execute("CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, body text, at timestamptz)")
deadline = time.perf_counter() + float(sys.argv[2]); n = 0; start = time.perf_counter()
while time.perf_counter() < deadline:
    con.execute("INSERT INTO bench_raw (body, at) VALUES (%s, now())", ("x" * 200,)); n += 1
print(json.dumps({"count": n, "elapsed": time.perf_counter() - start}))
"""


def django_env(database_url: str, var_dir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        CIVICLOOP_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="civicloop.settings",
        AXES_ENABLED="0",
        API_PUBLIC_THROTTLE_RATE="100000/minute",
        LOG_LEVEL="ERROR",
        CIVICLOOP_LOG_LEVEL="ERROR",
    )
    return env


def shell(env: dict, code: str) -> str:
    return run([CIVICLOOP, "shell", "-c", code], env).stdout.strip().splitlines()[-1]


# --- the three measurements -----------------------------------------------------------


def measure_raw(vendor: str, target: str, seconds: float) -> dict:
    script = RAW_SQLITE if vendor == "sqlite" else RAW_POSTGRES
    out = run([PYTHON, "-c", script, target, str(seconds)], dict(os.environ)).stdout
    return json.loads(out)


def measure_service(env: dict, seconds: float, grid: str) -> dict:
    code = SERVICE_LOOP.format(seconds=seconds, grid=grid, text=DESCRIPTION)
    return json.loads(shell(env, code))


def measure_api(
    env: dict, token: str, seconds: float, clients: int, workers: int, grid: str
) -> dict:
    port = free_port()
    server = subprocess.Popen(
        [
            CIVICLOOP,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("civicloop serve did not start")
        body = json.dumps(
            {
                "source": "grid_patrol",
                "description": DESCRIPTION,
                "category": "street-vending",
                "region": grid,
            }
        ).encode()
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        counts, errors = [0] * clients, [0] * clients
        stop = threading.Event()
        first_error: list[str] = []

        def client(i: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while not stop.is_set():
                try:
                    conn.request("POST", "/api/events/", body=body, headers=headers)
                    response = conn.getresponse()
                    payload = response.read()
                    if response.status == 201:
                        counts[i] += 1
                    else:
                        errors[i] += 1
                        if not first_error:
                            first_error.append(f"{response.status} {payload[:300]!r}")
                except (OSError, http.client.HTTPException) as exc:
                    errors[i] += 1
                    if not first_error:
                        first_error.append(repr(exc))
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        # warm-up: one request so worker start-up is not measured
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        warm.request("POST", "/api/events/", body=body, headers=headers)
        status = warm.getresponse()
        status.read()
        if status.status != 201:
            raise RuntimeError(f"warm-up request failed with HTTP {status.status}")
        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        return {
            "count": sum(counts),
            "errors": sum(errors),
            "elapsed": elapsed,
            "first_error": first_error[0] if first_error else "",
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


# --- orchestration --------------------------------------------------------------------


def bench_database(vendor: str, args) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"civicloop-bench-{vendor}-"))
    created_pg = None
    try:
        if vendor == "sqlite":
            url = f"sqlite:///{work / 'bench.sqlite3'}"
            raw_target = str(work / "raw.sqlite3")
            version = "SQLite " + __import__("sqlite3").sqlite_version
        else:
            import psycopg

            admin_url = os.environ.get(
                "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"
            )
            name = f"civicloop_bench_{os.getpid()}"
            with psycopg.connect(admin_url, autocommit=True) as con:
                con.execute(f'CREATE DATABASE "{name}"')
                version = "PostgreSQL " + con.execute("SHOW server_version").fetchone()[0]
            created_pg = (admin_url, name)
            url = admin_url.rsplit("/", 1)[0] + "/" + name
            raw_target = url
        env = django_env(url, work)
        run([CIVICLOOP, "migrate", "-v0"], env)
        token = shell(env, SETUP)
        grid = "330424001001001"
        print(f"[{vendor}] raw INSERT …", flush=True)
        raw = measure_raw(vendor, raw_target, args.seconds)
        print(f"[{vendor}] service function …", flush=True)
        service = measure_service(env, args.seconds, grid)
        print(f"[{vendor}] REST API ({args.clients} clients, {args.workers} workers) …", flush=True)
        api = measure_api(env, token, args.seconds, args.clients, args.workers, grid)
        return {"vendor": vendor, "version": version, "raw": raw, "service": service, "api": api}
    finally:
        if created_pg:
            import psycopg

            with psycopg.connect(created_pg[0], autocommit=True) as con:
                con.execute(f'DROP DATABASE IF EXISTS "{created_pg[1]}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


def rate(result: dict) -> float:
    return result["count"] / result["elapsed"] if result["elapsed"] else 0.0


def report(results: list[dict], args) -> str:
    when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    lines = [
        f"### Intake — {when}",
        "",
        f"Machine: {machine()}.  ",
        f"Command: `python bench/intake.py --db {' '.join(args.db)} --seconds {args.seconds:g} "
        f"--clients {args.clients} --workers {args.workers}`",
        "",
        "| database | raw single-row INSERT /s | `create_event` service /s | REST API `POST /api/events/` /s | API errors |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['version']} | {rate(r['raw']):,.0f} | {rate(r['service']):,.1f} | {rate(r['api']):,.1f} "
            f"| {r['api']['errors']} |"
        )
    for r in results:
        if r["api"]["first_error"]:
            lines.append(f"\nFirst API error on {r['vendor']}: `{r['api']['first_error']}`")
    lines.append("")
    return "\n".join(lines)


MARKER = "## Intake (`bench/intake.py`)"
INTRO = """Events accepted per second: through the REST API served by `civicloop serve` (gunicorn, several
concurrent keep-alive clients, token auth), through the service function directly (one process),
and — as the ceiling set by the database itself — raw single-row INSERTs in autocommit on the same
database. Each intake writes the event, its number counter, a history row and notification rows for
the town command room, all in one transaction."""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"]
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) * 2))
    parser.add_argument(
        "--no-write", action="store_true", help="print only; do not update docs/benchmarks.md"
    )
    args = parser.parse_args()
    results = [bench_database(vendor, args) for vendor in args.db]
    text = report(results, args)
    print("\n" + text)
    if not args.no_write:
        print(f"written to {write_section(MARKER, INTRO, text)}")


if __name__ == "__main__":
    main()
