from rest_framework import serializers

from civicloop.inspections.models import InspectionRecord, RecordItem, Subject


class MarketSubjectSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="party.name", read_only=True)
    credit_code = serializers.CharField(source="party.credit_code", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Subject
        fields = [
            "id",
            "name",
            "credit_code",
            "party",
            "industry",
            "region_code",
            "address",
            "latitude",
            "longitude",
            "risk_grade",
            "credit_class",
            "special_lists",
            "is_active",
        ]
        read_only_fields = fields


class RecordItemSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="item.code", read_only=True)
    title = serializers.CharField(source="item.title", read_only=True)

    class Meta:
        model = RecordItem
        fields = ["code", "title", "outcome", "note"]
        read_only_fields = fields


class InspectionRecordSerializer(serializers.ModelSerializer):
    subject = serializers.IntegerField(source="visit.subject_id", read_only=True)
    visit_date = serializers.DateField(source="visit.date", read_only=True)
    lead_unit = serializers.CharField(source="visit.lead_unit.code", read_only=True)
    items = RecordItemSerializer(many=True, read_only=True)

    class Meta:
        model = InspectionRecord
        fields = [
            "id",
            "number",
            "visit",
            "subject",
            "visit_date",
            "lead_unit",
            "inspected_at",
            "result_code",
            "findings",
            "latitude",
            "longitude",
            "representative_confirmed",
            "case",
            "event",
            "items",
        ]
        read_only_fields = fields
