"""A county's year of penalty cases, with what the case figures read.

Procedures: about 45 % simple (decided and paid on the spot, the same day), 30 % fast track
(decided in days), 25 % ordinary (decided in weeks, within the 90 days of Art. 60). About 2 %
end without a penalty, 4 % with a reduced one; about 1 % of the non-simple cases are
withdrawn. A town squad's cases are decided under delegated powers; outside the simple
procedure they rest on an approved legal review by a qualified reviewer (about 99 %). The
"一免一减" items are applied to the no-penalty and reduced cases when the list is loaded, and a
few published penalties of enterprises go through credit repair.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db.models import Q

from civicloop.cases.choices import (
    CaseSource,
    CaseState,
    Counting,
    DeadlineKind,
    NoPenaltyGround,
    Opinion,
    Outcome,
    PartyRole,
    PenaltyKind,
    Procedure,
    ReviewMode,
    ReviewReason,
    ReviewState,
    ServiceMethod,
)
from civicloop.cases.models import (
    Case,
    CaseDeadline,
    CaseHandler,
    CaseParty,
    LegalReview,
    Payment,
    ReviewSeat,
)
from civicloop.core.identifiers import credit_code_check_char, id_number_check_char
from civicloop.leniency.choices import ItemKind, RepairState
from civicloop.leniency.models import AppliedItem, CreditRepair, LeniencyItemVersion
from civicloop.parties.choices import PartyKind
from civicloop.parties.models import Party

from .calendar import DAY, HOUR, aware, local_dates, spread_over_year, year_bounds
from .events import SIMULATED, EventYear
from .regions import CountyWorld
from .tables import Tables

PROCEDURES = (Procedure.SIMPLE, Procedure.FAST_TRACK, Procedure.ORDINARY)
PROCEDURE_SHARES = (0.45, 0.30, 0.25)
# Median and spread (lognormal sigma) of filing → decision and decision → closing, in hours.
DECISION_HOURS = {Procedure.SIMPLE: (0.5, 0.4), Procedure.FAST_TRACK: (72, 0.5),
                  Procedure.ORDINARY: (28 * 24, 0.45)}  # fmt: skip
CLOSING_HOURS = {Procedure.SIMPLE: (1, 0.5), Procedure.FAST_TRACK: (6 * 24, 0.6),
                 Procedure.ORDINARY: (20 * 24, 0.6)}  # fmt: skip
NO_PENALTY_SHARE = 0.02
REDUCED_SHARE = 0.04
WITHDRAWN_SHARE = 0.01
DEPARTMENT_SHARE = 0.25
QUALIFIED_SHARE = 0.99
CASE_SOURCES = (CaseSource.EVENT, CaseSource.INSPECTION, CaseSource.DIRECT)
CASE_SOURCE_SHARES = (0.35, 0.45, 0.20)
ORGANISATION_SHARE = 0.4
PARTIES_PER_CASE = 0.8
CREDIT_REPAIR_SHARE = 0.02  # of the enterprises' penalties decided in the year
SIMPLE_FINES = (50, 100, 200)
TITLES = {
    Procedure.SIMPLE.value: "简易程序案件",
    Procedure.FAST_TRACK.value: "简案快办案件",
    Procedure.ORDINARY.value: "普通程序案件",
}


def party_identifier(county: str, serial: int, organisation: bool) -> str:
    """A valid-looking identifier fixed by county and serial (so parties are shared by years
    and runs): organisations a unified social credit code, people a resident ID number."""
    if organisation:
        body = f"91{county}MA{serial:07d}"
        return body + credit_code_check_char(body)
    born = dt.date(1960, 1, 1) + dt.timedelta(days=serial // 1000)
    body = f"{county}{born:%Y%m%d}{serial % 1000:03d}"
    return body + id_number_check_char(body)


def party_count(cases: int) -> int:
    return max(5, round(cases * PARTIES_PER_CASE))


def ensure_parties(world: CountyWorld, count: int) -> tuple[list[int], list[bool]]:
    """The county's pool of simulated parties (created once): ids and whether organisations."""
    code = world.plan.code
    wanted = [(party_identifier(code, i, i % 5 < 2), i % 5 < 2) for i in range(count)]
    existing: dict[str, int] = {}
    for start in range(0, count, 900):
        chunk = [w[0] for w in wanted[start : start + 900]]
        found = Party.objects.filter(Q(id_number__in=chunk) | Q(credit_code__in=chunk))
        for pk, id_number, credit in found.values_list("pk", "id_number", "credit_code"):
            existing[id_number or credit] = pk
    missing = [
        Party(
            kind=PartyKind.ORGANISATION if org else PartyKind.PERSON,
            name=f"模拟{'企业' if org else '当事人'}{code}-{i:05d}",
            id_number="" if org else ident,
            credit_code=ident if org else "",
            legal_representative=f"模拟法人{i:05d}" if org else "",
        )
        for i, (ident, org) in enumerate(wanted)
        if ident not in existing
    ]
    for party in Party.objects.bulk_create(missing, batch_size=500):
        existing[party.id_number or party.credit_code] = party.pk
    return [existing[ident] for ident, _org in wanted], [org for _ident, org in wanted]


