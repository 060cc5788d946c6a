"""Which 一免一减 items apply to THIS case and why (Art. 32, 33): each condition met / not met /
not known with its evidence, the first-violation look-back across the party's earlier cases of
the same matter, the version in force on the violation day (or a more favourable later one),
and applying an item in the decision — refused, with nothing stored, when it does not apply."""

from __future__ import annotations

import datetime as dt

import pytest

from civicloop.cases.choices import CaseState, NoPenaltyGround, Outcome
from civicloop.cases.models import Case
from civicloop.core.errors import InvalidInput
from civicloop.leniency import services
from civicloop.leniency.choices import Harm, ItemKind, ItemStatus, LegalBasis
from civicloop.leniency.evaluation import evaluate_case
from civicloop.leniency.models import AppliedItem
from civicloop.testing.cases import MONDAY, at, file

from .helpers import FIRST, decide_exempt, decided_no_penalty_case, exemption, record, to_decision

TODAY = MONDAY.date()


def _evaluation(case, code="MF-ZD-001"):
    return next(e for e in evaluate_case(case, today=TODAY) if e.item.code == code)


def _check(evaluation, code):
    return next(c for c in evaluation.checks if c.code == code)


def test_an_item_applies_when_every_condition_is_met_and_the_evidence_says_why(lw):
    cw = lw
    exemption(cw)
    with at(MONDAY):
        case = file(cw)
        record(cw, case, harm=Harm.MINOR)
    e = _evaluation(case)
    assert e.status == ItemStatus.APPLIES and e.applies
    assert [(c.code, c.met) for c in e.checks] == [
        ("first_violation", True),
        ("harm", True),
        ("corrected_in_time", True),
    ]
    assert "No earlier violation of ZD-001" in _check(e, "first_violation").evidence
    assert _check(e, "harm").evidence == "Recorded: minor harm."


def test_an_item_is_not_known_yet_until_the_circumstances_are_recorded(lw):
    cw = lw
    exemption(cw)
    with at(MONDAY):
        case = file(cw)
    e = _evaluation(case)
    assert e.status == ItemStatus.UNDETERMINED
    assert _check(e, "harm").met is None and _check(e, "corrected_in_time").met is None
    assert _check(e, "first_violation").met is True
    assert "harmful consequence is not recorded" in e.explain()


def test_more_than_minor_harm_or_a_late_correction_makes_the_item_not_apply(lw):
    cw = lw
    exemption(cw)
    with at(MONDAY):
        case = file(cw, violation_date=TODAY - dt.timedelta(days=10))
        record(
            cw,
            case,
            harm=Harm.SERIOUS,
            ordered=TODAY - dt.timedelta(days=10),
            due=TODAY - dt.timedelta(days=7),
            corrected=TODAY - dt.timedelta(days=2),
        )
    e = _evaluation(case)
    assert e.status == ItemStatus.NOT_APPLICABLE
    assert _check(e, "harm").met is False
    corrected = _check(e, "corrected_in_time")
    assert corrected.met is False and "after the time ordered" in corrected.evidence
    assert (TODAY - dt.timedelta(days=2)).isoformat() in corrected.evidence


def test_not_corrected_by_the_deadline_is_not_met_and_before_it_is_not_known(lw):
    cw = lw
    exemption(cw, conditions="corrected_in_time", basis=LegalBasis.ART33_MINOR)
    with at(MONDAY):
        case = file(cw, violation_date=TODAY - dt.timedelta(days=5))
        services.record_circumstances(
            case,
            by=cw.wuyuan_officer,
            data=services.CircumstancesData(
                harm=Harm.NONE,
                correction_ordered_on=TODAY - dt.timedelta(days=5),
                correction_due_on=TODAY + dt.timedelta(days=2),
            ),
        )
    assert _check(_evaluation(case), "corrected_in_time").met is None
    later = next(e for e in evaluate_case(case, today=TODAY + dt.timedelta(days=3)))
    assert _check(later, "corrected_in_time").met is False


def test_an_earlier_violation_of_the_same_matter_by_the_party_within_the_window_is_named(lw):
    cw = lw
    exemption(cw)
    with at(MONDAY - dt.timedelta(days=200)):
        earlier = decided_no_penalty_case(cw, items=(), ground=NoPenaltyGround.MINOR_CORRECTED)
    with at(MONDAY):
        case = file(cw)
        record(cw, case)
    e = _evaluation(case)
    first = _check(e, "first_violation")
    assert e.status == ItemStatus.NOT_APPLICABLE and first.met is False
    assert earlier.number in first.evidence and "Earlier violation of ZD-001" in first.evidence


