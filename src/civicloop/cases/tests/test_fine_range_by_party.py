"""The fine is checked against the statutory range for the case's party type: where the
article sets separate ranges for 个人 and 单位 (森林防火条例 Art. 50: a person 200–3 000 yuan,
an organisation 10 000–50 000 yuan), a person's fine above the person's maximum is refused
even though an organisation could be fined that much."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from civicloop.cases import services
from civicloop.cases.choices import CaseState, Outcome
from civicloop.cases.rules import (
    FineRange,
    Penalty,
    check_fine_in_range,
    fine_range,
    principal_party_type,
)
from civicloop.core.errors import InvalidInput
from civicloop.parties.choices import PartyKind
from civicloop.testing.cases import MONDAY, at, file, findings, investigate
from civicloop.testing.matters import grant, make_matter

D = Decimal


@pytest.fixture
def fire(case_world):
    matter = make_matter(
        case_world,
        "LY-006",
        name="对森林防火期内未经批准擅自在森林防火区内野外用火的行政处罚",
        law="森林防火条例",
        article="第五十条",
        fine_max=None,
        ranges="person:200-3000;organisation:10000-50000",
        article_text=(
            "第五十条　违反本条例规定，森林防火期内未经批准擅自在森林防火区内野外用火的，由县级以上"
            "地方人民政府林业主管部门责令停止违法行为，给予警告，对个人并处200元以上3000元以下罚款，"
            "对单位并处1万元以上5万元以下罚款。"
        ),
    )
    grant(case_world, matter)
    return matter


def penalty(fine, outcome=Outcome.PENALTY):
    return Penalty(outcome, D(fine), None, ("fine",))


def test_the_range_for_each_party_type_and_the_widest_without_one(fire):
    versions = [fire.latest_version()]
    assert fine_range(versions, PartyKind.PERSON) == FineRange(D(200), D(3000), "person")
    assert fine_range(versions, PartyKind.ORGANISATION) == FineRange(
        D(10000), D(50000), "organisation"
    )
    # parties of both kinds (or none): each matter's widest range, as before
    assert fine_range(versions, None) == FineRange(D(200), D(50000))
    # several matters: the lowest minimum and the sum of the maxima for that party
    both = [*versions, fire.latest_version()]
    assert fine_range(both, PartyKind.PERSON) == FineRange(D(200), D(6000), "person")


def test_a_persons_fine_within_the_person_range_passes_and_above_it_is_refused(fire):
    versions = [fire.latest_version()]
    check_fine_in_range(penalty(3000), versions, reason="", party_type=PartyKind.PERSON)
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        check_fine_in_range(penalty("3000.01"), versions, reason="", party_type=PartyKind.PERSON)
    assert refused.value.field == "fine"
    assert "statutory maximum of 3000.00 yuan for individual" in str(refused.value.message)
    # below the person's minimum only as a reduced penalty with its ground
    with pytest.raises(InvalidInput):
        check_fine_in_range(penalty(199), versions, reason="", party_type=PartyKind.PERSON)
    check_fine_in_range(
        penalty(199, Outcome.REDUCED_PENALTY),
        versions,
        reason="主动消除危害后果",
        party_type=PartyKind.PERSON,
    )


def test_the_organisation_range_applies_to_an_organisation(fire):
    versions = [fire.latest_version()]
    check_fine_in_range(penalty(10000), versions, reason="", party_type=PartyKind.ORGANISATION)
    check_fine_in_range(penalty(50000), versions, reason="", party_type=PartyKind.ORGANISATION)
    with pytest.raises(InvalidInput):  # a person's fine is below an organisation's minimum
        check_fine_in_range(penalty(3000), versions, reason="", party_type=PartyKind.ORGANISATION)
    with pytest.raises(InvalidInput):
        check_fine_in_range(
            penalty("50000.01"), versions, reason="", party_type=PartyKind.ORGANISATION
        )


def test_a_matter_with_one_range_for_any_party_keeps_its_messages(case_world):
    versions = [case_world.town_matter.latest_version()]  # ZD-001: 2万元以下
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        check_fine_in_range(penalty(20001), versions, reason="", party_type=PartyKind.PERSON)
    assert str(refused.value.message) == "The fine exceeds the statutory maximum of 20000.00 yuan."


def test_the_principal_party_type_is_the_kind_of_the_parties_when_they_share_it(case_world):
    person, enterprise = case_world.person, case_world.enterprise
    assert principal_party_type([person]) == PartyKind.PERSON
    assert principal_party_type([enterprise]) == PartyKind.ORGANISATION
    assert principal_party_type([person, enterprise]) is None
    assert principal_party_type([]) is None


def test_concluding_the_investigation_checks_the_fine_for_the_cases_party(case_world, fire):
    cw = case_world
    with at(MONDAY):
        against_person = investigate(cw, file(cw, matters=[fire]))
        with pytest.raises(InvalidInput):
            services.conclude_investigation(
                against_person, by=cw.wuyuan_officer, findings=findings(fine=5000)
            )
        concluded = services.conclude_investigation(
            against_person, by=cw.wuyuan_officer, findings=findings(fine=3000)
        )
        assert concluded.state == CaseState.CASE_REVIEW

        against_company = investigate(
            cw, file(cw, matters=[fire], parties=[services.PartyLink(cw.enterprise)])
        )
        with pytest.raises(InvalidInput):
            services.conclude_investigation(
                against_company, by=cw.wuyuan_officer, findings=findings(fine=3000)
            )
        concluded = services.conclude_investigation(
            against_company, by=cw.wuyuan_officer, findings=findings(fine=20000)
        )
        assert concluded.state == CaseState.CASE_REVIEW
