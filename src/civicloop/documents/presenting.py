"""The documents of a case as pages and the API list them: each document the case has now
(``availability.slots``) with its number and latest version once issued."""

from __future__ import annotations

from dataclasses import dataclass

from . import pdf
from .availability import Slot, slots
from .choices import FileFormat
from .models import DocumentVersion, GeneratedDocument


@dataclass(frozen=True)
class Row:
    slot: Slot
    document: GeneratedDocument | None
    latest: DocumentVersion | None
    versions: int

    @property
    def kind(self) -> str:
        return self.slot.kind

    @property
    def subject(self) -> str:
        return self.slot.subject


def document_rows(case) -> list[Row]:
    """Every document ``case`` has now, issued or not, in the order of the procedure."""
    issued = {(d.kind, d.subject): d for d in GeneratedDocument.objects.filter(case=case)}
    latest: dict[int, DocumentVersion] = {}
    counts: dict[int, int] = {}
    for version in (
        DocumentVersion.objects.filter(document__case=case)
        .select_related("generated_by")
        .order_by("document_id", "number")
    ):
        latest[version.document_id] = version
        counts[version.document_id] = counts.get(version.document_id, 0) + 1
    rows = []
    for slot in slots(case):
        document = issued.get(slot.key)
        rows.append(
            Row(
                slot,
                document,
                latest.get(document.pk) if document else None,
                counts.get(document.pk, 0) if document else 0,
            )
        )
    return rows


def formats() -> list[str]:
    """The formats offered on this server: DOCX always, PDF when LibreOffice is installed."""
    return [FileFormat.DOCX, FileFormat.PDF] if pdf.pdf_available() else [FileFormat.DOCX]
