"""The risk sweep over decided cases in the database: each flag on both sides of its threshold
(the file scan's rules, one core), idempotent re-sweeps, resolution by the system, the review
with its history, the figures and the command."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from civicloop.cases.choices import Outcome
from civicloop.cases.models import Case
from civicloop.core.errors import InvalidInput, InvalidTransition, NotPermitted
from civicloop.core.figures import Period, figures
from civicloop.discretion.models import RiskFlag, RiskFlagHistory, RiskState
from civicloop.discretion.risks import review_flag, sweep, visible_flags
from civicloop.testing.matters import make_matter

from .risk_world import decided, dq005, peers

pytestmark = pytest.mark.django_db


def kinds(case) -> set[str]:
    return set(case.risk_flags.filter(state=RiskState.OPEN).values_list("kind", flat=True))


def test_a_fine_outside_the_statutory_range_of_the_decided_version_is_flagged(case_world):
    matter = dq005(case_world)
    at_max = decided(case_world, matter, 3000, facts="甲")
    above = decided(case_world, matter, 3001, facts="乙")
    at_min = decided(case_world, matter, 200, facts="丙")
    below = decided(case_world, matter, 199.99, facts="丁")
    report = sweep()
    assert report.found["outside_statutory_range"] == 2
    assert kinds(at_max) == set() and kinds(at_min) == set()
    assert kinds(above) == {"outside_statutory_range"}
    assert kinds(below) == {"outside_statutory_range"}
    flag = above.risk_flags.get()
    assert (flag.expected_min, flag.expected_max, flag.fine) == (200, 3000, Decimal("3001"))
    assert flag.evidence["stat_min"] == 200 and flag.evidence["stat_max"] == 3000
    # Kept as the sweep wrote it (Chinese), shown in the reader's language.
    assert "3001" in flag.evidence_text and "200–3000" in flag.evidence_text
    with translation.override("en"):
        assert flag.evidence_shown == "fine 3001 outside the statutory 200–3000"
    assert flag.evidence_shown == flag.evidence_text != "fine 3001 outside the statutory 200–3000"


def test_a_reduced_penalty_goes_below_the_minimum_but_never_above_the_maximum(case_world):
    matter = dq005(case_world)
    below = decided(case_world, matter, 150, facts="减轻甲")
    above = decided(case_world, matter, 3001, facts="减轻乙")
    # 减轻处罚 (Art. 32): below the statutory minimum on a stated ground, which is lawful.
    Case.objects.filter(pk__in=[below.pk, above.pk]).update(outcome=Outcome.REDUCED_PENALTY)
    sweep()
    assert kinds(below) == set()
    assert kinds(above) == {"outside_statutory_range"}


def test_the_calculators_statutory_range_comes_before_the_catalogs(case_world):
    matter = dq005(case_world)
    # The calculator read the organisation's 10 000–50 000 for this case.
    case = decided(case_world, matter, 5000, tier="一般", band=(20000, 30000), stat=(10000, 50000))
    sweep()
    assert kinds(case) == {"outside_statutory_range", "outside_tier_band"}


def test_a_fine_outside_the_tiers_band_is_flagged_only_without_a_written_reason(case_world):
    matter = dq005(case_world)
    edge = decided(case_world, matter, 2000, facts="甲", tier="一般", band=(1000, 2000))
    over = decided(case_world, matter, 2001, facts="乙", tier="一般", band=(1000, 2000))
    explained = decided(
        case_world,
        matter,
        2001,
        facts="丙",
        tier="一般",
        band=(1000, 2000),
        reason="两年内第二次违法，酌情从重",
    )
    untiered = decided(case_world, matter, 2900, facts="丁")
    sweep()
    assert kinds(edge) == set() and kinds(explained) == set() and kinds(untiered) == set()
    assert kinds(over) == {"outside_tier_band"}
    flag = over.risk_flags.get()
    assert (flag.expected_min, flag.expected_max) == (1000, 2000)
    assert flag.evidence["tier"] == "一般" and flag.evidence["band_max"] == 2000
    assert "一般" in flag.evidence_text


def test_a_peer_outlier_needs_eight_peers_and_a_robust_z_of_three_and_a_half(case_world):
    # z = |f − 1500| / (1.4826 × 50): 1 759 gives 3.49, 1 760 gives 3.51 (with 8 peers + 1).
    near_matter = make_matter(case_world, "PX-001", fine_min=0, fine_max=3000, delegable=False)
    peers(case_world, near_matter, 8)
    near = decided(case_world, near_matter, 1759, facts="远甲")
    far_matter = make_matter(case_world, "PX-002", fine_min=0, fine_max=3000, delegable=False)
    peers(case_world, far_matter, 8)
    far = decided(case_world, far_matter, 1760, facts="远乙")
    few_matter = make_matter(case_world, "PX-003", fine_min=0, fine_max=3000, delegable=False)
    peers(case_world, few_matter, 6)
    lonely = decided(case_world, few_matter, 2990, facts="远丙")  # 7 cases: too few
    sweep()
    assert "peer_outlier" not in kinds(near)
    assert "peer_outlier" not in kinds(lonely)
    assert kinds(far) == {"peer_outlier"}
    evidence = far.risk_flags.get().evidence
    assert evidence["median"] == 1500 and evidence["mad"] == 50 and evidence["peers"] == 9
    assert 3.5 <= evidence["z"] < 3.52


def test_peers_are_of_the_same_tier_and_untiered_cases_are_peers_of_each_other(case_world):
    matter = make_matter(case_world, "PX-004", fine_min=0, fine_max=5000, delegable=False)
    peers(case_world, matter, 8)  # no tier
    heavy = decided(case_world, matter, 4000, facts="从重甲", tier="从重", band=(3000, 5000))
    sweep()
    # 4 000 would be an outlier among the untiered cases; as the only 从重 case it has no peers.
    assert kinds(heavy) == set()


def test_the_same_facts_fined_three_times_apart_flag_both_cases_with_each_other(case_world):
    matter = dq005(case_world)
    facts = "当事人于2026年3月5日在武原街道露天焚烧垃圾，面积约10平方米。"
    same = "当事人于2026年4月12日在武原街道露天焚烧垃圾，面积约20平方米！"
    low = decided(case_world, matter, 500, facts=facts)
    high = decided(case_world, matter, 1500, facts=same)
    below_ratio = [
        decided(case_world, matter, 600, facts="当事人在百步镇焚烧落叶。"),
        decided(case_world, matter, 1799, facts="当事人在百步镇焚烧落叶。"),
    ]
    # The same facts by an organisation are another party type: not compared with the person's.
    org = decided(case_world, matter, 3000, facts=facts, party=case_world.enterprise)
    sweep()
    assert kinds(low) == {"same_facts_different_fine"}
    assert kinds(high) == {"same_facts_different_fine"}
    assert all(kinds(case) == set() for case in below_ratio)
    assert "same_facts_different_fine" not in kinds(org)
    low_flag, high_flag = low.risk_flags.get(), high.risk_flags.get()
    assert low_flag.evidence["other_case"] == high.pk
    assert high_flag.evidence["other_number"] == low.number
    assert (low_flag.evidence["low"], low_flag.evidence["high"]) == (500, 1500)


def test_a_resweep_updates_and_never_duplicates_and_resolves_what_no_longer_holds(case_world):
    matter = dq005(case_world)
    case = decided(case_world, matter, 3001, facts="甲")
    first = sweep()
    again = sweep()
    assert first.found["outside_statutory_range"] == 1
    assert again.total_found == 0 and again.unchanged == 1 and again.updated == 0
    flag = RiskFlag.objects.get()
    assert flag.sweep_run == again.run
    assert list(flag.history.values_list("action", flat=True)) == ["find"]

    # A different fine: the same flag, its evidence updated with one history row.
    case.fine_amount = Decimal("3500")
    case.save(update_fields=["fine_amount"])
    report = sweep()
    assert report.updated == 1 and RiskFlag.objects.count() == 1
    flag.refresh_from_db()
    assert flag.fine == 3500 and flag.evidence["fine"] == 3500
    assert list(flag.history.values_list("action", flat=True)) == ["find", "update"]

    # Corrected into the range: the system resolves the open flag.
    case.fine_amount = Decimal("3000")
    case.save(update_fields=["fine_amount"])
    report = sweep()
    assert report.resolved == 1
    flag.refresh_from_db()
    assert flag.state == RiskState.RESOLVED and flag.resolved_at is not None
    last = flag.history.last()
    assert (last.action, last.actor, last.from_state, last.to_state) == (
        "resolve",
        None,
        "open",
        "resolved",
    )
    assert sweep().resolved == 0


def test_a_reviewed_flag_stands_until_the_fine_changes_and_the_risk_remains(case_world):
    matter = dq005(case_world)
    case = decided(case_world, matter, 3001, facts="甲")
    sweep()
    flag = RiskFlag.objects.get()
    review_flag(flag, outcome="explain", note="笔误，实际处罚3000元", by=case_world.legal_reviewer)
    sweep()
    assert RiskFlag.objects.count() == 1
    case.fine_amount = Decimal("3200")
    case.save(update_fields=["fine_amount"])
    sweep()
    assert RiskFlag.objects.filter(state=RiskState.OPEN).count() == 1
    assert RiskFlag.objects.get(pk=flag.pk).state == RiskState.EXPLAINED


def test_since_limits_the_cases_whose_flags_are_written(case_world):
    matter = dq005(case_world)
    old = decided(case_world, matter, 3001, facts="甲", on=dt.date(2026, 1, 5))
    new = decided(case_world, matter, 3001, facts="乙", on=dt.date(2026, 5, 5))
    report = sweep(since=dt.date(2026, 3, 1))
    assert report.cases == 1
    assert kinds(old) == set() and kinds(new) == {"outside_statutory_range"}


# --- the review ------------------------------------------------------------------------------


@pytest.fixture
def flagged(case_world):
    matter = dq005(case_world)
    case = decided(case_world, matter, 3001, facts="甲")
    sweep()
    return case.risk_flags.get()


def test_a_legal_reviewer_confirms_and_later_records_the_correction(case_world, flagged):
    review_flag(flagged, outcome="confirm", note="超出法定上限", by=case_world.legal_reviewer)
    flagged.refresh_from_db()
    assert flagged.state == RiskState.CONFIRMED and flagged.confirmed_at is not None
    confirmed_at = flagged.confirmed_at
    with pytest.raises(InvalidInput) as exc:
        review_flag(flagged, outcome="correct", note="已变更", by=case_world.legal_reviewer)
    assert exc.value.field == "amount"
    review_flag(
        flagged, outcome="correct", note="已变更为3000元", amount="1", by=case_world.legal_reviewer
    )
    flagged.refresh_from_db()
    assert flagged.state == RiskState.CORRECTED and flagged.amount_corrected == Decimal("1.00")
    assert flagged.confirmed_at == confirmed_at and flagged.corrected_at is not None
    rows = list(RiskFlagHistory.objects.filter(flag=flagged).order_by("id"))
    assert [(r.action, r.from_state, r.to_state, r.actor) for r in rows] == [
        ("find", "", "open", None),
        ("confirm", "open", "confirmed", case_world.legal_reviewer),
        ("correct", "confirmed", "corrected", case_world.legal_reviewer),
    ]
    assert rows[-1].reason == "已变更为3000元" and rows[-1].details == {"amount": "1.00"}


def test_an_explanation_needs_a_note_and_takes_no_amount(case_world, flagged):
    with pytest.raises(InvalidInput) as exc:
        review_flag(flagged, outcome="explain", note="  ", by=case_world.legal_reviewer)
    assert exc.value.field == "reason"
    with pytest.raises(InvalidInput) as exc:
        review_flag(
            flagged, outcome="explain", note="有理由", amount=5, by=case_world.legal_reviewer
        )
    assert exc.value.field == "amount"
    with pytest.raises(InvalidInput):
        review_flag(flagged, outcome="correct", note="x", amount=-1, by=case_world.legal_reviewer)
    review_flag(flagged, outcome="explain", note="有理由", by=case_world.lawyer)
    flagged.refresh_from_db()
    assert flagged.state == RiskState.EXPLAINED and flagged.reviewed_by == case_world.lawyer
    assert flagged.confirmed_at is None
    with pytest.raises(InvalidTransition):
        review_flag(flagged, outcome="confirm", by=case_world.legal_reviewer)


def test_only_reviewers_of_the_cases_area_who_did_not_handle_it_review(case_world, flagged):
    for user in (
        case_world.leader,  # sees, does not review
        case_world.wuyuan_officer,  # its handler, and no reviewer
        case_world.unqualified_reviewer,  # a reviewer of 澉浦镇, not of 武原街道
    ):
        with pytest.raises(NotPermitted):
            review_flag(flagged, outcome="confirm", by=user)
    flagged.case.handlers.create(user=case_world.wuyuan_reviewer, certificate_number="-")
    with pytest.raises(NotPermitted):
        review_flag(flagged, outcome="confirm", by=case_world.wuyuan_reviewer)
    assert RiskFlag.objects.get(pk=flagged.pk).state == RiskState.OPEN


def test_reviewers_see_their_areas_flags_leaders_all_and_officers_none(case_world, flagged):
    assert list(visible_flags(case_world.legal_reviewer)) == [flagged]  # county department
    assert list(visible_flags(case_world.wuyuan_reviewer)) == [flagged]
    assert list(visible_flags(case_world.leader)) == [flagged]
    assert list(visible_flags(case_world.unqualified_reviewer)) == []  # 澉浦镇
    assert list(visible_flags(case_world.wuyuan_officer)) == []


# --- figures and the command ---------------------------------------------------------------


def test_the_figures_count_flags_found_and_confirmed_and_sum_the_amounts_corrected(case_world):
    matter = dq005(case_world)
    cases = [decided(case_world, matter, 3001 + i, facts=f"事实{'甲乙丙'[i]}") for i in range(3)]
    sweep()
    flags = [case.risk_flags.get() for case in cases]
    review_flag(flags[0], outcome="correct", note="变更", amount="1200.50", by=case_world.lawyer)
    review_flag(flags[1], outcome="confirm", by=case_world.lawyer)
    review_flag(flags[2], outcome="explain", note="说明", by=case_world.lawyer)
    everything = Period()
    assert figures.get("discretion.risks_found").value(everything) == 3
    assert figures.get("discretion.risks_confirmed").value(everything) == 2
    assert figures.get("discretion.losses_recovered").value(everything) == 1200.5
    assert figures.get("discretion.risks_found").value(everything, case_world.ganpu) == 0
    assert figures.get("discretion.losses_recovered").value(everything, case_world.wuyuan) == 1200.5
    assert figures.get("discretion.risks_found").value(Period.year(2025)) == 0
    out = io.StringIO()
    call_command("kpi", "discretion", stdout=out, language="en")
    assert "risks_found" in out.getvalue() and "1200.5" in out.getvalue()


def test_the_sweep_command_prints_the_counts(case_world):
    matter = dq005(case_world)
    decided(case_world, matter, 3001, facts="甲")
    decided(case_world, matter, 100, facts="乙", on=dt.date(2025, 1, 1))
    out = io.StringIO()
    call_command("discretion", "sweep", "--since", "2026-01-01", stdout=out, language="en")
    text = out.getvalue()
    assert "outside_statutory_range" in text
    assert "Swept 1 decided cases" in text and "1 flags found" in text
    with pytest.raises(CommandError, match="--since"):
        call_command("discretion", "sweep", "--since", "2026-13-01", language="en")
