"""裁量风险扫描: flags 畸轻畸重 risks in decided penalties, self-contained on two files.

``civicloop discretion scan --benchmark BENCH.csv --in CASES.csv --out FLAGS.csv`` (pinned
columns, docs/discretion.md). Matters, statutory ranges and tier bands come from the benchmark
file, so an auditor can scan another county's or department's cases; peers are the rows of the
cases file. Every bad row is reported by line and column and nothing is silently dropped: a scan
with bad rows writes no output.

The flags, each with its evidence:

* ``outside_statutory_range`` — the fine lies outside the statutory range of the matter and
  party type;
* ``outside_tier_band`` — the fine lies outside the band of the tier claimed and no written
  reason was given (``reason_given`` = 0);
* ``peer_outlier`` — among the cases of the same matter, party type and tier (at least
  :data:`MIN_PEERS`), the robust z-score ``|fine − median| / (1.4826 × MAD)`` is at least
  :data:`OUTLIER_Z`; a group whose MAD is 0 flags every fine that differs from the median;
* ``same_facts_different_fine`` — cases of the same matter and party type whose fact texts are
  the same once numbers, spaces and punctuation are removed, and whose fines differ by
  :data:`FINE_RATIO` times or more: the lowest and the highest of such a group are flagged (and
  every case at least that far from the other end).

The rules are :func:`find_flags` over :class:`FlagRows`; the database sweep
(``discretion.risks``) calls the same function on decided cases.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _

BENCH_COLUMNS = (
    "matter_code",
    "party_type",
    "stat_min",
    "stat_max",
    "tier",
    "tier_rank",
    "band_min",
    "band_max",
    "conditions",
)
CASE_COLUMNS = (
    "case_id",
    "matter_code",
    "party_type",
    "decided_on",
    "town_code",
    "tier_claimed",
    "first_offence",
    "prior_same_2y",
    "corrected",
    "reason_given",
    "fine_yuan",
    "facts",
)
FLAG_COLUMNS = ("case_id", "flags", "expected_min", "expected_max", "evidence")
PARTY_TYPES = ("person", "organisation", "any")

OUTSIDE_STATUTORY_RANGE = "outside_statutory_range"
OUTSIDE_TIER_BAND = "outside_tier_band"
PEER_OUTLIER = "peer_outlier"
SAME_FACTS_DIFFERENT_FINE = "same_facts_different_fine"
FLAG_ORDER = (OUTSIDE_STATUTORY_RANGE, OUTSIDE_TIER_BAND, PEER_OUTLIER, SAME_FACTS_DIFFERENT_FINE)

MIN_PEERS = 8
OUTLIER_Z = 3.5
MAD_SCALE = 1.4826
FINE_RATIO = 3.0


class ScanError(Exception):
    """A file cannot be read at all (missing, wrong header)."""


@dataclass(frozen=True)
class RowProblem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("%(file)s line %(line)d, column %(column)s: %(message)s") % {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class Tier:
    name: str
    rank: int
    band_min: float
    band_max: float


@dataclass
class Benchmark:
    """The statutory range and tiers of one matter and party type."""

    stat_min: float
    stat_max: float
    tiers: dict[str, Tier] = field(default_factory=dict)


@dataclass
class Cases:
    """The cases file as columns (what the 1-million-row scan needs, nothing more)."""

    ids: list[str] = field(default_factory=list)
    matter: list[str] = field(default_factory=list)
    party: list[str] = field(default_factory=list)
    tier: list[str] = field(default_factory=list)
    reason: list[bool] = field(default_factory=list)
    fine: list[float] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)


@dataclass
class ScanResult:
    rows: int = 0
    flagged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FLAG_ORDER, 0))
    problems: list[RowProblem] = field(default_factory=list)


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise ScanError(_("The file %(path)s does not exist.") % {"path": path})
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise ScanError(
                _("%(path)s lacks the columns %(columns)s.")
                % {"path": path.name, "columns": ", ".join(missing)}
            )
        yield from enumerate(reader, start=2)


def _amount(text: str) -> float:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(_("not an amount: “%(text)s”") % {"text": text}) from exc
    if not value.is_finite() or value < 0:
        raise ValueError(_("not an amount: “%(text)s”") % {"text": text})
    return float(value)


def read_benchmark(path: Path) -> tuple[dict[tuple[str, str], Benchmark], list[RowProblem]]:
    benchmarks: dict[tuple[str, str], Benchmark] = {}
    problems: list[RowProblem] = []
    for number, row in _rows(path, BENCH_COLUMNS):

        def problem(column: str, message: str, number=number) -> None:
            problems.append(RowProblem(path.name, number, column, message))

        matter = (row["matter_code"] or "").strip()
        party = (row["party_type"] or "").strip()
        if not matter:
            problem("matter_code", _("empty"))
        if party not in PARTY_TYPES:
            problem("party_type", _("must be person, organisation or any"))
        values = {}
        for column in ("stat_min", "stat_max", "band_min", "band_max"):
            try:
                values[column] = _amount(row[column] or "")
            except ValueError as exc:
                problem(column, str(exc))
        try:
            rank = int((row["tier_rank"] or "").strip())
        except ValueError:
            problem("tier_rank", _("not a whole number"))
            rank = 0
        tier = (row["tier"] or "").strip()
        if not tier:
            problem("tier", _("empty"))
        if len(values) < 4 or not matter or party not in PARTY_TYPES or not tier:
            continue
        if values["stat_max"] < values["stat_min"] or values["band_max"] < values["band_min"]:
            problem("band_max", _("a maximum is below its minimum"))
            continue
        if values["band_min"] < values["stat_min"] or values["band_max"] > values["stat_max"]:
            problem("band_min", _("the tier's band leaves the statutory range"))
            continue
        benchmark = benchmarks.setdefault(
            (matter, party), Benchmark(values["stat_min"], values["stat_max"])
        )
        if (benchmark.stat_min, benchmark.stat_max) != (values["stat_min"], values["stat_max"]):
            problem("stat_min", _("another row gives this matter a different statutory range"))
            continue
        if tier in benchmark.tiers:
            problem("tier", _("the tier is given twice for this matter and party type"))
            continue
        benchmark.tiers[tier] = Tier(tier, rank, values["band_min"], values["band_max"])
    return benchmarks, problems


def _benchmark_for(benchmarks, matter: str, party: str) -> Benchmark | None:
    return benchmarks.get((matter, party)) or benchmarks.get((matter, "any"))


def read_cases(path: Path, benchmarks) -> tuple[Cases, list[RowProblem]]:
    cases = Cases()
    problems: list[RowProblem] = []
    for number, row in _rows(path, CASE_COLUMNS):
        bad = len(problems)

        def problem(column: str, message: str, number=number) -> None:
            problems.append(RowProblem(path.name, number, column, message))

        matter, party = row["matter_code"].strip(), row["party_type"].strip()
        if party not in ("person", "organisation"):
            problem("party_type", _("must be person or organisation"))
        benchmark = _benchmark_for(benchmarks, matter, party)
        if benchmark is None:
            problem("matter_code", _("no benchmark for this matter and party type"))
        elif row["tier_claimed"].strip() not in benchmark.tiers:
            problem("tier_claimed", _("not a tier of this matter's benchmark"))
        try:
            fine = _amount(row["fine_yuan"])
        except ValueError as exc:
            problem("fine_yuan", str(exc))
            fine = 0.0
        try:
            dt.date.fromisoformat(row["decided_on"].strip())
        except ValueError:
            problem("decided_on", _("not a date (YYYY-MM-DD)"))
        for column in ("first_offence", "corrected", "reason_given"):
            if row[column].strip() not in ("0", "1"):
                problem(column, _("must be 0 or 1"))
        if not row["prior_same_2y"].strip().isdigit():
            problem("prior_same_2y", _("not a whole number"))
        if not row["case_id"].strip():
            problem("case_id", _("empty"))
        if len(problems) > bad:
            continue
        cases.ids.append(row["case_id"].strip())
        cases.matter.append(matter)
        cases.party.append(party)
        cases.tier.append(row["tier_claimed"].strip())
        cases.reason.append(row["reason_given"].strip() == "1")
        cases.fine.append(fine)
        cases.facts.append(row["facts"] or "")
    return cases, problems


_NOISE = re.compile(r"[\W\d_]+", re.UNICODE)


def normalise_facts(text: str) -> str:
    """The fact text without numbers, spaces and punctuation (full-width folded), so that two
    statements of the same facts with other dates, amounts or layout compare equal."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


