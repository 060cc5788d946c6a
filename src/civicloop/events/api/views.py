"""The event loop over REST: the list and detail, intake, and one POST endpoint per
manual transition of the workflows.

Every lookup goes through ``Event.objects.visible_to(user)``: an event outside the
user's scope is a 404, one they see but may not act on is a 403 (from the
service), and a wrong state is a 409. Each action validates its input's shape
with its own serializer and calls exactly one service function.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from civicloop.core.api import client_ip, error_responses
from civicloop.core.workflow import StateMachine
from civicloop.events import services
from civicloop.events.filtersets import EventFilterSet
from civicloop.events.models import Assignment, Attachment, Check, Event, EventRating, Feedback
from civicloop.events.workflow import ASSIGNMENT_WORKFLOW, EVENT_WORKFLOW
from civicloop.matters.models import Category

from . import actions as a
from .filtersets import CategoryFilterSet
from .serializers import (
    AssignmentSerializer,
    CategorySerializer,
    ContactSerializer,
    EventDetailSerializer,
    EventListSerializer,
    HistorySerializer,
)

ACTION_ERRORS = error_responses(400, 401, 403, 404, 409)

# The shared filters pick places by division code through a method, which the schema
# generator cannot infer; say so here (documentation only, the filters are unchanged).
for _name in ("town", "village", "grid"):
    extend_schema_field(
        {
            "type": "string",
            "description": format_lazy(
                "{} ({})", EventFilterSet.base_filters[_name].label, _("division code")
            ),
        }
    )(EventFilterSet.base_filters[_name])


def _describe(workflow: StateMachine, name: str):
    """The transition's documentation, generated from the workflow table (lazily, so
    the schema comes out in the language it is requested in)."""
    transition = workflow[name]

    def build() -> str:
        parts = [str(transition.description)] if transition.description else []
        parts.append(
            str(
                _("From: %(states)s. By: %(actors)s.")
                % {
                    "states": ", ".join(str(workflow.states(s).label) for s in transition.sources),
                    "actors": ", ".join(
                        str(workflow.actor_labels.get(x, x)) for x in sorted(transition.actors)
                    ),
                }
            )
        )
        if transition.reason_required:
            parts.append(str(_("A reason is required.")))
        return "\n\n".join(parts)

    return lazy(build, str)()


def transition_endpoint(
    workflow: StateMachine, name: str, *, request, operation_prefix: str, tag: str, url_path: str
) -> Callable:
    """Declare a POST action for transition ``name``: route, schema and docs in one place."""

    def decorate(method):
        method = action(detail=True, methods=["post"], url_path=url_path, url_name=url_path)(method)
        return extend_schema(
            operation_id=f"{operation_prefix}_{url_path.replace('-', '_')}",
            tags=[tag],
            summary=workflow[name].label,
            description=_describe(workflow, name),
            request=request,
            responses={200: EventDetailSerializer, **ACTION_ERRORS},
        )(method)

    return decorate


def event_action(name: str, request=None):
    return transition_endpoint(
        EVENT_WORKFLOW,
        name,
        request=request,
        operation_prefix="events",
        tag="event actions",
        url_path=name.replace("_", "-"),
    )


def subtask_action(name: str, request=None):
    return transition_endpoint(
        ASSIGNMENT_WORKFLOW,
        name,
        request=request,
        operation_prefix="assignments",
        tag="assignments",
        url_path=name.removesuffix("_subtask"),
    )


def detail_queryset(user):
    """Visible events with everything the detail shows, in a fixed number of queries."""
    return (
        Event.objects.visible_to(user)
        .select_related("region", "category", "merged_into", "reported_by")
        .prefetch_related(
            "duplicates",
            "attachments",
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("unit", "issued_by", "accepted_by"),
            ),
            Prefetch(
                "feedbacks",
                queryset=Feedback.objects.select_related(
                    "assignment__unit", "submitted_by"
                ).prefetch_related("attachments"),
            ),
            Prefetch("checks", queryset=Check.objects.select_related("checked_by")),
            Prefetch("ratings", queryset=EventRating.objects.select_related("rated_by")),
        )
    )


class EventDetailResponseMixin:
    def event_response(self, event: Event, *, status_code: int = status.HTTP_200_OK) -> Response:
        """The event as it is now, as the user sees it."""
        fresh = detail_queryset(self.request.user).filter(pk=event.pk).first()
        if fresh is None:  # the action took the event out of the actor's scope
            return Response(
                {"id": event.pk, "number": event.number, "state": event.state}, status=status_code
            )
        serializer = EventDetailSerializer(fresh, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    def validated(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


@extend_schema_view(
    list=extend_schema(
        operation_id="events_list",
        summary=_("Events I may see"),
        parameters=[
            OpenApiParameter(
                "queue",
                str,
                enum=["mine"],
                description=_(
                    "“mine”: only events where the workflow waits for me (my work queue)."
                ),
            )
        ],
        responses={200: EventListSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        operation_id="events_retrieve",
        summary=_("One event with its loop records"),
        responses={200: EventDetailSerializer, **error_responses(401, 404)},
    ),
    create=extend_schema(
        operation_id="events_create",
        summary=_("Record an event (collection form)"),
        request=a.EventCreateSerializer,
        responses={201: EventDetailSerializer, **error_responses(400, 401, 403)},
    ),
)
@extend_schema(tags=["events"])
class EventViewSet(EventDetailResponseMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    filterset_class = EventFilterSet

    def get_queryset(self):
        user = self.request.user
        if self.action == "retrieve":
            return detail_queryset(user)
        queryset = Event.objects.visible_to(user).select_related(
            "region", "category", "merged_into"
        )
        if self.action == "list":
            queue = self.request.query_params.get("queue")
            if queue == "mine":
                queryset = queryset.needing_action_by(user)
            elif queue:
                raise exceptions.ValidationError({"queue": [_("The only queue is “mine”.")]})
        return queryset

    def filter_queryset(self, queryset):
        # The shared filters shape lists; a detail or action URL names one event.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return EventListSerializer if self.action == "list" else EventDetailSerializer

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        d = self.validated(a.EventCreateSerializer)
        event = services.create_event(
            by=request.user,
            source=d["source"],
            description=d["description"],
            title=d["title"],
            category=d["category"],
            occurred_at=d["occurred_at"],
            location=services.Location(
                region=d["region"],
                latitude=d["latitude"],
                longitude=d["longitude"],
                datum=d["datum"],
                address=d["address"],
            ),
            reporter_name=d["reporter_name"],
            reporter_phone=d["reporter_phone"],
            reporter_id_number=d["reporter_id_number"],
            reporter_address=d["reporter_address"],
            is_anonymous=d["is_anonymous"],
            attachments=d["attachments"],
        )
        return self.event_response(event, status_code=status.HTTP_201_CREATED)

    # --- reading -------------------------------------------------------------------

    @extend_schema(
        operation_id="events_history",
        summary=_("The event's complete timeline"),
        responses={200: HistorySerializer(many=True), **error_responses(401, 404)},
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        event = self.get_object()
        rows = event.history.select_related("actor")
        return Response(
            HistorySerializer(rows, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(
        operation_id="events_contact",
        summary=_("The reporter's unmasked contact details"),
        description=_(
            "For the command room, the county centre and the handling unit, to call the "
            "reporter back. Every read is logged."
        ),
        responses={200: ContactSerializer, **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["get"])
    def contact(self, request, pk=None):
        event = self.get_object()
        data = services.reveal_reporter(
            event, by=request.user, channel="api", ip_address=client_ip(request)
        )
        response = Response(ContactSerializer(data).data)
        patch_cache_control(response, private=True, no_store=True)
        return response

    # --- judgement and dispatch ----------------------------------------------------------

    @event_action("judge", a.JudgeActionSerializer)
    def judge(self, request, pk=None):
        event, d = self.get_object(), self.validated(a.JudgeActionSerializer)
        services.judge_event(
            event,
            by=request.user,
            urgency=d["urgency"],
            span=d["span"],
            reason=d["reason"],
            category=d["category"],
            matter=d["matter"],
        )
        return self.event_response(event)

    @event_action("dispatch", a.DispatchActionSerializer)
    def dispatch_event(self, request, pk=None):
        event, d = self.get_object(), self.validated(a.DispatchActionSerializer)
        subtasks = [
            services.SubtaskSpec(unit=s["unit"], instruction=s["instruction"], due_at=s["due_at"])
            for s in d["subtasks"]
        ]
        services.dispatch_event(
            event,
            by=request.user,
            to_unit=d["unit"],
            reason=d["reason"],
            instruction=d["instruction"],
            subtasks=subtasks or None,
        )
        return self.event_response(event)

    @event_action("redispatch", a.RedispatchActionSerializer)
    def redispatch(self, request, pk=None):
        event, d = self.get_object(), self.validated(a.RedispatchActionSerializer)
        services.redispatch_event(
            event,
            by=request.user,
            to_unit=d["unit"],
            reason=d["reason"],
            instruction=d["instruction"],
        )
        return self.event_response(event)

    @extend_schema(
        operation_id="events_add_subtask",
        tags=["event actions"],
        summary=_("add a sub-task"),
        description=_(
            "County centre: add a unit to a running coordination order (e.g. after a "
            "sub-task was returned)."
        ),
        request=a.AddSubtaskActionSerializer,
        responses={200: EventDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="add-subtask", url_name="add-subtask")
    def add_subtask(self, request, pk=None):
        event, d = self.get_object(), self.validated(a.AddSubtaskActionSerializer)
        services.add_subtask(
            event, by=request.user, unit=d["unit"], instruction=d["instruction"], due_at=d["due_at"]
        )
        return self.event_response(event)

    # --- the handling unit ----------------------------------------------------------------

    @event_action("accept")
    def accept(self, request, pk=None):
        event = self.get_object()
        services.accept_event(event, by=request.user)
        return self.event_response(event)

    @event_action("return", a.ReturnActionSerializer)
    def return_event(self, request, pk=None):
        event, d = self.get_object(), self.validated(a.ReturnActionSerializer)
        services.return_event(event, by=request.user, reason=d["reason"])
        return self.event_response(event)

    @event_action("start")
    def start(self, request, pk=None):
        event = self.get_object()
        services.start_handling(event, by=request.user)
        return self.event_response(event)

    @event_action("submit_feedback", a.SubmitFeedbackActionSerializer)
    def submit_feedback(self, request, pk=None):
        event, d = self.get_object(), self.validated(a.SubmitFeedbackActionSerializer)
        services.submit_feedback(
            event,
            by=request.user,
            outcome=d["outcome"],
            measures=d["measures"],
            attachments=d["attachments"],
        )
        return self.event_response(event)

    # --- check, rating, closing -----------------------------------------------------------

    @event_action("check", a.CheckActionSerializer)
    def check(self, request, pk=None):
        event, d = self.get_object(), self.validated(a.CheckActionSerializer)
        services.check_event(
            event,
            by=request.user,
            passed=d["passed"],
            notes=d["notes"],
            reopen_subtasks=d["reopen_subtasks"],
        )
        return self.event_response(event)

    @event_action("rate", a.RateActionSerializer)
    def rate(self, request, pk=None):
        event, d = self.get_object(), self.validated(a.RateActionSerializer)
        services.rate_event(event, rating=d["rating"], comment=d["comment"], by=request.user)
        return self.event_response(event)

    @event_action("rework", a.ReworkActionSerializer)
    def rework(self, request, pk=None):
        event, d = self.get_object(), self.validated(a.ReworkActionSerializer)
        services.rework_event(event, by=request.user, reason=d["reason"])
        return self.event_response(event)

    @event_action("close", a.CloseActionSerializer)
    def close(self, request, pk=None):
        event, d = self.get_object(), self.validated(a.CloseActionSerializer)
        services.close_event(event, by=request.user, reason=d["reason"])
        return self.event_response(event)

    # --- park, void, merge, escalate ----------------------------------------------------

    @event_action("park", a.ParkActionSerializer)
    def park(self, request, pk=None):
        event, d = self.get_object(), self.validated(a.ParkActionSerializer)
        services.park_event(event, by=request.user, reason=d["reason"])
        return self.event_response(event)

    @event_action("resume", a.ResumeActionSerializer)
    def resume(self, request, pk=None):
        event, d = self.get_object(), self.validated(a.ResumeActionSerializer)
        services.resume_event(event, by=request.user, reason=d["reason"])
        return self.event_response(event)

    @event_action("void", a.VoidActionSerializer)
    def void(self, request, pk=None):
        event, d = self.get_object(), self.validated(a.VoidActionSerializer)
        services.void_event(event, by=request.user, reason=d["reason"])
        return self.event_response(event)

    @event_action("merge", a.MergeActionSerializer)
    def merge(self, request, pk=None):
        event, d = self.get_object(), self.validated(a.MergeActionSerializer)
        services.merge_event(event, into=d["into"], by=request.user, reason=d["reason"])
        return self.event_response(event)

    @event_action("escalate", a.EscalateActionSerializer)
    def escalate(self, request, pk=None):
        event, d = self.get_object(), self.validated(a.EscalateActionSerializer)
        services.escalate_event(event, by=request.user, reason=d["reason"])
        return self.event_response(event)


@extend_schema_view(
    retrieve=extend_schema(
        operation_id="assignments_retrieve",
        summary=_("One assignment"),
        responses={200: AssignmentSerializer, **error_responses(401, 404)},
    ),
)
@extend_schema(tags=["assignments"])
class AssignmentViewSet(
    EventDetailResponseMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Assignments of visible events; the sub-task actions of coordination orders."""

    serializer_class = AssignmentSerializer

    def get_queryset(self):
        visible = Event.objects.visible_to(self.request.user)
        return Assignment.objects.filter(event__in=visible).select_related(
            "event", "unit", "issued_by", "accepted_by"
        )

    @subtask_action("accept_subtask")
    def accept(self, request, pk=None):
        assignment = self.get_object()
        services.accept_subtask(assignment, by=request.user)
        return self.event_response(assignment.event)

    @subtask_action("return_subtask", a.ReturnSubtaskActionSerializer)
    def return_subtask(self, request, pk=None):
        assignment, d = self.get_object(), self.validated(a.ReturnSubtaskActionSerializer)
        services.return_subtask(assignment, by=request.user, reason=d["reason"])
        return self.event_response(assignment.event)

    @subtask_action("complete_subtask", a.CompleteSubtaskActionSerializer)
    def complete(self, request, pk=None):
        assignment, d = self.get_object(), self.validated(a.CompleteSubtaskActionSerializer)
        services.complete_subtask(
            assignment,
            by=request.user,
            outcome=d["outcome"],
            measures=d["measures"],
            attachments=d["attachments"],
        )
        return self.event_response(assignment.event)

    @subtask_action("cancel_subtask", a.CancelSubtaskActionSerializer)
    def cancel(self, request, pk=None):
        assignment, d = self.get_object(), self.validated(a.CancelSubtaskActionSerializer)
        services.cancel_subtask(assignment, by=request.user, reason=d["reason"])
        return self.event_response(assignment.event)


@extend_schema_view(
    list=extend_schema(
        operation_id="categories_list",
        summary=_("Event categories"),
        responses={200: CategorySerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        operation_id="categories_retrieve",
        summary=_("One category by code"),
        responses={200: CategorySerializer, **error_responses(401, 404)},
    ),
)
@extend_schema(tags=["organisation"])
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.select_related("parent", "department")
    serializer_class = CategorySerializer
    filterset_class = CategoryFilterSet
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"


class AttachmentDownloadView(generics.GenericAPIView):
    """A photo or document, only when its event is visible to the user."""

    def get_queryset(self):
        return Attachment.objects.filter(event__in=Event.objects.visible_to(self.request.user))

    def perform_content_negotiation(self, request, force=False):
        # The body is the file itself, whatever the client says it accepts.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="attachments_download",
        tags=["attachments"],
        summary=_("Download an attachment"),
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **error_responses(401, 404),
        },
    )
    def get(self, request, pk):
        attachment = self.get_object()
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(
            handle,
            content_type=attachment.content_type,
            as_attachment=not attachment.is_image,
            filename=attachment.original_name,
        )
        patch_cache_control(response, private=True)
        return response
