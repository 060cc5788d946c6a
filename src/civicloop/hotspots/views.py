"""Pages of the command room's hotspot tools: high-frequency analysis (高发频发) with
its Excel export, spike warnings (突发预警) with their evidence and actions, and the
duplicate suggestions shown on the event detail and judge pages.

Views stay thin: objects come from scoped querysets, writes are one call into
``services.py``, and the buttons are the workflow table's answer for this user.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicloop.core.downloads import XLSX, attachment_response
from civicloop.core.errors import DomainError, NotPermitted
from civicloop.core.listing import FilteredListView
from civicloop.core.views import bind_form, forbidden, service_form_view
from civicloop.events.models import Event
from civicloop.events.permissions import event_actions

from . import services
from .analysis import TopReport, counted, top_for_user
from .analysis import Window as Span
from .choices import Dimension, WarningState
from .exporting import write_top_workbook
from .filtersets import WarningFilterSet
from .forms import CloseForm, MergeForm, NoteForm, TopForm
from .models import DuplicateSuggestion, Warning
from .permissions import default_place, has_area, warning_capacities
from .workflow import WARNING_WORKFLOW

PAGE_SIZE = 30


# --- high-frequency analysis ---------------------------------------------------------------------


def _top_form(request) -> TopForm:
    data = request.GET.copy()
    for key, value in TopForm.initial_for(default_place(request.user)).items():
        if not data.get(key):
            data[key] = value
    return TopForm(data, user=request.user)


def _report(form: TopForm) -> TopReport | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    return top_for_user(
        form.user,
        place=data["place"],
        window=data["window"],
        period=data["period"],
        dimension=data["dimension"],
        limit=data["limit"],
    )


def chart_data(report: TopReport) -> dict:
    """What ``hotspots/charts.js`` draws: one line per top subject over the period's steps,
    and the top subjects this period against the previous one."""
    return {
        "kind": "top",
        "buckets": [b.isoformat() for b in report.buckets],
        "lines": [{"name": subject.name, "data": counts} for subject, counts in report.series],
        "bars": {
            "names": [r.subject.name for r in report.rows],
            "now": [r.count for r in report.rows],
            "before": [r.previous for r in report.rows],
            "now_label": _("this period"),
            "before_label": _("previous period"),
        },
    }


@login_required
def top(request):
    """高发频发: the most frequent subjects at a place in a period, with the trend."""
    if not has_area(request.user):
        return forbidden(
            request,
            _(
                "The analysis is for staff with an area (command rooms, the county centre, "
                "grid teams)."
            ),
        )
    form = _top_form(request)
    report = _report(form)
    query = request.GET.urlencode() if request.GET else ""
    return render(
        request,
        "hotspots/top.html",
        {
            "form": form,
            "report": report,
            "chart": chart_data(report) if report else None,
            "query": query,
            "export_query": _export_query(form),
        },
        status=200 if report or not form.is_bound else 400,
    )


def _export_query(form: TopForm) -> str:
    if not form.is_valid():
        return ""
    from urllib.parse import urlencode

    data = form.cleaned_data
    return urlencode(
        {
            "place": data["place"].code,
            "period": data["period"],
            "dimension": data["dimension"],
            "limit": data["limit"],
            "start": data["window"].start.isoformat(),
            "end": data["window"].end.isoformat(),
        }
    )


@login_required
def top_export(request):
    """The same analysis as an Excel file."""
    if not has_area(request.user):
        return forbidden(request)
    form = _top_form(request)
    report = _report(form)
    if report is None:
        return render(request, "hotspots/top.html", {"form": form, "report": None}, status=400)
    name = (
        f"hotspots-{report.place.code}-{report.window.start:%Y%m%d}-{report.window.end:%Y%m%d}.xlsx"
    )
    response = attachment_response(name, XLSX)
    write_top_workbook(report, response)
    return response


# --- spike warnings ---------------------------------------------------------------------------------


def scoped_warnings(user):
    return Warning.objects.visible_to(user).select_related("region", "category", "matter")


class WarningListView(FilteredListView):
    """突发预警 I may see, newest first; open ones first by default."""

    filterset_class = WarningFilterSet
    template_name = "hotspots/warning_list.html"
    context_object_name = "warnings"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return scoped_warnings(self.request.user).order_by("state", "-raised_at", "-pk")

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        for name in ("raised_after", "raised_before"):
            filterset.form.fields[name].widget.input_type = "date"
        return filterset


HISTORY_LABELS = {"raise": gettext_lazy("raised by the scan")}


def history_rows(warning: Warning) -> list[dict]:
    """The warning's timeline with labels people read (actions and states translated)."""
    rows = []
    for row in warning.history.select_related("actor"):
        if row.action in HISTORY_LABELS:
            label = HISTORY_LABELS[row.action]
        else:
            label = WARNING_WORKFLOW[row.action].label
        rows.append(
            {
                "at": row.at,
                "action": row.action,
                "label": label,
                "actor": row.actor,
                "reason": row.reason,
                "details": row.details or {},
                "changed": row.from_state != row.to_state,
                "from_label": WarningState(row.from_state).label if row.from_state else "",
                "to_label": WarningState(row.to_state).label if row.to_state else "",
            }
        )
    return rows