def test_the_look_back_ignores_other_matters_other_parties_older_cases_and_unfounded_ones(lw):
    cw = lw
    exemption(cw)
    exemption(cw, "MF-ZD-002", matter=cw.county_matter)
    from civicloop.cases.services import PartyLink

    # Same party, another matter (the county department's ZD-002).
    with at(MONDAY - dt.timedelta(days=100)):
        other_matter = file(
            cw,
            unit=cw.dept_zhzf,
            by=cw.zhzf_handler1,
            handlers=[cw.zhzf_handler1, cw.zhzf_handler2],
            matters=[cw.county_matter],
        )
        # Same matter, another party.
        decided_no_penalty_case(
            cw, items=(), ground=NoPenaltyGround.MINOR_CORRECTED, parties=[PartyLink(cw.enterprise)]
        )
        # Same party and matter, but the facts were not established.
        decided_no_penalty_case(cw, items=(), ground=NoPenaltyGround.NOT_ESTABLISHED)
    assert other_matter.pk
    with at(MONDAY):
        case = file(cw)
        record(cw, case)
    first = _check(_evaluation(case), "first_violation")
    assert first.met is True, first.evidence
    assert "2 other cases of the party checked" in first.evidence


def test_an_earlier_case_still_undecided_makes_the_first_violation_not_known(lw):
    cw = lw
    exemption(cw)
    with at(MONDAY - dt.timedelta(days=30)):
        pending = file(cw)
    with at(MONDAY):
        case = file(cw)
        record(cw, case)
    e = _evaluation(case)
    first = _check(e, "first_violation")
    assert first.met is None and pending.number in first.evidence
    assert e.status == ItemStatus.UNDETERMINED


def test_a_look_back_before_the_records_begin_is_not_known_until_earlier_records_are_checked(
    lw, settings
):
    cw = lw
    settings.CIVICLOOP_LENIENCY_RECORDS_SINCE = "2025-01-01"
    exemption(cw)
    with at(MONDAY):
        case = file(cw)
        record(cw, case)
    first = _check(_evaluation(case), "first_violation")
    assert first.met is None and "2025-01-01" in first.evidence
    with at(MONDAY):
        record(cw, case, earlier_checked=True)
    first = _check(_evaluation(case), "first_violation")
    assert first.met is True and "checked elsewhere" in first.evidence


def test_the_version_in_force_on_the_violation_day_counts_unless_a_later_one_is_more_favourable(lw):
    cw = lw
    item = exemption(
        cw,
        conditions="first_violation=2; harm=none; corrected_in_time",
        basis=LegalBasis.ART33_FIRST,
    )
    with at(MONDAY):
        case = file(cw, violation_date=TODAY - dt.timedelta(days=20))
        record(cw, case, harm=Harm.MINOR, ordered=TODAY - dt.timedelta(days=20))
    assert _evaluation(case).status == ItemStatus.NOT_APPLICABLE
    # From ten days ago the list accepts minor harm: more favourable, so the new version counts.
    services.add_version(
        item,
        by=None,
        system=True,
        effective_from=TODAY - dt.timedelta(days=10),
        content=services.VersionData(
            title="首次占道经营，危害轻微并及时改正",
            conditions=FIRST,
            legal_basis=LegalBasis.ART33_FIRST,
        ),
    )
    e = _evaluation(case)
    assert e.status == ItemStatus.APPLIES and e.version.number == 2 and e.version_day == TODAY


def test_a_stricter_later_version_does_not_take_away_what_the_violation_days_version_gave(lw):
    cw = lw
    item = exemption(cw)
    with at(MONDAY):
        case = file(cw, violation_date=TODAY - dt.timedelta(days=20))
        record(cw, case, harm=Harm.MINOR, ordered=TODAY - dt.timedelta(days=20))
    services.add_version(
        item,
        by=None,
        system=True,
        effective_from=TODAY - dt.timedelta(days=10),
        content=services.VersionData(
            title="首次占道经营，无危害后果",
            conditions="first_violation=2; harm=none; corrected_in_time",
            legal_basis=LegalBasis.ART33_FIRST,
        ),
    )
    e = _evaluation(case)
    assert e.status == ItemStatus.APPLIES and e.version.number == 1
    assert e.version_day == TODAY - dt.timedelta(days=20)


def test_applying_an_item_in_the_decision_records_it_with_the_version_and_the_checks(lw):
    cw = lw
    exemption(cw)
    with at(MONDAY):
        case = decided_no_penalty_case(cw)
    applied = AppliedItem.objects.get(case=case)
    assert applied.item.code == "MF-ZD-001" and applied.version.number == 1
    assert applied.kind == ItemKind.EXEMPTION and applied.outcome == Outcome.NO_PENALTY
    assert applied.applied_by == cw.wuyuan_leader
    assert [c["met"] for c in applied.checks] == [True, True, True]
    row = case.history.get(action="decide")
    assert row.details["leniency_items"] == ["MF-ZD-001"] and row.actor == cw.wuyuan_leader


