"""Numbers are taken once, when a document is first issued, counted per unit, kind and year;
a change in the case's data makes a new version under the same number; any version
renders again byte for byte."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from civicloop.cases.choices import EvidenceKind, Procedure
from civicloop.cases.models import CaseHistory, DocumentNumberScheme
from civicloop.cases.services import add_evidence
from civicloop.documents import services
from civicloop.documents.choices import DocumentKind
from civicloop.documents.models import GeneratedDocument
from civicloop.documents.tests.helpers import PREFIX, docx_text, ordinary_case, slot_of, spot_case
from civicloop.parties.services import PartyData, correct_party
from civicloop.testing.cases import MONDAY, at, file
from civicloop.testing.matters import grant

K = DocumentKind


def test_regenerating_keeps_the_number_and_the_version_while_the_data_is_unchanged(case_world):
    cw = case_world
    case = ordinary_case(cw)
    first = services.issue_document(case, kind=K.PENALTY_DECISION, by=cw.wuyuan_officer)
    again = services.issue_document(case, kind=K.PENALTY_DECISION, by=cw.wuyuan_leader)
    assert first.created and not again.created and not again.revised
    assert again.document.pk == first.document.pk and again.version.pk == first.version.pk
    assert first.document.number == f"{PREFIX}罚决字〔2026〕第0001号"
    assert GeneratedDocument.objects.filter(case=case, kind=K.PENALTY_DECISION).count() == 1
    issued = CaseHistory.objects.filter(
        case=case, action="issue_document", details__kind=K.PENALTY_DECISION
    )
    assert issued.count() == 1 and issued.get().details["number"] == first.document.number
    assert issued.get().actor == cw.wuyuan_officer


def test_the_same_version_renders_to_the_same_bytes(case_world):
    cw = case_world
    case = ordinary_case(cw)
    one = services.download(
        case,
        by=cw.wuyuan_officer,
        file_format="docx",
        channel="web",
        kind=K.PRIOR_NOTICE,
        subject=slot_of(case, K.PRIOR_NOTICE).subject,
    )
    two = services.download(
        case,
        by=cw.wuyuan_leader,
        file_format="docx",
        channel="api",
        kind=K.PRIOR_NOTICE,
        subject=slot_of(case, K.PRIOR_NOTICE).subject,
    )
    assert one.version.pk == two.version.pk and one.data == two.data


def test_changed_data_makes_a_new_version_under_the_same_number_and_the_old_one_stays(case_world):
    cw = case_world
    case = ordinary_case(cw)
    first = services.issue_document(case, kind=K.PENALTY_DECISION, by=cw.wuyuan_officer)
    person = cw.person
    correct_party(
        person,
        by=cw.wuyuan_officer,
        reason="搬家",
        data=PartyData(
            kind=person.kind,
            name=person.name,
            id_number=person.id_number,
            phone=person.phone,
            address="海盐县武原街道枣园社区新址1号",
        ),
    )
    second = services.issue_document(case, kind=K.PENALTY_DECISION, by=cw.wuyuan_officer)
    assert second.revised and second.document.pk == first.document.pk
    assert second.version.number == 2 and second.version.content_hash != first.version.content_hash
    assert second.document.number == first.document.number
    assert CaseHistory.objects.filter(
        case=case, action="revise_document", details__version=2
    ).exists()
    new = services.download(
        case,
        by=cw.wuyuan_officer,
        file_format="docx",
        channel="web",
        document_pk=first.document.pk,
        version=2,
    )
    old = services.download(
        case,
        by=cw.wuyuan_officer,
        file_format="docx",
        channel="web",
        document_pk=first.document.pk,
        version=1,
    )
    assert "枣园社区新址1号" in docx_text(new.data)
    assert "健康路12号" in docx_text(old.data) and "枣园社区新址1号" not in docx_text(old.data)
    assert old.filename.endswith("罚决字〔2026〕第0001号.docx") and new.filename.endswith(
        "-v2.docx"
    )


def test_numbers_count_per_kind_in_the_order_documents_are_first_issued(case_world):
    cw = case_world
    first = ordinary_case(cw)
    second = spot_case(cw)
    # The filing approvals carry the case numbers (立字), which were counted at filing.
    numbers = [
        services.issue_document(case, kind=K.FILING_APPROVAL, by=cw.wuyuan_officer).document.number
        for case in (first, second)
    ]
    assert (
        numbers
        == [first.number, second.number]
        == [f"{PREFIX}立字〔2026〕第0001号", f"{PREFIX}立字〔2026〕第0002号"]
    )
    receipts = [
        services.issue_document(
            case, kind=K.SERVICE_RECEIPT, subject="decision", by=cw.wuyuan_officer
        )
        for case in (second, first)
    ]
    assert [r.document.number for r in receipts] == [
        f"{PREFIX}送字〔2026〕第0001号",
        f"{PREFIX}送字〔2026〕第0002号",
    ]
    # Each decision was issued with its proof of service, each kind in a sequence of its own.
    assert (
        GeneratedDocument.objects.get(case=second, kind=K.SPOT_DECISION).number
        == f"{PREFIX}当罚字〔2026〕第0001号"
    )
    assert (
        GeneratedDocument.objects.get(case=first, kind=K.PENALTY_DECISION).number
        == f"{PREFIX}罚决字〔2026〕第0001号"
    )
    inspection = [
        services.issue_document(
            case,
            kind=K.INSPECTION_RECORD,
            subject=slot_of(case, K.INSPECTION_RECORD).subject,
            by=cw.wuyuan_officer,
        ).document.number
        for case in (first, ordinary_case(cw, fine=Decimal("15000")))
    ]
    assert inspection == [f"{PREFIX}检字〔2026〕第0001号", f"{PREFIX}检字〔2026〕第0002号"]


def test_another_unit_and_another_year_start_their_own_sequence(case_world):
    cw = case_world
    DocumentNumberScheme.objects.create(unit=cw.ganpu_squad, prefix="盐综执（澉浦）")
    DocumentNumberScheme.objects.create(unit=cw.wuyuan_squad, prefix=PREFIX)
    grant(cw, cw.town_matter, town=cw.ganpu)
    made = []
    for year in (2026, 2027):
        with at(dt.datetime(year, 6, 1, 9, 0)):
            for unit, officer, second in (
                (cw.wuyuan_squad, cw.wuyuan_officer, cw.wuyuan_officer2),
                (cw.ganpu_squad, cw.ganpu_officer, cw.ganpu_officer2),
            ):
                case = file(
                    cw,
                    procedure=Procedure.SIMPLE,
                    unit=unit,
                    by=officer,
                    handlers=[officer, second],
                )
                add_evidence(case, by=officer, kind=EvidenceKind.RECORD, description="现场检查")
                made.append((case, officer))
    numbers = []
    with at(
        dt.datetime(2027, 6, 2, 9, 0)
    ):  # the 2026 records are issued in 2027: they keep their year
        for case, officer in made:
            slot = slot_of(case, K.INSPECTION_RECORD)
            numbers.append(
                services.issue_document(
                    case, kind=K.INSPECTION_RECORD, subject=slot.subject, by=officer
                ).document.number
            )
    assert numbers == [
        f"{PREFIX}检字〔2026〕第0001号",
        "盐综执（澉浦）检字〔2026〕第0001号",
        f"{PREFIX}检字〔2027〕第0001号",
        "盐综执（澉浦）检字〔2027〕第0001号",
    ]


def test_a_unit_without_a_scheme_numbers_with_its_name(case_world):
    cw = case_world
    with at(MONDAY):
        case = file(cw, procedure=Procedure.SIMPLE)
        add_evidence(case, by=cw.wuyuan_officer, kind=EvidenceKind.RECORD, description="现场检查")
        issued = services.issue_document(
            case,
            kind=K.INSPECTION_RECORD,
            subject=slot_of(case, K.INSPECTION_RECORD).subject,
            by=cw.wuyuan_officer,
        )
    assert issued.document.number == "武原街道综合行政执法队检字〔2026〕第0001号"
    assert issued.document.year == 2026 and issued.version.number == 1
