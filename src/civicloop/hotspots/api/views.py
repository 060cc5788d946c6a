"""Hotspots over REST: ``/api/hotspots/top/``, ``/api/hotspots/warnings/`` (with the
acknowledge and close actions) and ``/api/events/{id}/duplicates/``.

Scope as on the pages: places outside the user's area are refused (403), warnings
and events outside it are not found (404); actions call one service function each.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from civicloop.core.api import error_responses
from civicloop.events.models import Event
from civicloop.org.models import Region

from .. import services
from ..analysis import Window, period_window, top_for_user
from ..choices import Dimension, Period
from ..filtersets import WarningFilterSet
from ..models import Warning
from ..permissions import covers, default_place, has_area
from . import serializers as s

ACTION_ERRORS = error_responses(400, 401, 403, 404, 409)


class TopView(APIView):
    @extend_schema(
        operation_id="hotspots_top",
        tags=["hotspots"],
        summary=_("High-frequency analysis"),
        description=_(
            "The most frequent categories or enforcement matters at a place (grid, village, town or "
            "county) in a period, with counts, share and the change against the previous period; the "
            "places one level down; and a series per top subject for a chart. Without dates: the whole "
            "current day, week or month."
        ),
        parameters=[
            OpenApiParameter("place", str, description=_("Division code (default: your area).")),
            OpenApiParameter(
                "period", str, enum=Period.values, description=_("day, week (default) or month.")
            ),
            OpenApiParameter("start", str, description=_("First day (YYYY-MM-DD).")),
            OpenApiParameter("end", str, description=_("Last day (YYYY-MM-DD).")),
            OpenApiParameter(
                "dimension",
                str,
                enum=Dimension.values,
                description=_("category (default) or matter."),
            ),
            OpenApiParameter("limit", int, description=_("Rows (1–50, default 10).")),
        ],
        responses={200: s.TopReportSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        if not has_area(request.user):
            raise exceptions.PermissionDenied(_("The analysis is for staff with an area."))
        query = s.TopQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        d = query.validated_data
        if d.get("place"):
            place = Region.objects.filter(code=d["place"]).first()
            if place is None:
                raise exceptions.ValidationError({"place": [_("No place has this division code.")]})
        else:
            place = default_place(request.user)
        if place is None or not covers(request.user, place):
            raise exceptions.PermissionDenied(_("This place is outside your area."))
        start, end = d.get("start"), d.get("end")
        if start and end:
            if end < start:
                raise exceptions.ValidationError({"end": [_("The end comes before the start.")]})
            window = Window(start, end)
        else:
            window = period_window(d["period"], start or end or timezone.localdate())
        report = top_for_user(
            request.user,
            place=place,
            window=window,
            period=d["period"],
            dimension=d["dimension"],
            limit=d["limit"],
        )
        return Response(s.TopReportSerializer(report).data)


@extend_schema_view(
    list=extend_schema(
        operation_id="hotspots_warnings_list",
        summary=_("Spike warnings I may see"),
        responses={200: s.WarningSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        operation_id="hotspots_warnings_retrieve",
        summary=_("One spike warning with its evidence and history"),
        responses={200: s.WarningDetailSerializer, **error_responses(401, 404)},
    ),
)
@extend_schema(tags=["hotspots"])
class WarningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = WarningFilterSet

    def get_queryset(self):
        queryset = (
            Warning.objects.visible_to(self.request.user)
            .select_related("region", "category", "matter", "acknowledged_by", "closed_by")
            .prefetch_related("evidence")
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("history__actor")
        return queryset.order_by("-raised_at", "-pk")

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return s.WarningSerializer if self.action == "list" else s.WarningDetailSerializer

    def _detail(self, warning):
        fresh = self.get_queryset().get(pk=warning.pk)
        return Response(
            s.WarningDetailSerializer(fresh, context=self.get_serializer_context()).data
        )

    @extend_schema(
        operation_id="hotspots_warnings_acknowledge",
        summary=_("acknowledge"),
        description=_("The command room of the warning's town, or the county. From: open."),
        request=s.AcknowledgeSerializer,
        responses={200: s.WarningDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        warning = self.get_object()
        data = s.AcknowledgeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.acknowledge_warning(warning, by=request.user, note=data.validated_data["note"])
        return self._detail(warning)

    @extend_schema(
        operation_id="hotspots_warnings_close",
        summary=_("close the warning"),
        description=_(
            "The command room of the warning's town, or the county. From: open, "
            "acknowledged. A reason is required."
        ),
        request=s.CloseSerializer,
        responses={200: s.WarningDetailSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        warning = self.get_object()
        data = s.CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.close_warning(warning, by=request.user, reason=data.validated_data["reason"])
        return self._detail(warning)


class EventDuplicatesView(APIView):
    @extend_schema(
        operation_id="events_duplicates",
        tags=["events"],
        summary=_("Possible duplicates"),
        description=_(
            "Earlier open events at the same place with similar text (within the configured days and "
            "similarity), most similar first — only those you may see. Each is recorded as shown to you; "
            "merge with `POST /api/events/{id}/merge/`. `merged` tells whether the event was merged into "
            "the candidate."
        ),
        responses={200: s.DuplicateSuggestionSerializer(many=True), **error_responses(401, 404)},
    )
    def get(self, request, pk):
        event = get_object_or_404(
            Event.objects.visible_to(request.user).select_related("region"), pk=pk
        )
        suggestions = services.suggest_duplicates(event, user=request.user)
        for suggestion in suggestions:
            suggestion.event = event
        return Response(s.DuplicateSuggestionSerializer(suggestions, many=True).data)
