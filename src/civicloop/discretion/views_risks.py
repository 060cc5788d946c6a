"""The review queue of discretion risks (``discretion:risks``): the list with filters, a flag
with its evidence and history, the review form and the Excel export. Seen by legal reviewers
(their area), leaders and the county centre; reviewed by legal reviewers (``discretion.risks``).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civicloop.core.downloads import XLSX, attachment_response
from civicloop.core.views import bind_form, forbidden, service_form_view
from civicloop.org.models import Region

from .models import RiskFlag, RiskKind, RiskState
from .risks import (
    REVIEW,
    capacities,
    may_see_flags,
    review_flag,
    town_names,
    visible_flags,
    write_flags_workbook,
)

PAGE_SIZE = 50


class RiskFlagFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("kind"), choices=RiskKind.choices, empty_label=_("all")
    )
    state = django_filters.ChoiceFilter(
        label=_("state"), choices=RiskState.choices, empty_label=_("all")
    )
    town = django_filters.ModelChoiceFilter(
        label=_("town"),
        queryset=Region.objects.towns().order_by("code"),
        method="filter_town",
        empty_label=_("all"),
    )
    region = django_filters.CharFilter(
        label=_("place of the case (division code)"), method="filter_region", max_length=15
    )
    found_after = django_filters.DateFilter(
        label=_("found from"), field_name="found_at", lookup_expr="date__gte"
    )
    found_before = django_filters.DateFilter(
        label=_("found until"), field_name="found_at", lookup_expr="date__lte"
    )
    confirmed_after = django_filters.DateFilter(
        label=_("confirmed from"), field_name="confirmed_at", lookup_expr="date__gte"
    )
    confirmed_before = django_filters.DateFilter(
        label=_("confirmed until"), field_name="confirmed_at", lookup_expr="date__lte"
    )
    corrected_after = django_filters.DateFilter(
        label=_("corrected from"), field_name="corrected_at", lookup_expr="date__gte"
    )
    corrected_before = django_filters.DateFilter(
        label=_("corrected until"), field_name="corrected_at", lookup_expr="date__lte"
    )

    class Meta:
        model = RiskFlag
        fields = ["kind", "state"]

    def filter_town(self, queryset, name, value):
        return queryset.filter(place_code__startswith=value.prefix) if value else queryset

    def filter_region(self, queryset, name, value):
        region = Region.objects.filter(code=value.strip()).first()
        if region is None:
            return queryset.none() if value.strip() else queryset
        return queryset.filter(place_code__startswith=region.prefix)


def _filtered(request):
    flags = visible_flags(request.user).select_related("case", "reviewed_by")
    # The bare page is the queue: the open flags; a filtered one (drill-downs) shows any state.
    data = request.GET if request.GET else {"state": RiskState.OPEN}
    filterset = RiskFlagFilterSet(data, queryset=flags)
    rows = filterset.qs if filterset.is_valid() else flags.none()
    return filterset, rows.order_by("-found_at", "-id")


@login_required
def risk_list(request):
    if not may_see_flags(request.user):
        return forbidden(request, gettext("Only legal reviewers and leaders see discretion risks."))
    filterset, rows = _filtered(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    towns = town_names()
    for flag in page.object_list:
        flag.town = towns.get((flag.place_code or "")[:9], "")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "discretion/risk_list.html",
        {
            "page_obj": page,
            "flags": page.object_list,
            "filterset": filterset,
            "query": query.urlencode(),
        },
    )


@login_required
def risk_export(request):
    if not may_see_flags(request.user):
        return forbidden(request, gettext("Only legal reviewers and leaders see discretion risks."))
    _filterset, rows = _filtered(request)
    response = attachment_response(
        gettext("discretion-risks-%(day)s.xlsx") % {"day": timezone.localdate().isoformat()},
        XLSX,
        private=True,
    )
    write_flags_workbook(rows, response)
    return response


def _flag(request, pk) -> RiskFlag:
    return get_object_or_404(
        visible_flags(request.user).select_related(
            "case", "case__region", "case__handling_unit__region", "reviewed_by"
        ),
        pk=pk,
    )


@login_required
def risk_detail(request, pk):
    flag = _flag(request, pk)
    caps = capacities(request.user, flag)
    return render(
        request,
        "discretion/risk_detail.html",
        {
            "flag": flag,
            "actions": REVIEW.allowed(state=flag.state, capacities=caps),
            "timeline": _timeline(flag),
            "town": town_names().get((flag.place_code or "")[:9], ""),
        },
    )


def _timeline(flag: RiskFlag) -> list[dict]:
    labels = {
        "find": gettext("found by the sweep"),
        "update": gettext("evidence updated by the sweep"),
        **{t.name: str(t.label) for t in REVIEW},
    }
    states = dict(RiskState.choices)
    return [
        {
            "at": entry.at,
            "action": entry.action,
            "label": labels.get(entry.action, entry.action),
            "actor": entry.actor or gettext("the risk sweep"),
            "changed": entry.from_state != entry.to_state,
            "from_label": states.get(entry.from_state, ""),
            "to_label": states.get(entry.to_state, ""),
            "reason": entry.reason,
        }
        for entry in flag.history.select_related("actor")
    ]


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when explained or corrected: why the fine stands, or what changed."),
    )
    amount = forms.DecimalField(
        label=_("amount corrected (yuan)"),
        required=False,
        min_value=0,
        decimal_places=2,
        max_digits=14,
        help_text=_("For a correction: the change of the fine or the loss recovered."),
    )
    service_fields = {"reason": "note"}

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(t.name, t.label) for t in actions]


@login_required
def risk_review(request, pk):
    flag = _flag(request, pk)
    actions = REVIEW.allowed(state=flag.state, capacities=capacities(request.user, flag))
    if not actions:
        return forbidden(request, gettext("You may not review this risk flag now."))
    return service_form_view(
        request,
        form=bind_form(request, ReviewForm, actions=actions),
        perform_with=lambda data: review_flag(
            flag, outcome=data["outcome"], note=data["note"], amount=data["amount"], by=request.user
        ),
        done=lambda _flag: redirect(reverse("discretion:risk", args=[flag.pk])),
        context={"flag": flag},
        template="discretion/risk_review.html",
    )


risk_urlpatterns = [
    path("risks/", risk_list, name="risks"),
    path("risks/export.xlsx", risk_export, name="risk_export"),
    path("risks/<int:pk>/", risk_detail, name="risk"),
    path("risks/<int:pk>/review/", risk_review, name="risk_review"),
]


def case_panel(request, case) -> dict | None:
    """The case page's section: the case's risk flags the viewer may see (nothing otherwise)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not may_see_flags(user):
        return None
    flags = list(visible_flags(user).filter(case=case).order_by("-found_at", "-id"))
    return {"flags": flags} if flags else None
