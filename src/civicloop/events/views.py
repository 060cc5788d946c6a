"""Web pages of the event loop: work queue, list and export, detail, intake, one
small form per action, and the public report/track/rate pages.

Views stay thin: every object comes from a scoped queryset
(``Event.objects.visible_to(user)``), every write is one call into
``services.py``, and the buttons shown are the workflow table's answer for this
user and this event (``permissions.event_actions``).
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.forms import CheckboxSelectMultiple
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView

from civicloop.core.api import PublicRateThrottle, client_ip
from civicloop.core.errors import DomainError, InvalidInput, NotPermitted
from civicloop.core.idempotency import once_per_submission
from civicloop.core.listing import FilteredListView
from civicloop.core.views import bind_form, forbidden, form_error, service_form_view
from civicloop.core.workqueue import work_queue
from civicloop.org.maps import PlaceMapMode, in_basemap_datum, place_map
from civicloop.org.scope import scope_of
from civicloop.privacy.masking import (
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_text,
)

from . import actions, forms, routing, services
from .actions import EVENT_ACTIONS, SUBTASK_ACTIONS
from .choices import AssignmentKind, AttachmentStage, EventState, Source, Span
from .exporting import write_events_workbook
from .filtersets import EventFilterSet
from .links import tracking_address
from .models import Event
from .panels import DETAIL, panels_context
from .permissions import (
    assignment_capacities,
    capacities,
    event_actions,
    may_add_subtask,
    may_see_contact,
)
from .timeline import public_timeline, staff_timeline
from .workflow import ASSIGNMENT_WORKFLOW, EVENT_WORKFLOW

logger = logging.getLogger(__name__)

ACTION_TEMPLATE = "events/action_form.html"

# Everything a row of a list needs, so a page of events costs one query.
LIST_RELATED = ("category", "region__parent__parent__parent")
PAGE_SIZE = 25
QUEUE_PAGE_SIZE = 10


def scoped_events(user):
    """The one door to events for signed-in pages."""
    return Event.objects.visible_to(user).select_related(*LIST_RELATED)


# --- queue, list, export --------------------------------------------------------------


@login_required
def queue(request):
    """My work queue: what waits for me, by deadline; my recent reports; unread notices."""
    user = request.user
    waiting = (
        scoped_events(user)
        .needing_action_by(user)
        .order_by(F("deadline_at").asc(nulls_last=True), "-reported_at")
    )
    # A page that fits a phone: ten cards at a time, the rest one tap away.
    page = Paginator(waiting, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "waiting": list(page.object_list),
        "page_obj": page,
        "waiting_total": page.paginator.count,
        "my_reports": list(
            Event.objects.filter(reported_by=user).select_related(*LIST_RELATED)[:5]
        ),
        # The rest of the one work queue (core/workqueue.py): approvals, reviews, requests…
        "other_work": work_queue(user, exclude={"events"}).counts,
        "notifications": list(user.notifications.unread()[:5]),
    }
    return render(request, "events/queue.html", context)


def _narrow_filter_form(form, user) -> None:
    """Offer only the places the user can see (for area-bound staff), and friendlier widgets."""
    scope = scope_of(user)
    if not scope.everything and scope.region_prefixes and not scope.unit_ids:
        places = Q(pk__in=[])
        for prefix in scope.region_prefixes:
            # Everything under the area, and the town/village that contains it.
            places |= Q(code__startswith=prefix) | Q(
                code__in=[prefix[:9].ljust(12, "0"), prefix[:12]]
            )
        for name in ("town", "village", "grid"):
            form.fields[name].queryset = form.fields[name].queryset.filter(places)
    state = form.fields["state"]
    state.widget = CheckboxSelectMultiple(choices=state.choices)
    for name in ("reported_after", "reported_before"):
        form.fields[name].widget.input_type = "date"
    form.fields["q"].widget.attrs.setdefault("type", "search")


class ScopedEventMixin(LoginRequiredMixin):
    def get_queryset(self):
        return scoped_events(self.request.user)


class EventListView(ScopedEventMixin, FilteredListView):
    """All events I may see, filtered with the shared FilterSet."""

    filterset_class = EventFilterSet
    paginate_by = PAGE_SIZE
    template_name = "events/event_list.html"
    context_object_name = "events"

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        _narrow_filter_form(filterset.form, self.request.user)
        return filterset


class EventExportView(EventListView):
    """The filtered list as an Excel file: exactly the rows the list shows, unpaginated."""

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid() and self.get_strict():
            events = filterset.queryset.none()
        else:
            events = filterset.qs
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="events-{stamp}.xlsx"'
        # One export format for the web and `civicloop export events` (personal data masked).
        write_events_workbook(events, response)
        return response


MAP_POINTS = 2000


class EventMapView(EventListView):
    """The filtered events on a map (heat layer + a dot each), the same filters as the list;
    the most recent ``MAP_POINTS`` events that have a map point."""

    template_name = "events/event_map.html"

    def get(self, request, *args, **kwargs):
        events = self.filtered_rows().filter(latitude__isnull=False, longitude__isnull=False)
        rows = list(
            events.order_by("-reported_at").values_list(
                "pk", "number", "title", "longitude", "latitude"
            )[:MAP_POINTS]
        )
        points = []
        for pk, number, title, lng, lat in rows:
            point = in_basemap_datum(lng, lat)
            points.append(
                {
                    "lng": point[0],
                    "lat": point[1],
                    "title": f"{number} {title}",
                    "url": reverse("events:detail", args=[pk]),
                }
            )
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "filter": self.get_filterset(self.get_filterset_class()),
            "query": query.urlencode(),
            "filtered": bool(query),
            "shown": len(points),
            "limit": MAP_POINTS,
            "place_map": place_map(
                mode=PlaceMapMode.POINTS, points=points, element_id="events-map"
            ),
        }
        return render(request, self.template_name, context)


# --- detail ----------------------------------------------------------------------------


def masked_reporter(event: Event) -> dict:
    return {
        "reporter_name": mask_name(event.reporter_name),
        "reporter_phone": mask_phone(event.reporter_phone),
        "reporter_id_number": mask_id_number(event.reporter_id_number),
        "reporter_address": mask_address(event.reporter_address),
    }


def detail_context(request, event: Event, *, revealed: dict | None = None) -> dict:
    user = request.user
    caps = capacities(user, event)
    assignments = list(event.assignments.select_related("unit", "issued_by", "accepted_by"))
    for assignment in assignments:
        assignment.actions = (
            ASSIGNMENT_WORKFLOW.allowed(
                state=assignment.state, capacities=assignment_capacities(user, assignment)
            )
            if assignment.kind == AssignmentKind.SUBTASK
            else []
        )
        assignment.overdue = assignment.is_overdue()
    feedbacks = list(
        event.feedbacks.select_related("assignment__unit", "submitted_by").prefetch_related(
            "attachments"
        )
    )
    merged_into = merged_into_number = None
    if event.merged_into_id:
        merged_into = Event.objects.visible_to(user).filter(pk=event.merged_into_id).first()
        merged_into_number = (
            merged_into.number
            if merged_into
            else Event.objects.filter(pk=event.merged_into_id)
            .values_list("number", flat=True)
            .first()
        )
    return {
        "event": event,
        "capacities": caps,
        "actions": event_actions(user, event, caps),
        "can_add_subtask": may_add_subtask(user, event, caps),
        "may_see_contact": may_see_contact(user, event),
        "reporter": revealed or masked_reporter(event),
        "revealed": revealed is not None,
        "has_reporter_data": any(
            [
                event.reporter_name,
                event.reporter_phone,
                event.reporter_id_number,
                event.reporter_address,
            ]
        ),
        "timeline": staff_timeline(event),
        "leads": [a for a in assignments if a.kind != AssignmentKind.SUBTASK],
        "subtasks": [a for a in assignments if a.kind == AssignmentKind.SUBTASK],
        "feedbacks": feedbacks,
        "intake_attachments": list(event.attachments.filter(stage=AttachmentStage.INTAKE)),
        "checks": list(event.checks.select_related("checked_by")),
        "ratings": list(event.ratings.select_related("rated_by")),
        "merged_into": merged_into,
        "merged_into_number": merged_into_number,
        "duplicates": list(
            Event.objects.visible_to(user).filter(merged_into=event).order_by("reported_at")
        ),
        # The point and the area it lies in, instead of raw coordinates.
        "place_map": place_map(
            mode=PlaceMapMode.SHOW,
            region=event.region,
            point=in_basemap_datum(event.longitude, event.latitude),
            element_id="event-map",
        ),
        # Lazy: computed (and recorded as shown) only where a template shows it.
        **panels_context(request, event, DETAIL),
    }


class EventDetailView(ScopedEventMixin, DetailView):
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(detail_context(self.request, self.object))
        return context


@login_required
@require_POST
def reveal_reporter(request, pk):
    """Show the reporter's full details to those who must call back; each view is logged."""
    event = get_object_or_404(scoped_events(request.user), pk=pk)
    try:
        revealed = services.reveal_reporter(
            event, by=request.user, channel="web", ip_address=client_ip(request)
        )
    except NotPermitted as exc:
        return forbidden(request, exc.message)
    if request.headers.get("HX-Request"):
        return render(
            request,
            "events/_reporter.html",
            {"event": event, "reporter": revealed, "revealed": True, "may_see_contact": True},
        )
    return render(
        request, "events/event_detail.html", detail_context(request, event, revealed=revealed)
    )


