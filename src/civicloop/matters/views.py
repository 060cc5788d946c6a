"""Pages of the matter catalog, towns' empowerment, requests (点单赋权) and the
third-party assessment (一镇一评估).

Thin views: objects come from scoped querysets (``visible_to``) or published lists,
every write is one call into ``services.py``, and the buttons shown are the
workflow table's answer for this user (``permissions.py``).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.downloads import XLSX, attachment_response
from civicloop.core.errors import DomainError, NotPermitted
from civicloop.core.listing import FilteredListView
from civicloop.core.views import bind_form, forbidden, service_form_view
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region

from . import forms, services
from .assessment import DIMENSIONS
from .choices import AssessmentState, GrantKind
from .exporting import write_catalog_workbook
from .filtersets import MatterFilterSet, RequestFilterSet
from .models import (
    AssessmentEvidence,
    AssessmentRound,
    EmpowermentDecision,
    EmpowermentGrant,
    EmpowermentRequest,
    Matter,
    TownAssessment,
    in_force_q,
)
from .permissions import assessment_capacities, empowerment_capacities, sees_town_records
from .results import round_results, write_results_workbook
from .suggestions import suggestions_for
from .timeline import holdings, town_timeline
from .workflow import ASSESSMENT_WORKFLOW, REQUEST_WORKFLOW

PAGE_SIZE = 30


def _date_param(request, name: str = "on") -> dt.date:
    raw = request.GET.get(name)
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    return timezone.localdate()


def _town(code: str) -> Region:
    return get_object_or_404(Region, code=code, level=RegionLevel.TOWN)


# --- the catalog ---------------------------------------------------------------------------


class CatalogView(FilteredListView):
    """执法事项目录: search, filter, the legal basis and fine range of today's version."""

    filterset_class = MatterFilterSet
    template_name = "matters/catalog.html"
    context_object_name = "matters"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        today = timezone.localdate()
        return (
            Matter.objects.active()
            .select_related("category", "department")
            .with_version(today)
            .annotate(
                towns_holding=Count("grants", filter=in_force_q(today, "grants__"), distinct=True)
            )
            .order_by("code")
        )

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        filterset.form.fields["q"].widget.attrs.setdefault("type", "search")
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class CatalogExportView(CatalogView):
    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        matters = filterset.qs if filterset.is_valid() else Matter.objects.none()
        response = attachment_response(f"matters-{timezone.localdate():%Y%m%d}.xlsx", XLSX)
        write_catalog_workbook(
            Matter.objects.filter(pk__in=matters.values("pk")).order_by("code"), response
        )
        return response


@login_required
def matter_detail(request, code):
    matter = get_object_or_404(Matter.objects.select_related("category", "department"), code=code)
    on = _date_param(request)
    holders = (
        EmpowermentGrant.objects.in_force(on=on)
        .filter(matter=matter)
        .select_related("town", "decision")
        .order_by("town__code")
    )
    return render(
        request,
        "matters/matter_detail.html",
        {
            "matter": matter,
            "on": on,
            "version": matter.current_version(on),
            "versions": list(matter.versions.order_by("-effective_from")),
            "holders": list(holders),
            "history": list(matter.history.select_related("actor").order_by("-at", "-id")),
        },
    )


# --- towns -------------------------------------------------------------------------------


@login_required
def town_list(request):
    on = _date_param(request)
    towns = list(
        Region.objects.towns()
        .order_by("code")
        .annotate(
            base=Count(
                "empowerment_grants",
                filter=in_force_q(on, "empowerment_grants__")
                & Q(empowerment_grants__kind=GrantKind.BASE),
                distinct=True,
            ),
            characteristic=Count(
                "empowerment_grants",
                filter=in_force_q(on, "empowerment_grants__")
                & Q(empowerment_grants__kind=GrantKind.CHARACTERISTIC),
                distinct=True,
            ),
        )
    )
    open_requests = dict(
        EmpowermentRequest.objects.visible_to(request.user)
        .open()
        .values("town")
        .annotate(n=Count("id"))
        .values_list("town", "n")
    )
    for town in towns:
        town.open_requests = open_requests.get(town.pk, 0)
    return render(request, "matters/town_list.html", {"towns": towns, "on": on})


