"""Load with faults: intake, dispatch, lists and the cockpit against gunicorn + PostgreSQL,
with a PostgreSQL restart and killed workers in the middle.

    .venv/bin/python bench/load.py [--duration 90] [--clients 6] [--workers 3] [--no-write]

Everything runs on this machine, on loopback, and is thrown away afterwards:

* a PostgreSQL cluster of its own (``initdb``/``pg_ctl`` from ``--pg-bin``, default the newest
  ``/usr/lib/postgresql/*/bin``; as the ``postgres`` user when run as root) on a free port in a
  temporary folder — the machine's own server is never touched;
* ``civicloop migrate``, the Haiyan organisation and the event categories, API tokens for a grid
  worker and the 武原街道 dispatcher, signed-in sessions for the dispatcher and a leader;
* ``civicloop serve`` (gunicorn, ``--workers``, 127.0.0.1 only) and ``civicloop worker``;
* ``--clients`` threads, each repeating a mix of requests for ``--duration`` seconds:
  ``intake``  ``POST /api/events/`` (grid worker) with a unique marker in the description and an
              ``Idempotency-Key``; on a connection error, 5xx, 429 or "still being processed"
              409 it retries up to ``--retries`` times **with the same key**;
  ``public``  ``POST /api/public/reports/`` (no sign-in), marker and key likewise;
  ``dispatch`` judge then dispatch an event taken in (dispatcher's token);
  ``list``    ``GET /api/events/?queue=mine`` and the ``/events/`` page (dispatcher);
  ``cockpit`` ``GET /cockpit/`` (leader).

Faults, at fractions of ``--duration``: ``pg_ctl restart -m fast`` (``--restart-at``), SIGKILL of
``civicloop worker`` and a new one started at once (``--kill-at``), SIGKILL of one gunicorn worker
(``--kill-web-at``; gunicorn starts another). After the run the worker gets ``--drain`` seconds to
deliver what is queued, then the database is counted:

* **lost**: a marker whose intake was acknowledged (201), or retried until the client gave up,
  with no event; **duplicated**: a marker with more than one event;
* notifications: undelivered at the end, and pushed more than once to the gateway
  (``bench/loadpush.py`` logs every push); the worker's lease is 10 s here, so the killed
  worker's task is found lost and run again within the drain;
* task results still RUNNING (a killed worker's), event numbers used twice;
* throughput, p50/p95 per kind, errors by status, and the recovery time of the restart: from the
  first failed request to the first success of a request started after it.

Results are printed and put first in the "Load with faults" section of docs/benchmarks.md
(``--no-write``: print only). Exit status 1 when an event was lost or duplicated.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import glob
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from benchlib import machine, percentile, write_section

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
CIVICLOOP = str(Path(PYTHON).with_name("civicloop"))
GRID = "330424001001001"  # a grid of 武原街道
MAX_DURATION = 900.0
MAX_CLIENTS = 16
MARKER_RE = re.compile(r"【LOAD (\w+) (\w+)】")
WEIGHTS = {"intake": 5, "public": 1, "dispatch": 2, "list": 2, "cockpit": 1}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the throwaway PostgreSQL cluster ---------------------------------------------------------


class Cluster:
    """A PostgreSQL cluster in a folder of its own, on 127.0.0.1:``port``, trust auth."""

    def __init__(self, bin_dir: Path, folder: Path):
        self.bin_dir = bin_dir
        self.data = folder / "pgdata"
        self.logfile = folder / "postgres.log"
        self.output = folder.parent / "pg_ctl.log"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0  # initdb refuses root
        folder.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            shutil.chown(folder, "postgres", "postgres")

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        # Output to a file, not a pipe: a postmaster started by pg_ctl would hold a pipe open.
        with self.output.open("a+") as out:
            start = out.tell()
            done = subprocess.run(
                command, stdin=subprocess.DEVNULL, stdout=out, stderr=out, cwd="/", check=False
            )
            out.seek(start)
            text = out.read()
        if check and done.returncode:
            raise RuntimeError(f"{args[0]} failed:\n{text[-3000:]}")
        return subprocess.CompletedProcess(command, done.returncode, text, "")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/civicloop_load"

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        self.run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "civicloop_load"
        )

    def _options(self) -> str:
        return (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c max_connections=100"
        )

    def start(self) -> None:
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.logfile),
            "-o",
            self._options(),
            "-w",
            "start",
        )

    def restart(self) -> None:
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.logfile),
            "-m",
            "fast",
            "-o",
            self._options(),
            "-w",
            "restart",
        )

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)

    def version(self) -> str:
        out = self.run("postgres", "--version").stdout.strip()
        return out.replace("postgres (PostgreSQL)", "PostgreSQL")


def newest_pg_bin() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name.split(".")[0])
    )
    if not found:
        raise SystemExit("no /usr/lib/postgresql/*/bin: give --pg-bin")
    return Path(found[-1])


# --- the site -----------------------------------------------------------------------------------


SETUP = """
import json
from django.test import Client
from rest_framework.authtoken.models import Token
from civicloop.org.demo import load_haiyan_organisation
from civicloop.events.demo import load_categories
from civicloop.org.models import User
load_haiyan_organisation()
load_categories()
def session(name):
    client = Client()
    client.force_login(User.objects.get(username=name))
    return client.cookies["sessionid"].value
