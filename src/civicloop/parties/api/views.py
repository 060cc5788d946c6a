"""Parties over REST: the ones I may see (masked), recording one, and the logged contact."""

from __future__ import annotations

from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from civicloop.core.api import client_ip, error_responses
from civicloop.parties import services
from civicloop.parties.models import Party

from .serializers import PartyContactSerializer, PartyInputSerializer, PartySerializer


@extend_schema_view(
    list=extend_schema(
        operation_id="parties_list",
        summary=_("Parties I may see"),
        parameters=[
            OpenApiParameter(
                "q", str, description=_("Name (part of it), or the full ID number or credit code.")
            )
        ],
        responses={200: PartySerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        operation_id="parties_retrieve",
        summary=_("One party (masked)"),
        responses={200: PartySerializer, **error_responses(401, 404)},
    ),
    create=extend_schema(
        operation_id="parties_create",
        summary=_("Record a party"),
        request=PartyInputSerializer,
        responses={201: PartySerializer, **error_responses(400, 401, 403)},
    ),
)
@extend_schema(tags=["parties"])
class PartyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PartySerializer

    def get_queryset(self):
        queryset = Party.objects.visible_to(self.request.user).order_by("name", "id")
        if self.action == "list":
            queryset = queryset.search(self.request.query_params.get("q", ""))
        return queryset

    def create(self, request):
        serializer = PartyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        party = services.create_party(
            by=request.user, data=services.PartyData(**serializer.validated_data)
        )
        return Response(PartySerializer(party).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="parties_contact",
        summary=_("The party's unmasked details"),
        description=_(
            "For the handlers of the party's cases, their unit's officers, the "
            "responsible person and the assigned reviewers. Every read is logged."
        ),
        responses={200: PartyContactSerializer, **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["get"])
    def contact(self, request, pk=None):
        data = services.reveal_party(
            self.get_object(), by=request.user, channel="api", ip_address=client_ip(request)
        )
        response = Response(PartyContactSerializer(data).data)
        patch_cache_control(response, private=True, no_store=True)
        return response
