"""信用修复: the worker's sweep finds a published penalty of an enterprise once the minimum
publication period (CIVICLOOP_CREDIT_REPAIR_PERIODS) has passed and the decision was performed,
tells the handling unit to contact the enterprise — exactly once — and the repair then moves
through contact, application, materials, approval or refusal, each with its history row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from civicloop.cases import services as case_services
from civicloop.cases.choices import PenaltyKind
from civicloop.cases.models import Case
from civicloop.core.errors import InvalidInput, InvalidTransition, NotPermitted
from civicloop.leniency import credit, services, tasks
from civicloop.leniency.choices import RepairState as R
from civicloop.leniency.models import CreditRepair
from civicloop.notifications.models import Notification
from civicloop.site.tasks import sweep_deadlines
from civicloop.testing.cases import (
    MONDAY,
    at,
    decide,
    file,
    findings,
    investigate,
    review_to_notice,
)

from .helpers import enterprise_party, paid_penalty, to_decision

REPAIRABLE = dt.datetime(2026, 9, 1, 8, 0)  # decided 2026-06-01 + 3 months (fine: 3/12)


def history(repair):
    return list(
        repair.history.order_by("at", "id").values_list(
            "action", "from_state", "to_state", "actor__username"
        )
    )


@pytest.fixture
def penalty(lw):
    with at(MONDAY):
        return paid_penalty(lw)


def test_the_sweep_finds_a_repairable_penalty_on_the_day_and_notifies_once(lw, penalty):
    cw = lw
    with at(REPAIRABLE - dt.timedelta(days=1)):
        assert tasks.sweep() == 0
    assert not CreditRepair.objects.exists()
    with at(REPAIRABLE):
        assert sweep_deadlines.call() >= 1
    repair = CreditRepair.objects.get()
    assert (repair.case, repair.party, repair.state) == (penalty, cw.enterprise, R.NOTIFIED)
    assert repair.penalty_kinds == ["fine"] and repair.minimum_months == 3
    assert repair.published_on == MONDAY.date() and repair.repairable_on == dt.date(2026, 9, 1)
    assert history(repair) == [("notify", "", R.NOTIFIED, None)]
    notes = Notification.objects.filter(verb="credit_repair")
    recipients = set(notes.values_list("recipient__username", flat=True))
    assert {"wuyuan_officer", "wuyuan_officer2"} <= recipients and "ganpu_officer" not in recipients
    assert all(
        cw.enterprise.display_name in n.message and penalty.number in n.message for n in notes
    )
    count = notes.count()
    for day in (2, 30):
        with at(REPAIRABLE + dt.timedelta(days=day)):
            assert tasks.sweep() == 0
    assert (
        CreditRepair.objects.count() == 1
        and Notification.objects.filter(verb="credit_repair").count() == count
    )


def test_the_repair_is_contacted_applied_for_checked_and_approved_with_history(lw, penalty):
    cw = lw
    with at(REPAIRABLE):
        credit.sweep_credit_repairs()
        repair = CreditRepair.objects.get()
        services.record_contact(
            repair, by=cw.wuyuan_officer, note="电话告知法定代表人李四可申请信用修复"
        )
    with at(REPAIRABLE + dt.timedelta(days=3)):
        services.record_application(
            repair, by=cw.wuyuan_officer, applied_on=dt.date(2026, 9, 3), note="提交信用修复申请书"
        )
        services.check_materials(repair, by=cw.wuyuan_officer2, note="承诺书、缴款凭证齐全")
        with pytest.raises(NotPermitted):
            services.approve_repair(repair, by=cw.wuyuan_officer)
        services.approve_repair(repair, by=cw.wuyuan_leader)
    repair.refresh_from_db()
    assert repair.state == R.REPAIRED and repair.decided_by == cw.wuyuan_leader
    assert repair.contacted_at is not None and repair.applied_on == dt.date(2026, 9, 3)
    assert history(repair) == [
        ("notify", "", R.NOTIFIED, None),
        ("record_contact", R.NOTIFIED, R.NOTIFIED, "wuyuan_officer"),
        ("record_application", R.NOTIFIED, R.APPLIED, "wuyuan_officer"),
        ("check_materials", R.APPLIED, R.CHECKED, "wuyuan_officer2"),
        ("approve_repair", R.CHECKED, R.REPAIRED, "wuyuan_leader"),
    ]
    with at(REPAIRABLE + dt.timedelta(days=4)), pytest.raises(InvalidTransition):
        services.refuse_repair(repair, by=cw.wuyuan_leader, reason="晚了")


def test_a_refusal_needs_a_reason_and_is_final(lw, penalty):
    cw = lw
    with at(REPAIRABLE):
        credit.sweep_credit_repairs()
        repair = CreditRepair.objects.get()
        with pytest.raises(InvalidTransition):
            services.refuse_repair(
                repair, by=cw.wuyuan_leader, reason="未申请"
            )  # nothing to refuse yet
        services.record_application(repair, by=cw.wuyuan_officer, applied_on=dt.date(2026, 9, 1))
        with pytest.raises(InvalidInput) as no_reason:
            services.refuse_repair(repair, by=cw.wuyuan_leader, reason="")
        assert no_reason.value.field == "reason"
        services.refuse_repair(repair, by=cw.wuyuan_leader, reason="申请材料不全，逾期未补正")
    repair.refresh_from_db()
    assert repair.state == R.REFUSED and repair.refusal_reason == "申请材料不全，逾期未补正"
    assert history(repair)[-1] == ("refuse_repair", R.APPLIED, R.REFUSED, "wuyuan_leader")


def test_bad_input_is_refused_on_its_field_and_changes_nothing(lw, penalty):
    cw = lw
    with at(REPAIRABLE):
        credit.sweep_credit_repairs()
        repair = CreditRepair.objects.get()
        with pytest.raises(InvalidInput) as early:
            services.record_application(
                repair, by=cw.wuyuan_officer, applied_on=dt.date(2026, 8, 31)
            )
        assert early.value.field == "applied_on" and "2026-09-01" in str(early.value)
        with pytest.raises(InvalidInput) as future:
            services.record_application(
                repair, by=cw.wuyuan_officer, applied_on=dt.date(2026, 9, 2)
            )
        assert future.value.field == "applied_on"
        with pytest.raises(InvalidInput) as no_note:
            services.record_contact(repair, by=cw.wuyuan_officer, note=" ")
        assert no_note.value.field == "note"
        with pytest.raises(NotPermitted):
            services.record_contact(repair, by=cw.ganpu_officer, note="告知")
    repair.refresh_from_db()
    assert (
        repair.state == R.NOTIFIED and repair.contacted_at is None and repair.history.count() == 1
    )


def test_an_unpaid_penalty_a_person_and_a_no_penalty_decision_are_not_repairable(lw):
    cw = lw
    with at(MONDAY):
        unpaid = file(cw, parties=enterprise_party(cw))
        unpaid = to_decision(cw, unpaid, "penalty", 1000)
        case_services.serve_notice(
            unpaid,
            by=cw.wuyuan_officer,
            method="in_person",
            waive_statement=True,
            waiver_note="书面放弃",
        )
        decide(cw, Case.objects.get(pk=unpaid.pk))
        person = paid_penalty(cw, parties=[case_services.PartyLink(cw.person)])
    with at(REPAIRABLE):
        assert credit.sweep_credit_repairs() == 0
    assert person.performed_at is not None and not CreditRepair.objects.exists()


def test_a_heavier_kind_waits_for_its_longer_period(lw):
    cw = lw
    with at(MONDAY):
        case = investigate(cw, file(cw, parties=enterprise_party(cw)))
        case_services.conclude_investigation(
            case,
            by=cw.wuyuan_officer,
            findings=findings(fine=1000, penalties=[PenaltyKind.SUSPEND_LICENCE]),
        )
        case = review_to_notice(cw, Case.objects.get(pk=case.pk))
        case_services.serve_notice(
            case,
            by=cw.wuyuan_officer,
            method="in_person",
            waive_statement=True,
            waiver_note="书面放弃",
        )
        case = decide(cw, Case.objects.get(pk=case.pk))
        case_services.serve_decision(case, by=cw.wuyuan_officer, method="in_person")
        case_services.record_payment(case, by=cw.wuyuan_officer, amount=1000, receipt_number="R-2")
    publication = credit.publication_of(Case.objects.get(pk=case.pk))
    assert (
        set(publication.kinds) == {"fine", PenaltyKind.SUSPEND_LICENCE}
        and publication.minimum_months == 12
    )
    with at(REPAIRABLE):
        assert credit.sweep_credit_repairs() == 0
    with at(dt.datetime(2027, 6, 1, 8, 0)):
        assert credit.sweep_credit_repairs() == 1
    assert CreditRepair.objects.get().repairable_on == dt.date(2027, 6, 1)


def test_the_periods_are_a_setting_and_a_bad_setting_fails_loudly(lw, penalty, settings):
    settings.CIVICLOOP_CREDIT_REPAIR_PERIODS = settings.CIVICLOOP_CREDIT_REPAIR_PERIODS.replace(
        "fine=3/12", "fine=6/12"
    )
    with at(REPAIRABLE):
        assert credit.sweep_credit_repairs() == 0
    with at(dt.datetime(2026, 12, 1, 8, 0)):
        assert credit.sweep_credit_repairs() == 1
    assert CreditRepair.objects.get().repairable_on == dt.date(2026, 12, 1)
    with pytest.raises(ImproperlyConfigured, match="no period for"):
        credit.parse_periods("fine=3/12")
    with pytest.raises(ImproperlyConfigured, match="MIN <= MAX"):
        credit.parse_periods(
            settings.CIVICLOOP_CREDIT_REPAIR_PERIODS.replace("fine=6/12", "fine=12/6")
        )


def test_after_the_maximum_period_the_publication_has_ended_and_nothing_is_opened(lw, penalty):
    with at(dt.datetime(2027, 6, 2, 8, 0)):
        assert credit.sweep_credit_repairs() == 0
    assert not CreditRepair.objects.exists()


def test_the_repair_pages_and_the_responsible_persons_buttons(lw, penalty, client):
    cw = lw
    with at(REPAIRABLE):
        credit.sweep_credit_repairs()
    repair = CreditRepair.objects.get()
    client.force_login(cw.wuyuan_officer)
    page = client.get(f"/leniency/repairs/{repair.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "record_contact" in page and "approve_repair" not in page
    with at(REPAIRABLE):
        response = client.post(
            f"/leniency/repairs/{repair.pk}/act/record_contact/", {"note": "上门告知"}
        )
    assert response.status_code == 302
    assert CreditRepair.objects.get().contact_note == "上门告知"
    assert client.get(f"/leniency/repairs/{repair.pk}/act/approve_repair/").status_code == 403
    client.force_login(cw.ganpu_officer)
    assert client.get(f"/leniency/repairs/{repair.pk}/").status_code == 404
    assert repair.pk not in [r.pk for r in CreditRepair.objects.visible_to(cw.ganpu_officer)]


def test_a_bad_periods_setting_is_reported_by_the_system_checks(settings):
    from civicloop.leniency.apps import check_credit_periods

    assert check_credit_periods() == []
    settings.CIVICLOOP_CREDIT_REPAIR_PERIODS = "fine=3/12,colour=1/2"
    (error,) = check_credit_periods()
    assert error.id == "leniency.E001" and "unknown penalty kind 'colour'" in error.msg
