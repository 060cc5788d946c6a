"""The routing suggestion over REST (the event detail's ``routing_suggestion`` block
and ``GET /api/events/{id}/routing-suggestion/``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from civicloop.router.models import RoutingSuggestion


class SuggestionAlternativeSerializer(serializers.Serializer):
    label = serializers.CharField(
        help_text=_("A label of the model (a category code, or a class of the starter data).")
    )
    name = serializers.CharField(help_text=_("What people read: the category's name or the class."))
    confidence = serializers.FloatField(min_value=0, max_value=1)
    category = serializers.CharField(
        allow_null=True, help_text=_("Event category code, when the label has one.")
    )
    department = serializers.CharField(
        allow_blank=True, help_text=_("Code of the responsible department.")
    )
    department_name = serializers.CharField(allow_blank=True)
    keyword = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("The word of the report that chose the category (empty: the model chose)."),
    )


class RoutingSuggestionSerializer(serializers.ModelSerializer):
    """智能分拨: the model's suggestion of where the event goes, as shown at judgement."""

    model_version = serializers.CharField(source="model.version", read_only=True)
    name = serializers.SerializerMethodField(
        help_text=_("What people read: the category's name or the label.")
    )
    category = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        help_text=_(
            "Suggested event category code (null when the label has no category of its own)."
        ),
    )
    category_name = serializers.CharField(
        source="category.name", read_only=True, allow_null=True, default=None
    )
    department = serializers.CharField(
        source="department_code", read_only=True, help_text=_("Code of the responsible department.")
    )
    department_name = serializers.CharField(read_only=True)
    confidence = serializers.FloatField(read_only=True, help_text=_("Between 0 and 1."))
    keyword = serializers.CharField(
        read_only=True,
        help_text=_("The word of the report that chose the category (empty: the model chose)."),
    )
    alternatives = SuggestionAlternativeSerializer(
        many=True, read_only=True, help_text=_("The next most likely labels, best first.")
    )

    class Meta:
        model = RoutingSuggestion
        fields = [
            "id",
            "model_version",
            "label",
            "name",
            "confidence",
            "category",
            "category_name",
            "department",
            "department_name",
            "keyword",
            "alternatives",
            "created_at",
        ]

    def get_name(self, suggestion) -> str:
        return suggestion.category.name if suggestion.category else suggestion.label


@extend_schema_field(RoutingSuggestionSerializer(allow_null=True))
class LatestRoutingSuggestionField(serializers.Field):
    """The event detail's ``routing_suggestion`` (added through ``events.api.extensions``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            _(
                "The routing suggestion last recorded for the event, or null when none was "
                "made yet: the judge page and `GET /api/events/{id}/routing-suggestion/` make one."
            ),
        )
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, event):
        suggestion = RoutingSuggestion.objects.latest_for(event)
        return RoutingSuggestionSerializer(suggestion).data if suggestion else None
