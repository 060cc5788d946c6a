"""Serializers of matters and empowerment.

Read serializers describe objects; request serializers check the *shape* of
input only — who may act, and every domain rule, is decided by ``services.py``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from civicloop.org.api.serializers import (  # noqa: F401
    RegionBriefSerializer,
    UnitBriefSerializer,
    UserBriefSerializer,
)
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region

from ..choices import GrantKind, PartyType
from ..models import (
    EmpowermentDecision,
    EmpowermentGrant,
    EmpowermentRequest,
    Matter,
    MatterVersion,
)
from ..permissions import empowerment_capacities
from ..services import DecisionSpec
from ..workflow import REQUEST_WORKFLOW


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


class StatutoryRangeSerializer(serializers.Serializer):
    """One statutory range (``matters.ranges.StatutoryRange``): an amount in yuan, or
    multiples of a base."""

    party_type = serializers.ChoiceField(choices=PartyType.choices, read_only=True)
    minimum = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, read_only=True
    )
    maximum = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, read_only=True
    )
    base_kind = serializers.CharField(
        read_only=True, help_text=_("empty for an amount; illegal_income, … for a multiple")
    )
    base_text = serializers.CharField(read_only=True, help_text=_("the base as the law words it"))
    multiple_min = serializers.DecimalField(
        max_digits=10, decimal_places=4, allow_null=True, read_only=True
    )
    multiple_max = serializers.DecimalField(
        max_digits=10, decimal_places=4, allow_null=True, read_only=True
    )


class MatterVersionSerializer(serializers.ModelSerializer):
    """A wording of the matter with its legal basis, in force from … until … (inclusive)."""

    legal_basis = serializers.CharField(
        read_only=True, help_text=_("《statute》article and clause")
    )
    ranges = StatutoryRangeSerializer(
        many=True,
        read_only=True,
        help_text=_("statutory ranges by party type; fine_min / fine_max are the widest"),
    )
    fine_range_label = serializers.CharField(read_only=True)

    class Meta:
        model = MatterVersion
        fields = [
            "effective_from",
            "effective_to",
            "name",
            "law",
            "law_version",
            "article",
            "clause",
            "legal_basis",
            "article_text",
            "fine_min",
            "fine_max",
            "ranges",
            "fine_range_label",
            "note",
        ]


class MatterBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Matter
        fields = ["code", "name"]


class MatterSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    department = UnitBriefSerializer(read_only=True)
    current_version = serializers.SerializerMethodField(help_text=_("The version in force today."))

    class Meta:
        model = Matter
        fields = [
            "code",
            "name",
            "category",
            "department",
            "delegable",
            "is_active",
            "current_version",
        ]

    @extend_schema_field(MatterVersionSerializer(allow_null=True))
    def get_current_version(self, matter):
        version = matter.current_version(timezone.localdate())
        return MatterVersionSerializer(version).data if version else None


class MatterDetailSerializer(MatterSerializer):
    versions = MatterVersionSerializer(many=True, read_only=True)

    class Meta(MatterSerializer.Meta):
        fields = [*MatterSerializer.Meta.fields, "versions"]


class DecisionSerializer(serializers.ModelSerializer):
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = EmpowermentDecision
        fields = ["number", "title", "issued_on", "has_file"]

    def get_has_file(self, decision) -> bool:
        return bool(decision.file)


class GrantSerializer(serializers.ModelSerializer):
    """A town holding a matter (赋权) from … until … (inclusive; empty: until further notice)."""

    town = RegionBriefSerializer(read_only=True)
    matter = MatterBriefSerializer(read_only=True)
    decision = DecisionSerializer(read_only=True)
    end_decision = DecisionSerializer(read_only=True, allow_null=True)
    in_force_today = serializers.SerializerMethodField()

    class Meta:
        model = EmpowermentGrant
        fields = [
            "id",
            "town",
            "matter",
            "kind",
            "effective_from",
            "effective_to",
            "decision",
            "end_decision",
            "end_reason",
            "request",
            "in_force_today",
            "created_at",
        ]

    def get_in_force_today(self, grant) -> bool:
        return grant.is_in_force()


class DecisionInputMixin(serializers.Serializer):
    decision_number = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The decision document's number; an existing number reuses that decision."),
    )
    decision_title = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Needed when the number is new.")
    )
    decision_issued_on = serializers.DateField(required=False, allow_null=True, default=None)

    def decision(self) -> DecisionSpec | None:
        data = self.validated_data
        if not data.get("decision_number"):
            return None
        return DecisionSpec(
            number=data["decision_number"],
            title=data.get("decision_title", ""),
            issued_on=data.get("decision_issued_on"),
        )


def town_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.filter(level=RegionLevel.TOWN),
        help_text=_("Division code of the town or street."),
        **kwargs,
    )


def matter_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=Matter.objects.all(),
        help_text=_("Matter code, e.g. SR-001."),
        **kwargs,
    )


class GrantCreateSerializer(DecisionInputMixin):
    town = town_field()
    matter = matter_field()
    kind = serializers.ChoiceField(choices=GrantKind.choices)
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class GrantEndSerializer(DecisionInputMixin):
    effective_to = serializers.DateField(help_text=_("Last day the town holds the matter."))
    reason = serializers.CharField()


class HistoryRowSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = UserBriefSerializer(allow_null=True)
    reason = serializers.CharField()
    details = serializers.DictField()


class RequestSerializer(serializers.ModelSerializer):
    """A town's request for a matter (点单赋权)."""

    town = RegionBriefSerializer(read_only=True)
    matter = MatterBriefSerializer(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    requested_by = UserBriefSerializer(read_only=True)
    decided_by = UserBriefSerializer(read_only=True, allow_null=True)
    grant = serializers.SerializerMethodField(help_text=_("The grant made on approval."))
    allowed_actions = serializers.SerializerMethodField(
        help_text=_(
            "Transitions you may take now; each is `POST /api/empowerment-requests/{id}/<name>/`."
        )
    )

    class Meta:
        model = EmpowermentRequest
        fields = [
            "id",
            "town",
            "matter",
            "kind",
            "reason",
            "wanted_from",
            "state",
            "state_label",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "grant",
            "allowed_actions",
        ]

    def get_grant(self, item) -> int | None:
        grant = EmpowermentGrant.objects.filter(request=item).values_list("pk", flat=True).first()
        return grant

    def get_allowed_actions(self, item) -> list[str]:
        caps = empowerment_capacities(_user(self.context), item.town)
        return [t.name for t in REQUEST_WORKFLOW.allowed(state=item.state, capacities=caps)]


class RequestCreateSerializer(serializers.Serializer):
    town = town_field()
    matter = matter_field()
    kind = serializers.ChoiceField(choices=GrantKind.choices, default=GrantKind.CHARACTERISTIC)
    wanted_from = serializers.DateField()
    reason = serializers.CharField()


class ApproveSerializer(DecisionInputMixin):
    effective_from = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Default: the date the town asked for."),
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("Why (required)."))


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# --- a town's empowerment ----------------------------------------------------------------------


