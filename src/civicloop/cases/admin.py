from django.contrib import admin

from .models import Case, CaseHistory, DocumentNumberScheme


@admin.register(DocumentNumberScheme)
class DocumentNumberSchemeAdmin(admin.ModelAdmin):
    """Each handling unit's document-number prefix (e.g. 盐综执（武原）)."""

    list_display = ["unit", "prefix"]
    search_fields = ["unit__name", "prefix"]


class HistoryInline(admin.TabularInline):
    model = CaseHistory
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_state", "to_state", "actor", "reason", "details"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Cases change only through the workflow; the admin shows them, never edits."""

    list_display = [
        "number",
        "title",
        "state",
        "procedure",
        "handling_unit",
        "is_empowered",
        "filed_at",
    ]
    list_filter = ["state", "procedure", "is_empowered"]
    search_fields = ["number", "title"]
    inlines = [HistoryInline]
    fields = [
        "number",
        "title",
        "state",
        "procedure",
        "handling_unit",
        "source",
        "is_empowered",
        "filed_at",
        "decided_at",
        "closed_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
