"""Inspections over REST (read-only): the subjects register and the inspection records, each
through its scoped queryset (outside the scope is a 404)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from civicloop.core.api import error_responses
from civicloop.inspections.models import InspectionRecord, Subject

from .serializers import InspectionRecordSerializer, MarketSubjectSerializer


@extend_schema_view(
    list=extend_schema(
        responses={200: MarketSubjectSerializer(many=True), **error_responses(400, 401)}
    ),
    retrieve=extend_schema(responses={200: MarketSubjectSerializer, **error_responses(401, 404)}),
)
class SubjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MarketSubjectSerializer

    def get_queryset(self):
        return (
            Subject.objects.visible_to(self.request.user)
            .select_related("party", "region")
            .order_by("pk")
        )


@extend_schema_view(
    list=extend_schema(
        responses={200: InspectionRecordSerializer(many=True), **error_responses(400, 401)}
    ),
    retrieve=extend_schema(
        responses={200: InspectionRecordSerializer, **error_responses(401, 404)}
    ),
)
class InspectionRecordViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = InspectionRecordSerializer

    def get_queryset(self):
        return (
            InspectionRecord.objects.visible_to(self.request.user)
            .select_related("visit", "visit__lead_unit")
            .prefetch_related("items__item")
            .order_by("-inspected_at", "-pk")
        )
