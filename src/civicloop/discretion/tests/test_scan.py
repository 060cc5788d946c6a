"""The discretion risk scan on hand-made files: each flag on both sides of its threshold, bad
rows reported by line and column, the pinned output in input order."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from civicloop.discretion.scan import (
    BENCH_COLUMNS,
    CASE_COLUMNS,
    FLAG_COLUMNS,
    normalise_facts,
    run,
)

# DQ-005-like: a person 200–3 000 yuan in three tiers; an organisation 10 000–50 000 in one.
BENCH = [
    ["DQ-005", "person", "200", "3000", "从轻", "1", "200", "800", "首次且及时改正"],
    ["DQ-005", "person", "200", "3000", "一般", "2", "1000", "2000", ""],
    ["DQ-005", "person", "200", "3000", "从重", "3", "2000", "3000", "两年内再次违法"],
    ["DQ-005", "organisation", "10000", "50000", "一般", "2", "20000", "30000", ""],
    ["FJ-001", "any", "50", "50", "一般", "1", "50", "50", "处50元的罚款"],
]


def write(path, columns, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def case(case_id, fine, *, matter="DQ-005", party="person", tier="一般", reason=0, facts=""):
    return [case_id, matter, party, "2026-05-01", "330424001", tier, 1, 0, 1, reason, fine, facts]


def scan(tmp_path, cases, bench=BENCH):
    out = tmp_path / "flags.csv"
    result = run(
        write(tmp_path / "bench.csv", BENCH_COLUMNS, bench),
        write(tmp_path / "cases.csv", CASE_COLUMNS, cases),
        out,
    )
    if result.problems:
        return result, None
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return result, rows


def flags_of(rows):
    return {row["case_id"]: set(filter(None, row["flags"].split(";"))) for row in rows}


def test_the_statutory_range_is_the_party_types_and_a_fixed_amount_is_a_range_of_one(tmp_path):
    _result, rows = scan(
        tmp_path,
        [
            case("in", 1500),
            case("above", 3001, tier="从重", reason=1),
            case("below", 199, tier="从轻", reason=1),
            # 5 000 is inside the merged 200–50 000 the old catalog held, outside both ranges.
            case("org-low", 5000, party="organisation", reason=1),
            case("fixed", 50, matter="FJ-001"),
            case("fixed-off", 60, matter="FJ-001", reason=1),
        ],
    )
    flags = flags_of(rows)
    assert flags["in"] == set() and flags["fixed"] == set()
    for case_id in ("above", "below", "org-low", "fixed-off"):
        assert "outside_statutory_range" in flags[case_id], case_id
    assert [row["case_id"] for row in rows] == [
        "in",
        "above",
        "below",
        "org-low",
        "fixed",
        "fixed-off",
    ]
    assert list(rows[0]) == list(FLAG_COLUMNS)
    assert (rows[0]["expected_min"], rows[0]["expected_max"]) == ("1000", "2000")


def test_a_fine_outside_the_tiers_band_needs_a_written_reason(tmp_path):
    _result, rows = scan(
        tmp_path,
        [
            case("edge", 2000),
            case("over", 2001),
            case("over-with-reason", 2001, reason=1),
            case("light", 900, tier="从轻"),
        ],
    )
    flags = flags_of(rows)
    assert flags["edge"] == set()
    assert flags["over"] == {"outside_tier_band"}
    assert flags["over-with-reason"] == set()
    assert flags["light"] == {"outside_tier_band"}
    assert "一般" in rows[1]["evidence"] and "2001" in rows[1]["evidence"]


def _peers(extra, count=8):
    # Fines spread 1 400–1 600: median 1 500, MAD 50 → robust scale 74.13.
    fines = [1400, 1450, 1480, 1500, 1500, 1520, 1550, 1600][: count - len(extra)]
    return [case(f"p{i}", fine, reason=1) for i, fine in enumerate(fines)] + extra


def test_a_peer_outlier_needs_eight_peers_and_a_robust_z_of_three_and_a_half(tmp_path):
    # z = |f − 1500| / 74.13: 1 759 gives 3.49, 1 760 gives 3.51.
    _result, rows = scan(tmp_path, _peers([case("near", 1759, reason=1)], count=9))
    assert "peer_outlier" not in flags_of(rows)["near"]
    _result, rows = scan(tmp_path, _peers([case("far", 1760, reason=1)], count=9))
    assert "peer_outlier" in flags_of(rows)["far"]
    assert "3.5" in rows[-1]["evidence"] and "1500" in rows[-1]["evidence"]
    # Seven peers are too few, however far the fine.
    _result, rows = scan(tmp_path, _peers([case("far", 2990, reason=1)], count=7))
    assert all("peer_outlier" not in f for f in flags_of(rows).values())


def test_the_same_facts_fined_three_times_apart_flag_both_cases(tmp_path):
    facts = "当事人于2026年3月5日在武原街道露天焚烧垃圾，面积约10平方米。"
    same = "当事人于2026年4月12日在武原街道露天焚烧垃圾，面积约20平方米！"
    _result, rows = scan(
        tmp_path,
        [
            case("a", 500, tier="从轻", facts=facts),
            case("b", 1500, facts=same),
            case("c", 1499, facts="当事人在沈荡镇露天焚烧秸秆。"),
            case("d", 1400, facts="当事人在沈荡镇露天焚烧秸秆。"),
            case("e", 600, tier="从轻", facts="当事人在百步镇焚烧落叶。"),
            case("f", 1799, facts="当事人在百步镇焚烧落叶。"),
        ],
    )
    flags = flags_of(rows)
    assert "same_facts_different_fine" in flags["a"] and "same_facts_different_fine" in flags["b"]
    assert "same_facts_different_fine" not in flags["c"] | flags["d"]
    # 1 799 is less than three times 600.
    assert "same_facts_different_fine" not in flags["e"] | flags["f"]
    assert normalise_facts(facts) == normalise_facts(same)


def test_bad_rows_are_reported_by_line_and_column_and_nothing_is_written(tmp_path):
    result, rows = scan(
        tmp_path,
        [
            case("ok", 1500),
            case("no-matter", 1500, matter="XX-999"),
            case("no-tier", 1500, tier="特别严重"),
            case("bad-fine", "一千", reason=1),
            ["bad-date", "DQ-005", "person", "2026-13-01", "", "一般", 1, 0, 1, 0, 1500, ""],
        ],
    )
    assert rows is None and not (tmp_path / "flags.csv").exists()
    found = {(p.line, p.column) for p in result.problems}
    assert found == {
        (3, "matter_code"),
        (4, "tier_claimed"),
        (5, "fine_yuan"),
        (6, "decided_on"),
    }


def test_a_benchmark_band_outside_its_statutory_range_is_refused(tmp_path):
    bench = [*BENCH, ["DQ-006", "person", "100", "1000", "从重", "3", "800", "1200", ""]]
    result, _rows = scan(tmp_path, [case("ok", 1500)], bench=bench)
    assert [(p.file, p.line, p.column) for p in result.problems] == [("bench.csv", 7, "band_min")]


def test_the_command_writes_the_pinned_file_or_refuses_with_the_problems(tmp_path):
    bench = write(tmp_path / "bench.csv", BENCH_COLUMNS, BENCH)
    cases = write(tmp_path / "cases.csv", CASE_COLUMNS, [case("x", 2500), case("y", 1200)])
    out = io.StringIO()
    call_command(
        "discretion",
        "scan",
        "--benchmark",
        str(bench),
        "--in",
        str(cases),
        "--out",
        str(tmp_path / "flags.csv"),
        stdout=out,
        language="en",
    )
    assert "outside_tier_band" in out.getvalue()
    assert (tmp_path / "flags.csv").read_text(encoding="utf-8").splitlines()[1] == (
        "x,outside_tier_band,1000,2000,fine 2500 outside the 一般 band 1000–2000 without a reason"
    )
    bad = write(tmp_path / "bad.csv", CASE_COLUMNS, [case("z", "?")])
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problems"):
        call_command(
            "discretion",
            "scan",
            "--benchmark",
            str(bench),
            "--in",
            str(bad),
            "--out",
            str(tmp_path / "other.csv"),
            stderr=err,
            language="en",
        )
    assert "bad.csv line 2, column fine_yuan" in err.getvalue()
