"""How long the README's two commands take on a fresh clone of this repository.

    python bench/commands.py demo   # ./dev demo: clone → install → demo loaded → first page served
    python bench/commands.py ci     # bash .ci/run: lint, SQLite pass, PostgreSQL pass

Each run clones the committed HEAD into a temporary folder (no .venv, no var/), runs the
command there exactly as a newcomer would, timestamps every line it prints and writes the
phases to docs/benchmarks.md. pip's own download cache is not cleared: a machine that has
installed the dependencies once (a developer's, CI's) starts from there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from benchlib import machine, write_section

ROOT = Path(__file__).resolve().parents[1]
MARKER = "## The two README commands (`bench/commands.py`)"
INTRO = """How long a newcomer waits: `./dev demo` from a fresh clone until the first page is served,
and `bash .ci/run` from a fresh clone. Targets (issue 8): demo loaded in under 60 s, CI under
25 minutes on the 2-core machine."""


def fresh_clone(into: Path) -> Path:
    target = into / "civicloop"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TimedOutput:
    """Reads a process's output in a thread, keeping each line with the seconds since start."""

    def __init__(self, process: subprocess.Popen, started: float):
        self.lines: list[tuple[float, str]] = []
        self._thread = threading.Thread(target=self._read, args=(process, started), daemon=True)
        self._thread.start()

    def _read(self, process, started):
        for raw in process.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            self.lines.append((time.monotonic() - started, line))
            print(f"{self.lines[-1][0]:7.1f}s  {line}", flush=True)

    def first(self, text: str) -> float | None:
        return next((t for t, line in self.lines if text in line), None)


def bench_demo(timeout: float) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        repo = fresh_clone(Path(tmp))
        port = free_port()
        started = time.monotonic()
        process = subprocess.Popen(
            ["./dev", "demo", "--port", str(port)],
            cwd=repo,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        output = TimedOutput(process, started)
        first_page = None
        try:
            while time.monotonic() - started < timeout and process.poll() is None:
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/login/", timeout=2
                    ) as response:
                        if response.status == 200:
                            first_page = time.monotonic() - started
                            break
                except OSError:
                    time.sleep(0.5)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        if first_page is None:
            raise SystemExit("the demo did not serve its sign-in page in time")
        installed = output.first("Database ready") or output.first("数据库")
        loaded = output.first("http://127.0.0.1")
        rows = [("first page served", first_page)]
        if installed is not None:
            rows.insert(0, ("install done, database ready", installed))
        if installed is not None and loaded is not None:
            rows.insert(1, ("demo loaded (after install)", loaded - installed))
        table = "\n".join(f"| {name} | {seconds:.0f} s |" for name, seconds in rows)
        return f"`./dev demo` on a fresh clone:\n\n| phase | time |\n|---|---|\n{table}\n"


def bench_ci(timeout: float) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        repo = fresh_clone(Path(tmp))
        started = time.monotonic()
        process = subprocess.Popen(
            ["bash", ".ci/run"], cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        output = TimedOutput(process, started)
        code = process.wait(timeout=timeout)
        total = time.monotonic() - started
        if code != 0:
            raise SystemExit(f".ci/run failed (exit {code}) after {total:.0f} s")
        marks = [(t, line[3:].strip()) for t, line in output.lines if re.match(r"^== \S", line)]
        rows = []
        for (t, name), nxt in zip(marks, marks[1:] + [(total, "")], strict=True):
            rows.append(f"| {name} | {(nxt[0] - t) / 60:.1f} min |")
        rows.append(f"| **total** | **{total / 60:.1f} min** |")
        return (
            "`bash .ci/run` on a fresh clone:\n\n| phase | time |\n|---|---|\n"
            + "\n".join(rows)
            + "\n"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["demo", "ci"])
    parser.add_argument("--timeout", type=float, default=None, help="seconds (default 900 / 5400)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if args.what == "demo":
        text = bench_demo(args.timeout or 900)
    else:
        text = bench_ci(args.timeout or 5400)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    result = f"### {args.what} — {stamp}\n\nMachine: {machine()}.\n\n{text}"
    print(result)
    if not args.no_write:
        write_section(MARKER, INTRO, result)


if __name__ == "__main__":
    sys.exit(main())
