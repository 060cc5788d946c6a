"""Every write of the documents app: issuing a document (its number, once, and a new
version when its data changed), logging each download, and issuing an order to correct.

Pages, the API and ``civicloop export document`` call these. Issuing locks the case row
(one number per document even when two people click at once) and leaves a history row
on the case; rendering the file and converting it to PDF happen after the transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.cases.choices import FINISHED_STATES
from civicloop.cases.models import Case, CaseHistory
from civicloop.cases.numbering import next_number
from civicloop.core.errors import InvalidInput, InvalidTransition, NotPermitted
from civicloop.core.transitions import lock, record
from civicloop.parties.models import Party
from civicloop.privacy.services import record_personal_data_access

from . import pdf
from .availability import find_slot
from .choices import CONTENT_TYPES, TITLES, WORDS, DocumentKind, FileFormat
from .content import build_snapshot, content_hash
from .layout import render_docx
from .models import CorrectionOrder, DocumentDownload, DocumentVersion, GeneratedDocument
from .permissions import may_generate_documents, may_issue_correction_order

K = DocumentKind
PARTY_FIELDS = ("name", "id_number", "credit_code", "legal_representative", "phone", "address")


@dataclass(frozen=True)
class Issued:
    document: GeneratedDocument
    version: DocumentVersion
    created: bool  # the document was issued (numbered) now
    revised: bool  # a new version was made now (the data changed)


@dataclass(frozen=True)
class DocumentFile:
    version: DocumentVersion
    file_format: str
    data: bytes

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.file_format]

    @property
    def filename(self) -> str:
        document = self.version.document
        stem = f"{TITLES[document.kind]}-{document.number}"
        if self.version.number > 1:
            stem += f"-v{self.version.number}"
        return f"{stem}.{self.file_format}"


def _lock(case: Case) -> Case:
    return lock(
        case,
        related=(
            "handling_unit__region",
            "region",
            "event",
            "filed_by",
            "decided_by",
            "current_notice",
        ),
    )


def _history(case: Case, action: str, *, by, details: dict) -> CaseHistory:
    """A history row of a case that stays where it is (a document issued)."""
    return record(
        CaseHistory,
        case,
        action,
        by=by,
        from_state=case.state,
        to_state=case.state,
        details=details,
    )


def _check_kind(kind: str) -> None:
    if kind not in K.values:
        raise InvalidInput(_("Unknown kind of document."), field="kind")


def _issue(case: Case, kind: str, subject: str, *, by, now: dt.datetime) -> Issued:
    slot = find_slot(case, kind, subject)
    if slot is None:
        raise InvalidTransition(
            _("The case has no “%(document)s” at this stage.")
            % {"document": DocumentKind(kind).label}
        )
    document = GeneratedDocument.objects.filter(case=case, kind=kind, subject=slot.subject).first()
    created = document is None
    if created:
        year = slot.on.year
        if kind == K.FILING_APPROVAL:
            number = (
                case.number
            )  # the filing approval bears the case number (立字), taken at filing
        else:
            number = next_number(case.handling_unit, word=WORDS[kind], year=year)
        document = GeneratedDocument.objects.create(
            case=case,
            kind=kind,
            subject=slot.subject,
            number=number,
            year=year,
            issued_at=now,
            issued_by=by,
        )

    def number_of(other_kind: str, other_subject: str) -> str:
        return _issue(case, other_kind, other_subject, by=by, now=now).document.number

    snapshot = build_snapshot(case, slot, number=document.number, number_of=number_of)
    digest = content_hash(snapshot)
    latest = document.latest_version()
    if latest is not None and latest.content_hash == digest:
        return Issued(document, latest, created=False, revised=False)
    version = DocumentVersion.objects.create(
        document=document,
        number=latest.number + 1 if latest else 1,
        content_hash=digest,
        snapshot=snapshot,
        generated_at=now,
        generated_by=by,
    )
    _history(
        case,
        "issue_document" if created else "revise_document",
        by=by,
        details={
            "document": document.pk,
            "kind": kind,
            "subject": slot.subject,
            "number": document.number,
            "version": version.number,
            "content_hash": digest,
        },
    )
    return Issued(document, version, created=created, revised=not created)


def issue_document(case: Case, *, kind: str, subject: str = "", by) -> Issued:
    """The document ``kind`` (about ``subject``) of ``case`` as its data stands now.

    Numbered once, when first issued (``cases.numbering``: the unit's prefix, the kind's
    word, the year of the document's date); later calls keep the number and add a version
    only when the data changed. A document cited by this one (the notice a proof of service
    names) is issued with it."""
    _check_kind(kind)
    if not may_generate_documents(by, case):
        raise NotPermitted(
            _(
                "Only the case's handlers, its responsible persons and its legal reviewers "
                "generate its documents."
            )
        )
    with transaction.atomic():
        case = _lock(case)
        return _issue(case, kind, subject or "", by=by, now=timezone.now())


def version_of(case: Case, *, document_pk: int, number: int | None, by) -> DocumentVersion:
    """A stored version of one of ``case``'s documents (the latest when ``number`` is None)."""
    if not may_generate_documents(by, case):
        raise NotPermitted(
            _(
                "Only the case's handlers, its responsible persons and its legal reviewers "
                "generate its documents."
            )
        )
    versions = DocumentVersion.objects.filter(
        document__case=case, document_id=document_pk
    ).select_related("document")
    if number is None:
        version = versions.order_by("-number").first()
    else:
        version = versions.filter(number=number).first()  # 0 or less: none
    if version is None:
        raise InvalidInput(_("No such version of this document."), field="version")
    return version


def _check_format(file_format: str) -> None:
    if file_format not in FileFormat.values:
        raise InvalidInput(_("Choose DOCX or PDF."), field="format")
    if file_format == FileFormat.PDF and not pdf.pdf_available():
        raise InvalidInput(pdf.unavailable_note(), field="format")


def render(version: DocumentVersion, file_format: str) -> bytes:
    """The file of a version (call outside a transaction: PDF conversion takes seconds)."""
    data = render_docx(version.snapshot, moment=version.generated_at)
    if file_format == FileFormat.PDF:
        data = pdf.to_pdf(data)
    return data


@transaction.atomic
def record_download(
    version: DocumentVersion, *, by, file_format: str, channel: str, ip_address: str | None = None
) -> DocumentDownload:
    """Log a download, and — for each party the document prints — a view of their personal data."""
    row = DocumentDownload.objects.create(
        version=version, user=by, file_format=file_format, channel=channel, ip_address=ip_address
    )
    printed = {p.get("party"): p for p in version.snapshot.get("parties", []) if p.get("party")}
    for party in Party.objects.filter(pk__in=list(printed)).order_by("pk"):
        data = printed[party.pk]
        fields = [f for f in PARTY_FIELDS if data.get(f)]
        record_personal_data_access(
            user=by, subject=party, fields=fields, channel=channel, ip_address=ip_address
        )
    return row


def download(
    case: Case,
    *,
    by,
    file_format: str,
    channel: str,
    kind: str = "",
    subject: str = "",
    document_pk: int | None = None,
    version: int | None = None,
    ip_address: str | None = None,
) -> DocumentFile:
    """Issue (or bring up to date) a document and give its file — or, with ``document_pk``,
    give a stored version as it was. Each download is logged (:func:`record_download`)."""
    _check_format(file_format)
    if document_pk is None:
        chosen = issue_document(case, kind=kind, subject=subject, by=by).version
    else:
        chosen = version_of(case, document_pk=document_pk, number=version, by=by)
    data = render(chosen, file_format)
    record_download(chosen, by=by, file_format=file_format, channel=channel, ip_address=ip_address)
    return DocumentFile(chosen, file_format, data)


# --- orders to correct ------------------------------------------------------------------------


@transaction.atomic
def issue_correction_order(
    case: Case, *, by, requirement: str, due_on: dt.date | None = None
) -> CorrectionOrder:
    """责令改正 (Art. 28): a handler orders the party to correct the violation, at once or by
    ``due_on``; printed as the 责令改正通知书."""
    case = _lock(case)
    if not may_issue_correction_order(by, case):
        raise NotPermitted(_("Only the case's handlers order the party to correct."))
    if case.state in FINISHED_STATES:
        raise InvalidTransition(_("The case is finished; no order can be issued."))
    requirement = (requirement or "").strip()
    if not requirement:
        raise InvalidInput(_("Say what the party must correct."), field="requirement")
    if len(requirement) > 2000:
        raise InvalidInput(
            _("At most %(n)d characters are allowed (you gave %(m)d).")
            % {"n": 2000, "m": len(requirement)},
            field="requirement",
        )
    now = timezone.now()
    if due_on is not None and due_on < timezone.localdate(now):
        raise InvalidInput(_("The day to correct by cannot be in the past."), field="due_on")
    order = CorrectionOrder.objects.create(
        case=case, requirement=requirement, due_on=due_on, issued_at=now, issued_by=by
    )
    _history(
        case,
        "issue_correction_order",
        by=by,
        details={"order": order.pk, "due_on": due_on.isoformat() if due_on else None},
    )
    return order
