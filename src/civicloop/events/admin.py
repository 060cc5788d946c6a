from django.contrib import admin

from civicloop.core.admin import ReadOnlyAdmin

from .models import DeadlineRule, Event, EventHistory


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["stage", "urgency", "span", "amount", "unit"]


class HistoryInline(admin.TabularInline):
    model = EventHistory
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_state", "to_state", "actor", "reason", "details"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "state", "urgency", "span", "region", "reported_at"]
    list_filter = ["state", "urgency", "span", "source"]
    search_fields = ["number", "title"]
    inlines = [HistoryInline]
    exclude = ["reporter_name", "reporter_phone", "reporter_id_number", "reporter_address"]
