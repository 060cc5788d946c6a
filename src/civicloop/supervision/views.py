"""Pages of leadership supervision: the leader's duties, the monthly ranking with its red and
black lists, 约谈 from suggestion to follow-up, meetings with their decisions, and visits with
the field-visit duty. Thin: every write is one service call."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicloop.core.views import bind_form, forbidden, service_form_view

from . import access, duties, services
from .forms import (
    ActionItemForm,
    CompleteForm,
    DismissForm,
    FollowUpForm,
    HoldForm,
    MeetingForm,
    RecordSummonsForm,
    ScheduleForm,
    VisitForm,
)
from .models import ActionItem, Meeting, Summons, Visit, month_start, previous_month
from .ranking import compute_ranking
from .workflow import ACTION_ITEM_WORKFLOW, SUMMONS_WORKFLOW


def _reader(view):
    def wrapped(request, *args, **kwargs):
        if not access.may_read(request.user):
            return forbidden(
                request, _("Leadership supervision is for leaders and the county centre.")
            )
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_required(wrapped)


def _month(request) -> dt.date:
    """The month asked for (``?month=2026-03``), else the last month ended."""
    value = request.GET.get("month", "")
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return previous_month(month_start(timezone.localdate()))


@_reader
def home(request):
    """The leader's duties this month, beside the cockpit."""
    return render(
        request,
        "supervision/home.html",
        {"duties": duties.duties_of(request.user), "is_leader": access.is_leader(request.user)},
    )


@_reader
def ranking(request):
    month = _month(request)
    result = compute_ranking(month)
    rows = result.visible_to(request.user)
    return render(
        request,
        "supervision/ranking.html",
        {
            "month": month,
            "previous": previous_month(month),
            "next": (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1),
            "rows": rows,
            "red": [r for r in result.red if r in rows],
            "black": [r for r in result.black if r in rows],
            "may_suggest": access.scope_of(request.user).everything,
        },
    )


@require_POST
@_reader
def suggest(request):
    if not access.scope_of(request.user).everything:
        return forbidden(request, _("The county's leaders make the month's suggestions."))
    month = _month(request)
    made = services.suggest_summonses(month)
    messages.success(request, _("%(count)s summonses suggested.") % {"count": len(made)})
    return redirect("supervision:summonses")


@_reader
def summons_list(request):
    summonses = Summons.objects.visible_to(request.user).select_related("unit", "conducted_by")
    form = bind_form(request, RecordSummonsForm, user=request.user)
    return service_form_view(
        request,
        form=form,
        perform_with=lambda data: services.record_summons(by=request.user, **data),
        done=lambda summons: redirect("supervision:summons", pk=summons.pk),
        context={"summonses": summonses[:200]},
        template="supervision/summons_list.html",
    )


ACTION_FORMS = {
    "schedule": ScheduleForm,
    "dismiss": DismissForm,
    "hold": HoldForm,
    "follow_up": FollowUpForm,
}
ACTION_SERVICES = {
    "schedule": services.schedule_summons,
    "dismiss": services.dismiss_summons,
    "hold": services.hold_summons,
    "follow_up": services.follow_up_summons,
}


def _summons(request, pk) -> Summons:
    return get_object_or_404(
        Summons.objects.visible_to(request.user).select_related("unit__region"), pk=pk
    )


@_reader
def summons_detail(request, pk, action=None):
    summons = _summons(request, pk)
    caps = services.summons_capacities(request.user, summons)
    allowed = [t for t in SUMMONS_WORKFLOW.allowed(state=summons.state, capacities=caps)]
    if action is not None and action not in ACTION_FORMS:
        raise Http404
    forms_ = {t.name: ACTION_FORMS[t.name](prefix=t.name) for t in allowed if t.name != action}
    form = bind_form(request, ACTION_FORMS[action], prefix=action) if action else None
    if action:
        forms_[action] = form
    context = {
        "summons": summons,
        "actions": [(t, forms_[t.name]) for t in allowed],
        "history": summons.history.select_related("actor"),
    }
    if action is None:
        return render(request, "supervision/summons_detail.html", context)
    return service_form_view(
        request,
        form=form,
        perform_with=lambda data: ACTION_SERVICES[action](summons, by=request.user, **data),
        done=lambda s: redirect("supervision:summons", pk=s.pk),
        context=context,
        template="supervision/summons_detail.html",
    )


@_reader
def meetings(request):
    form = bind_form(request, MeetingForm, user=request.user)
    return service_form_view(
        request,
        form=form,
        perform_with=lambda data: services.record_meeting(by=request.user, **data),
        done=lambda meeting: redirect("supervision:meeting", pk=meeting.pk),
        context={
            "meetings": Meeting.objects.visible_to(request.user).select_related("group")[:100],
            "open_items": ActionItem.objects.visible_to(request.user)
            .unfinished()
            .select_related("owner_unit", "meeting"),
        },
        template="supervision/meetings.html",
    )


@_reader
def meeting(request, pk):
    found = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    form = bind_form(request, ActionItemForm, user=request.user)
    return service_form_view(
        request,
        form=form,
        perform_with=lambda data: services.add_action_item(found, by=request.user, **data),
        done=lambda _item: redirect("supervision:meeting", pk=found.pk),
        context={
            "meeting": found,
            "items": [
                (item, services.action_item_capacities(request.user, item))
                for item in found.action_items.select_related("owner_unit")
            ],
            "complete_form": CompleteForm(),
            "workflow": ACTION_ITEM_WORKFLOW,
        },
        template="supervision/meeting.html",
    )


@login_required
def complete_item(request, pk):
    item = get_object_or_404(
        ActionItem.objects.visible_to(request.user).select_related("meeting"), pk=pk
    )
    form = bind_form(request, CompleteForm)
    return service_form_view(
        request,
        form=form,
        perform_with=lambda data: services.complete_action_item(item, by=request.user, **data),
        done=lambda _item: redirect("supervision:meeting", pk=item.meeting_id),
        context={"item": item, "history": item.history.select_related("actor")},
        template="supervision/complete_item.html",
    )


@_reader
def visits(request):
    today = timezone.localdate()
    months = [month_start(today)]
    for _i in range(5):
        months.insert(0, previous_month(months[0]))
    form = bind_form(request, VisitForm, user=request.user)
    return service_form_view(
        request,
        form=form,
        perform_with=lambda data: services.record_visit(by=request.user, **data),
        done=lambda _visit: redirect("supervision:visits"),
        context={
            "months": months,
            "duty": duties.field_visit_table(request.user, months, today=today),
            "visits": Visit.objects.visible_to(request.user).select_related("leader", "group")[
                :100
            ],
        },
        template="supervision/visits.html",
    )
