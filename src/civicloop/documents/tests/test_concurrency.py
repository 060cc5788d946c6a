"""Two people issuing documents at once (PostgreSQL): the same document gets one number and
one version; documents of different cases of one unit get distinct, consecutive numbers."""

from __future__ import annotations

import pytest

from civicloop.cases.choices import EvidenceKind, Procedure
from civicloop.cases.models import CaseHistory, DocumentNumberScheme
from civicloop.cases.services import add_evidence
from civicloop.documents import services
from civicloop.documents.choices import DocumentKind
from civicloop.documents.models import DocumentVersion, GeneratedDocument
from civicloop.documents.tests.helpers import PREFIX
from civicloop.testing.cases import MONDAY, at, file
from civicloop.testing.concurrency import run_together
from civicloop.testing.world import build_world, equip_for_cases

K = DocumentKind
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def inspected_case(cw, unit_officer=None):
    with at(MONDAY):
        case = file(cw, procedure=Procedure.SIMPLE)
        item = add_evidence(
            case, by=cw.wuyuan_officer, kind=EvidenceKind.RECORD, description="现场检查"
        )
    return case, f"evidence-{item.pk}"


def test_two_people_issuing_the_same_document_at_once_get_one_number_and_one_version(
    monkeypatch,
):
    cw = equip_for_cases(build_world())
    DocumentNumberScheme.objects.create(unit=cw.wuyuan_squad, prefix=PREFIX)
    case, subject = inspected_case(cw)
    results = run_together(
        [
            lambda: services.issue_document(
                case, kind=K.INSPECTION_RECORD, subject=subject, by=cw.wuyuan_officer
            ),
            lambda: services.issue_document(
                case, kind=K.INSPECTION_RECORD, subject=subject, by=cw.wuyuan_officer2
            ),
        ],
        monkeypatch=monkeypatch,
        meet_in=(services, "find_slot"),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted(r.created for r in results) == [False, True]
    assert {r.document.pk for r in results} == {GeneratedDocument.objects.get().pk}
    assert {r.document.number for r in results} == {f"{PREFIX}检字〔2026〕第0001号"}
    assert DocumentVersion.objects.count() == 1
    assert CaseHistory.objects.filter(case=case, action="issue_document").count() == 1


def test_documents_of_different_cases_issued_at_once_get_distinct_consecutive_numbers(
    monkeypatch,
):
    cw = equip_for_cases(build_world())
    DocumentNumberScheme.objects.create(unit=cw.wuyuan_squad, prefix=PREFIX)
    made = [inspected_case(cw) for _n in range(4)]
    results = run_together(
        [
            (
                lambda case=case, subject=subject: services.issue_document(
                    case, kind=K.INSPECTION_RECORD, subject=subject, by=cw.wuyuan_officer
                )
            )
            for case, subject in made
        ],
        monkeypatch=monkeypatch,
        meet_in=(services, "find_slot"),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted(r.document.number for r in results) == [
        f"{PREFIX}检字〔2026〕第000{n}号" for n in range(1, 5)
    ]
