"""One FilterSet for the event list: the web page, its Excel export and the API use it."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.matters.models import Category
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region

from .choices import EventState, Source, Span, Urgency
from .models import Event


class EventFilterSet(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(label=_("state"), choices=EventState.choices)
    town = django_filters.ModelChoiceFilter(
        label=_("town / street"),
        queryset=Region.objects.filter(level=RegionLevel.TOWN),
        method="filter_region",
        to_field_name="code",
    )
    village = django_filters.ModelChoiceFilter(
        label=_("village / community"),
        queryset=Region.objects.filter(level=RegionLevel.VILLAGE),
        method="filter_region",
        to_field_name="code",
    )
    grid = django_filters.ModelChoiceFilter(
        label=_("grid"),
        queryset=Region.objects.filter(level=RegionLevel.GRID),
        method="filter_region",
        to_field_name="code",
    )
    category = django_filters.ModelChoiceFilter(
        label=_("category"),
        queryset=Category.objects.all(),
        method="filter_category",
        to_field_name="code",
    )
    urgency = django_filters.ChoiceFilter(label=_("urgency"), choices=Urgency.choices)
    span = django_filters.ChoiceFilter(label=_("span"), choices=Span.choices)
    source = django_filters.ChoiceFilter(label=_("source"), choices=Source.choices)
    overdue = django_filters.BooleanFilter(label=_("overdue"), method="filter_overdue")
    reported_after = django_filters.DateFilter(
        label=_("reported from"), field_name="reported_at", lookup_expr="date__gte"
    )
    reported_before = django_filters.DateFilter(
        label=_("reported until"), field_name="reported_at", lookup_expr="date__lte"
    )
    q = django_filters.CharFilter(label=_("search"), method="filter_text")

    class Meta:
        model = Event
        fields = [
            "state",
            "town",
            "village",
            "grid",
            "category",
            "urgency",
            "span",
            "source",
            "overdue",
        ]

    def filter_region(self, queryset, name, value):
        return queryset.in_region(value) if value else queryset

    def filter_category(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(category=value) | Q(category__parent=value))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        now = timezone.now()
        overdue = queryset.overdue(now)
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(address__icontains=value)
        )
