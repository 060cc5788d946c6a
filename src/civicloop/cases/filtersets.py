"""One FilterSet for the case list: the web page, its Excel export and the API use it."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.org.choices import UnitKind
from civicloop.org.models import Region, Unit

from .choices import CaseSource, CaseState, Outcome, Procedure
from .models import Case


class CaseFilterSet(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(label=_("stage"), choices=CaseState.choices)
    procedure = django_filters.MultipleChoiceFilter(label=_("procedure"), choices=Procedure.choices)
    source = django_filters.ChoiceFilter(label=_("source"), choices=CaseSource.choices)
    handling_unit = django_filters.ModelChoiceFilter(
        label=_("handling unit"),
        to_field_name="code",
        queryset=Unit.objects.filter(kind__in=[UnitKind.SQUAD, UnitKind.DEPARTMENT]).order_by(
            "name"
        ),
    )
    outcome = django_filters.ChoiceFilter(label=_("outcome"), choices=Outcome.choices)
    is_empowered = django_filters.BooleanFilter(label=_("decided under delegated powers"))
    overdue = django_filters.BooleanFilter(label=_("overdue"), method="filter_overdue")
    filed_after = django_filters.DateFilter(
        label=_("filed from"), field_name="filed_at", lookup_expr="date__gte"
    )
    filed_before = django_filters.DateFilter(
        label=_("filed until"), field_name="filed_at", lookup_expr="date__lte"
    )
    decided_after = django_filters.DateFilter(
        label=_("decided from"), field_name="decided_at", lookup_expr="date__gte"
    )
    decided_before = django_filters.DateFilter(
        label=_("decided until"), field_name="decided_at", lookup_expr="date__lte"
    )
    closed_after = django_filters.DateFilter(
        label=_("closed from"), field_name="closed_at", lookup_expr="date__gte"
    )
    closed_before = django_filters.DateFilter(
        label=_("closed until"), field_name="closed_at", lookup_expr="date__lte"
    )
    region = django_filters.CharFilter(
        label=_("place (division code)"), method="filter_region", max_length=15
    )
    q = django_filters.CharFilter(label=_("search"), method="filter_text")

    class Meta:
        model = Case
        fields = [
            "state",
            "procedure",
            "source",
            "handling_unit",
            "outcome",
            "is_empowered",
            "overdue",
        ]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue(timezone.now())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_region(self, queryset, name, value):
        """Cases placed in the region or below it — the place the figures count them under
        (``Case.objects.within``). An unknown code matches nothing."""
        value = value.strip()
        if not value:
            return queryset
        region = Region.objects.filter(code=value).first()
        return queryset.within(region) if region is not None else queryset.none()

    def filter_text(self, queryset, name, value):
        """Number, title, matter code, or a party's name or full identifier."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(title__icontains=value)
            | Q(matter_links__matter__code__iexact=value)
            | Q(party_links__party__name__icontains=value)
            | Q(party_links__party__id_number=value.upper())
            | Q(party_links__party__credit_code=value.upper())
        ).distinct()