def group_suggestions(suggestions) -> list[dict]:
    """Suggestions resting on the same evidence (e.g. one low legal-review score) shown together."""
    groups: dict[tuple, dict] = {}
    for suggestion in suggestions:
        key = (suggestion.kind, tuple(suggestion.evidence))
        group = groups.setdefault(
            key,
            {
                "kind": suggestion.kind,
                "kind_label": suggestion.kind_label,
                "evidence": suggestion.evidence,
                "matters": [],
            },
        )
        group["matters"].append(suggestion.matter)
    return list(groups.values())


@login_required
def town_page(request, code):
    """What a town holds on a day (today by default), base vs characteristic, with the legal
    basis and the decision; how that changed; and — for those who may see them — its
    requests, assessment and the suggested adjustments."""
    town = _town(code)
    user = request.user
    on = _date_param(request)
    records = sees_town_records(user, town)
    held = holdings(town, on=on)
    context = {
        "town": town,
        "on": on,
        "today": timezone.localdate(),
        "base": held[GrantKind.BASE],
        "characteristic": held[GrantKind.CHARACTERISTIC],
        "timeline": town_timeline(town, with_requests=records),
        "capacities": empowerment_capacities(user, town),
        "records": records,
    }
    if records:
        context["suggestions"] = group_suggestions(suggestions_for(town, on=on))
        context["requests"] = list(
            EmpowermentRequest.objects.visible_to(user)
            .filter(town=town)
            .select_related("matter", "requested_by")[:20]
        )
        context["assessment"] = (
            TownAssessment.objects.visible_to(user)
            .filter(town=town)
            .select_related("round")
            .prefetch_related("scores")
            .order_by("-round__period_end", "-id")
            .first()
        )
    return render(request, "matters/town.html", context)


@login_required
def request_create(request, code):
    town = _town(code)
    if "town" not in empowerment_capacities(request.user, town):
        return forbidden(
            request, _("Only the town's command room or its leaders request matters for the town.")
        )
    initial = {}
    matter = Matter.objects.filter(code=request.GET.get("matter", "")).first()
    if matter is not None:
        initial["matter"] = matter.pk
    form = bind_form(request, forms.RequestForm, town=town, initial=initial)

    def done(_result):
        messages.success(request, _("Request sent to the county."))
        return redirect("matters:town", code=town.code)

    return service_form_view(
        request,
        form=form,
        template="matters/form.html",
        done=done,
        perform_with=lambda d: services.submit_request(
            town=town,
            matter=d["matter"],
            by=request.user,
            reason=d["reason"],
            wanted_from=d["wanted_from"],
            kind=d["kind"],
        ),
        context={
            "town": town,
            "title": _("Request a matter (点单赋权)"),
            "back": reverse("matters:town", args=[town.code]),
        },
    )


@login_required
def grant_create(request, code):
    town = _town(code)
    if "county" not in empowerment_capacities(request.user, town):
        return forbidden(request, _("Only the county grants matters."))
    form = bind_form(request, forms.GrantForm, town=town)

    def done(_result):
        messages.success(request, _("Matter granted."))
        return redirect("matters:town", code=town.code)

    return service_form_view(
        request,
        form=form,
        template="matters/form.html",
        done=done,
        perform_with=lambda d: services.grant_matter(
            town=town,
            matter=d["matter"],
            by=request.user,
            kind=d["kind"],
            effective_from=d["effective_from"],
            effective_to=d["effective_to"],
            decision=form.decision(),
            reason=d["reason"],
        ),
        context={
            "town": town,
            "title": _("Grant a matter"),
            "back": reverse("matters:town", args=[town.code]),
        },
    )


@login_required
def grant_end(request, pk):
    grant = get_object_or_404(
        EmpowermentGrant.objects.select_related("town", "matter", "decision"), pk=pk
    )
    if "county" not in empowerment_capacities(request.user, grant.town):
        return forbidden(request, _("Only the county ends grants."))
    form = bind_form(request, forms.EndGrantForm)

    def done(_result):
        messages.success(request, _("The grant ends as set."))
        return redirect("matters:town", code=grant.town.code)

    return service_form_view(
        request,
        form=form,
        template="matters/form.html",
        done=done,
        perform_with=lambda d: services.end_grant(
            grant,
            by=request.user,
            effective_to=d["effective_to"],
            reason=d["reason"],
            decision=form.decision(),
        ),
        context={
            "town": grant.town,
            "grant": grant,
            "title": _("End a grant"),
            "back": reverse("matters:town", args=[grant.town.code]),
        },
    )


