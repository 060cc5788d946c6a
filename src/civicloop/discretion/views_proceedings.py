"""Pages of reconsiderations and lawsuits: the panel on the case page (registered in
``cases.hooks.case_panels``), recording one, recording its outcome, and the list the figures
drill down to. The rules are in ``proceedings.py``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from civicloop.cases.models import Case
from civicloop.core.views import bind_form, forbidden, service_form_view
from civicloop.org.models import Region

from . import proceedings as services
from .forms_proceedings import ChallengeForm, OutcomeForm
from .models import ChallengeOutcome, LegalChallenge

PAGE_SIZE = 50


def case_panel(request, case) -> dict | None:
    """The case page's section: the case's challenges, and the form to add one for those who
    may record them. Nothing for a case not yet decided that has none."""
    challenges = list(
        case.legal_challenges.select_related("applicant", "recorded_by").order_by("filed_on", "id")
    )
    if case.decided_at is None and not challenges:
        return None
    user = getattr(request, "user", None)
    may = services.may_record(user, case)
    return {
        "challenges": challenges,
        "may_record_challenges": may,
        "challenge_form": ChallengeForm(case=case) if may and case.decided_at else None,
        "outcome_choices": ChallengeOutcome.choices,
    }


def _case_page(case_pk: int) -> str:
    return reverse("cases:detail", args=[case_pk]) + "#case-challenges"


@login_required
def challenge_add(request, case_pk):
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=case_pk)
    if not services.may_record(request.user, case):
        return forbidden(
            request, _("You may not record reconsiderations and lawsuits of this case.")
        )
    form = bind_form(request, ChallengeForm, case=case)
    return service_form_view(
        request,
        form=form,
        perform_with=lambda data: services.record_challenge(case, by=request.user, **data),
        done=lambda _challenge: redirect(_case_page(case.pk)),
        context={"case": case, "title": _("Record a reconsideration or lawsuit")},
        template="discretion/proceeding_form.html",
    )


@login_required
def challenge_outcome(request, pk):
    challenge = get_object_or_404(
        LegalChallenge.objects.select_related("case").filter(
            case__in=Case.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    if not services.may_record(request.user, challenge.case):
        return forbidden(
            request, _("You may not record reconsiderations and lawsuits of this case.")
        )
    form = bind_form(
        request,
        OutcomeForm,
        initial={
            "outcome": challenge.outcome,
            "decided_on": challenge.decided_on,
            "document_number": challenge.document_number,
        },
    )
    return service_form_view(
        request,
        form=form,
        perform_with=lambda data: services.set_outcome(challenge, by=request.user, **data),
        done=lambda _challenge: redirect(_case_page(challenge.case_id)),
        context={
            "case": challenge.case,
            "challenge": challenge,
            "title": _("Record the outcome"),
        },
        template="discretion/proceeding_form.html",
    )


def _without_page(query) -> str:
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


def _day(value):
    try:
        return parse_date(value or "")
    except ValueError:  # well-formed but impossible (2026-02-30): no filter
        return None


@login_required
def challenge_list(request):
    """The challenges behind a figure: filters ``filed_after``/``filed_before``,
    ``decided_after``/``decided_before`` (dates, inclusive), ``outcome`` (repeatable),
    ``concluded=1`` and ``region`` (a division code)."""
    rows = (
        LegalChallenge.objects.with_place()
        .filter(case__in=Case.objects.visible_to(request.user))
        .select_related("case", "applicant")
        .order_by("-filed_on", "-id")
    )
    query = request.GET
    for name, lookup in (
        ("filed_after", "filed_on__gte"),
        ("filed_before", "filed_on__lte"),
        ("decided_after", "decided_on__gte"),
        ("decided_before", "decided_on__lte"),
    ):
        day = _day(query.get(name))
        if day is not None:
            rows = rows.filter(**{lookup: day})
    outcomes = [o for o in query.getlist("outcome") if o in ChallengeOutcome.values]
    if outcomes:
        rows = rows.filter(outcome__in=outcomes)
    if query.get("concluded") == "1":
        rows = rows.concluded()
    region = None
    if query.get("region"):
        region = Region.objects.filter(code=query["region"]).first()
        if region is not None:
            rows = rows.filter(place_code__startswith=region.prefix)
    page = Paginator(rows, PAGE_SIZE).get_page(query.get("page"))
    return render(
        request,
        "discretion/proceeding_list.html",
        {
            "page_obj": page,
            "challenges": page.object_list,
            "region": region,
            "query": _without_page(query),
        },
    )
