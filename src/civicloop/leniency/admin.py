"""Admin of flexible enforcement: everything is read-only — the list changes through its
services (pages, Excel import), the rest through the workflows."""

from django.contrib import admin

from civicloop.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    AppliedItem,
    ButlerService,
    Commitment,
    CommitmentHistory,
    CreditRepair,
    CreditRepairHistory,
    LeniencyItem,
    LeniencyItemHistory,
    LeniencyItemVersion,
)


class VersionInline(ReadOnlyInline):
    model = LeniencyItemVersion
    fields = [
        "number",
        "effective_from",
        "effective_to",
        "title",
        "conditions",
        "legal_basis",
        "document_number",
    ]
    readonly_fields = fields


class ItemHistoryInline(ReadOnlyInline):
    model = LeniencyItemHistory
    fields = ["at", "action", "actor", "reason", "details"]
    readonly_fields = fields


@admin.register(LeniencyItem)
class LeniencyItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "matter", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "matter__code", "matter__name"]
    inlines = [VersionInline, ItemHistoryInline]


@admin.register(AppliedItem)
class AppliedItemAdmin(ReadOnlyAdmin):
    list_display = ["case", "item", "kind", "outcome", "applied_at"]
    list_filter = ["kind"]


class CommitmentHistoryInline(ReadOnlyInline):
    model = CommitmentHistory
    fields = ["at", "action", "from_state", "to_state", "actor", "reason", "details"]
    readonly_fields = fields


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["case", "party", "state", "follow_up_due_on", "handling_unit"]
    list_filter = ["state"]
    inlines = [CommitmentHistoryInline]


class RepairHistoryInline(ReadOnlyInline):
    model = CreditRepairHistory
    fields = ["at", "action", "from_state", "to_state", "actor", "reason", "details"]
    readonly_fields = fields


@admin.register(CreditRepair)
class CreditRepairAdmin(ReadOnlyAdmin):
    list_display = ["case", "party", "state", "repairable_on", "handling_unit"]
    list_filter = ["state"]
    inlines = [RepairHistoryInline]


@admin.register(ButlerService)
class ButlerServiceAdmin(ReadOnlyAdmin):
    list_display = ["party", "kind", "held_on", "unit"]
    list_filter = ["kind"]
