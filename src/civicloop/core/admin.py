"""Admin bases shared by the apps whose records change only through their services and
workflows: the admin shows those records and never edits them (a change made there would
leave no history row)."""

from django.contrib import admin

from .models import CounterReservation


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
