"""约谈 and meeting decisions over REST (read-only), through their scoped querysets: a town
leader sees their town's units, the county everything (outside the scope: 404)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from civicloop.core.api import error_responses
from civicloop.supervision.models import ActionItem, Summons

from .serializers import ActionItemSerializer, SummonsSerializer


@extend_schema_view(
    list=extend_schema(responses={200: SummonsSerializer(many=True), **error_responses(400, 401)}),
    retrieve=extend_schema(responses={200: SummonsSerializer, **error_responses(401, 404)}),
)
class SummonsViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SummonsSerializer

    def get_queryset(self):
        return (
            Summons.objects.visible_to(self.request.user)
            .select_related("unit")
            .order_by("-month", "pk")
        )


@extend_schema_view(
    list=extend_schema(
        responses={200: ActionItemSerializer(many=True), **error_responses(400, 401)}
    ),
    retrieve=extend_schema(responses={200: ActionItemSerializer, **error_responses(401, 404)}),
)
class ActionItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ActionItemSerializer

    def get_queryset(self):
        return (
            ActionItem.objects.visible_to(self.request.user)
            .select_related("owner_unit", "meeting")
            .order_by("due_on", "pk")
        )
