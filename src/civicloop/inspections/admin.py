from django.contrib import admin

from .models import (
    Draw,
    InspectionPlan,
    InspectionRecord,
    PlanHistory,
    Recusal,
    Subject,
    SubjectHistory,
    Task,
    Visit,
    VisitHistory,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the services only (workflows, draws, history)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subject)
class SubjectAdmin(ReadOnlyAdmin):
    list_display = ("party", "industry", "region", "risk_grade", "credit_class")
    list_filter = ("risk_grade", "industry")
    search_fields = ("party__name", "party__credit_code")


@admin.register(Recusal)
class RecusalAdmin(admin.ModelAdmin):
    list_display = ("inspector", "subject", "reason")


for model in (
    InspectionPlan,
    Draw,
    Task,
    Visit,
    InspectionRecord,
    SubjectHistory,
    PlanHistory,
    VisitHistory,
):
    admin.site.register(model, ReadOnlyAdmin)
