"""Pages of the matter catalog, towns' empowerment and requests (点单赋权); the
third-party assessment (一镇一评估) adds its section to the town page (``town_extensions``).

Thin views: objects come from scoped querysets (``visible_to``) or published lists,
every write is one call into ``services.py``, and the buttons shown are the
workflow table's answer for this user (``permissions.py``).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.downloads import XLSX, attachment_response
from civicloop.core.inputs import date_in_range
from civicloop.core.listing import FilteredListView
from civicloop.core.views import bind_form, forbidden, service_form_view
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region

from . import forms, services
from .choices import GrantKind
from .exporting import write_catalog_workbook
from .filtersets import MatterFilterSet, RequestFilterSet
from .models import (
    EmpowermentDecision,
    EmpowermentGrant,
    EmpowermentRequest,
    Matter,
    in_force_q,
)
from .permissions import empowerment_capacities, sees_town_records
from .timeline import holdings, town_timeline
from .town_extensions import suggestions_for_town, town_sections_context
from .workflow import REQUEST_WORKFLOW

PAGE_SIZE = 30


def _date_param(request, name: str = "on") -> dt.date:
    raw = request.GET.get(name)
    if raw:
        try:
            day = dt.date.fromisoformat(raw)
            date_in_range(day)  # year 9999 overflowed in the holdings' date bounds (a 500)
            return day
        except (ValueError, ValidationError):
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
        matters = self.filtered_rows()
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
            "versions": list(
                matter.versions.order_by("-effective_from").prefetch_related("statutory_ranges")
            ),
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
    requests and what other apps add (``town_extensions``: the latest assessment and the
    suggested adjustments)."""
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
        context["suggestions"] = group_suggestions(suggestions_for_town(town, on=on))
        context["requests"] = list(
            EmpowermentRequest.objects.visible_to(user)
            .filter(town=town)
            .select_related("matter", "requested_by")[:20]
        )
        context["town_sections"] = town_sections_context(request, town, on)
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
