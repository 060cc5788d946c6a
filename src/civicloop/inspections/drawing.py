"""双随机 draws: which subjects are inspected and by whom, reproducibly (C11, deliverable 3).

Pure Python: no models, no database. The pages and the batch command both call :func:`draw`.

* **Strata** are the subjects' risk grades (A–D). A stratum with ratio *r* and *n* subjects gets
  ``ceil(r × n)`` picks (rounded *up*, in exact decimal arithmetic, so a ratio never yields fewer
  checks than it promises and a non-empty stratum with r > 0 always gets at least one), raised to
  ``minimum_per_stratum`` when that is higher, and never more than *n*. Strata without a ratio are
  not drawn.
* **Reproducible**: every random choice comes from a key ``sha256(ALGORITHM_VERSION | seed |
  inputs hash)``. A subject's rank in its stratum is ``sha256(key | "subject" | subject_id)``;
  the stratum's picks are the lowest ranks. Inspectors are assigned subject by subject in the
  order of those ranks: from the qualified pool minus the subject's conflicts (回避), the least
  loaded so far, ties broken by ``sha256(key | subject_id | inspector_id)``. Nothing depends on
  the order of the input rows or on Python's ``random`` module, so anyone holding the published
  seed, the inputs and this algorithm version can recompute the draw.
* At least :data:`MIN_OFFICERS_PER_VISIT` inspectors per subject (行政处罚法 Art. 42).
* Rotation (轮换): with ``recent`` (subject → last time's inspectors) those inspectors come after
  every other eligible one for that subject.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from django.utils.translation import gettext as _

ALGORITHM_VERSION = "civicloop-draw-1"

# 行政处罚法 (2021) Art. 42: 执法人员不得少于两人 — law-enforcement inspections and
# investigations are carried out by at least two officers holding enforcement credentials.
MIN_OFFICERS_PER_VISIT = 2

RISK_GRADES = ("A", "B", "C", "D")


class DrawError(ValueError):
    """The draw cannot be made as asked; the message names the stratum or subject and why."""


@dataclass(frozen=True)
class SubjectRow:
    subject_id: str
    uscc: str
    name: str
    industry: str
    town_code: str
    risk_grade: str
    address: str = ""


@dataclass(frozen=True)
class InspectorRow:
    inspector_id: str
    dept_code: str
    qualifications: frozenset[str]
    conflicts: frozenset[str]
    max_visits_per_day: int


@dataclass(frozen=True)
class DrawPick:
    subject_id: str
    stratum: str
    inspector_ids: tuple[str, ...]


@dataclass(frozen=True)
class DrawResult:
    algorithm_version: str
    seed: str
    inputs_hash: str
    picks: tuple[DrawPick, ...]


# --- canonical inputs and their hash --------------------------------------------------------


def _ratio(value) -> Decimal:
    try:
        # A float goes through its shortest repr: 0.1 is 0.1, not 0.1000000000000000055….
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DrawError(_("“%(value)s” is not a ratio.") % {"value": value}) from None
    if not number.is_finite():
        raise DrawError(_("“%(value)s” is not a ratio.") % {"value": value})
    return number


def _canonical(subjects, inspectors, ratios, params) -> bytes:
    data = {
        "subjects": sorted(
            [s.subject_id, s.uscc, s.name, s.industry, s.town_code, s.risk_grade, s.address]
            for s in subjects
        ),
        "inspectors": sorted(
            [
                i.inspector_id,
                i.dept_code,
                sorted(i.qualifications),
                sorted(i.conflicts),
                int(i.max_visits_per_day),
            ]
            for i in inspectors
        ),
        "ratios": {str(k): str(_ratio(v).normalize()) for k, v in sorted(ratios.items())},
        "params": {key: _plain(value) for key, value in sorted(params.items())},
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _plain(value):
    """A parameter as JSON: mappings by key, other iterables (sets, tuples) as sorted lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (set, frozenset, tuple, list)):
        return sorted(_plain(v) for v in value)
    return value


def inputs_hash(subjects, inspectors, ratios, **params) -> str:
    """sha256 (hex) of a canonical serialisation of the inputs: rows sorted by id, sets sorted,
    ratios as normalised decimals, keyword parameters by name. Row order never matters."""
    return hashlib.sha256(_canonical(subjects, inspectors, ratios, params)).hexdigest()


def _rank(key: str, *parts: str) -> bytes:
    return hashlib.sha256("|".join((key, *parts)).encode()).digest()


def stratum_size(ratio, population: int, minimum: int = 0) -> int:
    """How many of ``population`` subjects a stratum draws: ceil(ratio × population), at least
    ``minimum``, at most ``population``."""
    wanted = (_ratio(ratio) * population).to_integral_value(rounding=ROUND_CEILING)
    return min(population, max(int(wanted), int(minimum)))


# --- the draw -------------------------------------------------------------------------------


