"""The figures of flexible enforcement (leniency/kpis.py).

Through the services and ``civicloop kpi cases --json`` (the old keys): ``leniency_items`` counts
the 一免一减 items applied in decisions made in the period (one per item and decision, dated by the
decision); ``credit_repairs`` counts the enterprises whose repair was approved in the period.
Neither counts what was only evaluated, refused or opened.

Against hand-counted rows (:func:`june`): the size of the list on the period's last day, items
applied vs. items used, enterprises vs. repairs, a town's own cases, last year's month, the
buckets, and the drill-down lists."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import defaultdict
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from civicloop.cases.choices import CaseSource, CaseState, Outcome, Procedure
from civicloop.cases.kpis import Period, report
from civicloop.cases.models import Case
from civicloop.core.figures import figures
from civicloop.leniency import credit, services
from civicloop.leniency.choices import ItemKind, LegalBasis, RepairState
from civicloop.leniency.models import AppliedItem, CreditRepair, LeniencyItem
from civicloop.parties.choices import PartyKind
from civicloop.parties.models import Party
from civicloop.testing.cases import MONDAY, at, file, local

from .helpers import decided_no_penalty_case, enterprise_party, exemption, paid_penalty, record


def kpi(start: str, end: str) -> dict:
    """The values of ``civicloop kpi cases --json`` by figure name."""
    out = io.StringIO()
    call_command("kpi", "cases", "--json", "--from", start, "--to", end, stdout=out)
    data = json.loads(out.getvalue())["figures"]
    return {key.split(".", 1)[1]: figure["value"] for key, figure in data.items()}


def test_items_applied_in_decisions_of_the_period_are_counted_by_decision_date(lw):
    cw = lw
    exemption(cw)
    with at(MONDAY - dt.timedelta(days=60)):
        decided_no_penalty_case(cw, parties=enterprise_party(cw))
    with at(MONDAY):
        decided_no_penalty_case(cw)
        evaluated_only = file(cw)
        record(cw, evaluated_only)  # the item applies, but no decision applied it
    assert kpi("2026-06-01", "2026-06-30")["leniency_items"] == 1
    assert kpi("2026-03-01", "2026-06-30")["leniency_items"] == 2
    assert kpi("2026-07-01", "2026-07-31")["leniency_items"] == 0
    assert report(Period())["leniency_items"] == 2


def test_credit_repairs_are_counted_when_approved_not_when_opened_or_refused(lw):
    cw = lw
    with at(MONDAY):
        first = paid_penalty(cw)
        second = paid_penalty(cw)
    with at(dt.datetime(2026, 9, 1, 8, 0)):
        assert credit.sweep_credit_repairs() == 2
        for case in (first, second):
            repair = case.credit_repairs.get()
            services.record_application(
                repair, by=cw.wuyuan_officer, applied_on=dt.date(2026, 9, 1)
            )
            services.check_materials(repair, by=cw.wuyuan_officer, note="齐全")
    assert kpi("2026-09-01", "2026-09-30")["credit_repairs"] == 0
    with at(dt.datetime(2026, 9, 10, 10, 0)):
        services.approve_repair(first.credit_repairs.get(), by=cw.wuyuan_leader)
        services.refuse_repair(second.credit_repairs.get(), by=cw.wuyuan_leader, reason="材料不实")
    assert kpi("2026-09-01", "2026-09-30")["credit_repairs"] == 1
    assert kpi("2026-09-11", "2026-09-30")["credit_repairs"] == 0
    assert kpi("2026-09-10", "2026-09-10")["credit_repairs"] == 1


# --- hand-counted rows ----------------------------------------------------------------------------

JUNE = Period.month(2026, 6)


def value(name: str, period: Period = JUNE, region=None):
    return figures.get(f"leniency.{name}").value(period, region)


def decided(cw, number, when, *, unit=None):
    return Case.objects.create(
        number=number,
        title=number,
        handling_unit=unit or cw.wuyuan_squad,
        procedure=Procedure.ORDINARY,
        source=CaseSource.DIRECT,
        facts="—",
        violation_date=dt.date(2025, 1, 1),
        filed_by=cw.wuyuan_officer,
        filed_at=local(when - dt.timedelta(days=10)),
        decided_at=local(when),
        outcome=Outcome.NO_PENALTY,
        state=CaseState.DECIDED,
    )


def apply(cw, case, item):
    return AppliedItem.objects.create(
        case=case,
        item=item,
        version=item.versions.get(),
        kind=item.kind,
        outcome=Outcome.NO_PENALTY,
        applied_by=cw.wuyuan_officer,
    )


def repair(cw, case, party, *, repaired=None, state=RepairState.REPAIRED):
    return CreditRepair.objects.create(
        case=case,
        party=party,
        handling_unit=case.handling_unit,
        state=state,
        penalty_kinds=["fine"],
        published_on=dt.date(2025, 1, 1),
        minimum_months=3,
        repairable_on=dt.date(2025, 4, 1),
        repaired_at=local(repaired) if repaired else None,
    )


@pytest.fixture
def june(lw):
    """Items: MF-1 and MF-4 on the list since 2024; MF-2 from 1 July 2026; MF-3 withdrawn with
    15 June 2026 as its last day.

    Decisions and items applied: P (武原, 00:10 on 1 June) MF-1 and MF-4; Q (澉浦, 20 June) MF-1;
    R (武原, 23:50 on 31 May) MF-1; S (武原, 10 June 2025) MF-1.

    Repairs approved: 百味 on P (5 June) and on R (25 June) — one enterprise, two repairs; 海韵 on
    Q (23:30 on 30 June); 百味 on Q at 00:05 on 1 July. 海韵's repair on S was refused."""
    cw = lw
    items = SimpleNamespace(
        mf1=exemption(cw, "MF-ZD-001"),
        mf4=exemption(cw, "JQ-ZD-001", kind=ItemKind.REDUCED, conditions="harm=minor",
                       basis=LegalBasis.ART32),
        mf2=exemption(cw, "MF-ZD-002", matter=cw.county_matter,
                      effective_from=dt.date(2026, 7, 1)),
        mf3=exemption(cw, "MF-ZD-003", matter=cw.county_matter, kind=ItemKind.REDUCED,
                      conditions="harm=minor", basis=LegalBasis.ART32),
    )  # fmt: skip
    services.withdraw_item(
        items.mf3, by=None, system=True, last_day=dt.date(2026, 6, 15), reason="清单调整"
    )
    other = Party.objects.create(
        kind=PartyKind.ORGANISATION, name="海盐县海韵贸易有限公司", credit_code="91330424MA2B00001X"
    )
    cases = SimpleNamespace(
        P=decided(cw, "P", dt.datetime(2026, 6, 1, 0, 10)),
        Q=decided(cw, "Q", dt.datetime(2026, 6, 20, 10), unit=cw.ganpu_squad),
        R=decided(cw, "R", dt.datetime(2026, 5, 31, 23, 50)),
        S=decided(cw, "S", dt.datetime(2025, 6, 10, 10)),
    )
    applied = [
        apply(cw, cases.P, items.mf1),
        apply(cw, cases.P, items.mf4),
        apply(cw, cases.Q, items.mf1),
    ]
    apply(cw, cases.R, items.mf1)
    apply(cw, cases.S, items.mf1)
    repairs = [
        repair(cw, cases.P, cw.enterprise, repaired=dt.datetime(2026, 6, 5, 10)),
        repair(cw, cases.R, cw.enterprise, repaired=dt.datetime(2026, 6, 25, 10)),
        repair(cw, cases.Q, other, repaired=dt.datetime(2026, 6, 30, 23, 30)),
    ]
    repair(cw, cases.Q, cw.enterprise, repaired=dt.datetime(2026, 7, 1, 0, 5))
    repair(cw, cases.S, other, state=RepairState.REFUSED)
    return SimpleNamespace(cw=cw, items=items, applied=applied, repairs=repairs)


