"""One FilterSet per list, shared by the web pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicloop.matters.models import Category
from civicloop.org.choices import RegionLevel, UnitKind
from civicloop.org.models import Region, Unit

from .choices import GrantKind, RequestState
from .models import EmpowermentGrant, EmpowermentRequest, Matter


class MatterFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("search"),
        method="filter_text",
        help_text=_("Code, name, statute or words of the article."),
    )
    category = django_filters.ModelChoiceFilter(
        label=_("category"),
        queryset=Category.objects.all(),
        method="filter_category",
        to_field_name="code",
    )
    department = django_filters.ModelChoiceFilter(
        label=_("department"),
        queryset=Unit.objects.filter(kind=UnitKind.DEPARTMENT),
        to_field_name="code",
    )
    delegable = django_filters.BooleanFilter(label=_("may be delegated to towns"))
    law = django_filters.CharFilter(
        label=_("law"), field_name="versions__law", lookup_expr="icontains", distinct=True
    )
    held_by = django_filters.ModelChoiceFilter(
        label=_("held today by"),
        queryset=Region.objects.filter(level=RegionLevel.TOWN),
        method="filter_held",
        to_field_name="code",
    )

    class Meta:
        model = Matter
        fields = ["q", "category", "department", "delegable", "law", "held_by"]

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_category(self, queryset, name, value):
        return queryset.filter(Q(category=value) | Q(category__parent=value)) if value else queryset

    def filter_held(self, queryset, name, value):
        return queryset.held_by(value) if value else queryset


class GrantFilterSet(django_filters.FilterSet):
    town = django_filters.ModelChoiceFilter(
        label=_("town / street"),
        queryset=Region.objects.filter(level=RegionLevel.TOWN),
        to_field_name="code",
    )
    matter = django_filters.ModelChoiceFilter(
        label=_("matter"), queryset=Matter.objects.all(), to_field_name="code"
    )
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=GrantKind.choices)
    on = django_filters.DateFilter(label=_("in force on"), method="filter_on")

    class Meta:
        model = EmpowermentGrant
        fields = ["town", "matter", "kind", "on"]

    def filter_on(self, queryset, name, value):
        return queryset.in_force(on=value) if value else queryset


class RequestFilterSet(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(label=_("state"), choices=RequestState.choices)
    town = django_filters.ModelChoiceFilter(
        label=_("town / street"),
        queryset=Region.objects.filter(level=RegionLevel.TOWN),
        to_field_name="code",
    )

    class Meta:
        model = EmpowermentRequest
        fields = ["state", "town"]
