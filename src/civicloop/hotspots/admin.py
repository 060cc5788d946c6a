"""Warnings and suggestions in the admin: read-only records (state changes go through
the pages, the API or ``services.py``, never the admin)."""

from django.contrib import admin

from .models import DuplicateSuggestion, Warning, WarningHistory


class WarningHistoryInline(admin.TabularInline):
    model = WarningHistory
    fields = ["at", "action", "from_state", "to_state", "actor", "reason", "details"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Warning)
class WarningAdmin(admin.ModelAdmin):
    list_display = [
        "region",
        "subject_name",
        "window_start",
        "window_end",
        "observed",
        "expected",
        "score",
        "state",
        "raised_at",
    ]
    list_filter = ["state", "level", "dimension"]
    list_select_related = ["region", "category", "matter"]
    search_fields = ["region__name", "region__code", "category__name", "matter__code"]
    readonly_fields = [f.name for f in Warning._meta.fields] + ["evidence"]
    inlines = [WarningHistoryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DuplicateSuggestion)
class DuplicateSuggestionAdmin(admin.ModelAdmin):
    list_display = [
        "event",
        "candidate",
        "similarity",
        "place_match",
        "times_shown",
        "first_shown_at",
    ]
    list_filter = ["place_match"]
    list_select_related = ["event", "candidate"]
    search_fields = ["event__number", "candidate__number"]
    readonly_fields = [f.name for f in DuplicateSuggestion._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
