"""Routing models and suggestions in the admin: read-only records, except switching
a model on or off (the newest active trained model makes the suggestions; with
none active, the starter does)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import RouterModel, RoutingSuggestion


@admin.register(RouterModel)
class RouterModelAdmin(admin.ModelAdmin):
    list_display = [
        "version",
        "source",
        "source_detail",
        "trained_at",
        "n_samples",
        "macro_f1",
        "is_active",
    ]
    list_filter = ["source", "is_active"]
    readonly_fields = [
        "version",
        "source",
        "source_detail",
        "trained_at",
        "trained_by",
        "labels",
        "label_counts",
        "n_samples",
        "metrics",
        "recipe",
        "training_seconds",
        "sklearn_version",
        "data_sha256",
    ]
    fields = ["is_active", *readonly_fields]
    actions = ["activate", "deactivate"]

    @admin.display(description=_("macro-F1 (cross-validated)"))
    def macro_f1(self, obj):
        value = (obj.metrics or {}).get("macro_f1")
        return "—" if value is None else f"{value:.3f}"

    def has_add_permission(self, request):
        return False  # models are trained with `civicloop router train`

    @admin.action(description=_("Use the selected models"))
    def activate(self, request, queryset):
        queryset.update(is_active=True)

    @admin.action(description=_("Stop using the selected models"))
    def deactivate(self, request, queryset):
        queryset.update(is_active=False)


@admin.register(RoutingSuggestion)
class RoutingSuggestionAdmin(admin.ModelAdmin):
    list_display = [
        "event",
        "label",
        "category",
        "department_name",
        "confidence",
        "model",
        "created_at",
    ]
    list_filter = ["model", "label"]
    list_select_related = ["event", "category", "model"]
    search_fields = ["event__number", "label"]
    readonly_fields = [
        "event",
        "model",
        "label",
        "category",
        "department",
        "department_name",
        "confidence",
        "alternatives",
        "created_at",
        "shown_to",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
