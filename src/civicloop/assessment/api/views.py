"""The assessment over the API: rounds and the comparison across towns (assessors and the
county), towns' assessments with their actions and history. Every write calls ``services.py``."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from civicloop.core.api import error_responses
from civicloop.matters.api.serializers import HistoryRowSerializer
from civicloop.matters.api.views import ACTION_ERRORS, InputMixin, history_rows

from .. import services
from ..models import AssessmentRound, TownAssessment
from ..permissions import assessment_capacities
from ..results import round_results
from . import serializers as s


class MayCompareTowns(permissions.BasePermission):
    """Assessment rounds and the comparison across towns: assessors and the county."""

    message = _("Assessment rounds are for assessors and the county.")

    def has_permission(self, request, view) -> bool:
        return bool(assessment_capacities(request.user) & {"assessor", "county"})


@extend_schema_view(
    list=extend_schema(
        operation_id="assessment_rounds_list",
        summary=_("Assessment rounds"),
        responses={200: s.RoundSerializer(many=True), **error_responses(401, 403)},
    ),
    retrieve=extend_schema(
        operation_id="assessment_rounds_retrieve",
        summary=_("One assessment round"),
        responses={200: s.RoundSerializer, **error_responses(401, 403, 404)},
    ),
    create=extend_schema(
        operation_id="assessment_rounds_create",
        summary=_("Open a round; every town's indicators are pre-filled"),
        request=s.RoundCreateSerializer,
        responses={201: s.RoundSerializer, **error_responses(400, 401, 403)},
    ),
)
@extend_schema(tags=["assessment"])
class RoundViewSet(InputMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Rounds and the comparison across towns: for assessors and the county."""

    serializer_class = s.RoundSerializer
    filterset_class = None
    permission_classes = [permissions.IsAuthenticated, MayCompareTowns]
    queryset = AssessmentRound.objects.all()

    def create(self, request):
        d = self.validated(s.RoundCreateSerializer).validated_data
        round_ = services.open_round(
            by=request.user,
            name=d["name"],
            period_start=d["period_start"],
            period_end=d["period_end"],
            weights=d["weights"],
        )
        return Response(s.RoundSerializer(round_).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="assessment_rounds_results",
        summary=_("Results compared across towns, ranked by total"),
        responses={200: s.ResultRowSerializer(many=True), **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        rows = round_results(self.get_object())
        data = [
            {
                "rank": r.rank,
                "town": r.town,
                "state": r.assessment.state,
                "scores": r.scores,
                "total": r.total,
            }
            for r in rows
        ]
        return Response(s.ResultRowSerializer(data, many=True).data)


@extend_schema_view(
    list=extend_schema(
        operation_id="town_assessments_list",
        summary=_("Town assessments I may see"),
        parameters=[OpenApiParameter("round", int, description=_("Only this round."))],
        responses={200: s.TownAssessmentSerializer(many=True), **error_responses(401)},
    ),
    retrieve=extend_schema(
        operation_id="town_assessments_retrieve",
        summary=_("One town's assessment"),
        responses={200: s.TownAssessmentSerializer, **error_responses(401, 404)},
    ),
)
@extend_schema(tags=["assessment"])
class TownAssessmentViewSet(InputMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.TownAssessmentSerializer
    filterset_class = None

    def get_queryset(self):
        queryset = (
            TownAssessment.objects.visible_to(self.request.user)
            .select_related("town", "assessor")
            .prefetch_related("scores")
        )
        round_id = self.request.query_params.get("round")
        if self.action == "list" and round_id and round_id.isdigit():
            queryset = queryset.filter(round_id=int(round_id))
        return queryset

    def respond(self, assessment):
        fresh = get_object_or_404(self.get_queryset(), pk=assessment.pk)
        return Response(
            s.TownAssessmentSerializer(fresh, context=self.get_serializer_context()).data
        )

    @extend_schema(
        operation_id="town_assessments_score",
        summary=_("Score one dimension (assessor)"),
        request=s.ScoreInputSerializer,
        responses={200: s.TownAssessmentSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        assessment = self.get_object()
        d = self.validated(s.ScoreInputSerializer).validated_data
        services.score_dimension(
            assessment,
            by=request.user,
            dimension=d["dimension"],
            score=d["score"],
            reason=d["reason"],
            evidence=d["evidence"],
            comment=d["comment"],
        )
        return self.respond(assessment)

    @extend_schema(
        operation_id="town_assessments_submit",
        summary=_("submit the assessment"),
        request=s.SubmitAssessmentSerializer,
        responses={200: s.TownAssessmentSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        assessment = self.get_object()
        d = self.validated(s.SubmitAssessmentSerializer).validated_data
        services.submit_assessment(assessment, by=request.user, comments=d["comments"])
        return self.respond(assessment)

    @extend_schema(
        operation_id="town_assessments_reopen",
        summary=_("reopen the assessment"),
        request=s.ReopenAssessmentSerializer,
        responses={200: s.TownAssessmentSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        assessment = self.get_object()
        d = self.validated(s.ReopenAssessmentSerializer).validated_data
        services.reopen_assessment(assessment, by=request.user, reason=d["reason"])
        return self.respond(assessment)

    @extend_schema(
        operation_id="town_assessments_refresh",
        summary=_("Recompute the indicators from records"),
        request=None,
        responses={200: s.TownAssessmentSerializer, **ACTION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def refresh(self, request, pk=None):
        assessment = self.get_object()
        services.refresh_indicators(assessment, by=request.user)
        return self.respond(assessment)

    @extend_schema(
        operation_id="town_assessments_history",
        summary=_("The assessment's history"),
        responses={200: HistoryRowSerializer(many=True), **error_responses(401, 404)},
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        rows = self.get_object().history.select_related("actor")
        return Response(HistoryRowSerializer(history_rows(rows), many=True).data)
