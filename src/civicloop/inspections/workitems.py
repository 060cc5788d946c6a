"""Inspections' share of the work queue (core/workqueue.py): visits to inspect and record, for
their inspectors; open tasks to merge into visits, for the officers of the task's department;
joint plans in legal review, for the legal reviewers."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicloop.core.workqueue import ITEMS_PER_PROVIDER, WorkItem
from civicloop.org.choices import Role

from .choices import PlanState, TaskState, VisitState
from .models import InspectionPlan, Task, Visit
from .permissions import officer_units


def visits_for(user):
    visits = (
        Visit.objects.visible_to(user)
        .filter(state=VisitState.PLANNED, inspectors=user)
        .select_related("subject__party", "lead_unit")
        .order_by("date", "pk")[:ITEMS_PER_PROVIDER]
    )
    for visit in visits:
        yield WorkItem(
            kind="inspection_visits",
            title=_("Inspect %(subject)s") % {"subject": visit.subject.party.name},
            url=reverse("inspections:visit-record", args=[visit.pk]),
            deadline=visit.date,
            state=visit.get_state_display(),
            detail=str(visit.lead_unit),
        )


def tasks_for(user):
    units = officer_units(user)
    if not units:
        return
    tasks = (
        Task.objects.visible_to(user)
        .filter(state=TaskState.OPEN, unit__in=units)
        .select_related("subject__party", "unit")
        .order_by("latest", "pk")[:ITEMS_PER_PROVIDER]
    )
    for task in tasks:
        yield WorkItem(
            kind="inspection_tasks",
            title=_("Schedule the inspection of %(subject)s")
            % {"subject": task.subject.party.name},
            url=reverse("inspections:tasks"),
            deadline=task.latest,
            state=task.get_state_display(),
            detail=str(task.unit),
        )


def plans_for(user):
    if not (user.is_superuser or user.has_role(Role.LEGAL_REVIEWER)):
        return
    plans = (
        InspectionPlan.objects.visible_to(user)
        .filter(state=PlanState.IN_REVIEW)
        .select_related("unit")
        .order_by("updated_at", "pk")[:ITEMS_PER_PROVIDER]
    )
    for plan in plans:
        yield WorkItem(
            kind="inspection_plans",
            title=_("Legal review of the inspection plan %(title)s") % {"title": plan.title},
            url=reverse("inspections:plan", args=[plan.pk]),
            state=plan.get_state_display(),
            detail=str(plan.unit),
        )