def _groups(keys: Iterable[tuple]) -> dict[tuple, list[int]]:
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        groups[key].append(index)
    return groups


def _fmt(amount: float | None) -> str:
    if amount is None:
        return "—"
    return f"{amount:.2f}".rstrip("0").rstrip(".")


# --- the flag rules: one core for the file scan and the database sweep -----------------------


@dataclass
class FlagRows:
    """What the four rules read, one entry per case, in columns.

    The file scan fills it from CASES.csv and BENCH.csv, the database sweep
    (``discretion.risks``) from decided cases and their calculator records; both then call
    :func:`find_flags`, so a case is judged the same way wherever it comes from.

    ``group`` is the matter and party type (peers and same facts are compared within it);
    ``tier`` the tier claimed or assessed ("" for none: such cases are peers of each other
    only); a ``None`` bound is one that is not known (no range or band is checked against it).
    """

    group: list[tuple] = field(default_factory=list)
    tier: list[str] = field(default_factory=list)
    fine: list[float] = field(default_factory=list)
    stat_min: list[float | None] = field(default_factory=list)
    stat_max: list[float | None] = field(default_factory=list)
    band_min: list[float | None] = field(default_factory=list)
    band_max: list[float | None] = field(default_factory=list)
    reason: list[bool] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    def add(
        self,
        *,
        group: tuple,
        tier: str,
        fine: float,
        stat: tuple[float | None, float | None],
        band: tuple[float | None, float | None],
        reason: bool,
        facts: str,
    ) -> None:
        self.group.append(group)
        self.tier.append(tier)
        self.fine.append(fine)
        self.stat_min.append(stat[0])
        self.stat_max.append(stat[1])
        self.band_min.append(band[0])
        self.band_max.append(band[1])
        self.reason.append(reason)
        self.facts.append(facts)

    def __len__(self) -> int:
        return len(self.fine)