def test_the_list_counts_the_items_in_force_on_the_periods_last_day(june):
    assert value("list_items") == 2  # MF-1, MF-4; MF-3 ended on 15 June, MF-2 starts in July
    assert value("list_items", Period(dt.date(2026, 6, 1), dt.date(2026, 6, 15))) == 3
    assert value("list_items", Period.month(2026, 7)) == 3  # MF-2 joined
    assert value("list_items", Period.month(2023, 12)) == 0
    # The list is the county's: a town works under the same list.
    assert value("list_items", region=june.cw.ganpu) == 2


def test_applications_count_each_item_of_each_decision_and_items_used_count_items_once(june):
    # June: P (00:10 on 1 June) applied two items, Q one; R's decision at 23:50 on 31 May is May's.
    assert value("items_applied") == 3
    assert value("items_used") == 2
    assert value("items_applied", Period.month(2026, 5)) == 1
    assert value("items_applied", region=june.cw.wuyuan) == 2
    assert value("items_applied", region=june.cw.ganpu) == 1
    assert value("items_used", region=june.cw.ganpu) == 1
    assert value("items_applied", JUNE.last_year()) == 1  # S
    assert report(JUNE)["leniency_items"] == 3


def test_credit_repairs_count_enterprises_once_and_repairs_each(june):
    # 百味 twice (P, R) and 海韵 (Q, at 23:30 on 30 June); 百味's repair at 00:05 on 1 July is July's.
    assert value("repairs_approved") == 3
    assert value("repaired_enterprises") == 2
    assert report(JUNE)["credit_repairs"] == 2
    assert value("repaired_enterprises", region=june.cw.wuyuan) == 1
    assert value("repairs_approved", region=june.cw.wuyuan) == 2
    assert value("repaired_enterprises", region=june.cw.ganpu) == 1
    # Not additive: 百味 was repaired in 澉浦 (Q, July) and in 武原 (P, R, June).
    assert value("repaired_enterprises", Period(dt.date(2026, 6, 1), dt.date(2026, 7, 31))) == 2
    assert value("repaired_enterprises", JUNE.last_year()) == 0  # S's repair was refused


