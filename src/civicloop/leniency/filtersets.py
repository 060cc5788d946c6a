"""One FilterSet per list: the web pages and the API use the same."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import CommitmentState, ItemKind, RepairState, ServiceKind
from .models import ButlerService, Commitment, CreditRepair, LeniencyItem


class ItemFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=ItemKind.choices)
    matter = django_filters.CharFilter(
        label=_("matter code"), field_name="matter__code", lookup_expr="iexact"
    )
    in_force = django_filters.BooleanFilter(label=_("in force today"), method="filter_in_force")
    q = django_filters.CharFilter(label=_("search"), method="filter_text")

    class Meta:
        model = LeniencyItem
        fields = ["kind", "matter", "in_force"]

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


class RepairFilterSet(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(label=_("state"), choices=RepairState.choices)

    class Meta:
        model = CreditRepair
        fields = ["state"]


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