def draw(
    subjects: Iterable[SubjectRow],
    inspectors: Iterable[InspectorRow],
    *,
    ratios: Mapping[str, Decimal | float],
    seed: str | int,
    inspectors_per_subject: int = MIN_OFFICERS_PER_VISIT,
    qualification: str | None = None,
    minimum_per_stratum: Mapping[str, int] | None = None,
    recent: Mapping[str, Iterable[str]] | None = None,
) -> DrawResult:
    """Draw the subjects and their inspectors (see the module doc). ``recent`` maps a subject
    id to the inspectors who checked it last time: rotation (轮换) puts them after every other
    eligible inspector, so they return only when the pool is too small without them."""
    subjects = sorted(subjects, key=lambda s: s.subject_id)
    recent = {str(k): sorted(set(v)) for k, v in (recent or {}).items() if v}
    inspectors = sorted(inspectors, key=lambda i: i.inspector_id)
    minimum_per_stratum = dict(minimum_per_stratum or {})
    seed = str(seed)
    if not seed.strip():
        raise DrawError(_("Give a seed for the draw."))
    if inspectors_per_subject < MIN_OFFICERS_PER_VISIT:
        raise DrawError(
            _(
                "Every inspected subject needs at least %(n)d law-enforcement officers "
                "(行政处罚法 Art. 42); %(asked)d were asked for."
            )
            % {"n": MIN_OFFICERS_PER_VISIT, "asked": inspectors_per_subject}
        )
    _check_unique(subjects, inspectors)
    for stratum, value in ratios.items():
        ratio = _ratio(value)
        if ratio < 0 or ratio > 1:
            raise DrawError(
                _("The ratio of stratum %(stratum)s is %(ratio)s; write a number from 0 to 1.")
                % {"stratum": stratum, "ratio": value}
            )
    for stratum, minimum in minimum_per_stratum.items():
        if int(minimum) < 0:
            raise DrawError(
                _("The minimum of stratum %(stratum)s cannot be negative.") % {"stratum": stratum}
            )

    params = {"inspectors_per_subject": inspectors_per_subject}
    if qualification:
        params["qualification"] = qualification
    if minimum_per_stratum:
        params["minimum_per_stratum"] = minimum_per_stratum
    if recent:
        params["recent"] = dict(sorted(recent.items()))
    digest = inputs_hash(subjects, inspectors, ratios, **params)
    key = hashlib.sha256("|".join((ALGORITHM_VERSION, seed, digest)).encode()).hexdigest()

    # 1. Subjects: per stratum, the lowest ranks.
    strata: dict[str, list[SubjectRow]] = {}
    for subject in subjects:
        strata.setdefault(subject.risk_grade, []).append(subject)
    chosen: list[tuple[bytes, SubjectRow]] = []
    for stratum in sorted(set(ratios) | set(minimum_per_stratum)):
        members = strata.get(stratum, [])
        size = stratum_size(
            ratios.get(stratum, 0), len(members), minimum_per_stratum.get(stratum, 0)
        )
        ranked = sorted((_rank(key, "subject", s.subject_id), s) for s in members)
        chosen.extend(ranked[:size])

    # 2. Inspectors: subject by subject in rank order, the least loaded eligible ones.
    pool = [i for i in inspectors if not qualification or qualification in i.qualifications]
    if chosen and len(pool) < inspectors_per_subject:
        raise DrawError(
            _(
                "Only %(found)d inspector(s) hold the qualification “%(qualification)s”; "
                "each subject needs %(n)d."
            )
            % {
                "found": len(pool),
                "qualification": qualification or "—",
                "n": inspectors_per_subject,
            }
        )
    load = {i.inspector_id: 0 for i in pool}
    picks: list[DrawPick] = []
    for _r, subject in sorted(chosen, key=lambda pair: pair[0]):
        eligible = [i for i in pool if subject.subject_id not in i.conflicts]
        if len(eligible) < inspectors_per_subject:
            raise DrawError(
                _(
                    "Subject %(subject)s (stratum %(stratum)s) cannot get %(n)d inspectors: "
                    "%(pool)d are qualified and %(conflicts)d of them must step aside (回避)."
                )
                % {
                    "subject": subject.subject_id,
                    "stratum": subject.risk_grade,
                    "n": inspectors_per_subject,
                    "pool": len(pool),
                    "conflicts": len(pool) - len(eligible),
                }
            )
        last_time = set(recent.get(subject.subject_id, ()))
        eligible.sort(
            key=lambda i: (
                i.inspector_id in last_time,
                load[i.inspector_id],
                _rank(key, subject.subject_id, i.inspector_id),
            )
        )
        team = tuple(sorted(i.inspector_id for i in eligible[:inspectors_per_subject]))
        for inspector_id in team:
            load[inspector_id] += 1
        picks.append(DrawPick(subject.subject_id, subject.risk_grade, team))
    picks.sort(key=lambda p: (p.stratum, p.subject_id))
    return DrawResult(ALGORITHM_VERSION, seed, digest, tuple(picks))


def _check_unique(subjects, inspectors) -> None:
    seen: set[str] = set()
    for subject in subjects:
        if subject.subject_id in seen:
            raise DrawError(
                _("Subject %(subject)s appears twice.") % {"subject": subject.subject_id}
            )
        seen.add(subject.subject_id)
    seen = set()
    for inspector in inspectors:
        if inspector.inspector_id in seen:
            raise DrawError(
                _("Inspector %(inspector)s appears twice.") % {"inspector": inspector.inspector_id}
            )
        seen.add(inspector.inspector_id)
