"""Admin: the catalog, grants, requests and assessments are shown, never edited here —
every change goes through the services (pages, API, ``civicloop import matters``)
so that it leaves its history row. The event categories, which have no history, are edited
here (and loaded by ``events.demo.load_categories``)."""

from django.contrib import admin

from civicloop.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    Category,
    EmpowermentDecision,
    EmpowermentGrant,
    EmpowermentGrantHistory,
    EmpowermentRequest,
    EmpowermentRequestHistory,
    Matter,
    MatterHistory,
    MatterVersion,
)


class VersionInline(ReadOnlyInline):
    model = MatterVersion
    fields = [
        "effective_from",
        "effective_to",
        "name",
        "law",
        "article",
        "clause",
        "fine_min",
        "fine_max",
        "fine_range_label",
    ]
    readonly_fields = fields


class MatterHistoryInline(ReadOnlyInline):
    model = MatterHistory
    fields = ["at", "action", "actor", "reason", "details"]
    readonly_fields = fields


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "parent",
        "handling_level",
        "department",
        "town_may_handle",
        "is_active",
    ]
    list_filter = ["handling_level", "town_may_handle", "is_active"]
    search_fields = ["code", "name"]


@admin.register(Matter)
class MatterAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "category", "department", "delegable", "is_active"]
    list_filter = ["delegable", "is_active", "department", "category"]
    search_fields = ["code", "name"]
    inlines = [VersionInline, MatterHistoryInline]


@admin.register(EmpowermentDecision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "issued_on"]
    search_fields = ["number", "title"]


class GrantHistoryInline(ReadOnlyInline):
    model = EmpowermentGrantHistory
    fields = ["at", "action", "actor", "reason", "details"]
    readonly_fields = fields


@admin.register(EmpowermentGrant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["town", "matter", "kind", "effective_from", "effective_to", "decision"]
    list_filter = ["kind", "town"]
    search_fields = ["matter__code", "matter__name"]
    inlines = [GrantHistoryInline]


class RequestHistoryInline(ReadOnlyInline):
    model = EmpowermentRequestHistory
    fields = ["at", "action", "from_state", "to_state", "actor", "reason", "details"]
    readonly_fields = fields


@admin.register(EmpowermentRequest)
class RequestAdmin(ReadOnlyAdmin):
    list_display = ["town", "matter", "state", "wanted_from", "requested_by", "requested_at"]
    list_filter = ["state", "town"]
    inlines = [RequestHistoryInline]