@dataclass(frozen=True)
class Finding:
    """One flag on one case with its evidence (numbers; ``other`` is the row index of the case
    at the other end of a same-facts group)."""

    kind: str
    evidence: dict

    def text(self) -> str:
        e = self.evidence
        if self.kind == OUTSIDE_STATUTORY_RANGE:
            return _("fine %(fine)s outside the statutory %(low)s–%(high)s") % {
                "fine": _fmt(e["fine"]),
                "low": _fmt(e["stat_min"]),
                "high": _fmt(e["stat_max"]),
            }
        if self.kind == OUTSIDE_TIER_BAND:
            return _(
                "fine %(fine)s outside the %(tier)s band %(low)s–%(high)s without a reason"
            ) % {
                "fine": _fmt(e["fine"]),
                "tier": e["tier"],
                "low": _fmt(e["band_min"]),
                "high": _fmt(e["band_max"]),
            }
        if self.kind == PEER_OUTLIER:
            return _("robust z %(z)s against %(n)d peers (median %(median)s)") % {
                "z": "∞" if e["z"] is None else f"{e['z']:.1f}",
                "n": e["peers"],
                "median": _fmt(e["median"]),
            }
        return _("%(n)d cases with the same facts fined %(low)s–%(high)s") % {
            "n": e["cases"],
            "low": _fmt(e["low"]),
            "high": _fmt(e["high"]),
        }


