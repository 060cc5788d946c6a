"""Matters and empowerment over REST: the same reads as the pages and one POST endpoint per
write, each calling one service function (the assessment's endpoints: assessment/api/).

Scope: the catalog and the grants are published to every signed-in user; requests
come from ``visible_to(user)`` querysets (outside the scope: 404);
refusals by a service are 403 (not yours), 409 (wrong state) or 400 (bad input).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from civicloop.core.api import error_responses
from civicloop.core.inputs import date_in_range
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region

from .. import services
from ..filtersets import GrantFilterSet, MatterFilterSet, RequestFilterSet
from ..models import EmpowermentGrant, EmpowermentRequest, Matter
from ..permissions import sees_town_records
from ..timeline import holdings, town_timeline
from ..town_extensions import suggestions_for_town
from . import serializers as s

ACTION_ERRORS = error_responses(400, 401, 403, 404, 409)

# Filters that pick a town by division code through a method: say so in the schema.
extend_schema_field({"type": "string", "description": "division code of a town (镇街区划代码)"})(
    MatterFilterSet.base_filters["held_by"]
)


class InputMixin:
    def validated(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer


def history_rows(rows) -> list[dict]:
    return [
        {
            "at": r.at,
            "action": r.action,
            "from_state": r.from_state,
            "to_state": r.to_state,
            "actor": r.actor,
            "reason": r.reason,
            "details": r.details or {},
        }
        for r in rows
    ]


@extend_schema_view(
    list=extend_schema(
        operation_id="matters_list",
        summary=_("Enforcement matters (catalog)"),
        responses={200: s.MatterSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        operation_id="matters_retrieve",
        summary=_("One matter with every version"),
        responses={200: s.MatterDetailSerializer, **error_responses(401, 404)},
    ),
)
@extend_schema(tags=["matters"])
class MatterViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = MatterFilterSet
    lookup_field = "code"
    lookup_value_regex = r"[A-Z0-9][A-Z0-9-]*"

    def get_queryset(self):
        queryset = Matter.objects.select_related("category", "department").order_by("code")
        if self.action == "retrieve":
            return queryset.prefetch_related("versions__statutory_ranges")
        return queryset.filter(is_active=True).with_version(timezone.localdate())

    def get_serializer_class(self):
        return s.MatterDetailSerializer if self.action == "retrieve" else s.MatterSerializer


@extend_schema_view(
    list=extend_schema(
        operation_id="empowerment_grants_list",
        summary=_("Empowerment grants"),
        responses={200: s.GrantSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        operation_id="empowerment_grants_retrieve",
        summary=_("One empowerment grant"),
        responses={200: s.GrantSerializer, **error_responses(401, 404)},
    ),
    create=extend_schema(
        operation_id="empowerment_grants_create",
        summary=_("Grant a matter to a town (county)"),
        request=s.GrantCreateSerializer,
        responses={201: s.GrantSerializer, **error_responses(400, 401, 403)},
    ),
)
@extend_schema(tags=["empowerment"])
class GrantViewSet(InputMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.GrantSerializer
    filterset_class = GrantFilterSet

    def get_queryset(self):
        return EmpowermentGrant.objects.visible_to(self.request.user).select_related(
            "town", "matter", "decision", "end_decision"
        )

    def create(self, request):
        serializer = self.validated(s.GrantCreateSerializer)
        d = serializer.validated_data
        grant = services.grant_matter(
            town=d["town"],
            matter=d["matter"],
            by=request.user,
            kind=d["kind"],
            effective_from=d["effective_from"],
            effective_to=d["effective_to"],
            decision=serializer.decision(),
            reason=d["reason"],
        )
        return Response(s.GrantSerializer(grant).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="empowerment_grants_end",
        summary=_("End a grant (county)"),
        request=s.GrantEndSerializer,
        responses={200: s.GrantSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        grant = self.get_object()
        serializer = self.validated(s.GrantEndSerializer)
        d = serializer.validated_data
        grant = services.end_grant(
            grant,
            by=request.user,
            effective_to=d["effective_to"],
            reason=d["reason"],
            decision=serializer.decision(),
        )
        return Response(s.GrantSerializer(grant).data)


@extend_schema_view(
    list=extend_schema(
        operation_id="empowerment_towns_list",
        summary=_("Towns and streets"),
        responses={200: s.RegionBriefSerializer(many=True), **error_responses(401)},
    ),
    retrieve=extend_schema(
        operation_id="empowerment_towns_retrieve",
        summary=_("What a town holds on a day, how that changed, and suggested adjustments"),
        parameters=[
            OpenApiParameter("on", str, description=_("Date (YYYY-MM-DD); default today."))
        ],
        responses={200: s.TownEmpowermentSerializer, **error_responses(400, 401, 404)},
    ),
)
@extend_schema(tags=["empowerment"])
class TownEmpowermentViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "code"
    lookup_value_regex = r"\d{12}"
    serializer_class = s.RegionBriefSerializer
    filterset_class = None
    pagination_class = None

    def get_queryset(self):
        return Region.objects.filter(level=RegionLevel.TOWN).order_by("code")

    def retrieve(self, request, code=None):
        town = self.get_object()
        raw = request.query_params.get("on")
        try:
            on = dt.date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"on": [_("Write the date as YYYY-MM-DD.")]}) from None
        try:
            date_in_range(on)  # year 9999 overflowed in the holdings' date bounds (a 500)
        except DjangoValidationError as exc:
            raise DRFValidationError({"on": exc.messages}) from None
        held = holdings(town, on=on)
        records = sees_town_records(request.user, town)
        data = {
            "town": town,
            "on": on,
            "base": [s.holding_data(h) for h in held["base"]],
            "characteristic": [s.holding_data(h) for h in held["characteristic"]],
            "timeline": [s.timeline_data(e) for e in town_timeline(town, with_requests=records)],
            "suggestions": [
                {"kind": x.kind, "matter": x.matter, "evidence": x.evidence, "facts": x.facts}
                for x in suggestions_for_town(town, on=on)
            ]
            if records
            else None,
        }
        return Response(s.TownEmpowermentSerializer(data).data)


@extend_schema_view(
    list=extend_schema(
        operation_id="empowerment_requests_list",
        summary=_("Empowerment requests I may see"),
        responses={200: s.RequestSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        operation_id="empowerment_requests_retrieve",
        summary=_("One empowerment request"),
        responses={200: s.RequestSerializer, **error_responses(401, 404)},
    ),
    create=extend_schema(
        operation_id="empowerment_requests_create",
        summary=_("Request a matter for a town (点单赋权)"),
        request=s.RequestCreateSerializer,
        responses={201: s.RequestSerializer, **error_responses(400, 401, 403)},
    ),
)
@extend_schema(tags=["empowerment"])
class RequestViewSet(InputMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.RequestSerializer
    filterset_class = RequestFilterSet

    def get_queryset(self):
        return EmpowermentRequest.objects.visible_to(self.request.user).select_related(
            "town", "matter", "requested_by", "decided_by"
        )

    def respond(self, item, code=status.HTTP_200_OK):
        item = self.get_queryset().filter(pk=item.pk).first() or item
        return Response(
            s.RequestSerializer(item, context=self.get_serializer_context()).data, status=code
        )

    def create(self, request):
        d = self.validated(s.RequestCreateSerializer).validated_data
        item = services.submit_request(
            town=d["town"],
            matter=d["matter"],
            by=request.user,
            reason=d["reason"],
            wanted_from=d["wanted_from"],
            kind=d["kind"],
        )
        return self.respond(item, status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="empowerment_requests_approve",
        summary=_("approve"),
        description=_("County: grant the matter from the date given, under a decision document."),
        request=s.ApproveSerializer,
        responses={200: s.RequestSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        item = self.get_object()
        serializer = self.validated(s.ApproveSerializer)
        d = serializer.validated_data
        services.approve_request(
            item,
            by=request.user,
            decision=serializer.decision(),
            effective_from=d["effective_from"],
            reason=d["reason"],
        )
        return self.respond(item)

    @extend_schema(
        operation_id="empowerment_requests_reject",
        summary=_("reject"),
        description=_("County: refuse, with the reason."),
        request=s.RejectSerializer,
        responses={200: s.RequestSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        item = self.get_object()
        services.reject_request(
            item,
            by=request.user,
            reason=self.validated(s.RejectSerializer).validated_data["reason"],
        )
        return self.respond(item)

    @extend_schema(
        operation_id="empowerment_requests_withdraw",
        summary=_("withdraw"),
        description=_("The town takes its request back."),
        request=s.WithdrawSerializer,
        responses={200: s.RequestSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        item = self.get_object()
        services.withdraw_request(
            item,
            by=request.user,
            reason=self.validated(s.WithdrawSerializer).validated_data["reason"],
        )
        return self.respond(item)

    @extend_schema(
        operation_id="empowerment_requests_history",
        summary=_("The request's history"),
        responses={200: s.HistoryRowSerializer(many=True), **error_responses(401, 404)},
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        rows = self.get_object().history.select_related("actor")
        return Response(s.HistoryRowSerializer(history_rows(rows), many=True).data)
