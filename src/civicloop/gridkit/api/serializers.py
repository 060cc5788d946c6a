"""Serializers of the grid toolkit API. The toolkit is stored as data (``ToolkitVersion.content``);
these describe its shape for the OpenAPI document and add the version it came from."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from civicloop.org.models import Region

from ..choices import CardBasis, FormKind, HandlerRule, ItemKind
from ..models import ToolkitVersion


class PlaceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class UnitDataSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    phone = serializers.CharField(help_text=_("Duty phone, published in full."))
    address = serializers.CharField()


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.CharField()
    phone = serializers.CharField(help_text=_("Mobile number, masked (脱敏)."))


class VersionSerializer(serializers.ModelSerializer):
    generated_by = serializers.SerializerMethodField(
        help_text=_("Username; empty when the system generated it.")
    )

    class Meta:
        model = ToolkitVersion
        fields = [
            "number",
            "generated_at",
            "generated_by",
            "content_hash",
            "changed_parts",
            "period_start",
            "period_end",
        ]

    def get_generated_by(self, version) -> str:
        return version.generated_by.username if version.generated_by_id else ""


class GridSerializer(serializers.ModelSerializer):
    village = serializers.SerializerMethodField()
    town = serializers.SerializerMethodField()
    latest_version = serializers.SerializerMethodField()

    class Meta:
        model = Region
        fields = [
            "code",
            "name",
            "village",
            "town",
            "latitude",
            "longitude",
            "location_is_approximate",
            "latest_version",
        ]

    def get_village(self, grid) -> PlaceSerializer:
        village = grid.parent
        return PlaceSerializer(village).data if village else None

    def get_town(self, grid) -> PlaceSerializer:
        town = grid.parent.parent if grid.parent else None
        return PlaceSerializer(town).data if town else None

    def get_latest_version(self, grid) -> int | None:
        return getattr(grid, "latest_number", None)


class CardItemSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    key = serializers.CharField(
        help_text=_("matter:CODE, category:CODE; names the class in the flowchart.")
    )
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    code = serializers.CharField()
    name = serializers.CharField()
    legal_basis = serializers.CharField()
    category = PlaceSerializer()
    count = serializers.IntegerField(help_text=_("Events counted in the period."))
    handler = UnitDataSerializer(
        allow_null=True, help_text=_("Who handles a general event of it today.")
    )
    rule = serializers.ChoiceField(choices=HandlerRule.choices)
    held_by_town = serializers.BooleanField(
        help_text=_("The town holds the power today (empowerment).")
    )


class CardBasisSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=CardBasis.choices)
    code = serializers.CharField()
    name = serializers.CharField()
    events = serializers.IntegerField()


class ReportSerializer(serializers.Serializer):
    grid_team = UnitDataSerializer(allow_null=True)
    red_butler = PersonSerializer(allow_null=True)
    grid_worker = PersonSerializer(allow_null=True)
    others = serializers.IntegerField()
    village_station = UnitDataSerializer(allow_null=True)
    station_staff = PersonSerializer(many=True)
    command_room = UnitDataSerializer(allow_null=True)
    public_report_url = serializers.CharField()


class CardSerializer(serializers.Serializer):
    version = VersionSerializer()
    basis = CardBasisSerializer()
    items = CardItemSerializer(many=True)
    report = ReportSerializer()


class GeoJSONSerializer(serializers.Serializer):
    """A GeoJSON FeatureCollection whose coordinates are GCJ-02 (foreign member ``datum``)."""

    type = serializers.CharField()
    datum = serializers.CharField(
        help_text=_("Always GCJ-02: no conversion is needed for Chinese map tiles.")
    )
    approximate = serializers.BooleanField(
        help_text=_("Points below county level are representative.")
    )
    version = VersionSerializer()
    features = serializers.ListField(
        child=serializers.DictField(),
        help_text=_(
            "Features: the county outline (kind county), towns, villages and grids (points), and units "
            "(grid_team, village_station, command_room, squad) with their staff."
        ),
    )


class WhoSerializer(serializers.Serializer):
    scenario_keys = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("The gradings this answer is for: general, urgent, multi."),
    )
    scenarios = serializers.CharField()
    names = serializers.ListField(child=serializers.CharField())


class SideSerializer(serializers.Serializer):
    transition = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    to = serializers.CharField(allow_null=True)
    to_label = serializers.CharField()
    direction = serializers.CharField(help_text=_("back, forward, stay, exit or enter."))
    manual = serializers.BooleanField()
    reason_required = serializers.BooleanField()
    who = WhoSerializer(many=True)


class ClockSerializer(serializers.Serializer):
    stage = serializers.CharField()
    groups = WhoSerializer(many=True)


class StepSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    clock = ClockSerializer(allow_null=True)
    transition = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    reason_required = serializers.BooleanField()
    to = serializers.CharField()
    to_label = serializers.CharField()
    who = WhoSerializer(many=True)
    goes_to = WhoSerializer(many=True, allow_null=True)
    side = SideSerializer(many=True)


class SubtaskStepSerializer(serializers.Serializer):
    transition = serializers.CharField()
    label = serializers.CharField()
    from_labels = serializers.CharField()
    to_labels = serializers.CharField()
    who = serializers.CharField()
    manual = serializers.BooleanField()
    reason_required = serializers.BooleanField()


class FlowchartSerializer(serializers.Serializer):
    version = VersionSerializer()
    live = serializers.BooleanField(
        help_text=_("Drawn now for a class that is not in the version.")
    )
    classes = serializers.ListField(
        child=serializers.CharField(), help_text=_("The classes in the version.")
    )
    key = serializers.CharField()
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    code = serializers.CharField()
    name = serializers.CharField()
    rule = serializers.ChoiceField(choices=HandlerRule.choices)
    rule_label = serializers.CharField()
    held_by_town = serializers.BooleanField()
    steps = StepSerializer(many=True)
    end = serializers.CharField()
    end_label = serializers.CharField()
    anytime = SideSerializer(many=True)
    elsewhere = SideSerializer(many=True)
    subtasks = SubtaskStepSerializer(many=True)
    max_dissatisfied_reworks = serializers.IntegerField()
    transitions = serializers.ListField(child=serializers.CharField())


class FieldSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField()
    wide = serializers.BooleanField()
    lines = serializers.IntegerField()


class SectionSerializer(serializers.Serializer):
    title = serializers.CharField()
    fields = FieldSerializer(many=True)


class SheetSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FormKind.choices)
    title = serializers.CharField()
    number = serializers.CharField()
    unit = serializers.CharField()
    date = serializers.CharField()
    sections = SectionSerializer(many=True)
    signatures = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()


class BlankFormsSerializer(serializers.Serializer):
    version = VersionSerializer()
    forms = SheetSerializer(many=True)


class EventFormsSerializer(serializers.Serializer):
    number = serializers.CharField()
    revealed = serializers.BooleanField(
        help_text=_("The reporter's details are in full (you may see them; this view was logged).")
    )
    forms = SheetSerializer(many=True)


class RefreshSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text=_("A new version was made (the content changed)."))
    version = VersionSerializer()
