"""The calculator on its own: which benchmark item is in force, which tier the facts choose (both
sides of each condition), how a percentage band becomes yuan for a person and an organisation,
and the weighted-factor formula with its cap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from civicloop.cases import services
from civicloop.cases.choices import CaseState, NoPenaltyGround, Outcome
from civicloop.cases.models import Case
from civicloop.discretion import assessing
from civicloop.discretion import calculator as calc
from civicloop.discretion.choices import (
    BandKind,
    BaseKind,
    BenchmarkStatus,
    Consequences,
    IssuerLevel,
    ItemMethod,
    LeniencyOutcome,
    PartyType,
)
from civicloop.discretion.tests import factory as f
from civicloop.matters.ranges import StatutoryRange
from civicloop.testing.cases import file

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


def facts(**kwargs) -> calc.Facts:
    kwargs.setdefault("first_offence", kwargs.get("prior_offences", 0) == 0)
    kwargs.setdefault("prior_offences", 0)
    return calc.Facts(**kwargs)


@pytest.fixture
def tiers(case_world):
    bench = f.benchmark(case_world.county)
    owner = f.item(bench, case_world.town_matter)
    return f.four_tiers(owner)


# --- the tier ---------------------------------------------------------------------------------


def chosen(tiers, **kwargs) -> str:
    tier, _lines = calc.choose_tier(tiers.values(), facts(**kwargs))
    return tier.label if tier else ""


def test_first_offence_corrected_in_time_is_the_lighter_tier_and_either_missing_is_not(tiers):
    assert chosen(tiers, prior_offences=0, corrected=True) == "从轻处罚"
    assert chosen(tiers, prior_offences=0, corrected=False) == "一般处罚"
    # A repeat offender who corrected in time is no first offender: the lighter tier is out.
    assert chosen(tiers, prior_offences=1, first_offence=False, corrected=True) == "从重处罚"


def test_not_knowing_whether_the_party_corrected_keeps_the_lighter_tier_out_and_says_so(tiers):
    tier, lines = calc.choose_tier(tiers.values(), facts(prior_offences=0))
    assert tier.label == "一般处罚"
    with translation.override("en"):
        tier, lines = calc.choose_tier(tiers.values(), facts(prior_offences=0))
    assert any("“从轻处罚” does not apply" in line and "not known" in line for line in lines)


@pytest.mark.parametrize(
    ("prior", "label"), [(0, "一般处罚"), (1, "从重处罚"), (2, "严重"), (5, "严重")]
)
def test_prior_offences_within_two_years_choose_the_heavier_tiers(tiers, prior, label):
    assert chosen(tiers, prior_offences=prior, corrected=False) == label


def test_the_explanation_names_the_conditions_of_the_chosen_tier(tiers):
    with translation.override("en"):
        tier, lines = calc.choose_tier(tiers.values(), facts(prior_offences=1, corrected=False))
    assert tier.label == "从重处罚"
    assert "“从重处罚” applies: at least 1 prior offences within two years" in lines[-1]


def test_consequences_cooperation_and_leniency_conditions_on_both_sides(case_world):
    owner = f.item(f.benchmark(case_world.county), case_world.town_matter)
    f.tier(owner, 1, "减轻处罚", (0, 0), leniency=LeniencyOutcome.REDUCED)
    f.tier(owner, 2, "从轻处罚", (100, 500), consequences=Consequences.MINOR, cooperative=True)
    f.tier(owner, 3, "一般处罚", (500, 2000))
    f.tier(owner, 4, "从重处罚", (2000, 5000), consequences=Consequences.SERIOUS)
    tiers = list(owner.tiers.all())

    def label(**kwargs):
        tier, _lines = calc.choose_tier(tiers, facts(**kwargs))
        return tier.label

    assert label(consequences=Consequences.MINOR, cooperative=True) == "从轻处罚"
    assert label(consequences=Consequences.MINOR, cooperative=False) == "一般处罚"
    assert label(consequences=Consequences.ORDINARY, cooperative=True) == "一般处罚"
    assert label(consequences=Consequences.SERIOUS) == "从重处罚"
    assert label(leniency=LeniencyOutcome.REDUCED) == "减轻处罚"
    assert label(leniency=LeniencyOutcome.LIGHTER) == "一般处罚"


def test_tiers_whose_conditions_are_words_only_are_left_to_the_officer(case_world):
    owner = f.item(f.benchmark(case_world.county), case_world.town_matter)
    f.tier(owner, 1, "轻微", (0, 1000))
    f.tier(owner, 2, "一般", (1000, 5000))
    tier, lines = calc.choose_tier(owner.tiers.all(), facts())
    assert tier is None
    # One unconditioned tier among conditioned ones is the default, though.
    f.tier(owner, 3, "严重", (5000, 9000), min_prior_offences=1)
    only_default = [t for t in owner.tiers.all() if t.label != "轻微"]
    assert calc.choose_tier(only_default, facts())[0].label == "一般"


# --- the band ---------------------------------------------------------------------------------

PERSON = StatutoryRange("person", Decimal("200"), Decimal("3000"))
ORGANISATION = StatutoryRange("organisation", Decimal("10000"), Decimal("50000"))


def test_a_percentage_band_is_taken_of_the_party_types_own_statutory_range(tiers):
    lighter, heavier = tiers["从轻处罚"], tiers["从重处罚"]
    assert calc.tier_band(lighter, PERSON, facts())[:2] == (Decimal("200.00"), Decimal("760.00"))
    assert calc.tier_band(lighter, ORGANISATION, facts())[:2] == (
        Decimal("10000.00"),
        Decimal("18000.00"),
    )
    assert calc.tier_band(heavier, PERSON, facts())[:2] == (Decimal("1880.00"), Decimal("2440.00"))
    assert calc.tier_band(heavier, ORGANISATION, facts())[:2] == (
        Decimal("34000.00"),
        Decimal("42000.00"),
    )


def test_amount_multiple_and_no_fine_bands(case_world):
    owner = f.item(f.benchmark(case_world.county), case_world.town_matter)
    amount = f.tier(owner, 1, "一般", (500, 2000))
    multiple = f.tier(owner, 2, "从重", (2, 3), kind=BandKind.MULTIPLE)
    nothing = f.tier(owner, 3, "不予处罚", kind=BandKind.NONE)
    assert calc.tier_band(amount, PERSON, facts())[:2] == (Decimal("500"), Decimal("2000"))
    low, high, lines = calc.tier_band(multiple, PERSON, facts())
    assert (low, high) == (None, None) and lines  # the base amount is asked for
    assert calc.tier_band(multiple, PERSON, facts(base_amount=Decimal("1500")))[:2] == (
        Decimal("3000.00"),
        Decimal("4500.00"),
    )
    assert calc.tier_band(nothing, PERSON, facts())[:2] == (Decimal("0"), Decimal("0"))


def test_the_whole_calculation_for_a_person_and_for_an_organisation(case_world, monkeypatch):
    """The statutory range comes from the matter catalogue by party type (matters.ranges)."""
    ranges = {"person": PERSON, "organisation": ORGANISATION}
    monkeypatch.setattr(calc, "range_for", lambda version, party_type: ranges[party_type])
    owner = f.item(f.benchmark(case_world.county), case_world.town_matter)
    f.four_tiers(owner)
    version = case_world.town_matter.versions.order_by("-id").first()
    for party_type, band in (
        ("person", (Decimal("1880.00"), Decimal("2440.00"))),
        ("organisation", (Decimal("34000.00"), Decimal("42000.00"))),
    ):
        result = calc.calculate(
            version, party_type, facts(prior_offences=1, first_offence=False), item=owner
        )
        assert result.tier.label == "从重处罚"
        assert (result.band_min, result.band_max) == band
        assert result.statutory == ranges[party_type]
        assert result.contains(band[0]) and result.contains(band[1])
        assert not result.contains(band[0] - Decimal("0.01"))
        assert not result.contains(band[1] + Decimal("0.01"))


# --- weighted factors -------------------------------------------------------------------------


def weighted(case_world, *, start=20, cap=100):
    owner = f.item(
        f.benchmark(case_world.county),
        case_world.town_matter,
        method=ItemMethod.FACTORS,
        start_percent=Decimal(start),
        cap_percent=Decimal(cap),
        base_kind=BaseKind.TOTAL_INVESTMENT,
    )
    levels = f.factors(
        owner,
        {"建设项目地点": {"一般区域": 0, "敏感区域": 30}, "违法程度": {"轻": 10, "重": 40}},
    )
    return owner, levels


def test_weighted_factors_add_to_the_start_percentage_times_the_base(case_world):
    owner, levels = weighted(case_world)
    chosen = [levels["建设项目地点:敏感区域"], levels["违法程度:轻"]]
    amount, _lines = calc.factor_amount(owner, chosen, Decimal("100000"))
    assert amount == Decimal("60000.00")  # (20 + 30 + 10) % of 100 000


def test_weighted_factors_are_capped(case_world):
    owner, levels = weighted(case_world, start=40, cap=90)
    chosen = [levels["建设项目地点:敏感区域"], levels["违法程度:重"]]
    amount, lines = calc.factor_amount(owner, chosen, Decimal("100000"))
    assert amount == Decimal("90000.00")  # 40 + 30 + 40 = 110 %, capped at 90 %
    just_under = [levels["建设项目地点:敏感区域"], levels["违法程度:轻"]]
    assert calc.factor_amount(owner, just_under, Decimal("100000"))[0] == Decimal("80000.00")


def test_weighted_factors_want_one_level_of_every_factor_and_the_base(case_world):
    owner, levels = weighted(case_world)
    assert calc.factor_amount(owner, [levels["违法程度:轻"]], Decimal("1000"))[0] is None
    both = [levels["建设项目地点:一般区域"], levels["违法程度:轻"]]
    assert calc.factor_amount(owner, both, None)[0] is None
    twice = [levels["违法程度:轻"], levels["违法程度:重"], levels["建设项目地点:一般区域"]]
    assert calc.factor_amount(owner, twice, Decimal("1000"))[0] is None
    result = calc.calculate(
        None,
        "person",
        facts(factor_levels=tuple(lv.pk for lv in both), base_amount=Decimal("50000")),
        item=owner,
    )
    assert result.band_min == result.band_max == Decimal("15000.00")


# --- which benchmark --------------------------------------------------------------------------


def test_the_towns_benchmark_before_the_countys_before_the_starter(case_world):
    cw = case_world
    starter = f.benchmark(cw.county, code="haiyan-starter", status=BenchmarkStatus.STARTER)
    f.item(starter, cw.town_matter)
    matter = cw.town_matter
    item, _lines = calc.item_in_force(matter, "person", cw.wuyuan, TODAY)
    assert item.benchmark == starter
    county = f.benchmark(cw.county)
    f.item(county, matter)
    assert calc.item_in_force(matter, "person", cw.wuyuan, TODAY)[0].benchmark == county
    town = f.benchmark(cw.wuyuan, code="wuyuan", level=IssuerLevel.TOWN, superior=county)
    f.item(town, matter)
    assert calc.item_in_force(matter, "person", cw.wuyuan, TODAY)[0].benchmark == town
    # Another town's benchmark does not apply in 甘浦.
    assert calc.item_in_force(matter, "person", cw.ganpu, TODAY)[0].benchmark == county


def test_the_party_types_own_item_before_the_any_party_item_and_dates_in_force(case_world):
    cw = case_world
    bench = f.benchmark(cw.county, effective_from=dt.date(2026, 1, 1))
    anyone = f.item(bench, cw.town_matter)
    firms = f.item(bench, cw.town_matter, party_type=PartyType.ORGANISATION)
    assert calc.item_in_force(cw.town_matter, "organisation", cw.wuyuan, TODAY)[0] == firms
    assert calc.item_in_force(cw.town_matter, "person", cw.wuyuan, TODAY)[0] == anyone
    before = dt.date(2025, 12, 31)
    assert calc.item_in_force(cw.town_matter, "person", cw.wuyuan, before)[0] is None


# --- prior offences from the records -------------------------------------------------------------


def decided_earlier(cw, *, violation: dt.date, outcome=Outcome.PENALTY, ground="", party=None):
    """A case of the party on ZD-001, recorded as decided (its violation dated back)."""
    case = file(cw, parties=[services.PartyLink(party or cw.person)])
    Case.objects.filter(pk=case.pk).update(
        violation_date=violation,
        decided_at=dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC),
        outcome=outcome,
        no_penalty_ground=ground,
        state=CaseState.CLOSED,
    )
    return case


def test_prior_offences_count_decided_cases_within_two_years_before_the_violation(case_world):
    cw = case_world
    case = file(cw, violation_date=TODAY)
    Case.objects.filter(pk=case.pk).update(violation_date=TODAY)
    case.refresh_from_db()

    def count():
        return len(calc.prior_offences(case, cw.town_matter, [cw.person]))

    decided_earlier(cw, violation=dt.date(2024, 5, 31))  # two years and a day before
    assert count() == 0
    decided_earlier(cw, violation=dt.date(2024, 6, 1))  # exactly two years before
    assert count() == 1
    decided_earlier(cw, violation=dt.date(2025, 9, 1))
    assert count() == 2
    # Not counted: another party, facts not established, not decided.
    decided_earlier(cw, violation=dt.date(2025, 9, 2), party=cw.enterprise)
    decided_earlier(
        cw,
        violation=dt.date(2025, 9, 3),
        outcome=Outcome.NO_PENALTY,
        ground=NoPenaltyGround.NOT_ESTABLISHED,
    )
    file(cw, violation_date=dt.date(2026, 5, 1))
    assert count() == 2
    facts = assessing.case_facts(case, cw.town_matter, {})
    assert (facts.prior_offences, facts.first_offence) == (2, False)