class HoldingSerializer(serializers.Serializer):
    grant = serializers.IntegerField()
    matter = MatterBriefSerializer()
    kind = serializers.ChoiceField(choices=GrantKind.choices)
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True)
    decision = DecisionSerializer()
    version = MatterVersionSerializer(
        allow_null=True, help_text=_("The legal basis in force that day.")
    )


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField(help_text=_("grant, end, submit, approve, reject or withdraw"))
    label = serializers.CharField()
    matter = MatterBriefSerializer()
    kind = serializers.ChoiceField(choices=GrantKind.choices)
    effective_from = serializers.DateField(allow_null=True)
    effective_to = serializers.DateField(allow_null=True)
    decision = DecisionSerializer(allow_null=True)
    reason = serializers.CharField()
    request = serializers.IntegerField(allow_null=True)


class SuggestionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("grant", "grant"), ("withdraw", "withdraw")])
    matter = MatterBriefSerializer()
    evidence = serializers.ListField(child=serializers.CharField())
    facts = serializers.DictField()


class TownEmpowermentSerializer(serializers.Serializer):
    """What a town holds on a day and how that changed (the town page over the API)."""

    town = RegionBriefSerializer()
    on = serializers.DateField()
    base = HoldingSerializer(many=True)
    characteristic = HoldingSerializer(many=True)
    timeline = TimelineEntrySerializer(many=True)
    suggestions = SuggestionSerializer(
        many=True,
        allow_null=True,
        help_text=_("Only for the county, assessors and the town's staff."),
    )


def holding_data(holding) -> dict:
    grant = holding.grant
    return {
        "grant": grant.pk,
        "matter": grant.matter,
        "kind": grant.kind,
        "effective_from": grant.effective_from,
        "effective_to": grant.effective_to,
        "decision": grant.decision,
        "version": holding.version,
    }


def timeline_data(entry: dict) -> dict:
    def as_date(value):
        return dt.date.fromisoformat(value) if isinstance(value, str) else value

    return {
        **entry,
        "label": str(entry["label"]),
        "effective_from": as_date(entry["effective_from"]),
        "effective_to": as_date(entry["effective_to"]),
        "request": entry["request"].pk if entry["request"] else None,
    }