def test_an_item_that_does_not_apply_is_refused_in_chinese_and_nothing_is_stored(lw):
    cw = lw
    exemption(cw)
    with at(MONDAY):
        case = file(cw)
        record(cw, case, harm=Harm.SERIOUS)
        case = to_decision(cw, case)
        with pytest.raises(InvalidInput) as refused:
            decide_exempt(cw, case)
    assert refused.value.field == "leniency_items"
    message = str(refused.value)
    assert message.startswith("MF-ZD-001") and "harmful consequence at most" in message
    case = Case.objects.get(pk=case.pk)
    assert case.decided_at is None and case.state != CaseState.DECIDED
    assert not AppliedItem.objects.exists() and not case.history.filter(action="decide").exists()


def test_an_item_not_yet_known_is_refused_too(lw):
    cw = lw
    exemption(cw)
    with at(MONDAY):
        case = to_decision(cw, file(cw))
        with pytest.raises(InvalidInput) as refused:
            decide_exempt(cw, case)
    assert "not known yet" in str(refused.value) and "harmful consequence" in str(refused.value)
    assert not AppliedItem.objects.exists()


def test_an_item_must_go_with_the_outcome_and_its_legal_ground(lw):
    cw = lw
    exemption(cw)
    with at(MONDAY):
        case = file(cw)
        record(cw, case)
        case = to_decision(cw, case)
        with pytest.raises(InvalidInput) as ground:
            decide_exempt(cw, case, ground=NoPenaltyGround.MINOR_CORRECTED)
        assert ground.value.field == "no_penalty_ground" and "MF-ZD-001" in str(ground.value)
        with pytest.raises(InvalidInput) as unknown:
            decide_exempt(cw, case, items=("MF-XX-999",))
        assert unknown.value.field == "leniency_items" and "MF-XX-999" in str(unknown.value)
    assert not AppliedItem.objects.exists()


def test_a_later_version_does_not_rewrite_a_decision_taken_earlier(lw):
    cw = lw
    item = exemption(cw)
    with at(MONDAY):
        case = decided_no_penalty_case(cw)
    with at(MONDAY + dt.timedelta(days=30)):
        services.add_version(
            item,
            by=cw.centre,
            effective_from=TODAY + dt.timedelta(days=30),
            content=services.VersionData(
                title="新情形",
                conditions="first_violation=3; harm=none",
                legal_basis=LegalBasis.ART33_FIRST,
            ),
        )
    applied = AppliedItem.objects.get(case=case)
    assert applied.version.number == 1 and applied.version.title == "首次占道经营，经劝导及时改正"
    assert applied.version.effective_to == TODAY + dt.timedelta(days=29)
    assert [c["code"] for c in applied.checks] == ["first_violation", "harm", "corrected_in_time"]


def test_the_decide_form_shows_which_items_apply_and_why(lw, client):
    cw = lw
    exemption(cw)
    exemption(
        cw,
        "JQ-ZD-001",
        kind=ItemKind.REDUCED,
        basis=LegalBasis.ART32,
        conditions="harm=none",
        title="主动消除危害后果",
    )
    with at(MONDAY):
        case = file(cw)
        record(cw, case)
        case = to_decision(cw, case)
        client.force_login(cw.wuyuan_leader)
        page = client.get(
            f"/cases/{case.pk}/act/decide/", HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    assert 'data-item="MF-ZD-001" data-status="applies"' in page
    assert 'data-item="JQ-ZD-001" data-status="not_applicable"' in page
    assert 'data-condition="harm" data-met="no"' in page
    assert 'value="MF-ZD-001"' in page  # offered in the decision form


def test_the_decision_page_refusal_shows_on_the_field_and_stores_nothing(lw, client):
    cw = lw
    exemption(cw)
    with at(MONDAY):
        case = to_decision(cw, file(cw))
        client.force_login(cw.wuyuan_leader)
        response = client.post(
            f"/cases/{case.pk}/act/decide/",
            {
                "outcome": Outcome.NO_PENALTY,
                "no_penalty_ground": NoPenaltyGround.FIRST_MINOR,
                "reason": "首次违法",
                "leniency_items": ["MF-ZD-001"],
                "confirm": "on",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "MF-ZD-001" in page and "harmful consequence" in page
    assert Case.objects.get(pk=case.pk).decided_at is None and not AppliedItem.objects.exists()
