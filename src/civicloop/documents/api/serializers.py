"""Serializers of case documents: the list of a case's documents, one document with its
versions, and the inputs of issuing a document and an order to correct."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from civicloop.documents.choices import DocumentKind, FileFormat
from civicloop.documents.models import CorrectionOrder, DocumentVersion, GeneratedDocument


class DocumentVersionSerializer(serializers.ModelSerializer):
    generated_by = serializers.CharField(source="generated_by.username", read_only=True)

    class Meta:
        model = DocumentVersion
        fields = ["number", "generated_at", "generated_by", "content_hash"]


class DocumentRowSerializer(serializers.Serializer):
    """A document the case has now; ``id``, ``number`` and ``version`` once it was issued."""

    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    label = serializers.CharField(help_text=_("What the document is, in the request's language."))
    title = serializers.CharField(help_text=_("The document's official Chinese title."))
    subject = serializers.CharField(
        allow_blank=True,
        help_text=_(
            "Which record of the case it is about (e.g. notice-12); empty when the case has one of its kind."
        ),
    )
    date = serializers.DateField(help_text=_("The date the document bears."))
    id = serializers.IntegerField(allow_null=True)
    number = serializers.CharField(allow_null=True)
    version = serializers.IntegerField(allow_null=True, help_text=_("The latest version."))
    versions = serializers.IntegerField()
    generated_at = serializers.DateTimeField(allow_null=True)
    content_hash = serializers.CharField(allow_null=True)
    download = serializers.CharField(
        allow_null=True,
        help_text=_("Where to download the latest version (add ?format=docx or pdf)."),
    )


class CaseDocumentsSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    may_generate = serializers.BooleanField(
        help_text=_(
            "Whether you may issue and download them (the case's handlers, responsible persons and legal reviewers)."
        )
    )
    formats = serializers.ListField(
        child=serializers.ChoiceField(choices=FileFormat.choices),
        help_text=_(
            "The formats this server offers: DOCX always, PDF when LibreOffice is installed."
        ),
    )
    pdf_note = serializers.CharField(
        allow_null=True, help_text=_("Why PDF is not offered, when it is not.")
    )
    documents = DocumentRowSerializer(many=True)


def row_data(row, request=None) -> dict:
    document, latest = row.document, row.latest
    download = None
    if document is not None:
        download = reverse("api-generated-document-download", args=[document.pk])
    return {
        "kind": row.kind,
        "label": str(row.slot.label),
        "title": row.slot.title,
        "subject": row.subject,
        "date": row.slot.on,
        "id": document.pk if document else None,
        "number": document.number if document else None,
        "version": latest.number if latest else None,
        "versions": row.versions,
        "generated_at": latest.generated_at if latest else None,
        "content_hash": latest.content_hash if latest else None,
        "download": download,
    }


class GeneratedDocumentSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    label = serializers.CharField(source="get_kind_display", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    issued_by = serializers.CharField(source="issued_by.username", read_only=True)
    versions = DocumentVersionSerializer(many=True, read_only=True)

    class Meta:
        model = GeneratedDocument
        fields = [
            "id",
            "case",
            "case_number",
            "kind",
            "label",
            "title",
            "subject",
            "number",
            "year",
            "issued_at",
            "issued_by",
            "versions",
        ]


class IssueSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    subject = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "As listed by GET …/documents/ (e.g. notice-12); empty for a document the case has one of."
        ),
    )


class CorrectionOrderInputSerializer(serializers.Serializer):
    requirement = serializers.CharField(max_length=2000)
    due_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Empty: the party must correct at once."),
    )


class CorrectionOrderSerializer(serializers.ModelSerializer):
    issued_by = serializers.CharField(source="issued_by.username", read_only=True)
    subject = serializers.SerializerMethodField(help_text=_("The subject of its 责令改正通知书."))

    class Meta:
        model = CorrectionOrder
        fields = ["id", "case", "requirement", "due_on", "issued_at", "issued_by", "subject"]

    def get_subject(self, obj) -> str:
        return f"order-{obj.pk}"
