"""One FilterSet for the event list: the web page, its Excel export and the API use it."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.matters.models import Category
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region

from .choices import EventState, Outcome, Rating, Source, Span, Urgency
from .kpis import dispatched, latest_outcome
from .models import Event, EventRating

DATE = forms.DateInput(attrs={"type": "date"})


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
    # Several at once: the complaint channels together (信访投诉) are three sources.
    source = django_filters.MultipleChoiceFilter(
        label=_("source"), choices=Source.choices, widget=forms.CheckboxSelectMultiple
    )
    overdue = django_filters.BooleanFilter(label=_("overdue"), method="filter_overdue")
    reported_after = django_filters.DateFilter(
        label=_("reported from"), field_name="reported_at", lookup_expr="date__gte"
    )
    reported_before = django_filters.DateFilter(
        label=_("reported until"), field_name="reported_at", lookup_expr="date__lte"
    )
    closed_after = django_filters.DateFilter(
        label=_("closed from"), field_name="closed_at", lookup_expr="date__gte", widget=DATE
    )
    closed_before = django_filters.DateFilter(
        label=_("closed until"), field_name="closed_at", lookup_expr="date__lte", widget=DATE
    )
    # Rating filters are one condition: a rating given in the date range with one of the values.
    rated_after = django_filters.DateFilter(
        label=_("rated from"), method="filter_rated", widget=DATE
    )
    rated_before = django_filters.DateFilter(
        label=_("rated until"), method="filter_rated", widget=DATE
    )
    rating = django_filters.MultipleChoiceFilter(
        label=_("rating given"),
        choices=Rating.choices,
        method="filter_rated",
        widget=forms.CheckboxSelectMultiple,
    )
    outcome = django_filters.ChoiceFilter(
        label=_("latest feedback outcome"), choices=Outcome.choices, method="filter_outcome"
    )
    dispatched = django_filters.BooleanFilter(
        label=_("dispatched to a unit"), method="filter_dispatched"
    )
    duplicate = django_filters.BooleanFilter(
        label=_("merged duplicate"), field_name="merged_into", lookup_expr="isnull", exclude=True
    )
    code_prefix = django_filters.CharFilter(
        label=_("division code starts with"), method="filter_code_prefix"
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

    def filter_code_prefix(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(region__code__startswith=value)

    def filter_rated(self, queryset, name, value):
        data = self.form.cleaned_data
        after, before, values = (
            data.get("rated_after"),
            data.get("rated_before"),
            data.get("rating"),
        )
        if not (after or before or values):
            return queryset
        given = EventRating.objects.filter(event=OuterRef("pk"))
        if after:
            given = given.filter(rated_at__date__gte=after)
        if before:
            given = given.filter(rated_at__date__lte=before)
        if values:
            given = given.filter(rating__in=values)
        # Called once per rating filter given; the condition is the same each time.
        return queryset.filter(Exists(given))

    def filter_outcome(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.annotate(latest_outcome=latest_outcome()).filter(latest_outcome=value)

    def filter_dispatched(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(dispatched() if value else ~dispatched())

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
