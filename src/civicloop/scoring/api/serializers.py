from rest_framework import serializers

from civicloop.scoring.models import Activity, PatrolVisit, PointEntry


class PatrolVisitSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = PatrolVisit
        fields = ["id", "visited_at", "region_code", "latitude", "longitude", "note", "recorded_by"]
        read_only_fields = fields


class ActivitySerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "topic",
            "held_at",
            "region_code",
            "participant_count",
            "note",
            "recorded_by",
        ]
        read_only_fields = fields


class PointEntrySerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person.username", read_only=True)
    source = serializers.SerializerMethodField(help_text="The record that earned the points.")

    class Meta:
        model = PointEntry
        fields = ["id", "person", "item", "points", "earned_at", "rule_version", "source"]
        read_only_fields = fields

    def get_source(self, entry) -> dict:
        return {"type": entry.source_type.model, "id": entry.source_id}
