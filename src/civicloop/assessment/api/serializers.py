"""Serializers of the assessment (一镇一评估).

Read serializers describe objects; request serializers check the *shape* of
input only — who may act, and every domain rule, is decided by ``services.py``.
"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from civicloop.matters.api.serializers import _user
from civicloop.org.api.serializers import RegionBriefSerializer, UserBriefSerializer

from ..choices import Dimension
from ..models import AssessmentRound, DimensionScore, TownAssessment
from ..permissions import assessment_capacities
from ..scoring import DIMENSIONS
from ..workflow import ASSESSMENT_WORKFLOW


class RoundSerializer(serializers.ModelSerializer):
    weights = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_("Weight of each dimension (they add up to 100)."),
    )

    class Meta:
        model = AssessmentRound
        fields = ["id", "name", "period_start", "period_end", "weights", "created_at"]


class RoundCreateSerializer(serializers.Serializer):
    name = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    weights = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        allow_null=True,
        default=None,
        help_text=format_lazy(
            _("Keys: {keys}; default weights when omitted."), keys=", ".join(DIMENSIONS)
        ),
    )


class ResultRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    town = RegionBriefSerializer()
    state = serializers.CharField()
    scores = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    )
    total = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class DimensionScoreSerializer(serializers.ModelSerializer):
    dimension_label = serializers.CharField(source="get_dimension_display", read_only=True)
    is_overridden = serializers.BooleanField(read_only=True)

    class Meta:
        model = DimensionScore
        fields = [
            "dimension",
            "dimension_label",
            "weight",
            "indicator_value",
            "indicator_numerator",
            "indicator_denominator",
            "indicator_note",
            "prefilled_score",
            "score",
            "is_overridden",
            "override_reason",
            "evidence",
            "comment",
            "updated_at",
        ]


class TownAssessmentSerializer(serializers.ModelSerializer):
    town = RegionBriefSerializer(read_only=True)
    round = serializers.PrimaryKeyRelatedField(read_only=True)
    assessor = UserBriefSerializer(read_only=True, allow_null=True)
    scores = DimensionScoreSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = TownAssessment
        fields = [
            "id",
            "round",
            "town",
            "state",
            "total",
            "comments",
            "assessor",
            "submitted_at",
            "scores",
            "allowed_actions",
        ]

    def get_allowed_actions(self, assessment) -> list[str]:
        caps = assessment_capacities(_user(self.context))
        return [
            t.name for t in ASSESSMENT_WORKFLOW.allowed(state=assessment.state, capacities=caps)
        ]


class ScoreInputSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(choices=Dimension.choices)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when the score differs from the pre-filled one."),
    )
    evidence = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default=None
    )
    comment = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class SubmitAssessmentSerializer(serializers.Serializer):
    comments = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default=None
    )


class ReopenAssessmentSerializer(serializers.Serializer):
    reason = serializers.CharField()
