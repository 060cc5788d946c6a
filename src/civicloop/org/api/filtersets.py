"""Filters of the organisation API (regions and units)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from civicloop.org.choices import RegionLevel, UnitKind
from civicloop.org.models import Region, Unit


class RegionFilterSet(django_filters.FilterSet):
    level = django_filters.MultipleChoiceFilter(label=_("level"), choices=RegionLevel.choices)
    parent = django_filters.CharFilter(label=_("parent's division code"), field_name="parent__code")
    code_prefix = django_filters.CharFilter(
        label=_("division code starts with"), field_name="code", lookup_expr="startswith"
    )
    q = django_filters.CharFilter(
        label=_("name contains"), field_name="name", lookup_expr="icontains"
    )

    class Meta:
        model = Region
        fields = ["level", "parent", "code_prefix", "q"]


class UnitFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(label=_("kind"), choices=UnitKind.choices)
    region = django_filters.CharFilter(
        label=_("division code of the area served"), field_name="region__code"
    )
    within = django_filters.CharFilter(
        label=_("serving a place within this division code"), method="filter_within"
    )
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Unit
        fields = ["kind", "region", "within", "is_active"]

    def filter_within(self, queryset, name, value):
        region = Region.objects.filter(code=value).first()
        if region is None:
            return queryset.none()
        return queryset.filter(region__code__startswith=region.prefix)
