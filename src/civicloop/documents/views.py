"""Pages of a case's documents: the list (also a section of the case page), issuing and
downloading a document as DOCX or PDF, an earlier version as it was, and the form of an
order to correct.

The case comes from ``Case.objects.visible_to(user)`` (else 404); issuing and downloading
are one call into ``services.py`` each, which refuses those who may not (403) and logs
every download.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from civicloop.cases.views import scoped_cases
from civicloop.core.api import client_ip
from civicloop.core.downloads import attachment_response
from civicloop.core.errors import DomainError, NotPermitted
from civicloop.core.views import bind_form, forbidden, service_form_view

from . import pdf, services
from .choices import FileFormat
from .forms import CorrectionOrderForm, DownloadForm
from .permissions import may_generate_documents, may_issue_correction_order
from .presenting import document_rows, formats


def _case(request, case_pk):
    return get_object_or_404(
        scoped_cases(request.user).select_related("handling_unit__region"), pk=case_pk
    )


def _file_response(result: services.DocumentFile) -> HttpResponse:
    return attachment_response(result.filename, result.content_type, result.data, private=True)


def documents_context(request, case) -> dict:
    user = request.user
    return {
        "case": case,
        "rows": document_rows(case),
        "may_generate": may_generate_documents(user, case),
        "may_order": may_issue_correction_order(user, case) and case.is_open,
        "formats": formats(),
        "pdf_note": None if pdf.pdf_available() else pdf.unavailable_note(),
    }


@login_required
def case_documents(request, case_pk):
    case = _case(request, case_pk)
    return render(request, "documents/case_documents.html", documents_context(request, case))


@login_required
@require_POST
def download(request, case_pk):
    """Issue (or bring up to date) a document and download it."""
    case = _case(request, case_pk)
    form = DownloadForm(request.POST)
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    try:
        result = services.download(
            case,
            by=request.user,
            file_format=data["format"],
            channel="web",
            kind=data["kind"],
            subject=data["subject"],
            ip_address=client_ip(request),
        )
    except NotPermitted as exc:
        return forbidden(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("documents:list", case_pk=case.pk)
    return _file_response(result)


@login_required
def download_version(request, case_pk, document_pk, version, file_format):
    """A stored version as it was issued."""
    case = _case(request, case_pk)
    if file_format not in FileFormat.values:
        raise Http404
    try:
        result = services.download(
            case,
            by=request.user,
            file_format=file_format,
            channel="web",
            document_pk=document_pk,
            version=version,
            ip_address=client_ip(request),
        )
    except NotPermitted as exc:
        return forbidden(request, exc.message)
    except DomainError as exc:
        if exc.field == "version":
            raise Http404 from exc
        messages.error(request, exc.message)
        return redirect("documents:list", case_pk=case.pk)
    return _file_response(result)


@login_required
def correction_order(request, case_pk):
    """责令改正: the handlers order the party to correct (Art. 28)."""
    case = _case(request, case_pk)
    if not may_issue_correction_order(request.user, case):
        return forbidden(request, _("Only the case's handlers order the party to correct."))

    def done(_order):
        messages.success(
            request, _("The order to correct was issued; its document is listed below.")
        )
        return redirect("documents:list", case_pk=case.pk)

    return service_form_view(
        request,
        form=bind_form(request, CorrectionOrderForm),
        perform_with=lambda data: services.issue_correction_order(
            case, by=request.user, requirement=data["requirement"], due_on=data["due_on"]
        ),
        done=done,
        context={"case": case},
        template="documents/correction_order_form.html",
    )
