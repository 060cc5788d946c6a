"""Pages of discretion benchmarks (裁量基准): the list, one version with its items, tiers and
factors, the Excel export, and the import and adoption for the county (``services.may_maintain_benchmarks``).

Everyone signed in reads benchmarks (they are published documents); writes are one service
call each.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from civicloop.core.downloads import XLSX, attachment_response
from civicloop.core.errors import DomainError, NotPermitted
from civicloop.core.spreadsheets import SpreadsheetError
from civicloop.core.views import forbidden

from . import services
from .exporting import filename, write_workbook
from .importing import import_workbook
from .models import Benchmark

ITEMS_PER_PAGE = 50
NOT_YOURS = _("The county legal office or the county centre maintains discretion benchmarks.")


class BenchmarkImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Sheets 基准, 事项与档次, 裁量因素 — export a benchmark to see the format."),
    )


@login_required
def benchmark_list(request):
    benchmarks = (
        Benchmark.objects.select_related("superior", "region")
        .annotate(item_count=Count("items"))
        .order_by("code", "-version")
    )
    return render(
        request,
        "discretion/benchmark_list.html",
        {
            "benchmarks": benchmarks,
            "in_force": set(Benchmark.objects.in_force().values_list("pk", flat=True)),
            "may_maintain": services.may_maintain_benchmarks(request.user),
        },
    )


@login_required
def benchmark_detail(request, code, version):
    benchmark = get_object_or_404(
        Benchmark.objects.select_related("superior", "region", "created_by"),
        code=code,
        version=version,
    )
    items = benchmark.items.select_related("matter").prefetch_related("tiers", "factors__levels")
    query = (request.GET.get("q") or "").strip()
    if query:
        items = items.filter(
            Q(code__icontains=query) | Q(violation__icontains=query) | Q(group__icontains=query)
        )
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "discretion/benchmark_detail.html",
        {
            "benchmark": benchmark,
            "page_obj": page,
            "items": page.object_list,
            "q": query,
            "query": f"q={query}" if query else "",
            "versions": Benchmark.objects.filter(code=code).order_by("-version"),
            "implementations": benchmark.implementations.order_by("code", "-version"),
            "history": benchmark.history.select_related("actor"),
            "may_maintain": services.may_maintain_benchmarks(request.user),
        },
    )


@login_required
def benchmark_export(request, code, version):
    benchmark = get_object_or_404(Benchmark, code=code, version=version)
    response = attachment_response(filename(benchmark), XLSX)
    write_workbook(benchmark, response)
    return response


@login_required
def benchmark_import(request):
    if not services.may_maintain_benchmarks(request.user):
        return forbidden(request, NOT_YOURS)
    result, status = None, 200
    if request.method == "POST":
        form = BenchmarkImportForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_workbook(upload.read(), name=upload.name, by=request.user)
            except SpreadsheetError as exc:
                form.add_error("file", exc.message)
            except NotPermitted as exc:
                return forbidden(request, exc.message)
            else:
                if result.benchmark is not None:
                    benchmark = result.benchmark
                    messages.success(
                        request,
                        _("Imported %(title)s, version %(version)d.")
                        % {"title": benchmark.title, "version": benchmark.version},
                    )
                    return redirect(
                        "discretion:benchmark", code=benchmark.code, version=benchmark.version
                    )
    else:
        form = BenchmarkImportForm()
    return render(
        request,
        "discretion/benchmark_import.html",
        {"form": form, "result": result},
        status=status,
    )


@login_required
@require_POST
def benchmark_adopt(request, code, version):
    benchmark = get_object_or_404(Benchmark, code=code, version=version)
    if not services.may_maintain_benchmarks(request.user):
        return forbidden(request, NOT_YOURS)
    try:
        services.adopt(benchmark, by=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The benchmark is adopted."))
    return redirect("discretion:benchmark", code=code, version=version)
