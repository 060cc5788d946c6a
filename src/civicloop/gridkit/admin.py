"""Admin: toolkit versions are shown, never edited (they are generated from data and
append-only; ``civicloop gridkit refresh`` or the pages make new ones)."""

from django.contrib import admin

from .models import ToolkitVersion


@admin.register(ToolkitVersion)
class ToolkitVersionAdmin(admin.ModelAdmin):
    list_display = (
        "grid",
        "number",
        "generated_at",
        "generated_by",
        "changed_parts",
        "content_hash",
    )
    list_filter = ("generated_at",)
    search_fields = ("grid__name", "grid__code", "content_hash")
    readonly_fields = (
        "grid",
        "number",
        "content_hash",
        "changed_parts",
        "period_start",
        "period_end",
        "generated_at",
        "generated_by",
        "content",
    )
    list_select_related = ("grid", "generated_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
