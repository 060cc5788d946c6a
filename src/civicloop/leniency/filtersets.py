"""One FilterSet per list: the web pages and the API use the same."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.cases.models import Case
from civicloop.org.models import Region

from .choices import CommitmentState, ItemKind, RepairState, ServiceKind
from .models import AppliedItem, ButlerService, Commitment, CreditRepair, LeniencyItem


def _region_filter():
    return django_filters.CharFilter(
        label=_("place of the case (division code)"), method="filter_region", max_length=15
    )


def cases_in(code: str):
    """Cases placed in the region with this division code or below it (the figures' place:
    ``Case.objects.within``); none for an unknown code."""
    region = Region.objects.filter(code=code.strip()).first()
    return Case.objects.within(region).values("pk") if region else Case.objects.none()


class CasePlaceMixin:
    def filter_region(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(case__in=cases_in(value))


class ItemFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=ItemKind.choices)
    matter = django_filters.CharFilter(
        label=_("matter code"), field_name="matter__code", lookup_expr="iexact"
    )
    in_force = django_filters.BooleanFilter(label=_("in force today"), method="filter_in_force")
    listed_on = django_filters.DateFilter(label=_("on the list on"), method="filter_listed_on")
    # Items applied in decisions made in these dates, in cases placed in this region: the three
    # describe one application (filter_queryset), not three separate conditions.
    applied_after = django_filters.DateFilter(
        label=_("applied in decisions from"), method="filter_application"
    )
    applied_before = django_filters.DateFilter(
        label=_("applied in decisions until"), method="filter_application"
    )
    region = django_filters.CharFilter(
        label=_("applied in cases of (division code)"), method="filter_application", max_length=15
    )
    q = django_filters.CharFilter(label=_("search"), method="filter_text")

    class Meta:
        model = LeniencyItem
        fields = ["kind", "matter", "in_force"]

    def filter_application(self, queryset, name, value):
        """Applied together with the other two in filter_queryset."""
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        after, before = data.get("applied_after"), data.get("applied_before")
        code = (data.get("region") or "").strip()
        if not (after or before or code):
            return queryset
        applied = AppliedItem.objects.filter(case__decided_at__isnull=False)
        if after:
            applied = applied.filter(case__decided_at__date__gte=after)
        if before:
            applied = applied.filter(case__decided_at__date__lte=before)
        if code:
            applied = applied.filter(case__in=cases_in(code))
        return queryset.filter(pk__in=applied.values("item"))

    def filter_listed_on(self, queryset, name, value):
        return queryset.filter(pk__in=LeniencyItem.objects.listed_on(value).values("pk"))

    def filter_in_force(self, queryset, name, value):
        if value is None:
            return queryset
        current = LeniencyItem.objects.in_force(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)

    def filter_text(self, queryset, name, value):
        """Code, matter code or name, or the circumstance."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value)
            | Q(matter__code__iexact=value)
            | Q(matter__name__icontains=value)
            | Q(versions__title__icontains=value)
        ).distinct()


class CommitmentFilterSet(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(label=_("state"), choices=CommitmentState.choices)
    due_before = django_filters.DateFilter(
        label=_("follow-up check by"), field_name="follow_up_due_on", lookup_expr="lte"
    )

    class Meta:
        model = Commitment
        fields = ["state", "due_before"]


class AppliedItemFilterSet(CasePlaceMixin, django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=ItemKind.choices)
    decided_after = django_filters.DateFilter(
        label=_("decided from"), field_name="case__decided_at", lookup_expr="date__gte"
    )
    decided_before = django_filters.DateFilter(
        label=_("decided until"), field_name="case__decided_at", lookup_expr="date__lte"
    )
    region = _region_filter()

    class Meta:
        model = AppliedItem
        fields = ["kind", "decided_after", "decided_before", "region"]


class RepairFilterSet(CasePlaceMixin, django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(label=_("state"), choices=RepairState.choices)
    repaired_after = django_filters.DateFilter(
        label=_("repaired from"), field_name="repaired_at", lookup_expr="date__gte"
    )
    repaired_before = django_filters.DateFilter(
        label=_("repaired until"), field_name="repaired_at", lookup_expr="date__lte"
    )
    region = _region_filter()

    class Meta:
        model = CreditRepair
        fields = ["state", "repaired_after", "repaired_before", "region"]


class ButlerServiceFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=ServiceKind.choices)
    held_after = django_filters.DateFilter(
        label=_("held from"), field_name="held_on", lookup_expr="gte"
    )
    held_before = django_filters.DateFilter(
        label=_("held until"), field_name="held_on", lookup_expr="lte"
    )

    class Meta:
        model = ButlerService
        fields = ["kind", "held_after", "held_before"]
