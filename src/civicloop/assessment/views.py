"""Pages of the third-party assessment (一镇一评估): rounds, the comparison across towns and
its Excel export, one town's assessment with its scores, evidence files and actions.

Thin views: objects come from scoped querysets (``visible_to``), every write is one call
into ``services.py``, and the buttons shown are the workflow table's answer for this user.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicloop.core.downloads import XLSX, attachment_response
from civicloop.core.errors import DomainError, NotPermitted
from civicloop.core.views import bind_form, forbidden, service_form_view

from . import forms, services
from .choices import AssessmentState
from .models import AssessmentEvidence, AssessmentRound, TownAssessment
from .permissions import assessment_capacities
from .results import round_results, write_results_workbook
from .scoring import DIMENSIONS
from .workflow import ASSESSMENT_WORKFLOW

# --- assessment (一镇一评估) --------------------------------------------------------------


def _may_compare(user) -> bool:
    return bool(assessment_capacities(user) & {"assessor", "county"})


@login_required
def round_list(request):
    if not _may_compare(request.user):
        return forbidden(request, _("Assessment rounds are for assessors and the county."))
    rounds = AssessmentRound.objects.annotate(
        towns=Count("assessments"),
        submitted=Count("assessments", filter=Q(assessments__state=AssessmentState.SUBMITTED)),
    )
    return render(request, "assessment/round_list.html", {"rounds": rounds})


@login_required
def round_create(request):
    if not _may_compare(request.user):
        return forbidden(request, _("Only assessors and the county open assessment rounds."))
    form = bind_form(request, forms.RoundForm)

    def perform(d):
        return services.open_round(
            by=request.user,
            name=d["name"],
            period_start=d["period_start"],
            period_end=d["period_end"],
            weights=form.weights(),
        )

    def done(round_):
        messages.success(request, _("Round opened; indicators were pre-filled from records."))
        return redirect("assessment:round", pk=round_.pk)

    return service_form_view(
        request,
        form=form,
        perform_with=perform,
        done=done,
        template="matters/form.html",
        context={"title": _("Open an assessment round"), "back": reverse("assessment:rounds")},
    )


@login_required
def round_detail(request, pk):
    round_ = get_object_or_404(AssessmentRound, pk=pk)
    if not _may_compare(request.user):
        return forbidden(request, _("The comparison across towns is for assessors and the county."))
    return render(
        request,
        "assessment/round_results.html",
        {
            "round": round_,
            "rows": round_results(round_),
            "dimensions": DIMENSIONS,
            "weights": [round_.weights.get(d, 0) for d in DIMENSIONS],
        },
    )


@login_required
def round_export(request, pk):
    round_ = get_object_or_404(AssessmentRound, pk=pk)
    if not _may_compare(request.user):
        return forbidden(request, _("The comparison across towns is for assessors and the county."))
    response = attachment_response(f"assessment-{round_.pk}.xlsx", XLSX)
    write_results_workbook(round_, round_results(round_), response)
    return response


def _assessment(request, pk, code) -> TownAssessment:
    return get_object_or_404(
        TownAssessment.objects.visible_to(request.user).select_related("round", "town"),
        round_id=pk,
        town__code=code,
    )


@login_required
def assessment_detail(request, pk, code):
    assessment = _assessment(request, pk, code)
    caps = assessment_capacities(request.user)
    scores = list(assessment.scores.prefetch_related("files").select_related("updated_by"))
    editable = "assessor" in caps and assessment.state == AssessmentState.DRAFT
    for row in scores:
        row.form = (
            forms.ScoreForm(
                prefix=row.dimension,
                initial={
                    "score": row.score,
                    "reason": row.override_reason,
                    "evidence": row.evidence,
                    "comment": row.comment,
                },
            )
            if editable
            else None
        )
    return render(
        request,
        "assessment/assessment_detail.html",
        {
            "assessment": assessment,
            "scores": scores,
            "editable": editable,
            "actions": ASSESSMENT_WORKFLOW.allowed(state=assessment.state, capacities=caps),
            "submit_form": forms.SubmitAssessmentForm(initial={"comments": assessment.comments}),
            "history": list(assessment.history.select_related("actor").order_by("-at", "-id")),
        },
    )


@login_required
def score(request, pk, code, dimension):
    assessment = _assessment(request, pk, code)
    if request.method != "POST" or dimension not in DIMENSIONS:
        raise Http404
    form = forms.ScoreForm(request.POST, request.FILES, prefix=dimension)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.score_dimension(
                assessment,
                by=request.user,
                dimension=dimension,
                score=d["score"],
                reason=d["reason"],
                evidence=d["evidence"],
                comment=d["comment"],
                attachments=[d["attachments"]] if d["attachments"] else (),
            )
        except NotPermitted as exc:
            return forbidden(request, exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Score saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("assessment:assessment", args=[pk, code]) + f"#dimension-{dimension}")


@login_required
def assessment_action(request, pk, code, name):
    assessment = _assessment(request, pk, code)
    if request.method != "POST":
        raise Http404
    try:
        if name == "submit":
            form = forms.SubmitAssessmentForm(request.POST)
            form.is_valid()
            services.submit_assessment(
                assessment, by=request.user, comments=form.cleaned_data.get("comments")
            )
        elif name == "reopen":
            services.reopen_assessment(
                assessment, by=request.user, reason=request.POST.get("reason", "")
            )
        elif name == "refresh":
            services.refresh_indicators(assessment, by=request.user)
        else:
            raise Http404
    except NotPermitted as exc:
        return forbidden(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect("assessment:assessment", pk=pk, code=code)


@login_required
def evidence_file(request, pk):
    visible = TownAssessment.objects.visible_to(request.user)
    item = get_object_or_404(
        AssessmentEvidence.objects.filter(score__assessment__in=visible), pk=pk
    )
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, content_type=item.content_type, as_attachment=True, filename=item.original_name
    )
