"""One FilterSet for the warning list, shared by the web page and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from civicloop.org.choices import RegionLevel

from .choices import WarningState
from .models import Warning


class WarningFilterSet(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(label=_("state"), choices=WarningState.choices)
    level = django_filters.ChoiceFilter(label=_("level"), choices=RegionLevel.choices)
    place = django_filters.CharFilter(
        label=_("place (division code)"),
        method="filter_place",
        help_text=_("Warnings at this place and the places inside it."),
    )
    raised_after = django_filters.DateFilter(
        label=_("raised on or after"), field_name="raised_at", lookup_expr="date__gte"
    )
    raised_before = django_filters.DateFilter(
        label=_("raised on or before"), field_name="raised_at", lookup_expr="date__lte"
    )

    class Meta:
        model = Warning
        fields = ["state", "level", "place", "raised_after", "raised_before"]

    def filter_place(self, queryset, name, value):
        value = (value or "").strip()
        if not value.isdigit():
            return queryset.none() if value else queryset
        prefix = value[:9] if value.endswith("000") and len(value) == 12 else value
        if len(value) == 12 and value.endswith("000000"):
            prefix = value[:6]
        return queryset.filter(region__code__startswith=prefix)