@login_required
def decision_file(request, pk):
    decision = get_object_or_404(EmpowermentDecision, pk=pk)
    if not decision.file:
        raise Http404
    try:
        handle = decision.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=decision.file_name or "decision")


# --- requests (点单赋权) ---------------------------------------------------------------------


class RequestListView(FilteredListView):
    filterset_class = RequestFilterSet
    template_name = "matters/request_list.html"
    context_object_name = "requests"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return EmpowermentRequest.objects.visible_to(self.request.user).select_related(
            "town", "matter", "requested_by", "decided_by"
        )


@login_required
def request_detail(request, pk):
    item = get_object_or_404(
        EmpowermentRequest.objects.visible_to(request.user).select_related(
            "town", "matter", "requested_by", "decided_by"
        ),
        pk=pk,
    )
    caps = empowerment_capacities(request.user, item.town)
    grant = EmpowermentGrant.objects.filter(request=item).select_related("decision").first()
    return render(
        request,
        "matters/request_detail.html",
        {
            "item": item,
            "grant": grant,
            "actions": REQUEST_WORKFLOW.allowed(state=item.state, capacities=caps),
            "history": list(item.history.select_related("actor")),
            "version": item.matter.current_version(),
        },
    )


@login_required
def request_action(request, pk, name):
    item = get_object_or_404(
        EmpowermentRequest.objects.visible_to(request.user).select_related("town", "matter"), pk=pk
    )
    try:
        transition = REQUEST_WORKFLOW[name]
    except KeyError:
        raise Http404 from None
    caps = empowerment_capacities(request.user, item.town)
    if not transition.actors & caps:
        return forbidden(
            request, _("You may not “%(action)s” here.") % {"action": transition.label}
        )
    if item.state not in transition.sources:
        messages.error(
            request,
            _("“%(action)s” is not possible while the item is “%(state)s”.")
            % {"action": transition.label, "state": item.get_state_display()},
        )
        return redirect("matters:request", pk=item.pk)
    if name == "approve":
        form = bind_form(request, forms.ApproveForm, initial={"effective_from": item.wanted_from})

        def perform(d):
            return services.approve_request(
                item,
                by=request.user,
                decision=form.decision(),
                effective_from=d["effective_from"],
                reason=d["reason"],
            )
    else:
        form = bind_form(request, forms.ReasonForm, transition=transition)

        def perform(d):
            action = services.reject_request if name == "reject" else services.withdraw_request
            return action(item, by=request.user, reason=d["reason"])

    def done(_result):
        messages.success(request, _("Done: %(action)s.") % {"action": transition.label})
        return redirect("matters:request", pk=item.pk)

    return service_form_view(
        request,
        form=form,
        perform_with=perform,
        done=done,
        template="matters/form.html",
        context={
            "item": item,
            "town": item.town,
            "title": transition.label,
            "description": transition.description,
            "back": reverse("matters:request", args=[item.pk]),
        },
    )


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
    return render(request, "matters/round_list.html", {"rounds": rounds})


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
        return redirect("matters:round", pk=round_.pk)

    return service_form_view(
        request,
        form=form,
        perform_with=perform,
        done=done,
        template="matters/form.html",
        context={"title": _("Open an assessment round"), "back": reverse("matters:rounds")},
    )


@login_required
def round_detail(request, pk):
    round_ = get_object_or_404(AssessmentRound, pk=pk)
    if not _may_compare(request.user):
        return forbidden(request, _("The comparison across towns is for assessors and the county."))
    return render(
        request,
        "matters/round_results.html",
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
        "matters/assessment_detail.html",
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
    return redirect(reverse("matters:assessment", args=[pk, code]) + f"#dimension-{dimension}")


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
    return redirect("matters:assessment", pk=pk, code=code)


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
