"""Admin bases shared by the apps whose records change only through their services and
workflows: the admin shows those records and never edits them (a change made there would
leave no history row)."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import twofactor
from .models import CounterReservation, SecondFactorHistory


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- counter reservations: read only, they explain gaps in number series to auditors ---


@admin.register(CounterReservation)
class CounterReservationAdmin(ReadOnlyAdmin):
    list_display = (
        "key",
        "first",
        "last",
        "state",
        "used",
        "purpose",
        "reserved_by",
        "reserved_at",
        "settled_at",
    )
    list_filter = ("state",)
    search_fields = ("key", "purpose", "note")
    date_hierarchy = "reserved_at"
    readonly_fields = (
        "key",
        "first",
        "last",
        "purpose",
        "reserved_by",
        "reserved_at",
        "state",
        "used",
        "settled_by",
        "settled_at",
        "note",
    )


# --- background work that finishes (core/taskqueue.py) --------------------------------------
# (imported here, not at the top, so this block merges as one piece)
from .models import TaskRecovery, WorkerHeartbeat  # noqa: E402


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("worker_id", "host", "pid", "started_at", "beat_at", "stopped_at")
    list_filter = ("host",)
    search_fields = ("worker_id", "host")


@admin.register(TaskRecovery)
class TaskRecoveryAdmin(ReadOnlyAdmin):
    list_display = (
        "at",
        "action",
        "task_path",
        "attempt",
        "task_result",
        "retry_result",
        "worker_id",
    )
    list_filter = ("action", "task_path")
    search_fields = ("task_path", "task_result", "retry_result", "worker_id")
    date_hierarchy = "at"


# --- second factors (core/twofactor.py) ---------------------------------------------------------
# django-otp's own admin shows and edits the secret; ours shows who has one and removes it
# through the one service, which records who removed it.

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.action(
    description=gettext_lazy("Remove the second factor (lost phone): sign-in asks for none"),
    permissions=["remove"],
)
def remove_second_factor(modeladmin, request, queryset):
    users = {device.user for device in queryset.select_related("user")}
    for user in users:
        twofactor.remove_devices(user, by=request.user, request=request, reason="admin")
    modeladmin.message_user(
        request, _("Second factors removed: %(count)s.") % {"count": len(users)}, messages.SUCCESS
    )


@admin.register(TOTPDevice)
class SecondFactorAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count")
    actions = [remove_second_factor]

    def has_remove_permission(self, request):
        return request.user.is_superuser


@admin.register(SecondFactorHistory)
class SecondFactorHistoryAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "action", "actor", "reason")
    list_filter = ("action",)
    search_fields = ("user__username",)