def find_flags(rows: FlagRows) -> list[list[Finding]]:
    """The findings of each row, in :data:`FLAG_ORDER`."""
    n = len(rows)
    found: list[list[Finding]] = [[] for _ in range(n)]
    fines = np.asarray(rows.fine, dtype=float)
    columns = zip(
        rows.fine,
        rows.stat_min,
        rows.stat_max,
        rows.tier,
        rows.band_min,
        rows.band_max,
        rows.reason,
        strict=True,
    )
    for i, (fine, stat_min, stat_max, tier, band_min, band_max, reason) in enumerate(columns):
        if (stat_min is not None and fine < stat_min) or (stat_max is not None and fine > stat_max):
            found[i].append(
                Finding(
                    OUTSIDE_STATUTORY_RANGE,
                    {"fine": fine, "stat_min": stat_min, "stat_max": stat_max},
                )
            )
        if (
            tier
            and not reason
            and (
                (band_min is not None and fine < band_min)
                or (band_max is not None and fine > band_max)
            )
        ):
            found[i].append(
                Finding(
                    OUTSIDE_TIER_BAND,
                    {"fine": fine, "tier": tier, "band_min": band_min, "band_max": band_max},
                )
            )

    for members in _groups(zip(rows.group, rows.tier, strict=True)).values():
        if len(members) < MIN_PEERS:
            continue
        index = np.asarray(members)
        group = fines[index]
        median = float(np.median(group))
        mad = float(np.median(np.abs(group - median)))
        if mad > 0:
            z = np.abs(group - median) / (MAD_SCALE * mad)
            outliers = index[z >= OUTLIER_Z]
            scores = z[z >= OUTLIER_Z].tolist()
        else:
            # Every peer but the outliers fined alike: any other fine stands out infinitely.
            outliers = index[group != median]
            scores = [None] * len(outliers)
        for i, score in zip(outliers.tolist(), scores, strict=True):
            found[i].append(
                Finding(
                    PEER_OUTLIER,
                    {
                        "fine": rows.fine[i],
                        "median": median,
                        "mad": mad,
                        "z": score,
                        "peers": len(members),
                    },
                )
            )

    same = _groups(zip(rows.group, map(normalise_facts, rows.facts), strict=True))
    for (_group, text), members in same.items():
        if len(members) < 2 or not text:
            continue
        group = fines[members]
        lowest, highest = int(group.argmin()), int(group.argmax())
        low, high = float(group[lowest]), float(group[highest])
        if low * FINE_RATIO > high or high == 0:
            continue
        for i in members:
            fine = rows.fine[i]
            # The case it is compared with: the other end of the group.
            if fine * FINE_RATIO <= high:
                other = members[highest]
            elif fine >= low * FINE_RATIO:
                other = members[lowest]
            else:
                continue
            found[i].append(
                Finding(
                    SAME_FACTS_DIFFERENT_FINE,
                    {
                        "fine": fine,
                        "cases": len(members),
                        "low": low,
                        "high": high,
                        "other": other,
                        "other_fine": rows.fine[other],
                    },
                )
            )
    return found


def scan(cases: Cases, benchmarks) -> tuple[list[list[Finding]], list[tuple[float, float]]]:
    """Per case: its findings and the expected band (the claimed tier's)."""
    # Column by column: what a million rows need (a call per row would double the time).
    benches = [
        _benchmark_for(benchmarks, matter, party)
        for matter, party in zip(cases.matter, cases.party, strict=True)
    ]
    tiers = [bench.tiers[tier] for bench, tier in zip(benches, cases.tier, strict=True)]
    expected = [(tier.band_min, tier.band_max) for tier in tiers]
    rows = FlagRows(
        group=list(zip(cases.matter, cases.party, strict=True)),
        tier=cases.tier,
        fine=cases.fine,
        stat_min=[bench.stat_min for bench in benches],
        stat_max=[bench.stat_max for bench in benches],
        band_min=[tier.band_min for tier in tiers],
        band_max=[tier.band_max for tier in tiers],
        reason=cases.reason,
        facts=cases.facts,
    )
    return find_flags(rows), expected


def run(benchmark_path: Path, cases_path: Path, out_path: Path) -> ScanResult:
    """Read both files; when every row is good, scan and write the flags file (one row per input
    case, in input order)."""
    result = ScanResult()
    benchmarks, problems = read_benchmark(benchmark_path)
    result.problems.extend(problems)
    cases, problems = read_cases(cases_path, benchmarks)
    result.problems.extend(problems)
    result.rows = len(cases.ids) + len(problems)
    if result.problems:
        return result
    found, expected = scan(cases, benchmarks)
    with out_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(FLAG_COLUMNS)
        for case_id, findings, (low, high) in zip(cases.ids, found, expected, strict=True):
            if not findings:
                writer.writerow([case_id, "", _fmt(low), _fmt(high), ""])
                continue
            writer.writerow(
                [
                    case_id,
                    ";".join(finding.kind for finding in findings),
                    _fmt(low),
                    _fmt(high),
                    "; ".join(finding.text() for finding in findings),
                ]
            )
            for finding in findings:
                result.flagged[finding.kind] += 1
    return result
