"""`civicloop kpi cases --json`: leniency_items counts the 一免一减 items applied in decisions made
in the period (one per item and decision, dated by the decision); credit_repairs counts the
repairs approved in the period. Neither counts what was only evaluated, refused or opened."""

from __future__ import annotations

import datetime as dt
import io
import json

from django.core.management import call_command

from civicloop.cases.kpis import Period, report
from civicloop.leniency import credit, services
from civicloop.testing.cases import MONDAY, at, file

from .helpers import decided_no_penalty_case, enterprise_party, exemption, paid_penalty, record


def kpi(start: str, end: str) -> dict:
    out = io.StringIO()
    call_command("kpi", "cases", "--json", "--from", start, "--to", end, stdout=out)
    return json.loads(out.getvalue())


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
