"""What every benchmark here shares: the machine description written next to each result,
and percentiles of per-item timings. The scripts run as ``python bench/NAME.py``, so this
module is importable as ``benchlib``."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile (0–100) of ``values``."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


REPORT = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
REPORT_HEADER = """# Benchmarks

Measured by commands anyone can run; newest first. Numbers are only comparable within one run
(same machine, same moment). Tests never assert timings.
"""


def write_section(marker: str, intro: str, text: str, path: Path = REPORT) -> Path:
    """Put ``text`` (a dated ``### …`` result) first in the section headed ``marker`` of
    docs/benchmarks.md, creating the file or the section (with ``intro``) when missing."""
    existing = path.read_text(encoding="utf-8") if path.exists() else REPORT_HEADER
    if marker not in existing:
        existing = existing.rstrip() + "\n\n" + marker + "\n\n" + intro.strip() + "\n"
    head, _, tail = existing.partition(marker)
    # The section runs to the next "## " heading; the newest result goes first in it.
    section, sep, after = tail.partition("\n## ")
    intro_text, sub, older = section.partition("\n### ")
    section = intro_text.rstrip() + "\n\n" + text + ("\n### " + older if sub else "")
    path.write_text(
        head + marker + section.rstrip() + "\n" + (("\n## " + after) if sep else ""),
        encoding="utf-8",
    )
    return path
