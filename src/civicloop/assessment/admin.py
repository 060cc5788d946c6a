"""The assessment in the admin: read-only records (every change goes through ``services.py``)."""

from django.contrib import admin

from civicloop.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import AssessmentHistory, AssessmentRound, DimensionScore, TownAssessment


@admin.register(AssessmentRound)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "period_start", "period_end"]


class ScoreInline(ReadOnlyInline):
    model = DimensionScore
    fields = [
        "dimension",
        "weight",
        "indicator_value",
        "prefilled_score",
        "score",
        "override_reason",
    ]
    readonly_fields = fields


class AssessmentHistoryInline(ReadOnlyInline):
    model = AssessmentHistory
    fields = ["at", "action", "from_state", "to_state", "actor", "reason", "details"]
    readonly_fields = fields


@admin.register(TownAssessment)
class TownAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["round", "town", "state", "total"]
    list_filter = ["round", "state"]
    inlines = [ScoreInline, AssessmentHistoryInline]
