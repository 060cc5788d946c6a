"""The event loop over REST: the list and detail, intake, and one POST endpoint per
manual transition of the workflows.

Every lookup goes through ``Event.objects.visible_to(user)``: an event outside the
user's scope is a 404, one they see but may not act on is a 403 (from the
service), and a wrong state is a 409. Each action validates its input's shape
with its own request serializer (``requests.py``) and calls the same action as the
pages (``events.actions``), which calls exactly one service function.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
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

from civicloop.core.api import (
    ACTION_ERRORS,
    ActionViewSetMixin,
    client_ip,
    error_responses,
    transition_endpoint,
)
from civicloop.events import services
from civicloop.events.actions import EVENT_ACTIONS, SUBTASK_ACTIONS, record_event
from civicloop.events.filtersets import EventFilterSet
from civicloop.events.models import Assignment, Attachment, Check, Event, EventRating, Feedback
from civicloop.events.workflow import ASSIGNMENT_WORKFLOW, EVENT_WORKFLOW
from civicloop.matters.models import Category

from . import requests as a
from .filtersets import CategoryFilterSet
from .serializers import (
    AssignmentSerializer,
    CategorySerializer,
    ContactSerializer,
    EventDetailSerializer,
    EventListSerializer,
    HistorySerializer,
)

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


class EventDetailResponseMixin(ActionViewSetMixin):
    def event_response(self, event: Event, *, status_code: int = status.HTTP_200_OK) -> Response:
        """The event as it is now, as the user sees it."""
        fresh = detail_queryset(self.request.user).filter(pk=event.pk).first()
        if fresh is None:  # the action took the event out of the actor's scope
            return Response(
                {"id": event.pk, "number": event.number, "state": event.state}, status=status_code
            )
        serializer = EventDetailSerializer(fresh, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)


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
        event = record_event(by=request.user, data=self.validated(a.EventCreateSerializer))
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

    # The workflow's transitions are added below the class, one POST endpoint each.

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
        event = self.perform_action(EVENT_ACTIONS, "add_subtask", a.AddSubtaskActionSerializer)
        return self.event_response(event)

    @extend_schema(
        operation_id="events_accept_and_start",
        tags=["event actions"],
        summary=_("accept and start handling"),
        description=_(
            "The lead unit: accept and start handling in one step. Both moves are recorded "
            "(accept, then start), as when done one by one."
        ),
        request=None,
        responses={200: EventDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="accept-and-start", url_name="accept-and-start")
    def accept_and_start(self, request, pk=None):
        event = self.perform_action(EVENT_ACTIONS, "accept_and_start")
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

    # The sub-task transitions are added below the class, one POST endpoint each.


# Method names of the endpoints whose transition name cannot be one ("dispatch" is the
# viewset's own method, "return" a keyword); the URLs are the transition names.
EVENT_METHODS = {"dispatch": "dispatch_event", "return": "return_event"}
SUBTASK_METHODS = {
    "accept_subtask": "accept",
    "complete_subtask": "complete",
    "cancel_subtask": "cancel",
}

for _transition in EVENT_WORKFLOW:
    if _transition.manual:
        _method = EVENT_METHODS.get(_transition.name, _transition.name)
        _url = _transition.name.replace("_", "-")
        setattr(
            EventViewSet,
            _method,
            transition_endpoint(
                EVENT_WORKFLOW,
                _transition.name,
                actions=EVENT_ACTIONS,
                request=a.EVENT_ACTION_SERIALIZERS[_transition.name],
                response=EventDetailSerializer,
                answer=lambda view, event: view.event_response(event),
                operation_id=f"events_{_url.replace('-', '_')}",
                tag="event actions",
                url_path=_url,
                method_name=_method,
            ),
        )

for _transition in ASSIGNMENT_WORKFLOW:
    if _transition.manual:
        _method = SUBTASK_METHODS.get(_transition.name, _transition.name)
        _url = _transition.name.removesuffix("_subtask")
        setattr(
            AssignmentViewSet,
            _method,
            transition_endpoint(
                ASSIGNMENT_WORKFLOW,
                _transition.name,
                actions=SUBTASK_ACTIONS,
                request=a.SUBTASK_ACTION_SERIALIZERS[_transition.name],
                response=EventDetailSerializer,
                answer=lambda view, assignment: view.event_response(assignment.event),
                operation_id=f"assignments_{_url.replace('-', '_')}",
                tag="assignments",
                url_path=_url,
                method_name=_method,
            ),
        )


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