def _lognormal(rng, median: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    return np.exp(rng.normal(np.log(median), sigma))


def generate_cases(
    world: CountyWorld,
    *,
    year: int,
    count: int,
    rng: np.random.Generator,
    tables: Tables,
    events: EventYear,
    parties: tuple[list[int], list[bool]],
) -> None:
    n = count
    if n == 0:
        return
    code = world.plan.code
    _start, as_of = year_bounds(year)
    filed = spread_over_year(rng, year, n)
    ids = np.asarray(tables.ids(Case, n))
    procedure_values = np.array([p.value for p in PROCEDURES])
    procedure = procedure_values[rng.choice(3, size=n, p=PROCEDURE_SHARES)]
    simple = procedure == Procedure.SIMPLE.value

    def hours(table) -> np.ndarray:
        which = [procedure == p.value for p in PROCEDURES]
        median = np.select(which, [table[p][0] for p in PROCEDURES])
        sigma = np.select(which, [table[p][1] for p in PROCEDURES])
        return _lognormal(rng, median, sigma)

    decide_hours = hours(DECISION_HOURS)
    ordinary = procedure == Procedure.ORDINARY.value
    decide_hours[ordinary] = np.minimum(decide_hours[ordinary], 89 * 24)
    decided = filed + (decide_hours * HOUR).astype(np.int64)
    closed = decided + (hours(CLOSING_HOURS) * HOUR).astype(np.int64)
    withdrawn = ~simple & (rng.random(n) < WITHDRAWN_SHARE)
    withdrawn_at = filed + (decide_hours * HOUR * 0.5).astype(np.int64)
    withdrawn &= withdrawn_at <= as_of
    is_decided = ~withdrawn & (decided <= as_of)
    is_closed = is_decided & (closed <= as_of)

    draw = rng.random(n)
    outcome = np.where(
        draw < NO_PENALTY_SHARE,
        Outcome.NO_PENALTY.value,
        np.where(draw < NO_PENALTY_SHARE + REDUCED_SHARE, Outcome.REDUCED_PENALTY.value,
                 Outcome.PENALTY.value),
    )  # fmt: skip
    penalised = outcome != Outcome.NO_PENALTY.value
    fine = np.where(
        simple,
        np.array(SIMPLE_FINES)[rng.integers(0, len(SIMPLE_FINES), n)],
        np.round(_lognormal(rng, np.full(n, 2000.0), np.full(n, 0.9)), -2).clip(100, 200_000),
    )
    fine = np.where(outcome == Outcome.REDUCED_PENALTY.value, np.round(fine * 0.5, -1), fine)

    by_department = rng.random(n) < DEPARTMENT_SHARE
    town_weight = np.bincount([g[1] for g in world.grids], minlength=len(world.towns))
    town = rng.choice(len(world.towns), size=n, p=town_weight / town_weight.sum())
    department_ids = list(world.departments.values())
    unit = np.where(
        by_department,
        np.array(department_ids)[rng.integers(0, len(department_ids), n)],
        np.array(world.squads)[town],
    )
    officers = np.array(world.officers)
    lead = np.where(by_department, world.department_officers[0], officers[town, 0])
    second = np.where(by_department, world.department_officers[1], officers[town, 1])
    empowered = ~by_department

    source_values = np.array([s.value for s in CASE_SOURCES])
    source = source_values[rng.choice(3, size=n, p=CASE_SOURCE_SHARES)]
    from_event = (source == CaseSource.EVENT.value) & (len(events.closed_ids) > 0)
    event = np.zeros(n, dtype=np.int64)
    if len(events.closed_ids):
        event[from_event] = rng.choice(events.closed_ids, size=int(from_event.sum()))

    state = np.where(
        withdrawn,
        CaseState.WITHDRAWN.value,
        np.where(
            is_closed,
            CaseState.CLOSED.value,
            np.where(is_decided, CaseState.EXECUTING.value, CaseState.INVESTIGATING.value),
        ),
    )
    violation = filed - rng.integers(0, 10 * DAY, n) * (~simple)
    decided_out = np.where(is_decided, outcome, "")
    fine_out = [
        Decimal(int(f)) if d and p else None
        for f, d, p in zip(fine.tolist(), is_decided.tolist(), penalised.tolist(), strict=True)
    ]
    no_penalty = is_decided & ~penalised
    warnings = rng.random(n) < 0.1
    number_prefix = f"SIM{code}{year % 100:02d}-"
    tables.add(
        Case,
        id=ids.tolist(),
        number=[f"{number_prefix}{i:06d}" for i in range(1, n + 1)],
        title=[SIMULATED + TITLES[p] for p in procedure.tolist()],
        handling_unit_id=unit.tolist(),
        procedure=procedure.tolist(),
        state=state.tolist(),
        source=source.tolist(),
        event_id=event.tolist(),
        inspection_reference=np.where(
            source == CaseSource.INSPECTION.value, "模拟检查记录", ""
        ).tolist(),
        region_id=[world.towns[t][0] for t in town.tolist()],
        facts=[SIMULATED] * n,
        violation_date=local_dates(violation, year),
        is_empowered=empowered.tolist(),
        filed_at=aware(filed),
        filed_by_id=lead.tolist(),
        facts_clear=[True] * n,
        evidence_complete=[True] * n,
        party_admits=(procedure != Procedure.ORDINARY.value).tolist(),
        fast_track_consent_at=aware(filed, procedure == Procedure.FAST_TRACK.value),
        proposed_outcome=decided_out.tolist(),
        proposed_fine=fine_out,
        outcome=decided_out.tolist(),
        fine_amount=fine_out,
        penalties=[
            [PenaltyKind.WARNING.value] if w and d and p else []
            for w, d, p in zip(
                warnings.tolist(), is_decided.tolist(), penalised.tolist(), strict=True
            )
        ],  # fmt: skip
        no_penalty_ground=np.where(no_penalty, NoPenaltyGround.FIRST_MINOR.value, "").tolist(),
        decided_at=aware(decided, is_decided),
        decided_by_id=np.where(is_decided, lead, 0).tolist(),
        served_at=aware(decided + np.where(simple, 0, DAY), is_decided),
        service_method=np.where(
            is_decided,
            np.where(simple, ServiceMethod.ON_THE_SPOT.value, ServiceMethod.IN_PERSON.value),
            "",
        ).tolist(),
        performed_at=aware(closed, is_closed & penalised),
        closed_at=aware(closed, is_closed),
        withdrawn_at=aware(withdrawn_at, withdrawn),
    )

    # Two handlers per case, the lead first.
    tables.add(
        CaseHandler,
        id=list(tables.ids(CaseHandler, 2 * n)),
        case_id=np.repeat(ids, 2).tolist(),
        user_id=np.column_stack([lead, second]).ravel().tolist(),
        is_lead=[True, False] * n,
        certificate_number=[f"SIM{u:08d}" for u in np.column_stack([lead, second]).ravel()],
        added_at=aware(np.repeat(filed, 2)),
    )

    # One party per case from the county's pool; simple cases mostly name a person.
    party_ids, is_org = parties
    people = [p for p, o in zip(party_ids, is_org, strict=True) if not o]
    organisations = [p for p, o in zip(party_ids, is_org, strict=True) if o]
    org_case = (rng.random(n) < np.where(simple, 0.1, 0.55)) & (len(organisations) > 0)
    party = np.where(
        org_case,
        np.array(organisations or [0])[rng.integers(0, max(1, len(organisations)), n)],
        np.array(people)[rng.integers(0, len(people), n)],
    )
    tables.add(
        CaseParty,
        id=list(tables.ids(CaseParty, n)),
        case_id=ids.tolist(),
        party_id=party.tolist(),
        role=[PartyRole.PARTY.value] * n,
    )

    # The decision deadline of the fast track (county rule) or of Art. 60.
    timed = np.flatnonzero(~simple)
    fast = procedure[timed] == Procedure.FAST_TRACK.value
    fast_days = settings.CIVICLOOP_CASE_FAST_TRACK_WORKING_DAYS
    decision_days = settings.CIVICLOOP_CASE_DECISION_DAYS
    calendar_days = np.where(fast, round(fast_days * 7 / 5), decision_days)
    met = is_decided[timed]
    tables.add(
        CaseDeadline,
        id=list(tables.ids(CaseDeadline, len(timed))),
        case_id=ids[timed].tolist(),
        kind=np.where(fast, DeadlineKind.FAST_TRACK.value, DeadlineKind.DECISION.value).tolist(),
        starts_at=aware(filed[timed]),
        amount=np.where(fast, fast_days, decision_days).tolist(),
        counting=np.where(fast, Counting.WORKING_DAYS.value, Counting.NATURAL_DAYS.value).tolist(),
        due_at=aware(filed[timed] + calendar_days * DAY),
        basis=np.where(fast, "简案快办（县规定）", "《行政处罚法》第六十条").tolist(),
        is_active=(~withdrawn[timed]).tolist(),
        met_at=aware(decided[timed], met),
    )

    # Legal review of the empowered towns' decisions outside the simple procedure.
    reviewed = np.flatnonzero(empowered & ~simple & is_decided)
    r = len(reviewed)
    review_ids = np.asarray(tables.ids(LegalReview, r))
    span = decided[reviewed] - filed[reviewed]
    requested = decided[reviewed] - (span * 0.2).astype(np.int64)
    concluded = decided[reviewed] - (span * 0.08).astype(np.int64)
    tables.add(
        LegalReview,
        id=review_ids.tolist(),
        case_id=ids[reviewed].tolist(),
        state=[ReviewState.APPROVED.value] * r,
        mode=[ReviewMode.SINGLE.value] * r,
        reasons=[[ReviewReason.EMPOWERED_TOWN.value]] * r,
        return_state=[CaseState.PRIOR_NOTICE.value] * r,
        requested_at=aware(requested),
        requested_by_id=lead[reviewed].tolist(),
        concluded_at=aware(concluded),
    )
    qualified = rng.random(r) < QUALIFIED_SHARE
    tables.add(
        ReviewSeat,
        id=list(tables.ids(ReviewSeat, r)),
        review_id=review_ids.tolist(),
        reviewer_id=[world.reviewer_id] * r,
        unit_id=[world.departments["dept-zhzf"]] * r,
        role=["legal_reviewer"] * r,
        opinion=[Opinion.APPROVE.value] * r,
        recorded_at=aware(concluded),
        qualified=qualified.tolist(),
        qualification_number=np.where(qualified, f"A2020{code}0001", "").tolist(),
    )

    # Fines paid: on the spot in the simple procedure, at closing otherwise.
    paid = np.flatnonzero(is_closed & penalised)
    tables.add(
        Payment,
        id=list(tables.ids(Payment, len(paid))),
        case_id=ids[paid].tolist(),
        amount=[Decimal(int(f)) for f in fine[paid].tolist()],
        paid_on=local_dates(closed[paid], year),
        collected_on_the_spot=simple[paid].tolist(),
        recorded_by_id=lead[paid].tolist(),
        recorded_at=aware(closed[paid]),
    )

    _leniency(rng, tables, ids, outcome, is_decided, decided, lead, year)
    _credit_repairs(rng, tables, ids, party, org_case, is_closed & penalised, decided, unit,
                    lead, as_of, year)  # fmt: skip


def _leniency(rng, tables, ids, outcome, is_decided, decided, lead, year) -> None:
    """The "一免一减" item applied to each no-penalty or reduced decision — one of the items of
    its kind whose version was in force on the decision day — when the list is loaded
    (``civicloop demo`` loads it); without a list, none."""
    versions: dict[str, list[tuple[int, int, dt.date, dt.date]]] = {}
    for version in LeniencyItemVersion.objects.filter(item__is_active=True).select_related("item"):
        versions.setdefault(version.item.kind, []).append(
            (
                version.item_id,
                version.pk,
                version.effective_from,
                version.effective_to or dt.date.max,
            )
        )
    pairs = (
        (ItemKind.EXEMPTION, Outcome.NO_PENALTY),
        (ItemKind.REDUCED, Outcome.REDUCED_PENALTY),
    )
    for kind, case_outcome in pairs:
        options = sorted(versions.get(kind, []))
        if not options:
            continue
        chosen = np.flatnonzero(is_decided & (outcome == case_outcome.value))
        rows = []
        for index, day in zip(chosen.tolist(), local_dates(decided[chosen], year), strict=True):
            in_force = [o for o in options if o[2] <= day <= o[3]]
            if in_force:
                item, version, _start, _end = in_force[int(rng.integers(0, len(in_force)))]
                rows.append((index, item, version))
        picked = np.array([r[0] for r in rows], dtype=np.int64)
        tables.add(
            AppliedItem,
            id=list(tables.ids(AppliedItem, len(rows))),
            case_id=ids[picked].tolist(),
            item_id=[r[1] for r in rows],
            version_id=[r[2] for r in rows],
            kind=[kind.value] * len(rows),
            outcome=[case_outcome.value] * len(rows),
            checks=[[]] * len(rows),
            applied_at=aware(decided[picked]),
            applied_by_id=lead[picked].tolist(),
        )


def _credit_repairs(rng, tables, ids, party, org_case, performed, decided, unit, lead, as_of,
                    year) -> None:  # fmt: skip
    """A few enterprises' published penalties repaired after the minimum three months."""
    chosen = np.flatnonzero(org_case & performed & (rng.random(len(ids)) < CREDIT_REPAIR_SHARE))
    repairable = decided[chosen] + 92 * DAY
    notified = repairable + DAY
    repaired = notified + rng.integers(10, 40, len(chosen)) * DAY
    done = repaired <= as_of
    keep = notified <= as_of
    chosen, repairable, notified, repaired, done = (
        chosen[keep],
        repairable[keep],
        notified[keep],
        repaired[keep],
        done[keep],
    )
    k = len(chosen)
    tables.add(
        CreditRepair,
        id=list(tables.ids(CreditRepair, k)),
        case_id=ids[chosen].tolist(),
        party_id=party[chosen].tolist(),
        handling_unit_id=unit[chosen].tolist(),
        state=np.where(done, RepairState.REPAIRED.value, RepairState.NOTIFIED.value).tolist(),
        penalty_kinds=[["fine"]] * k,
        published_on=local_dates(decided[chosen], year),
        minimum_months=[3] * k,
        repairable_on=local_dates(repairable, year),
        notified_at=aware(notified),
        repaired_at=aware(repaired, done),
        decided_by_id=np.where(done, lead[chosen], 0).tolist(),
    )
