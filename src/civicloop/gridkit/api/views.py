"""The grid toolkit over REST: grids I may see, and for each its card, staff map (GeoJSON),
flowcharts and blank forms, from the latest version or ``?version=N``; the three forms of
an event.

Scope: grids come from ``grids_visible_to(user)`` and events from
``Event.objects.visible_to(user)``; outside it the answer is 404. Everything needs a
signed-in user (token or session); the public never sees a toolkit.
"""

from __future__ import annotations

from dataclasses import asdict

from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from civicloop.core.api import client_ip, error_responses
from civicloop.events.models import Event

from .. import services
from ..choices import ItemKind
from ..flowchart import live_chart, present
from ..models import ToolkitVersion
from ..paperforms import blank_sheets
from ..permissions import grids_visible_to
from ..presenting import public_url, version_note
from ..staffmap import geojson
from . import serializers as s

VERSION = OpenApiParameter("version", int, description=_("Version number; default the latest."))
CLASS = OpenApiParameter(
    "class",
    str,
    description=_(
        "The matter class: matter:CODE, category:CODE or none; default the card's first. A class not in the "
        "version is drawn from today's rules (live)."
    ),
)
MASKED = OpenApiParameter(
    "masked", bool, description=_("Mask the reporter's details even if you may see them.")
)


def _sheets(sheets) -> list[dict]:
    return [asdict(sheet) for sheet in sheets]


@extend_schema_view(
    list=extend_schema(
        operation_id="gridkit_grids_list",
        summary=_("Grids whose toolkit I may open"),
        responses={200: s.GridSerializer(many=True), **error_responses(401)},
    ),
    retrieve=extend_schema(
        operation_id="gridkit_grids_retrieve",
        summary=_("One grid"),
        responses={200: s.GridSerializer, **error_responses(401, 404)},
    ),
)
@extend_schema(tags=["gridkit"])
class GridToolkitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.GridSerializer
    lookup_field = "code"
    lookup_value_regex = r"\d{15}"
    filterset_class = None

    def get_queryset(self):
        return (
            grids_visible_to(self.request.user)
            .select_related("parent__parent")
            .order_by("code")
            .annotate(latest_number=Max("toolkit_versions__number"))
        )

    def version(self, grid) -> ToolkitVersion:
        raw = self.request.query_params.get("version")
        if raw:
            if not raw.isdigit():
                raise Http404
            return get_object_or_404(ToolkitVersion.objects.for_grid(grid), number=int(raw))
        return services.current_version(grid)

    @extend_schema(
        operation_id="gridkit_versions",
        summary=_("The grid's toolkit versions, newest first"),
        responses={200: s.VersionSerializer(many=True), **error_responses(401, 404)},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request, code=None):
        grid = self.get_object()
        services.current_version(grid)
        rows = ToolkitVersion.objects.for_grid(grid).latest_first().select_related("generated_by")
        return Response(s.VersionSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="gridkit_refresh",
        summary=_("Regenerate the toolkit from the current data"),
        description=_("Keeps a new version only when the content changed."),
        request=None,
        responses={200: s.RefreshSerializer, **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def refresh(self, request, code=None):
        result = services.refresh_toolkit(self.get_object(), by=request.user)
        return Response(
            s.RefreshSerializer({"created": result.created, "version": result.version}).data
        )

    @extend_schema(
        operation_id="gridkit_card",
        summary=_("The card of common enforcement matters"),
        parameters=[VERSION],
        responses={200: s.CardSerializer, **error_responses(401, 404)},
    )
    @action(detail=True, methods=["get"])
    def card(self, request, code=None):
        version = self.version(self.get_object())
        card = version.content["card"]
        report = {
            **card["report"],
            "public_report_url": public_url(card["report"]["public_report_path"], request),
        }
        return Response(
            s.CardSerializer(
                {
                    "version": version,
                    "basis": card["basis"],
                    "items": card["items"],
                    "report": report,
                }
            ).data
        )

    @extend_schema(
        operation_id="gridkit_map",
        summary=_("The map of enforcement staff (GeoJSON, GCJ-02)"),
        parameters=[VERSION],
        responses={200: s.GeoJSONSerializer, **error_responses(401, 404)},
    )
    @action(detail=True, methods=["get"], url_path="map")
    def staff_map(self, request, code=None):
        version = self.version(self.get_object())
        data = geojson(version.content["map"])
        return Response({**data, "version": s.VersionSerializer(version).data})

    @extend_schema(
        operation_id="gridkit_flowchart",
        summary=_("The disposal flowchart of a matter class"),
        parameters=[VERSION, CLASS],
        responses={200: s.FlowchartSerializer, **error_responses(401, 404)},
    )
    @action(detail=True, methods=["get"])
    def flowchart(self, request, code=None):
        grid = self.get_object()
        version = self.version(grid)
        classes = [c["key"] for c in version.content["flowcharts"]]
        key = request.query_params.get("class") or (classes[0] if classes else ItemKind.NONE)
        chart, live = present(version.content, key), False
        if chart is None:
            chart, live = live_chart(grid, key), True
        if chart is None:
            raise Http404
        return Response(
            s.FlowchartSerializer(
                {**chart, "version": version, "live": live, "classes": classes}
            ).data
        )

    @extend_schema(
        operation_id="gridkit_forms",
        summary=_("The three forms, blank, for paper use"),
        parameters=[VERSION],
        responses={200: s.BlankFormsSerializer, **error_responses(401, 404)},
    )
    @action(detail=True, methods=["get"])
    def forms(self, request, code=None):
        version = self.version(self.get_object())
        sheets = blank_sheets(version.content, note=version_note(version))
        return Response(s.BlankFormsSerializer({"version": version, "forms": _sheets(sheets)}).data)


@extend_schema(tags=["gridkit"])
class EventFormsViewSet(viewsets.GenericViewSet):
    serializer_class = s.EventFormsSerializer
    filterset_class = None

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user).select_related(
            "region", "category", "matter"
        )

    @extend_schema(
        operation_id="gridkit_event_forms",
        summary=_("The three forms filled from an event"),
        description=_(
            "The reporter's details are masked unless you may see them (then this view "
            "is logged, channel api)."
        ),
        parameters=[MASKED],
        responses={200: s.EventFormsSerializer, **error_responses(401, 404)},
    )
    def retrieve(self, request, pk=None):
        event = self.get_object()
        masked = request.query_params.get("masked", "").lower() in {"1", "true", "yes"}
        filled = services.fill_forms(
            event, by=request.user, channel="api", ip_address=client_ip(request), masked=masked
        )
        return Response(
            s.EventFormsSerializer(
                {
                    "number": event.number,
                    "revealed": filled.revealed,
                    "forms": _sheets(filled.sheets),
                }
            ).data
        )
