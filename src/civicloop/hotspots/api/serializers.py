"""The hotspots over REST: the analysis, warnings with evidence and history, and
duplicate suggestions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from civicloop.events.models import Event
from civicloop.org.api.serializers import RegionBriefSerializer, UserBriefSerializer

from ..choices import Dimension, Period, PlaceMatch, WarningState
from ..models import DuplicateSuggestion, Warning, WarningHistory
from ..permissions import warning_capacities
from ..workflow import WARNING_WORKFLOW

# --- analysis ------------------------------------------------------------------------------------


class TopQuerySerializer(serializers.Serializer):
    place = serializers.CharField(
        required=False, help_text=_("Division code of the place (default: your area).")
    )
    period = serializers.ChoiceField(choices=Period.choices, default=Period.WEEK)
    start = serializers.DateField(required=False, allow_null=True)
    end = serializers.DateField(required=False, allow_null=True)
    dimension = serializers.ChoiceField(choices=Dimension.choices, default=Dimension.CATEGORY)
    limit = serializers.IntegerField(min_value=1, max_value=50, default=10)


class SubjectSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text=_("category:<code>, matter:<code>, or none (not classified yet).")
    )
    code = serializers.CharField(allow_blank=True)
    name = serializers.CharField()


class TopRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    subject = SubjectSerializer()
    count = serializers.IntegerField(help_text=_("Events in the period."))
    share = serializers.FloatField(
        help_text=_("Count over all counted events at the place in the period (0–1).")
    )
    previous = serializers.IntegerField(help_text=_("Events in the previous period."))
    change = serializers.IntegerField()
    change_percent = serializers.FloatField(
        allow_null=True, help_text=_("Null when the previous count was 0.")
    )


class PlaceRowSerializer(serializers.Serializer):
    region = RegionBriefSerializer()
    count = serializers.IntegerField()
    previous = serializers.IntegerField()
    change = serializers.IntegerField()
    top_subject = SubjectSerializer(allow_null=True)


class WindowSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class SeriesLineSerializer(serializers.Serializer):
    subject = SubjectSerializer()
    counts = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("One count per bucket.")
    )


class TopReportSerializer(serializers.Serializer):
    """高发频发: the most frequent subjects at a place in a period, with the trend."""

    place = RegionBriefSerializer()
    window = WindowSerializer()
    previous = WindowSerializer(help_text=_("The previous period the trend compares with."))
    period = serializers.ChoiceField(choices=Period.choices)
    dimension = serializers.ChoiceField(choices=Dimension.choices)
    total = serializers.IntegerField()
    previous_total = serializers.IntegerField()
    rows = TopRowSerializer(many=True)
    places = PlaceRowSerializer(many=True, help_text=_("The places one level down, busiest first."))
    buckets = serializers.ListField(
        child=serializers.DateField(), help_text=_("First day of each step of the chart.")
    )
    series = serializers.SerializerMethodField()

    def get_series(self, report) -> list[dict]:
        return SeriesLineSerializer(
            [{"subject": subject, "counts": counts} for subject, counts in report.series], many=True
        ).data


# --- warnings ------------------------------------------------------------------------------------


class WarningSerializer(serializers.ModelSerializer):
    """突发预警: a spike of one subject at one place."""

    region = RegionBriefSerializer(read_only=True)
    state = serializers.ChoiceField(choices=WarningState.choices, read_only=True)
    dimension = serializers.ChoiceField(choices=Dimension.choices, read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    matter = serializers.SlugRelatedField(slug_field="code", read_only=True)
    subject = serializers.CharField(source="subject_name", read_only=True)
    evidence = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=_("Ids of the events that make up the spike.")
    )

    class Meta:
        model = Warning
        fields = [
            "id",
            "region",
            "level",
            "dimension",
            "category",
            "matter",
            "subject",
            "window_start",
            "window_end",
            "observed",
            "expected",
            "threshold",
            "score",
            "p_value",
            "method",
            "baseline_mean",
            "parameters",
            "evidence",
            "state",
            "raised_at",
            "last_seen_at",
            "acknowledged_at",
            "closed_at",
        ]


class WarningHistorySerializer(serializers.ModelSerializer):
    actor = UserBriefSerializer(read_only=True, help_text=_("Empty when the scan acted."))

    class Meta:
        model = WarningHistory
        fields = ["at", "action", "from_state", "to_state", "actor", "reason", "details"]


class EvidenceEventSerializer(serializers.ModelSerializer):
    region = RegionBriefSerializer(read_only=True)

    class Meta:
        model = Event
        fields = ["id", "number", "title", "state", "reported_at", "region"]


class WarningDetailSerializer(WarningSerializer):
    acknowledged_by = UserBriefSerializer(read_only=True)
    closed_by = UserBriefSerializer(read_only=True)
    evidence_events = serializers.SerializerMethodField(
        help_text=_("The evidence you may see (events outside your area are counted, not shown).")
    )
    history = WarningHistorySerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(WarningSerializer.Meta):
        fields = [
            *WarningSerializer.Meta.fields,
            "acknowledged_by",
            "closed_by",
            "evidence_events",
            "history",
            "allowed_actions",
        ]

    def get_evidence_events(self, warning) -> list[dict]:
        request = self.context.get("request")
        events = (
            Event.objects.visible_to(request.user)
            .filter(spike_warnings=warning)
            .select_related("region")
            .order_by("reported_at", "pk")
        )
        return EvidenceEventSerializer(events, many=True).data

    def get_allowed_actions(self, warning) -> list[str]:

        request = self.context.get("request")
        caps = warning_capacities(request.user, warning)
        return [t.name for t in WARNING_WORKFLOW.allowed(state=warning.state, capacities=caps)]


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class CloseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("What was found or done."))


# --- duplicate suggestions --------------------------------------------------------------------------


class CandidateSerializer(serializers.ModelSerializer):
    region = RegionBriefSerializer(read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Event
        fields = ["id", "number", "title", "state", "reported_at", "region", "category"]


class DuplicateSuggestionSerializer(serializers.ModelSerializer):
    """An earlier open event that is likely the same problem at the same place."""

    candidate = CandidateSerializer(read_only=True, help_text=_("The suggested original."))
    place_match = serializers.ChoiceField(choices=PlaceMatch.choices, read_only=True)
    percent = serializers.IntegerField(read_only=True)
    merged = serializers.SerializerMethodField(
        help_text=_("Whether the event was merged into this candidate (read from the event).")
    )

    class Meta:
        model = DuplicateSuggestion
        fields = [
            "id",
            "candidate",
            "similarity",
            "percent",
            "place_match",
            "distance_m",
            "hours_apart",
            "detector",
            "first_shown_at",
            "last_shown_at",
            "times_shown",
            "merged",
        ]

    def get_merged(self, suggestion) -> bool:
        return suggestion.event.merged_into_id == suggestion.candidate_id