def test_the_buckets_of_each_measured_figure_add_up_to_its_value(june):
    measured = [f for f in figures.of("leniency") if f.measure is not None]
    assert {f.name for f in measured} == {"items_applied", "repairs_approved"}
    for period in (JUNE, Period.month(2026, 5), Period.year(2026)):
        for figure in measured:
            numerator = sum(b.numerator for b in figure.measure.buckets(period))
            assert numerator == figure.value(period), figure.key
    towns = defaultdict(int)
    for bucket in figures.get("leniency.repairs_approved").measure.buckets(JUNE):
        towns[bucket.town] += bucket.numerator
    assert dict(towns) == {"330424001": 2, "330424105": 1}


def rows(client, url: str, attribute: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    return {part.split('"')[0] for part in page.split(f'{attribute}="')[1:]}


def test_the_figures_drill_down_to_the_rows_they_count(june, client):
    cw = june.cw
    client.force_login(cw.users["centre"])
    url = figures.get("leniency.repairs_approved").records_url(JUNE)
    assert rows(client, url, "data-repair") == {str(r.pk) for r in june.repairs}
    url = figures.get("leniency.repaired_enterprises").records_url(JUNE, cw.ganpu)
    assert rows(client, url, "data-repair") == {str(june.repairs[2].pk)}
    url = figures.get("leniency.items_applied").records_url(JUNE)
    assert rows(client, url, "data-applied") == {str(a.pk) for a in june.applied}
    url = figures.get("leniency.items_used").records_url(JUNE, cw.ganpu)
    assert rows(client, url, "data-item") == {"MF-ZD-001"}
    url = figures.get("leniency.list_items").records_url(JUNE)
    assert rows(client, url, "data-item") == {"MF-ZD-001", "JQ-ZD-001"}
    assert LeniencyItem.objects.count() == 4


def test_the_old_keys_stay_under_cases_but_are_not_cockpit_cards(db):
    old = [figures.get("cases.leniency_items"), figures.get("cases.credit_repairs")]
    assert [f.cockpit for f in old] == [False, False]
    for figure in figures.of("leniency"):
        assert figure.label and figure.records is not None and figure.better == "up"