@login_required
def attachment(request, pk, attachment_pk):
    """A photo or document, only to those who may see its event."""
    event = get_object_or_404(scoped_events(request.user), pk=pk)
    item = get_object_or_404(event.attachments.all(), pk=attachment_pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=item.content_type,
        as_attachment=not item.is_image,
        filename=item.original_name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- intake ---------------------------------------------------------------------------


@login_required
def event_create(request):
    """民情收集单: record a new event."""
    user = request.user
    region = forms.default_region(user)
    initial = {"source": forms.default_source(user), "region": region.pk if region else None}

    def done(event):
        messages.success(request, _("Event %(number)s recorded.") % {"number": event.number})
        return redirect("events:receipt", pk=event.pk)

    picker = place_map(
        mode=PlaceMapMode.PICK,
        region=region,
        element_id="intake-map",
        fields={
            "latitude": "id_latitude",
            "longitude": "id_longitude",
            "datum": "id_datum",
            "region": "id_region",
            "status": "place-found",
        },
    )
    return service_form_view(
        request,
        form=bind_form(request, forms.IntakeForm, initial=initial),
        perform_with=lambda data: actions.record_event(by=user, data=data),
        done=done,
        # Field staff report on the spot; the desk (hotline, visits) needs the reporter's details.
        context={"place_map": picker, "more_open": initial["source"] == Source.HOTLINE},
        template="events/event_form.html",
    )


@login_required
def event_receipt(request, pk):
    event = get_object_or_404(scoped_events(request.user), pk=pk)
    return render(
        request,
        "events/receipt.html",
        {"event": event, "tracking_address": tracking_address(event.tracking_code, request)},
    )


# --- actions -------------------------------------------------------------------------

EVENT_ACTION_FORMS = {
    "judge": forms.JudgeForm,
    "accept": forms.ConfirmForm,
    "start": forms.ConfirmForm,
    "return": forms.ReasonForm,
    "redispatch": forms.RedispatchForm,
    "submit_feedback": forms.FeedbackForm,
    "check": forms.CheckForm,
    "rate": forms.RateForm,
    "rework": forms.ReasonForm,
    "close": forms.ReasonForm,
    "park": forms.ReasonForm,
    "resume": forms.ReasonForm,
    "void": forms.ReasonForm,
    "merge": forms.MergeForm,
    "escalate": forms.ReasonForm,
}

SUBTASK_ACTION_FORMS = {
    "accept_subtask": forms.ConfirmForm,
    "return_subtask": forms.ReasonForm,
    "complete_subtask": forms.FeedbackForm,
    "cancel_subtask": forms.ReasonForm,
}


def _unavailable(request, event, transition, *, state_label_text, can_act: bool):
    """The answer when an action is not on offer: 409 if the user could act but the
    object moved on, 403 if the action is not theirs at all."""
    if can_act:
        message = _("“%(action)s” is not possible while the item is “%(state)s”.") % {
            "action": transition.label,
            "state": state_label_text,
        }
        return render(
            request,
            "events/unavailable.html",
            {"event": event, "transition": transition, "message": message},
            status=409,
        )
    return forbidden(request, _("You may not “%(action)s” here.") % {"action": transition.label})


def _done(request, event, transition):
    def done(_result):
        messages.success(request, _("Done: %(action)s.") % {"action": transition.label})
        return redirect("events:detail", pk=event.pk)

    return done


@login_required
def event_action(request, pk, name):
    """One small form per action of the event workflow (GET shows it, POST does it)."""
    if name != "dispatch" and name not in EVENT_ACTION_FORMS:
        raise Http404
    event = get_object_or_404(scoped_events(request.user), pk=pk)
    transition = EVENT_WORKFLOW[name]
    caps = capacities(request.user, event)
    if name not in {t.name for t in event_actions(request.user, event, caps)}:
        can_act = bool(transition.actors & caps) and event.state not in transition.sources
        return _unavailable(
            request, event, transition, can_act=can_act, state_label_text=event.get_state_display()
        )
    if name == "dispatch":
        return _dispatch(request, event, transition)
    context = {
        "event": event,
        "transition": transition,
        "action_url": reverse("events:action", args=[event.pk, name]),
    }
    # The routing suggestion (judge), duplicate suggestions (judge, merge)…: lazy, so only a page
    # that is shown asks the routing model.
    context.update(panels_context(request, event, name))
    return service_form_view(
        request,
        form=bind_form(
            request,
            EVENT_ACTION_FORMS[name],
            event=event,
            user=request.user,
            transition=transition,
        ),
        perform_with=lambda data: EVENT_ACTIONS.perform(name, event, by=request.user, data=data),
        done=_done(request, event, transition),
        context=context,
        template=ACTION_TEMPLATE,
    )


@login_required
def judge_and_dispatch(request, pk):
    """研判并派遣 on one page, for the command room and the county centre: the grading, then
    the unit — the suggested ones first, only those within the dispatcher's reach."""
    event = get_object_or_404(scoped_events(request.user), pk=pk)
    judge, dispatch = EVENT_WORKFLOW["judge"], EVENT_WORKFLOW["dispatch"]
    caps = capacities(request.user, event)
    if "judge" not in {t.name for t in event_actions(request.user, event, caps)} or not (
        dispatch.actors & caps
    ):
        can_act = bool(judge.actors & caps) and event.state not in judge.sources
        return _unavailable(
            request, event, judge, can_act=can_act, state_label_text=event.get_state_display()
        )
    suggested = routing.suggested_units(event, preview=True)
    context = {
        "event": event,
        "transition": {"name": "judge_and_dispatch", "label": _("judge and dispatch")},
        "suggested_units": suggested,
        "action_url": reverse("events:judge-dispatch", args=[event.pk]),
    }
    context.update(panels_context(request, event, "judge"))

    def done(_result):
        messages.success(request, _("Done: %(action)s.") % {"action": _("judge and dispatch")})
        return redirect("events:detail", pk=event.pk)

    return service_form_view(
        request,
        form=bind_form(
            request,
            forms.JudgeDispatchForm,
            event=event,
            user=request.user,
            transition=judge,
            suggested_units=suggested,
        ),
        perform_with=lambda data: EVENT_ACTIONS.perform(
            "judge_and_dispatch", event, by=request.user, data=data
        ),
        done=done,
        context=context,
        template="events/judge_dispatch_form.html",
    )


@require_POST
def accept_and_start(request, pk):
    """签收并处置: one button for the lead unit where "accept" is on offer (two moves, two
    history rows, through ``actions`` → ``services.accept_and_start``)."""
    event = get_object_or_404(scoped_events(request.user), pk=pk)
    accept = EVENT_WORKFLOW["accept"]
    caps = capacities(request.user, event)
    if "accept" not in {t.name for t in event_actions(request.user, event, caps)}:
        can_act = bool(accept.actors & caps) and event.state not in accept.sources
        return _unavailable(
            request, event, accept, can_act=can_act, state_label_text=event.get_state_display()
        )
    try:
        EVENT_ACTIONS.perform("accept_and_start", event, by=request.user, data={})
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Accepted; handling has started."))
    return redirect("events:detail", pk=event.pk)


def _dispatch(request, event, transition):
    """派遣: the routing suggestion, or another unit with a reason; for multi-span events
    the county centre's coordination order with one row per unit."""
    try:
        suggestion, route_error = routing.route(event), None
    except InvalidInput as exc:
        suggestion, route_error = None, exc.message
    multi = event.span == Span.MULTI
    kwargs = {"event": event, "user": request.user, "transition": transition}
    if multi:
        kwargs["suggested_units"] = list(suggestion.subtasks) if suggestion else []
    if not multi and suggestion is not None:
        kwargs["suggested_units"] = [u for u in [suggestion.lead, *suggestion.assist] if u]
    form = bind_form(
        request, forms.CoordinationOrderForm if multi else forms.DispatchForm, **kwargs
    )
    return service_form_view(
        request,
        form=form,
        perform_with=lambda data: EVENT_ACTIONS.perform(
            "dispatch", event, by=request.user, data=data
        ),
        done=_done(request, event, transition),
        context={
            "event": event,
            "transition": transition,
            "formset": form.formset if multi else None,
            "suggestion": suggestion,
            "route_error": route_error,
            "multi": multi,
            "action_url": reverse("events:action", args=[event.pk, "dispatch"]),
        },
        template="events/dispatch_form.html",
    )


@login_required
def subtask_action(request, pk, assignment_pk, name):
    """One small form per action on a coordination sub-task."""
    if name not in SUBTASK_ACTION_FORMS:
        raise Http404
    event = get_object_or_404(scoped_events(request.user), pk=pk)
    assignment = get_object_or_404(
        event.assignments.filter(kind=AssignmentKind.SUBTASK).select_related("unit"),
        pk=assignment_pk,
    )
    transition = ASSIGNMENT_WORKFLOW[name]
    caps = assignment_capacities(request.user, assignment)
    allowed = {t.name for t in ASSIGNMENT_WORKFLOW.allowed(state=assignment.state, capacities=caps)}
    if name not in allowed:
        can_act = bool(transition.actors & caps) and assignment.state not in transition.sources
        return _unavailable(
            request,
            event,
            transition,
            can_act=can_act,
            state_label_text=assignment.get_state_display(),
        )
    return service_form_view(
        request,
        form=bind_form(
            request,
            SUBTASK_ACTION_FORMS[name],
            event=event,
            user=request.user,
            transition=transition,
        ),
        perform_with=lambda data: SUBTASK_ACTIONS.perform(
            name, assignment, by=request.user, data=data
        ),
        done=_done(request, event, transition),
        context={
            "event": event,
            "transition": transition,
            "assignment": assignment,
            "action_url": reverse("events:subtask-action", args=[event.pk, assignment.pk, name]),
        },
        template=ACTION_TEMPLATE,
    )


@login_required
def add_subtask(request, pk):
    """The county centre adds a unit to a running coordination order."""
    event = get_object_or_404(scoped_events(request.user), pk=pk)
    if not may_add_subtask(request.user, event):
        return forbidden(request, _("Only the county centre changes a running coordination order."))

    def done(_assignment):
        messages.success(request, _("Sub-task added."))
        return redirect("events:detail", pk=event.pk)

    return service_form_view(
        request,
        form=bind_form(request, forms.AddSubtaskForm, event=event, user=request.user),
        perform_with=lambda data: EVENT_ACTIONS.perform(
            "add_subtask", event, by=request.user, data=data
        ),
        done=done,
        context={
            "event": event,
            "transition": {"name": "add_subtask", "label": _("add a sub-task")},
            "action_url": reverse("events:add-subtask", args=[event.pk]),
        },
        template=ACTION_TEMPLATE,
    )


# --- public pages (no sign-in) -------------------------------------------------------

PUBLIC_CODE_SESSION_KEY = "public_reported_code"


def throttled(request):
    """The public budget per client address, shared with the public API (reports,
    ratings, tracking-code look-ups); a 429 page when it is spent, else None."""
    throttle = PublicRateThrottle()
    if throttle.allow_request(request, None):
        return None
    response = render(request, "429.html", status=429)
    wait = throttle.wait()
    if wait:
        response["Retry-After"] = str(int(wait) + 1)
    return response


@once_per_submission
def public_report(request):
    """A citizen reports on the public portal and receives a tracking code.

    The answer is the receipt itself, not a redirect to it: with the form's submission token,
    a double click or a browser's retry gets this same receipt (core/idempotency.py), even
    when the first answer — and the session cookie it set — never arrived."""
    if request.method == "POST" and (refused := throttled(request)):
        return refused

    def done(event):
        request.session[PUBLIC_CODE_SESSION_KEY] = event.tracking_code
        return render(
            request,
            "events/public/report_done.html",
            {
                "code": event.tracking_code,
                "tracking_address": tracking_address(event.tracking_code, request),
            },
        )

    # Tap to place, as on the staff intake: the point is sent, the place is filled in.
    picker = place_map(
        mode=PlaceMapMode.PICK,
        element_id="public-map",
        public=True,
        fields={
            "latitude": "id_latitude",
            "longitude": "id_longitude",
            "datum": "id_datum",
            "region": "id_region",
            "status": "place-found",
        },
    )
    return service_form_view(
        request,
        form=bind_form(request, forms.PublicReportForm),
        perform_with=actions.report_publicly,
        done=done,
        context={"place_map": picker},
        template="events/public/report.html",
    )


def public_report_done(request):
    code = request.session.get(PUBLIC_CODE_SESSION_KEY)
    if not code:
        return redirect("public:report")
    return render(
        request,
        "events/public/report_done.html",
        {"code": code, "tracking_address": tracking_address(code, request)},
    )


def track(request):
    """Enter a tracking code."""
    form = forms.TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("public:track-event", code=form.cleaned_data["code"])
    return render(
        request, "events/public/track.html", {"form": form}, status=400 if form.is_bound else 200
    )


def _tracked(code: str) -> Event:
    return get_object_or_404(
        Event.objects.select_related("region", "merged_into"), tracking_code=code.strip().upper()
    )


def _progress_of(event: Event) -> Event:
    """A merged duplicate shows the progress of its original."""
    shown, seen = event, {event.pk}
    while (
        shown.state == EventState.MERGED
        and shown.merged_into_id
        and shown.merged_into_id not in seen
    ):
        seen.add(shown.merged_into_id)
        shown = Event.objects.select_related("region").get(pk=shown.merged_into_id)
    return shown


# The handler's feedback is shown to the reporter once the handling has been checked.
OUTCOME_SHOWN_STATES = frozenset({EventState.CHECKED, EventState.RATED, EventState.CLOSED})


def public_feedback(event: Event, shown: Event) -> list[dict]:
    """What was done (处置反馈), for the reporter: each feedback's unit, outcome, measures with
    personal data masked (privacy.masking.mask_text) and its photos — never who wrote it."""
    if shown.state not in OUTCOME_SHOWN_STATES:
        return []
    names = [event.reporter_name, shown.reporter_name]
    rows = []
    for feedback in shown.feedbacks.select_related("assignment__unit").prefetch_related(
        "attachments"
    ):
        rows.append(
            {
                "unit": feedback.assignment.unit.name,
                "outcome": feedback.get_outcome_display(),
                "measures": mask_text(feedback.measures, names=names),
                "at": feedback.submitted_at,
                "photos": [
                    reverse("public:photo", args=[event.tracking_code, a.pk])
                    for a in feedback.attachments.all()
                    if a.is_image
                ],
            }
        )
    return rows


def _track_page(request, event: Event, *, rating_form=None, status=200):
    shown = _progress_of(event)
    if rating_form is None and event.state == EventState.CHECKED:
        rating_form = forms.PublicRatingForm()
    context = {
        "event": event,
        "shown": shown,
        "place": (shown.region.town or shown.region).name,
        "timeline": public_timeline(shown),
        "feedback": public_feedback(event, shown),
        "rating_form": rating_form if event.state == EventState.CHECKED else None,
        "latest_rating": event.latest_rating()
        if event.state in (EventState.RATED, EventState.CLOSED)
        else None,
    }
    response = render(request, "events/public/track_event.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    # The URL holds the tracking code: never send it to other sites (but keep same-origin
    # referrers: with "no-referrer" browsers send "Origin: null" and CSRF refuses the rating).
    response["Referrer-Policy"] = "same-origin"
    return response


def short_track(request, code):
    """The short link printed and sent by SMS (``/t/CODE/``): on to the tracking page."""
    return redirect("public:track-event", code=code.strip().upper())


def public_photo(request, code, attachment_pk):
    """A feedback photo of the tracked event (or of the original it was merged into), to the
    holder of the tracking code, once the handling has been checked; nothing else."""
    if refused := throttled(request):
        return refused
    event = _tracked(code)
    shown = _progress_of(event)
    if shown.state not in OUTCOME_SHOWN_STATES:
        raise Http404
    item = get_object_or_404(
        shown.attachments.filter(stage=AttachmentStage.FEEDBACK), pk=attachment_pk
    )
    if not item.is_image:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"
    return response


def track_event(request, code):
    if refused := throttled(request):
        return refused
    return _track_page(request, _tracked(code))


@require_POST
def public_rate(request, code):
    """满意度评价 by the reporter, identified by the tracking code."""
    if refused := throttled(request):
        return refused
    event = _tracked(code)
    form = forms.PublicRatingForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.rate_event(
                event,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                tracking_code=event.tracking_code,
            )
        except DomainError as exc:
            status = form_error(form, exc)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("public:track-event", code=event.tracking_code)
    if event.state != EventState.CHECKED:
        # Nothing to rate (any more): say so on the page rather than show the form again.
        for error in form.non_field_errors() or [_("This event cannot be rated now.")]:
            messages.error(request, error)
        return _track_page(request, event, status=status)
    return _track_page(request, event, rating_form=form, status=status)