print(json.dumps({
    "grid_token": Token.objects.get_or_create(user=User.objects.get(username="grid_worker"))[0].key,
    "dispatcher_token": Token.objects.get_or_create(
        user=User.objects.get(username="wuyuan_dispatcher"))[0].key,
    "dispatcher_session": session("wuyuan_dispatcher"),
    "leader_session": session("leader"),
}))
"""


LEASE_SECONDS = 10


def push_log(var_dir: Path) -> Path:
    return var_dir / "pushed.log"


def site_env(url: str, var_dir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        CIVICLOOP_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="civicloop.settings",
        AXES_ENABLED="0",
        API_PUBLIC_THROTTLE_RATE="100000/minute",
        LOG_LEVEL="WARNING",
        CIVICLOOP_LOG_LEVEL="WARNING",
        DEBUG="0",
        SECRET_KEY="load-benchmark-" + uuid.uuid4().hex,
        # A short lease, so that the task of the killed worker is found lost and run again
        # within the drain (production: 120 s).
        CIVICLOOP_TASK_LEASE_SECONDS=str(LEASE_SECONDS),
        # Notifications go through a gateway that logs each push (bench/loadpush.py).
        CIVICLOOP_NOTIFICATION_PUSH="loadpush.push",
        CIVICLOOP_LOAD_PUSH_LOG=str(push_log(var_dir)),
    )
    # The site's own src first when this checkout is not the installed one; bench/ for the gateway.
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "src"), str(REPO / "bench"), env.get("PYTHONPATH", "")]
    )
    return env


class Site:
    def __init__(self, env: dict, folder: Path, workers: int):
        self.env = env
        self.folder = folder
        self.port = free_port()
        self.workers = workers
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.worker_logs: list[Path] = []

    def civicloop(self, *args: str) -> str:
        done = subprocess.run(
            [CIVICLOOP, *args], env=self.env, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise RuntimeError(f"civicloop {' '.join(args[:2])} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def start_server(self) -> None:
        self.server = subprocess.Popen(
            [
                CIVICLOOP,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                "--no-access-log",
            ],
            env=self.env,
            stdout=(self.folder / "serve.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(600):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if self.server.poll() is not None:
                    raise RuntimeError("civicloop serve exited: see serve.log") from None
                time.sleep(0.1)
        raise RuntimeError("civicloop serve did not start")

    def start_worker(self) -> None:
        logfile = self.folder / f"worker-{len(self.worker_logs) + 1}.log"
        self.worker_logs.append(logfile)
        env = dict(self.env, CIVICLOOP_LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")
        self.worker = subprocess.Popen(
            [CIVICLOOP, "worker", "--interval", "0.5", "--language", "en"],
            env=env,
            stdout=logfile.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_for_worker(self, timeout: float = 180.0) -> None:
        """Until the worker says it started (importing the site takes a while on a busy machine)."""
        logfile = self.worker_logs[-1]
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if "Civicloop worker started" in logfile.read_text(encoding="utf-8", errors="replace"):
                return
            if self.worker.poll() is not None:
                raise RuntimeError(f"civicloop worker exited: see {logfile}")
            time.sleep(0.2)

    def kill_worker(self) -> int:
        pid = self.worker.pid
        os.kill(pid, signal.SIGKILL)
        self.worker.wait()
        return pid

    def web_workers(self) -> list[int]:
        """The gunicorn worker processes (children of the serve process)."""
        pid = self.server.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(c) for c in children]

    def stop(self) -> None:
        for process in (self.worker, self.server):
            if process and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


# --- the clients --------------------------------------------------------------------------------


class Recorder:
    """Every request: kind, start and end (seconds from the run's start), status or error."""

    def __init__(self, t0: float):
        self.t0 = t0
        self.lock = threading.Lock()
        self.rows: list[tuple[str, float, float, str]] = []
        self.markers: dict[str, dict] = {}
        self.taken_in: collections.deque[int] = collections.deque(maxlen=2000)

    def add(self, kind: str, start: float, end: float, outcome: str) -> None:
        with self.lock:
            self.rows.append((kind, start - self.t0, end - self.t0, outcome))


RETRYABLE = {"429", "500", "502", "503", "504"}


class Client:
    def __init__(
        self, number: int, port: int, secrets: dict, recorder: Recorder, args, run_id: str
    ):
        self.number = number
        self.port = port
        self.secrets = secrets
        self.recorder = recorder
        self.args = args
        self.run_id = run_id
        self.serial = 0
        self.rng = random.Random(number)
        self.conn: http.client.HTTPConnection | None = None

    def request(self, kind: str, method: str, path: str, body=None, headers=None):
        """One HTTP request: (outcome, payload); outcome is the status or the error's name."""
        start = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=90)
            data = json.dumps(body).encode() if body is not None else None
            self.conn.request(method, path, body=data, headers=headers or {})
            response = self.conn.getresponse()
            payload = response.read()
            outcome = str(response.status)
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
        except (OSError, http.client.HTTPException) as exc:
            outcome, payload = type(exc).__name__, b""
            if self.conn is not None:
                self.conn.close()
            self.conn = None
        self.recorder.add(kind, start, time.perf_counter(), outcome)
        return outcome, payload

    def token(self, name: str) -> dict:
        return {
            "Authorization": f"Token {self.secrets[name]}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }

    def cookie(self, name: str) -> dict:
        return {"Cookie": f"sessionid={self.secrets[name]}", "Accept-Language": "zh-hans"}

    # --- kinds ---

    def intake(self, kind: str) -> None:
        self.serial += 1
        marker = f"c{self.number}n{self.serial}"
        key = str(uuid.uuid4())
        text = f"枣园路口有流动摊贩占道经营，影响行人通行【LOAD {self.run_id} {marker}】"
        if kind == "intake":
            path = "/api/events/"
            body = {
                "source": "grid_patrol",
                "description": text,
                "category": "street-vending",
                "region": GRID,
            }
            headers = self.token("grid_token")
        else:
            path = "/api/public/reports/"
            body = {
                "description": text,
                "category": "street-vending",
                "region": GRID,
                "reporter_name": "压测",
                "reporter_phone": "13900000000",
            }
            headers = {"Content-Type": "application/json", "Accept": "application/json"}
        headers = dict(headers, **{"Idempotency-Key": key})
        entry = {"kind": kind, "attempts": 0, "outcomes": [], "state": "sending"}
        with self.recorder.lock:
            self.recorder.markers[marker] = entry
        for attempt in range(1, self.args.retries + 2):
            entry["attempts"] = attempt
            outcome, payload = self.request(kind, "POST", path, body, headers)
            entry["outcomes"].append(outcome)
            if outcome == "201":
                entry["state"] = "acknowledged"
                if kind == "intake":
                    try:
                        self.recorder.taken_in.append(json.loads(payload)["id"])
                    except (ValueError, KeyError):
                        pass
                return
            retry = (
                outcome in RETRYABLE
                or not outcome.isdigit()
                # the first attempt with this key still running on the server
                or (outcome == "409" and attempt > 1)
            )
            if not retry:
                entry["state"] = "refused"
                return
            time.sleep(min(0.25 * 2 ** (attempt - 1), 4.0))
        entry["state"] = "exhausted"

    def dispatch(self) -> None:
        try:
            event_id = self.recorder.taken_in.popleft()
        except IndexError:
            self.listing()
            return
        headers = self.token("dispatcher_token")
        outcome, _ = self.request(
            "dispatch",
            "POST",
            f"/api/events/{event_id}/judge/",
            {"urgency": "general", "span": "single", "reason": "核实为占道经营（压测）"},
            headers,
        )
        if outcome == "200":
            self.request("dispatch", "POST", f"/api/events/{event_id}/dispatch/", {}, headers)

    def listing(self) -> None:
        if self.rng.random() < 0.5:
            self.request(
                "list", "GET", "/api/events/?queue=mine", None, self.token("dispatcher_token")
            )
        else:
            self.request("list", "GET", "/events/", None, self.cookie("dispatcher_session"))

    def cockpit(self) -> None:
        self.request("cockpit", "GET", "/cockpit/", None, self.cookie("leader_session"))

    def run(self, stop: threading.Event) -> None:
        kinds, weights = zip(*WEIGHTS.items(), strict=True)
        while not stop.is_set():
            kind = self.rng.choices(kinds, weights)[0]
            if kind in ("intake", "public"):
                self.intake(kind)
            elif kind == "dispatch":
                self.dispatch()
            elif kind == "list":
                self.listing()
            else:
                self.cockpit()


# --- counting ---------------------------------------------------------------------------------


def count_database(url: str, run_id: str, pushed: Path) -> dict:
    import psycopg

    with psycopg.connect(url) as con:
        per_marker = collections.Counter()
        for (description,) in con.execute(
            "SELECT description FROM events_event WHERE description LIKE %s",
            (f"%【LOAD {run_id} %",),
        ):
            match = MARKER_RE.search(description)
            if match:
                per_marker[match.group(2)] += 1
        numbers_twice = con.execute(
            "SELECT COUNT(*) FROM (SELECT number FROM events_event GROUP BY number "
            "HAVING COUNT(*) > 1) t"
        ).fetchone()[0]
        rows = collections.Counter(
            (str(r), m)
            for r, m in con.execute("SELECT recipient_id, message FROM notifications_notification")
        )
        notifications = sum(rows.values())
        undelivered = con.execute(
            "SELECT COUNT(*) FROM notifications_notification WHERE delivered_at IS NULL"
        ).fetchone()[0]
        running = con.execute(
            "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
        ).fetchone()[0]
        failed_tasks = con.execute(
            "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'"
        ).fetchone()[0]
        events = con.execute("SELECT COUNT(*) FROM events_event").fetchone()[0]
        task_recoveries = con.execute("SELECT COUNT(*) FROM core_taskrecovery").fetchone()[0]
    pushes = collections.Counter()
    keys: dict[str, set[str]] = collections.defaultdict(set)
    if pushed.exists():
        for line in pushed.read_text().splitlines():
            pk, _, key = line.partition(" ")
            if pk:
                pushes[pk] += 1
                keys[pk].add(key)
    twice = sum(1 for n in pushes.values() if n > 1)
    twice_other_key = sum(1 for pk, n in pushes.items() if n > 1 and len(keys[pk]) > 1)
    return {
        "per_marker": per_marker,
        "events": events,
        "numbers_twice": numbers_twice,
        "notifications": notifications,
        "undelivered": undelivered,
        "delivered_logged": sum(pushes.values()),
        "delivered_twice": twice,
        "delivered_twice_other_key": twice_other_key,
        "task_recoveries": task_recoveries,
        "running_tasks": running,
        "failed_tasks": failed_tasks,
    }


def unfinished_now(url: str) -> int:
    """Notifications not delivered yet plus tasks queued or running (-1: no answer)."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as con:
            return con.execute(
                "SELECT (SELECT COUNT(*) FROM notifications_notification"
                " WHERE delivered_at IS NULL) + (SELECT COUNT(*) FROM"
                " django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')"
                " AND task_path LIKE 'civicloop.notifications.%')"
            ).fetchone()[0]
    except psycopg.Error:
        return -1


def summarise(recorder: Recorder, counted: dict, faults: dict, elapsed: float) -> dict:
    rows = recorder.rows
    by_kind: dict[str, dict] = {}
    for kind in WEIGHTS:
        mine = [r for r in rows if r[0] == kind]
        ok = [r for r in mine if r[3].startswith("2")]
        errors = collections.Counter(r[3] for r in mine if not r[3].startswith("2"))
        latencies = [(r[2] - r[1]) * 1000 for r in ok]
        by_kind[kind] = {
            "requests": len(mine),
            "ok": len(ok),
            "per_second": len(ok) / elapsed if elapsed else 0.0,
            "p50": percentile(latencies, 50) if latencies else 0.0,
            "p95": percentile(latencies, 95) if latencies else 0.0,
            "errors": dict(errors),
        }
    markers = recorder.markers
    per_marker = counted["per_marker"]
    acknowledged = [m for m, e in markers.items() if e["state"] == "acknowledged"]
    exhausted = [m for m, e in markers.items() if e["state"] == "exhausted"]
    refused = [m for m, e in markers.items() if e["state"] == "refused"]
    acknowledged_missing = [m for m in acknowledged if per_marker.get(m, 0) == 0]
    exhausted_missing = [m for m in exhausted if per_marker.get(m, 0) == 0]
    # A report the client could not get stored however often it tried is lost too.
    lost = acknowledged_missing + exhausted_missing
    duplicated = {m: n for m, n in per_marker.items() if n > 1}
    retried = [m for m, e in markers.items() if e["attempts"] > 1]
    # Retries after an answer that does not say whether the first attempt was stored.
    ambiguous = [
        m
        for m in retried
        if any(not o.isdigit() or o in {"500", "502", "504"} for o in markers[m]["outcomes"][:-1])
    ]
    unknown = [m for m in per_marker if m not in markers]

    # Each fault's failures: those ending after it and before the next fault that fails
    # requests (the task worker's kill fails none), at most 120 s later.
    starts = sorted(faults[k] for k in ("restart_at", "kill_web_at") if k in faults)

    def recovery(at: float | None) -> dict:
        if at is None:
            return {}
        until = min([t for t in starts if t > at] + [at + 120])
        failures = [r for r in rows if not r[3].startswith(("2", "3", "4")) and at <= r[2] < until]
        if not failures:
            return {"failures": 0}
        first_fail = min(r[2] for r in failures)
        later_ok = [r[2] for r in rows if r[3].startswith("2") and r[1] >= first_fail]
        return {
            "failures": len(failures),
            "first_failure": first_fail - at,
            "recovered_after": (min(later_ok) - first_fail) if later_ok else None,
            "last_failure": max(r[2] for r in failures) - at,
            "statuses": dict(collections.Counter(r[3] for r in failures)),
        }

    return {
        "elapsed": elapsed,
        "requests": len(rows),
        "ok": sum(k["ok"] for k in by_kind.values()),
        "by_kind": by_kind,
        "markers": len(markers),
        "acknowledged": len(acknowledged),
        "exhausted": len(exhausted),
        "exhausted_missing": len(exhausted_missing),
        "refused": len(refused),
        "retried": len(retried),
        "ambiguous_retries": len(ambiguous),
        "lost": sorted(lost),
        "acknowledged_missing": len(acknowledged_missing),
        "refused_outcomes": dict(collections.Counter(markers[m]["outcomes"][-1] for m in refused)),
        "duplicated": duplicated,
        "unknown_markers": unknown,
        "restart": recovery(faults.get("restart_at")),
        "kill_web": recovery(faults.get("kill_web_at")),
        "faults": faults,
        **{k: v for k, v in counted.items() if k != "per_marker"},
    }


# --- the run ----------------------------------------------------------------------------------


def run(args) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="civicloop-load-"))
    os.chmod(folder, 0o755)
    cluster = Cluster(args.pg_bin or newest_pg_bin(), folder / "pg")
    site: Site | None = None
    try:
        log(f"PostgreSQL cluster on 127.0.0.1:{cluster.port} in {folder}")
        cluster.init()
        env = site_env(cluster.url, folder / "var")
        site = Site(env, folder, args.workers)
        log("migrate and load the organisation …")
        site.civicloop("migrate", "-v0")
        secrets = json.loads(site.civicloop("shell", "-c", SETUP).strip().splitlines()[-1])
        site.start_server()
        site.start_worker()
        site.wait_for_worker()
        run_id = uuid.uuid4().hex[:8]
        # warm-up: each gunicorn worker imports the site on its first request
        warm = Client(0, site.port, secrets, Recorder(time.perf_counter()), args, run_id)
        for _ in range(args.workers * 2):
            warm.request("warm", "GET", "/api/events/", None, warm.token("grid_token"))

        t0 = time.perf_counter()
        recorder = Recorder(t0)
        stop = threading.Event()
        clients = [
            Client(i + 1, site.port, secrets, recorder, args, run_id) for i in range(args.clients)
        ]
        threads = [threading.Thread(target=c.run, args=(stop,), daemon=True) for c in clients]
        log(
            f"{args.clients} clients for {args.duration:g} s against {args.workers} gunicorn workers"
        )
        for t in threads:
            t.start()
        faults: dict = {}
        plan = sorted(
            [
                (args.restart_at * args.duration, "restart"),
                (args.kill_at * args.duration, "kill"),
                (args.kill_web_at * args.duration, "kill_web"),
            ]
        )
        for at, fault in plan:
            if at <= 0:
                continue
            time.sleep(max(0.0, at - (time.perf_counter() - t0)))
            now = time.perf_counter() - t0
            if fault == "restart":
                log("pg_ctl restart -m fast")
                faults["restart_at"] = now
                cluster.restart()
                faults["restart_took"] = time.perf_counter() - t0 - now
            elif fault == "kill":
                pid = site.kill_worker()
                faults["kill_at"] = now
                log(f"SIGKILL civicloop worker {pid}; starting a new one")
                site.start_worker()
            else:
                victims = site.web_workers()
                if victims:
                    os.kill(victims[0], signal.SIGKILL)
                    faults["kill_web_at"] = now
                    log(f"SIGKILL gunicorn worker {victims[0]}")
        time.sleep(max(0.0, args.duration - (time.perf_counter() - t0)))
        stop.set()
        for t in threads:
            t.join(timeout=120)
        elapsed = time.perf_counter() - t0
        log(f"load done ({len(recorder.rows)} requests); letting the worker drain …")
        deadline = time.perf_counter() + args.drain
        while time.perf_counter() < deadline and unfinished_now(cluster.url) != 0:
            time.sleep(1)
        site.stop()
        counted = count_database(cluster.url, run_id, push_log(folder / "var"))
        result = summarise(recorder, counted, faults, elapsed)
        result["pg_version"] = cluster.version()
        return result
    finally:
        if site:
            site.stop()
        cluster.stop()
        if args.keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


# --- the report -------------------------------------------------------------------------------


def seconds(value) -> str:
    return "—" if value is None else f"{value:.1f} s"


def report(result: dict, args) -> str:
    when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    restart = result["restart"]
    faults = result["faults"]
    verdict = (
        "**no event lost, none duplicated**"
        if not result["lost"] and not result["duplicated"]
        else f"**{len(result['lost'])} lost, {len(result['duplicated'])} duplicated**"
    )
    refused = ", ".join(f"{s}×{n}" for s, n in sorted(result["refused_outcomes"].items())) or "—"
    lines = [
        f"### Load with faults — {when}",
        "",
        f"Machine: {machine()}; {result['pg_version']} (a cluster of its own, fsync on).  ",
        f"Command: `python bench/load.py --duration {args.duration:g} --clients {args.clients} "
        f"--workers {args.workers}`",
        "",
        f"Faults: PostgreSQL `pg_ctl restart -m fast` at {seconds(faults.get('restart_at'))} "
        f"(took {seconds(faults.get('restart_took'))}); `civicloop worker` SIGKILLed at "
        f"{seconds(faults.get('kill_at'))} and a new one started; a gunicorn worker SIGKILLed at "
        f"{seconds(faults.get('kill_web_at'))}.",
        "",
        f"Result: {verdict}. {result['markers']} intakes with a marker: "
        f"{result['acknowledged']} acknowledged, {result['retried']} needed a retry (same "
        f"Idempotency-Key; {result['ambiguous_retries']} of them after a lost connection or a "
        f"500, where the first attempt may have been stored), {result['exhausted']} given up after {args.retries} retries "
        f"({result['exhausted_missing']} of them not stored), {result['refused']} refused "
        f"({refused}); lost {len(result['lost'])} ({result['acknowledged_missing']} acknowledged, "
        f"{result['exhausted_missing']} given up), duplicated {len(result['duplicated'])}; event numbers used "
        f"twice: {result['numbers_twice']}.",
        "",
        "| kind | requests | ok | ok/s | p50 ms | p95 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for kind, k in result["by_kind"].items():
        errors = ", ".join(f"{s}×{n}" for s, n in sorted(k["errors"].items())) or "—"
        lines.append(
            f"| {kind} | {k['requests']} | {k['ok']} | {k['per_second']:.1f} | {k['p50']:.0f} "
            f"| {k['p95']:.0f} | {errors} |"
        )
    lines.append(
        f"| **all** | {result['requests']} | {result['ok']} | "
        f"{result['ok'] / result['elapsed']:.1f} | | | |"
    )
    lines.append("")
    if restart.get("failures"):
        statuses = ", ".join(f"{s}×{n}" for s, n in sorted(restart["statuses"].items()))
        lines.append(
            f"Restart: {restart['failures']} failed requests ({statuses}); first failure "
            f"{seconds(restart['first_failure'])} after the restart began, **recovered "
            f"{seconds(restart['recovered_after'])} after the first failure** (first success of a "
            f"request started after it); last failure {seconds(restart['last_failure'])} after "
            f"the restart began."
        )
    elif "restart_at" in faults:
        lines.append("Restart: no request failed.")
    kill_web = result["kill_web"]
    if kill_web.get("failures"):
        statuses = ", ".join(f"{s}×{n}" for s, n in sorted(kill_web["statuses"].items()))
        lines.append(
            f"\nKilled gunicorn worker: {kill_web['failures']} requests failed ({statuses}), "
            f"recovered {seconds(kill_web['recovered_after'])} after the first failure."
        )
    elif "kill_web_at" in faults:
        lines.append("\nKilled gunicorn worker: no request failed.")
    lines.append("")
    lines.append(
        f"Background work: {result['notifications']} notifications, {result['undelivered']} "
        f"undelivered after the drain (up to {args.drain:g} s), {result['delivered_twice']} pushed "
        f"more than once (of {result['delivered_logged']} pushes to the gateway), "
        f"{result['delivered_twice_other_key']} of them under another delivery key; task results "
        f"still RUNNING: {result['running_tasks']}, FAILED: {result['failed_tasks']}; lost tasks "
        f"run again: {result['task_recoveries']} (`TaskRecovery` rows)."
        + (
            " A notification pushed twice under the same key is one whose push was accepted but "
            "not yet marked delivered when its worker was killed: the retry pushes it again with "
            "the same delivery key, which the gateway uses to show it once (docs/deployment.md)."
            if result["delivered_twice"]
            else ""
        )
        + (
            " A task result still RUNNING at the end was not found lost within the drain "
            f"(the bench's lease is {LEASE_SECONDS} s)."
            if result["running_tasks"]
            else ""
        )
    )
    if result["duplicated"]:
        sample = ", ".join(f"{m}×{n}" for m, n in list(result["duplicated"].items())[:5])
        lines.append(f"\nDuplicated markers (first five): {sample}.")
    if result["lost"]:
        lines.append(f"\nLost markers (first five): {', '.join(result['lost'][:5])}.")
    lines.append("")
    return "\n".join(lines)


MARKER = "## Load with faults (`bench/load.py`)"
INTRO = """Intake (API and public report, each with a unique marker and an `Idempotency-Key`, retried
with the same key after a connection error or a 5xx), judge + dispatch, work lists (API and page)
and the cockpit, from several client threads against `civicloop serve` (gunicorn) and
`civicloop worker` on a PostgreSQL cluster of the script's own, with a PostgreSQL restart, a
killed `civicloop worker` and a killed gunicorn worker in the middle. Afterwards every marker is
looked up: **lost** = acknowledged (or retried until the client gave up) but not stored;
**duplicated** = stored more than once. Notifications go to a gateway that logs every push
(`bench/loadpush.py`, with the notification's delivery key), and the worker's lease is 10 s so the
killed worker's task is found lost and run again within the drain. Latencies are of successful requests; the recovery time runs from the
first failed request after the restart to the first success of a request started after it."""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=90.0)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--retries", type=int, default=8, help="retries of one intake")
    parser.add_argument("--restart-at", type=float, default=0.35, help="fraction; 0: no restart")
    parser.add_argument("--kill-at", type=float, default=0.55, help="fraction; 0: no kill")
    parser.add_argument("--kill-web-at", type=float, default=0.75, help="fraction; 0: no kill")
    parser.add_argument(
        "--drain", type=float, default=180.0, help="seconds for the worker to finish"
    )
    parser.add_argument("--pg-bin", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; do not update docs/benchmarks.md"
    )
    args = parser.parse_args()
    if not 0 < args.duration <= MAX_DURATION:
        parser.error(f"--duration must be between 0 and {MAX_DURATION:g} seconds")
    if not 1 <= args.clients <= MAX_CLIENTS:
        parser.error(f"--clients must be between 1 and {MAX_CLIENTS}")
    # A terminated run still stops its servers and its cluster (the finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    result = run(args)
    text = report(result, args)
    print("\n" + text)
    if not args.no_write:
        print(f"written to {write_section(MARKER, INTRO, text)}")
    sys.exit(1 if result["lost"] or result["duplicated"] else 0)


if __name__ == "__main__":
    main()
