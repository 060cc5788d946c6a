"""Benchmark: ``civicloop discretion scan`` on a million cases.

    .venv/bin/python bench/discretion.py [--cases 1000000] [--no-write]

Writes a benchmark file (72 matters × person/organisation × 3 tiers) and a cases file of
``--cases`` rows drawn with a fixed seed (fines mostly inside their tier's band, a few per mille
outside the band or the range, repeated fact texts so the same-facts check has groups), then
times the command in a child process and reads its peak memory (``ru_maxrss``). Results are
printed and added to docs/benchmarks.md. The issue's target: 1 M cases in under 60 s and 2 GB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from benchlib import machine, write_section

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from civicloop.discretion.scan import BENCH_COLUMNS, CASE_COLUMNS  # noqa: E402

MARKER = "## Discretion scan (`bench/discretion.py`)"
INTRO = """`civicloop discretion scan` over a synthetic cases file (fixed seed): reading and checking
every row, the four flags, writing one output row per case. Most fact texts are unique; one case
in a hundred repeats one of 2 000 common texts (across matters, party types and tiers, so many
of those groups hold fines three times apart). The issue's target: 1 million cases
in under 60 s and 2 GB of memory."""
TIERS = (("从轻", 0.0, 0.2), ("一般", 0.4, 0.6), ("从重", 0.6, 1.0))


def make_files(folder: Path, count: int) -> tuple[Path, Path]:
    rng = np.random.default_rng(2026)
    bench = folder / "bench.csv"
    matters = []
    with bench.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(BENCH_COLUMNS)
        for m in range(72):
            for party, (low, high) in (("person", (200, 3000)), ("organisation", (10000, 50000))):
                code = f"M-{m:03d}"
                matters.append((code, party, low, high))
                for rank, (tier, a, b) in enumerate(TIERS, start=1):
                    writer.writerow(
                        [
                            code,
                            party,
                            low,
                            high,
                            tier,
                            rank,
                            round(low + a * (high - low)),
                            round(low + b * (high - low)),
                            "",
                        ]
                    )
    cases = folder / "cases.csv"
    # Most fact texts are the case's own (in words: numbers do not tell facts apart); one case in a hundred repeats one of 2 000 common
    # texts, so the same-facts check has real groups to compare.
    common = [
        f"当事人在{chr(0x4E00 + i)}{chr(0x4E00 + i // 7)}地块露天焚烧垃圾。" for i in range(2000)
    ]
    picks = rng.integers(0, len(matters), count)
    tiers = rng.integers(0, 3, count)
    u = rng.random(count)
    odd = rng.random(count)
    fact_ids = rng.integers(0, len(common), count)
    shared = rng.random(count) < 0.01
    with cases.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CASE_COLUMNS)
        for i in range(count):
            code, party, low, high = matters[picks[i]]
            tier, a, b = TIERS[tiers[i]]
            fine = low + (a + (b - a) * u[i]) * (high - low)
            if odd[i] < 0.003:
                fine *= 1.8
            writer.writerow(
                [
                    f"C{i:07d}",
                    code,
                    party,
                    f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    "330424001",
                    tier,
                    int(odd[i] < 0.5),
                    0,
                    1,
                    int(odd[i] < 0.001),
                    f"{fine:.0f}",
                    common[fact_ids[i]]
                    if shared[i]
                    else f"案情{chr(0x4E00 + i % 20000)}{chr(0x4E00 + i // 20000)}：当事人违法行为。",
                ]
            )
    return bench, cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-discretion-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        bench, cases = make_files(folder, args.cases)
        print(f"files written in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        env = dict(os.environ, CIVICLOOP_VAR_DIR=tmp, DATABASE_URL=f"sqlite:///{tmp}/db.sqlite3")
        started = time.perf_counter()
        completed = subprocess.run(
            [
                str(REPO / ".venv" / "bin" / "civicloop"),
                "discretion",
                "scan",
                "--benchmark",
                str(bench),
                "--in",
                str(cases),
                "--out",
                str(folder / "flags.csv"),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if completed.returncode:
            raise SystemExit(completed.stderr[-2000:])
        print(completed.stdout)
        flagged = sum(1 for line in (folder / "flags.csv").open(encoding="utf-8")) - 1
    result = {"cases": args.cases, "seconds": seconds, "peak_mb": peak_mb, "rows_out": flagged}
    text = (
        f"### {time.strftime('%Y-%m-%d')} — {machine()}\n\n"
        f"{args.cases:,} cases: {seconds:.1f} s including Django's start-up, peak memory "
        f"{peak_mb:,.0f} MB, {flagged:,} output rows.\n\n```\n{completed.stdout.strip()}\n```\n"
    )
    print(json.dumps(result))
    print(text)
    if not args.no_write:
        write_section(MARKER, INTRO, text)


if __name__ == "__main__":
    main()
