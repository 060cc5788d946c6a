from rest_framework import serializers

from civicloop.supervision.models import ActionItem, Summons


class SummonsSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Summons
        fields = [
            "id",
            "unit",
            "unit_name",
            "month",
            "reasons",
            "step",
            "body",
            "state",
            "scheduled_for",
            "held_at",
            "commitments",
            "follow_up_due_on",
            "followed_up_at",
            "follow_up_notes",
        ]
        read_only_fields = fields


class ActionItemSerializer(serializers.ModelSerializer):
    owner_unit = serializers.CharField(source="owner_unit.code", read_only=True)
    meeting = serializers.CharField(source="meeting.title", read_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", "meeting", "text", "owner_unit", "due_on", "state"]
        read_only_fields = fields
