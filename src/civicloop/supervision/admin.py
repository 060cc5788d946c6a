"""Groups, meetings and visits may be corrected in the admin; action items and 约谈 change
only through their workflow (services.py), so the admin shows them read-only."""

from django.contrib import admin

from .models import ActionItem, LeadGroup, Meeting, Summons, Visit


@admin.register(LeadGroup)
class LeadGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "region", "party_lead", "government_lead", "is_active")
    filter_horizontal = ("members",)
    raw_id_fields = ("party_lead", "government_lead", "unit", "region")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("held_on", "title", "group")
    raw_id_fields = ("created_by",)
    filter_horizontal = ("attendees",)


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("visited_on", "kind", "leader", "place", "group")
    list_filter = ("kind",)
    raw_id_fields = ("leader", "created_by", "region", "unit")
    filter_horizontal = ("companions",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ("due_on", "owner_unit", "state", "meeting")
    list_filter = ("state",)


@admin.register(Summons)
class SummonsAdmin(ReadOnlyAdmin):
    list_display = ("month", "unit", "step", "state")
    list_filter = ("state", "step")
