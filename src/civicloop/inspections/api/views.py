"""Inspections over REST (read-only): the subjects register and the inspection records, each
through its scoped queryset (outside the scope is a 404)."""

from __future__ import annotations

from rest_framework import viewsets

from civicloop.inspections.models import InspectionRecord, Subject

from .serializers import InspectionRecordSerializer, MarketSubjectSerializer


class SubjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MarketSubjectSerializer

    def get_queryset(self):
        return (
            Subject.objects.visible_to(self.request.user)
            .select_related("party", "region")
            .order_by("pk")
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
