"""Case documents over REST: the documents a case has now, issuing one (its number, once,
and a new version when the data changed), one document with its versions, downloading a
version as DOCX or PDF (each download logged), and issuing an order to correct.

Cases come from ``Case.objects.visible_to(user)`` (else 404); issuing and downloading are
for the case's handlers, responsible persons and legal reviewers (else 403).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from civicloop.cases.models import Case
from civicloop.core.api import ErrorSerializer, client_ip, error_responses
from civicloop.core.downloads import attachment_response
from civicloop.documents import pdf, services
from civicloop.documents.choices import FileFormat
from civicloop.documents.models import GeneratedDocument
from civicloop.documents.permissions import may_generate_documents
from civicloop.documents.presenting import document_rows, formats

from .serializers import (
    CaseDocumentsSerializer,
    CorrectionOrderInputSerializer,
    CorrectionOrderSerializer,
    GeneratedDocumentSerializer,
    IssueSerializer,
    row_data,
)

TAGS = ["case documents"]
CONVERSION_FAILED = OpenApiResponse(
    ErrorSerializer, description=str(_("LibreOffice did not produce the PDF."))
)


def _case(request, pk) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(request.user).select_related("handling_unit__region"), pk=pk
    )


class CaseDocumentsView(APIView):
    @extend_schema(
        operation_id="case_documents_list",
        tags=TAGS,
        summary=_("The documents a case has now"),
        description=_(
            "Each document available at the case's stage, with its number and latest version "
            "once issued, and the formats this server offers (PDF only with LibreOffice)."
        ),
        responses={200: CaseDocumentsSerializer, **error_responses(401, 404)},
    )
    def get(self, request, pk):
        case = _case(request, pk)
        return Response(
            CaseDocumentsSerializer(
                {
                    "case": case.pk,
                    "may_generate": may_generate_documents(request.user, case),
                    "formats": formats(),
                    "pdf_note": None if pdf.pdf_available() else str(pdf.unavailable_note()),
                    "documents": [row_data(row) for row in document_rows(case)],
                }
            ).data
        )

    @extend_schema(
        operation_id="case_documents_issue",
        tags=TAGS,
        summary=_("Issue a document"),
        description=_(
            "Numbers the document the first time (per unit, kind and year) and keeps the "
            "number; makes a new version only when the case's data changed. 409 when the "
            "case has no such document at its stage."
        ),
        request=IssueSerializer,
        responses={
            200: GeneratedDocumentSerializer,
            201: GeneratedDocumentSerializer,
            **error_responses(400, 401, 403, 404, 409),
        },
    )
    def post(self, request, pk):
        case = _case(request, pk)
        serializer = IssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = services.issue_document(
            case,
            kind=serializer.validated_data["kind"],
            subject=serializer.validated_data["subject"],
            by=request.user,
        )
        return Response(
            GeneratedDocumentSerializer(issued.document).data,
            status=status.HTTP_201_CREATED if issued.created else status.HTTP_200_OK,
        )


def _document(request, pk) -> GeneratedDocument:
    return get_object_or_404(
        GeneratedDocument.objects.filter(
            case__in=Case.objects.visible_to(request.user)
        ).select_related("case", "issued_by"),
        pk=pk,
    )


class GeneratedDocumentView(APIView):
    @extend_schema(
        operation_id="generated_documents_retrieve",
        tags=TAGS,
        summary=_("One document and its versions"),
        responses={200: GeneratedDocumentSerializer, **error_responses(401, 404)},
    )
    def get(self, request, pk):
        return Response(GeneratedDocumentSerializer(_document(request, pk)).data)


class GeneratedDocumentDownloadView(APIView):
    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="generated_documents_download",
        tags=TAGS,
        summary=_("Download a document"),
        description=_(
            "The latest version, or ?version=N as it was issued, as DOCX or (with LibreOffice) PDF. "
            "Every download is logged, with a record of access to each party's personal data."
        ),
        parameters=[
            OpenApiParameter("format", str, enum=FileFormat.values, default=FileFormat.DOCX),
            OpenApiParameter(
                "version", int, description=_("A version number; default the latest.")
            ),
        ],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **error_responses(400, 401, 403, 404),
            503: CONVERSION_FAILED,
        },
    )
    def get(self, request, pk):
        document = _document(request, pk)
        raw = request.query_params.get("version") or ""
        if raw and not raw.isdigit():
            raise exceptions.ValidationError({"version": [_("Give a version number.")]})
        result = services.download(
            document.case,
            by=request.user,
            file_format=request.query_params.get("format") or FileFormat.DOCX,
            channel="api",
            document_pk=document.pk,
            version=int(raw) if raw else None,
            ip_address=client_ip(request),
        )
        return attachment_response(result.filename, result.content_type, result.data, private=True)


class CorrectionOrdersView(APIView):
    @extend_schema(
        operation_id="case_correction_orders_create",
        tags=TAGS,
        summary=_("Order the party to correct"),
        description=_(
            "责令改正 (Art. 28 of the Administrative Penalty Law), by a handler of the case; "
            "printed as the 责令改正通知书 (kind correction_order, subject order-ID)."
        ),
        request=CorrectionOrderInputSerializer,
        responses={201: CorrectionOrderSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk):
        case = _case(request, pk)
        serializer = CorrectionOrderInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = services.issue_correction_order(case, by=request.user, **serializer.validated_data)
        return Response(CorrectionOrderSerializer(order).data, status=status.HTTP_201_CREATED)
