"""Documents appear with the stage that makes them; only the case's handlers, responsible
persons and legal reviewers issue and download them; every download is logged; orders to
correct come from the handlers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from civicloop.cases import services as cases
from civicloop.cases.choices import EvidenceKind, ServiceMethod
from civicloop.cases.models import CaseHistory
from civicloop.core.errors import InvalidInput, InvalidTransition, NotPermitted
from civicloop.documents import services
from civicloop.documents.availability import slots
from civicloop.documents.choices import DocumentKind
from civicloop.documents.models import DocumentDownload, GeneratedDocument
from civicloop.documents.tests.helpers import ordinary_case, scheme
from civicloop.parties.models import Party
from civicloop.privacy.models import PersonalDataAccess
from civicloop.testing.cases import (
    MONDAY,
    at,
    decide,
    file,
    findings,
    investigate,
    review_to_notice,
)

K = DocumentKind


def kinds(case) -> list[str]:
    return [s.kind for s in slots(case)]


def test_documents_become_available_stage_by_stage(case_world):
    cw = case_world
    scheme(cw)
    with at(MONDAY):
        case = file(cw)
        assert kinds(case) == [K.FILING_APPROVAL]
        case = investigate(cw, case)
        cases.add_evidence(
            case,
            by=cw.wuyuan_officer,
            kind=EvidenceKind.WITNESS,
            description="证人王五：看见摆摊。",
        )
        services.issue_correction_order(case, by=cw.wuyuan_officer, requirement="清理摊位")
        assert kinds(case) == [
            K.FILING_APPROVAL,
            K.INSPECTION_RECORD,
            K.INQUIRY_RECORD,
            K.CORRECTION_ORDER,
        ]
        cases.conclude_investigation(case, by=cw.wuyuan_officer, findings=findings(fine=1000))
        case = review_to_notice(cw, case)
        assert K.REVIEW_OPINION in kinds(case) and K.PRIOR_NOTICE not in kinds(case)
        with pytest.raises(InvalidTransition):
            services.issue_document(
                case, kind=K.PRIOR_NOTICE, subject="notice-1", by=cw.wuyuan_officer
            )
        with pytest.raises(InvalidTransition):
            services.issue_document(case, kind=K.PENALTY_DECISION, by=cw.wuyuan_officer)
        cases.serve_notice(case, by=cw.wuyuan_officer, method=ServiceMethod.IN_PERSON)
        case.refresh_from_db()
        # 1 000 yuan gives a citizen no hearing right: no hearing notice.
        assert K.PRIOR_NOTICE in kinds(case) and K.HEARING_NOTICE not in kinds(case)
        assert K.SERVICE_RECEIPT in kinds(case) and K.PENALTY_DECISION not in kinds(case)
    with at(MONDAY + dt.timedelta(days=7)):
        case = decide(cw, case)
        assert kinds(case)[-2:] == [
            K.PENALTY_DECISION,
            K.SERVICE_RECEIPT,
        ]  # the notice's receipt; not yet the decision's
        with pytest.raises(InvalidTransition):
            services.issue_document(
                case, kind=K.SERVICE_RECEIPT, subject="decision", by=cw.wuyuan_officer
            )
        with pytest.raises(InvalidTransition):
            services.issue_document(case, kind=K.CLOSING_APPROVAL, by=cw.wuyuan_leader)
        cases.serve_decision(case, by=cw.wuyuan_officer, method=ServiceMethod.POST)
        case.refresh_from_db()
        assert kinds(case)[-2:] == [K.SERVICE_RECEIPT, K.CLOSING_APPROVAL]
        assert K.NO_PENALTY_DECISION not in kinds(case) and K.SPOT_DECISION not in kinds(case)
    assert not GeneratedDocument.objects.filter(
        kind__in=[K.PRIOR_NOTICE, K.PENALTY_DECISION]
    ).exists()


def test_an_unknown_kind_or_subject_is_refused(case_world):
    cw = case_world
    case = ordinary_case(cw)
    with pytest.raises(InvalidInput) as unknown:
        services.issue_document(case, kind="letter", by=cw.wuyuan_officer)
    assert unknown.value.field == "kind"
    with pytest.raises(InvalidTransition):
        services.issue_document(
            case, kind=K.INSPECTION_RECORD, subject="evidence-9999", by=cw.wuyuan_officer
        )


@pytest.mark.parametrize(
    "username", ["wuyuan_officer", "wuyuan_officer2", "wuyuan_leader", "leader", "legal_reviewer"]
)
def test_handlers_responsible_persons_and_the_cases_reviewers_may_download(case_world, username):
    cw = case_world
    case = ordinary_case(cw)
    result = services.download(
        case, by=cw.users[username], file_format="docx", channel="web", kind=K.PENALTY_DECISION
    )
    assert result.data.startswith(b"PK")


@pytest.mark.parametrize(
    "username",
    ["wuyuan_dispatcher", "centre", "lawyer", "ganpu_officer", "wuyuan_reviewer", "outsider"],
)
def test_everyone_else_is_refused_even_when_they_see_the_case(case_world, username):
    cw = case_world
    case = ordinary_case(cw)
    user = cw.users[username]
    with pytest.raises(NotPermitted):
        services.download(case, by=user, file_format="docx", channel="web", kind=K.PENALTY_DECISION)
    with pytest.raises(NotPermitted):
        services.issue_document(case, kind=K.FILING_APPROVAL, by=user)
    assert not DocumentDownload.objects.exists()
    assert not PersonalDataAccess.objects.filter(user=user).exists()


def test_each_download_is_logged_with_the_parties_personal_data_it_shows(case_world):
    cw = case_world
    case = ordinary_case(cw)
    for channel in ("web", "api"):
        services.download(
            case,
            by=cw.wuyuan_leader,
            file_format="docx",
            channel=channel,
            kind=K.PENALTY_DECISION,
            ip_address="10.0.0.7",
        )
    downloads = DocumentDownload.objects.filter(user=cw.wuyuan_leader).order_by("id")
    assert [(d.channel, d.file_format, d.ip_address) for d in downloads] == [
        ("web", "docx", "10.0.0.7"),
        ("api", "docx", "10.0.0.7"),
    ]
    assert downloads[0].version.document.kind == K.PENALTY_DECISION
    party_type = ContentType.objects.get_for_model(Party)
    accesses = PersonalDataAccess.objects.filter(
        user=cw.wuyuan_leader, content_type=party_type, object_id=str(cw.person.pk)
    )
    assert accesses.count() == 2
    assert set(accesses.first().fields) == {"name", "id_number", "phone", "address"}
    assert {a.channel for a in accesses} == {"web", "api"}


def test_only_a_handler_orders_the_party_to_correct_and_the_order_is_on_the_timeline(case_world):
    cw = case_world
    with at(MONDAY):
        case = file(cw)
        with pytest.raises(NotPermitted):
            services.issue_correction_order(case, by=cw.wuyuan_leader, requirement="清理摊位")
        with pytest.raises(InvalidInput) as empty:
            services.issue_correction_order(case, by=cw.wuyuan_officer, requirement="  ")
        assert empty.value.field == "requirement"
        with pytest.raises(InvalidInput) as past:
            services.issue_correction_order(
                case,
                by=cw.wuyuan_officer,
                requirement="清理摊位",
                due_on=MONDAY.date() - dt.timedelta(days=1),
            )
        assert past.value.field == "due_on"
        order = services.issue_correction_order(
            case,
            by=cw.wuyuan_officer2,
            requirement="清理摊位",
            due_on=MONDAY.date() + dt.timedelta(days=2),
        )
    row = CaseHistory.objects.get(case=case, action="issue_correction_order")
    assert row.actor == cw.wuyuan_officer2 and row.details == {
        "order": order.pk,
        "due_on": "2026-06-03",
    }
    assert row.from_state == row.to_state == case.state
    from django.utils import translation

    from civicloop.cases.timeline import action_label

    with translation.override("en"):
        assert str(action_label("issue_correction_order")) == "order to correct issued"


def test_a_finished_case_takes_no_order_to_correct(case_world):
    cw = case_world
    case = ordinary_case(cw)
    with pytest.raises(InvalidTransition):
        services.issue_correction_order(case, by=cw.wuyuan_officer, requirement="清理摊位")
