"""/discretion/: where the discretion work starts — the benchmarks in force, the risk queue, the
reconsiderations and lawsuits, and the enterprise-penalty analysis."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from civicloop.cases.models import Case

from .models import Benchmark, LegalChallenge, RiskState
from .risks import may_see_flags, visible_flags
from .services import may_maintain_benchmarks


@login_required
def home(request):
    user = request.user
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)
    flags = None
    if may_see_flags(user):
        mine = visible_flags(user)
        flags = {
            "open": mine.filter(state=RiskState.OPEN).count(),
            "this_year": mine.filter(found_at__date__gte=year_start).count(),
        }
    challenges = LegalChallenge.objects.filter(
        case__in=Case.objects.visible_to(user), filed_on__gte=year_start
    ).count()
    return render(
        request,
        "discretion/home.html",
        {
            "benchmarks": Benchmark.objects.in_force(today)
            .filter(region__isnull=False)
            .select_related("region")
            .order_by("status", "code"),
            # Other issuers' tables kept for reference apply nowhere here.
            "references": Benchmark.objects.in_force(today)
            .filter(region__isnull=True)
            .order_by("code"),
            "flags": flags,
            "challenges": challenges,
            "year": today.year,
            "may_import": may_maintain_benchmarks(user),
        },
    )
