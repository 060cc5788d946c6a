"""Admin of the work log and the points. The ledger, appeals and outcomes are read-only (they
change through the recomputation and the services); a rule version can be added — never changed
— and is validated by ``services.add_rule_version``."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.utils.translation import gettext_lazy as _

from civicloop.core.admin import ReadOnlyAdmin, ReadOnlyInline
from civicloop.core.errors import InvalidInput
from civicloop.core.inputs import date_in_range

from . import services
from .models import (
    Activity,
    Appeal,
    AppealHistory,
    Outcome,
    PatrolVisit,
    PointEntry,
    RuleSet,
    RuleVersion,
)


@admin.register(PatrolVisit)
class PatrolVisitAdmin(ReadOnlyAdmin):
    list_display = ["visited_at", "region", "recorded_by"]
    list_filter = ["region__parent__parent"]
    date_hierarchy = "visited_at"


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["held_at", "kind", "topic", "region", "participant_count", "recorded_by"]
    list_filter = ["kind"]
    date_hierarchy = "held_at"


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]


class RuleVersionForm(forms.ModelForm):
    # The admin's forms are built when the admin app starts, before CoreConfig installs the
    # date range check on every date field: this one states it.
    effective_from = forms.DateField(
        label=_("effective from"), validators=[date_in_range], widget=AdminDateWidget
    )

    class Meta:
        model = RuleVersion
        fields = [
            "ruleset",
            "effective_from",
            "base_scores",
            "points",
            "activity_points",
            "grade_method",
            "grade_cutoffs",
            "note",
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services.check_rule_version(
                ruleset=data.get("ruleset"),
                effective_from=data.get("effective_from"),
                base_scores=data.get("base_scores") or {},
                points=data.get("points") or {},
                activity_points=data.get("activity_points") or {},
                grade_method=data.get("grade_method"),
                grade_cutoffs=data.get("grade_cutoffs") or {},
                note=data.get("note", ""),
            )
        except InvalidInput as exc:
            field = exc.field if exc.field in self.fields else None
            self.add_error(field, str(exc.message))
        return data


@admin.register(RuleVersion)
class RuleVersionAdmin(admin.ModelAdmin):
    form = RuleVersionForm
    list_display = ["ruleset", "effective_from", "grade_method", "created_by", "created_at"]

    def has_change_permission(self, request, obj=None):
        return obj is None  # a version in force is never edited: add the next one

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        created = services.add_rule_version(
            by=request.user,
            ruleset=data["ruleset"],
            effective_from=data["effective_from"],
            base_scores=data["base_scores"] or {},
            points=data["points"] or {},
            activity_points=data["activity_points"] or {},
            grade_method=data["grade_method"],
            grade_cutoffs=data["grade_cutoffs"] or {},
            note=data["note"],
        )
        obj.pk = created.pk


@admin.register(PointEntry)
class PointEntryAdmin(ReadOnlyAdmin):
    list_display = ["earned_at", "person", "item", "points", "rule_version", "town"]
    list_filter = ["item", "town"]
    date_hierarchy = "earned_at"


class AppealHistoryInline(ReadOnlyInline):
    model = AppealHistory
    fields = ["at", "action", "actor", "from_state", "to_state", "reason", "details"]
    readonly_fields = fields


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["filed_at", "person", "entry_item", "entry_points", "state", "decided_points"]
    list_filter = ["state"]
    inlines = [AppealHistoryInline]


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyAdmin):
    list_display = ["person", "kind", "year", "quarter", "grade", "recorded_by", "recorded_at"]
    list_filter = ["kind", "year", "grade"]
