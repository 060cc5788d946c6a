"""The routing suggestion endpoint, ``GET /api/events/{id}/routing-suggestion/``: added under the
events API through ``events.api.extensions`` (registered in ``RouterConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from civicloop.core.api import ErrorSerializer, error_responses
from civicloop.events.models import Event
from civicloop.router import services

from .serializers import RoutingSuggestionSerializer


class EventRoutingSuggestionView(generics.GenericAPIView):
    """Scoped like the event detail: an event the user may not see is not found."""

    serializer_class = RoutingSuggestionSerializer

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user)

    @extend_schema(
        operation_id="events_routing_suggestion",
        summary=_("Routing suggestion"),
        description=_(
            "The routing model's suggestion for the event: label, confidence, category, "
            "responsible department and alternatives. Made by the active model and recorded "
            "(once per model and event), so acceptance can be measured against the category "
            "chosen at judgement."
        ),
        responses={
            200: RoutingSuggestionSerializer,
            **error_responses(401, 404),
            503: OpenApiResponse(
                ErrorSerializer, description=_("The routing model is not available now.")
            ),
        },
    )
    def get(self, request, pk=None):
        suggestion = services.suggest(self.get_object(), user=request.user)
        if suggestion is None:
            return Response(
                {
                    "detail": str(_("The routing model is not available now.")),
                    "code": "unavailable",
                },
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        return Response(RoutingSuggestionSerializer(suggestion).data)
