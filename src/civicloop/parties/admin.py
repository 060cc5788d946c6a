from django.contrib import admin

from .models import Party, PartyHistory


class HistoryInline(admin.TabularInline):
    model = PartyHistory
    extra = 0
    can_delete = False
    fields = ["at", "action", "actor", "reason", "details"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    """Parties change through their services (history, checks); the admin only lists them, masked."""

    list_display = ["display_name", "kind", "created_at"]
    list_filter = ["kind"]
    fields = ["kind", "display_name", "created_at", "created_by"]
    readonly_fields = fields
    inlines = [HistoryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
