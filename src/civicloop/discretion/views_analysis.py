"""The analysis page of enterprise-related penalties and its Excel export (``analysis.py``
computes; these only read the filters and show the tables). Everyone signed in may open it;
the numbers count only the cases they may see (``Case.objects.visible_to``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.cases.models import Case
from civicloop.core.downloads import XLSX, attachment_response

from . import analysis
from .forms_proceedings import AnalysisFilterForm


def _filters(request) -> tuple[AnalysisFilterForm, analysis.Filters]:
    form = AnalysisFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, analysis.Filters(
            start=data["start"], end=data["end"], town=data["town"], unit=data["unit"]
        )
    return form, analysis.Filters()


def _conditions(filters: analysis.Filters) -> list[tuple[str, str]]:
    return [
        (_("decided from"), filters.start.isoformat() if filters.start else _("any")),
        (_("decided until"), filters.end.isoformat() if filters.end else _("any")),
        (_("town"), filters.town.name if filters.town else _("all")),
        (_("handling unit"), filters.unit.name if filters.unit else _("all")),
        (_("bands (yuan)"), "、".join(band.label for band in analysis.bands())),
    ]


def _result(request):
    form, filters = _filters(request)
    cases = analysis.enterprise_penalties(Case.objects.visible_to(request.user), filters)
    return form, filters, analysis.analyse(cases)


@login_required
def analysis_page(request):
    form, filters, result = _result(request)
    return render(
        request,
        "discretion/analysis.html",
        {
            "form": form,
            "result": result,
            "sections": result.sections(),
            "chart": result.chart_data(),
            "conditions": _conditions(filters),
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
def analysis_export(request):
    _form, filters, result = _result(request)
    name = _("enterprise-related penalties") + f"-{timezone.localdate():%Y%m%d}.xlsx"
    response = attachment_response(name, XLSX, private=True)
    analysis.write_workbook(result, _conditions(filters), response)
    return response