def warning_series(warning: Warning, *, days_before: int | None = None) -> dict:
    """Daily counts of the warning's subject at its place over its baseline and window."""

    baseline = int((warning.parameters or {}).get("baseline_days", 28))
    start = warning.window_start - dt.timedelta(days=days_before or baseline)
    # A week past the window, or up to today, to show whether it went on.
    end = max(
        warning.window_end, min(timezone.localdate(), warning.window_end + dt.timedelta(days=7))
    )
    column = "matter_id" if warning.dimension == Dimension.MATTER else "category_id"
    subject_id = warning.matter_id if column == "matter_id" else warning.category_id
    events = counted(Event.objects.all(), warning.region, Span(start, end)).filter(
        **{column: subject_id}
    )
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    counts = dict.fromkeys(days, 0)
    tz = timezone.get_current_timezone()
    for reported_at in events.values_list("reported_at", flat=True):
        day = timezone.localtime(reported_at, tz).date()
        if day in counts:
            counts[day] += 1
    return {
        "kind": "warning",
        "days": [d.isoformat() for d in days],
        "counts": [counts[d] for d in days],
        "window_start": warning.window_start.isoformat(),
        "window_end": warning.window_end.isoformat(),
        "expected_per_day": warning.expected
        / max(1, int((warning.parameters or {}).get("window_days", 3))),
        "counts_label": _("events per day"),
        "expected_label": _("expected per day"),
    }


@login_required
def warning_detail(request, pk):
    warning = get_object_or_404(scoped_warnings(request.user), pk=pk)
    caps = warning_capacities(request.user, warning)
    evidence = list(
        Event.objects.visible_to(request.user)
        .filter(spike_warnings=warning)
        .select_related("region", "category")
        .order_by("reported_at", "pk")
    )
    hidden = warning.evidence.count() - len(evidence)
    return render(
        request,
        "hotspots/warning_detail.html",
        {
            "warning": warning,
            "evidence": evidence,
            "hidden_evidence": hidden,
            "history": history_rows(warning),
            "actions": WARNING_WORKFLOW.allowed(state=warning.state, capacities=caps),
            "chart": warning_series(warning),
        },
    )


WARNING_ACTION_FORMS = {"acknowledge": NoteForm, "close": CloseForm}


@login_required
def warning_action(request, pk, name):
    if name not in WARNING_ACTION_FORMS:
        raise Http404
    warning = get_object_or_404(scoped_warnings(request.user), pk=pk)
    transition = WARNING_WORKFLOW[name]
    caps = warning_capacities(request.user, warning)
    if name not in {t.name for t in WARNING_WORKFLOW.allowed(state=warning.state, capacities=caps)}:
        if transition.actors & caps:
            return render(
                request,
                "hotspots/action_form.html",
                {
                    "warning": warning,
                    "transition": transition,
                    "form": None,
                    "message": _("“%(action)s” is not possible while the warning is “%(state)s”.")
                    % {"action": transition.label, "state": warning.get_state_display()},
                },
                status=409,
            )
        return forbidden(
            request, _("You may not “%(action)s” here.") % {"action": transition.label}
        )

    def perform(data):
        if name == "acknowledge":
            return services.acknowledge_warning(warning, by=request.user, note=data["note"])
        return services.close_warning(warning, by=request.user, reason=data["reason"])

    def done(_warning):
        messages.success(request, _("Done: %(action)s.") % {"action": transition.label})
        return redirect("hotspots:warning", pk=warning.pk)

    return service_form_view(
        request,
        form=bind_form(request, WARNING_ACTION_FORMS[name]),
        perform_with=perform,
        done=done,
        context={"warning": warning, "transition": transition},
        template="hotspots/action_form.html",
    )


# --- duplicate suggestions --------------------------------------------------------------------------


def merge_reason(suggestion: DuplicateSuggestion) -> str:
    """The reason offered with one-click merging, in the user's language."""
    return _(
        "Same problem at the same place as %(number)s (duplicate suggestion, %(percent)d%% alike)."
    ) % {"number": suggestion.candidate.number, "percent": suggestion.percent}


def duplicates_context(request, event: Event) -> dict | None:
    """What ``hotspots/_duplicates.html`` shows on the event detail and judge pages: the
    likely originals of ``event`` the user may see (recorded as shown to them), and
    whether they may merge. None when there is nothing to show."""
    if not event.is_open:
        return None
    suggestions = services.suggest_duplicates(event, user=request.user)
    if not suggestions:
        return None
    may_merge = "merge" in {t.name for t in event_actions(request.user, event)}
    for suggestion in suggestions:
        suggestion.default_reason = merge_reason(suggestion)
    return {"suggestions": suggestions, "may_merge": may_merge, "event": event}


@login_required
@require_POST
def merge_suggestion(request, pk):
    """One click: merge the event into the suggested original, with the reason given."""
    suggestion = get_object_or_404(
        DuplicateSuggestion.objects.visible_to(request.user).select_related("event", "candidate"),
        pk=pk,
    )
    form = MergeForm(request.POST)
    back = reverse("events:detail", args=[suggestion.event_id])
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return redirect(back)
    reason = form.cleaned_data["reason"] or merge_reason(suggestion)
    try:
        services.merge_suggested(suggestion, by=request.user, reason=reason)
    except NotPermitted as exc:
        return forbidden(request, exc.message)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    messages.success(
        request, _("Merged into %(number)s.") % {"number": suggestion.candidate.number}
    )
    return redirect(back)
