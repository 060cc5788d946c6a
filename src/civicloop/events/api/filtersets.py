"""Filters of the category list (the event list uses ``events.filtersets.EventFilterSet``)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from civicloop.matters.choices import HandlingLevel
from civicloop.matters.models import Category


class CategoryFilterSet(django_filters.FilterSet):
    parent = django_filters.CharFilter(label=_("parent category code"), field_name="parent__code")
    handling_level = django_filters.ChoiceFilter(
        label=_("handled at"), choices=HandlingLevel.choices
    )
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Category
        fields = ["parent", "handling_level", "is_active"]
