"""The work log and the points ledger over REST (read-only), each through its scoped queryset:
a grid worker sees their own, a town its staff, the county everyone (outside the scope: 404)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from civicloop.core.api import error_responses
from civicloop.scoring.models import Activity, PatrolVisit, PointEntry

from .serializers import ActivitySerializer, PatrolVisitSerializer, PointEntrySerializer


def _documented(serializer):
    return extend_schema_view(
        list=extend_schema(responses={200: serializer(many=True), **error_responses(400, 401)}),
        retrieve=extend_schema(responses={200: serializer, **error_responses(401, 404)}),
    )


@_documented(PatrolVisitSerializer)
class PatrolVisitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PatrolVisitSerializer

    def get_queryset(self):
        return (
            PatrolVisit.objects.visible_to(self.request.user)
            .select_related("region", "recorded_by")
            .order_by("-visited_at", "-pk")
        )


@_documented(ActivitySerializer)
class ActivityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ActivitySerializer

    def get_queryset(self):
        return (
            Activity.objects.visible_to(self.request.user)
            .select_related("region", "recorded_by")
            .order_by("-held_at", "-pk")
        )


@_documented(PointEntrySerializer)
class PointEntryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PointEntrySerializer

    def get_queryset(self):
        return (
            PointEntry.objects.visible_to(self.request.user)
            .select_related("person", "source_type")
            .order_by("-earned_at", "-pk")
        )
