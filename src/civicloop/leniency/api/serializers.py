"""Serializers of flexible enforcement. Output shows what the pages show (parties masked);
input serializers check the *shape* only — the rules are in ``services.py``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from civicloop.leniency.choices import (
    CHECK_RESULTS,
    CommitmentState,
    Harm,
    ItemKind,
    ItemStatus,
    LegalBasis,
    RepairState,
    ServiceKind,
)
from civicloop.leniency.conditions import format_conditions
from civicloop.leniency.models import (
    AppliedItem,
    ButlerService,
    CaseCircumstances,
    Commitment,
    CreditRepair,
    LeniencyItem,
    LeniencyItemVersion,
)
from civicloop.org.models import Region, Unit, User
from civicloop.parties.api.serializers import PartySerializer


class LeniencyHistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    label = serializers.CharField()
    actor = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()


# --- the list ---------------------------------------------------------------------------------------


class ItemVersionSerializer(serializers.ModelSerializer):
    conditions_text = serializers.SerializerMethodField()
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices)

    class Meta:
        model = LeniencyItemVersion
        fields = [
            "number",
            "effective_from",
            "effective_to",
            "title",
            "conditions",
            "conditions_text",
            "legal_basis",
            "basis_text",
            "document_number",
            "note",
        ]

    def get_conditions_text(self, version: LeniencyItemVersion) -> str:
        return format_conditions(version.conditions)


class LeniencyItemSerializer(serializers.ModelSerializer):
    matter = serializers.CharField(source="matter.code", read_only=True)
    matter_name = serializers.CharField(source="matter.name", read_only=True)
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    versions = ItemVersionSerializer(many=True, read_only=True)

    class Meta:
        model = LeniencyItem
        fields = ["code", "matter", "matter_name", "kind", "kind_label", "is_active", "versions"]


# --- a case -------------------------------------------------------------------------------------------


class ConditionCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField(
        allow_null=True, help_text=_("null: not known from the records (yet).")
    )
    evidence = serializers.CharField()


class ItemEvaluationSerializer(serializers.Serializer):
    item = serializers.CharField()
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    matter = serializers.CharField()
    version = serializers.IntegerField()
    version_day = serializers.DateField(
        help_text=_(
            "The day whose version counts: the violation's, or today's "
            "when more favourable (Art. 37)."
        )
    )
    title = serializers.CharField()
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices)
    basis_text = serializers.CharField()
    document_number = serializers.CharField()
    outcome = serializers.CharField(help_text=_("The decision outcome the item goes with."))
    status = serializers.ChoiceField(choices=ItemStatus.choices)
    checks = ConditionCheckSerializer(many=True)


class CircumstancesSerializer(serializers.ModelSerializer):
    harm = serializers.ChoiceField(choices=Harm.choices, allow_blank=True)
    updated_by = serializers.CharField(source="updated_by.username", read_only=True)

    class Meta:
        model = CaseCircumstances
        fields = [
            "harm",
            "correction_ordered_on",
            "correction_due_on",
            "corrected_on",
            "amount_involved",
            "earlier_records_checked",
            "note",
            "updated_at",
            "updated_by",
        ]


class CircumstancesInputSerializer(serializers.Serializer):
    harm = serializers.ChoiceField(
        choices=Harm.choices, required=False, allow_blank=True, default=""
    )
    correction_ordered_on = serializers.DateField(required=False, allow_null=True, default=None)
    correction_due_on = serializers.DateField(required=False, allow_null=True, default=None)
    corrected_on = serializers.DateField(required=False, allow_null=True, default=None)
    amount_involved = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    earlier_records_checked = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AppliedItemSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code")
    version = serializers.IntegerField(source="version.number")
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    case = serializers.IntegerField(source="case_id")
    case_number = serializers.CharField(source="case.number")
    checks = ConditionCheckSerializer(many=True)
    applied_by = serializers.CharField(source="applied_by.username")

    class Meta:
        model = AppliedItem
        fields = [
            "case",
            "case_number",
            "item",
            "version",
            "kind",
            "outcome",
            "checks",
            "applied_at",
            "applied_by",
        ]


class CaseLeniencySerializer(serializers.Serializer):
    case = serializers.IntegerField()
    number = serializers.CharField()
    evaluation = ItemEvaluationSerializer(
        many=True,
        help_text=_(
            "Before the decision: every item of the case's matters and whether it applies."
        ),
    )
    applied = AppliedItemSerializer(
        many=True, help_text=_("After the decision: the items it applied.")
    )
    circumstances = CircumstancesSerializer(allow_null=True)


# --- commitments -------------------------------------------------------------------------------------


class CommitmentSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    party = serializers.IntegerField(source="party_id", read_only=True)
    party_name = serializers.CharField(source="party.display_name", read_only=True)
    matter = serializers.CharField(source="matter.code", read_only=True)
    handling_unit = serializers.CharField(source="handling_unit.code", read_only=True)
    state = serializers.ChoiceField(choices=CommitmentState.choices, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    has_scan = serializers.SerializerMethodField()
    reopened_event = serializers.CharField(
        source="reopened_event.number", read_only=True, allow_null=True
    )

    class Meta:
        model = Commitment
        fields = [
            "id",
            "case",
            "case_number",
            "party",
            "party_name",
            "matter",
            "handling_unit",
            "state",
            "state_label",
            "notice_text",
            "notice_served_at",
            "commitment_text",
            "signed_on",
            "has_scan",
            "follow_up_due_on",
            "due_notified_at",
            "checked_at",
            "check_note",
            "reopened_event",
        ]

    def get_has_scan(self, commitment) -> bool:
        return bool(commitment.scan)


class CommitmentCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text=_("Id of the case."))
    party = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Id of the party; default: the case's only party."),
    )
    matter = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Matter code; default: the case's first matter."),
    )
    notice_text = serializers.CharField()
    served_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class RecordCommitmentSerializer(serializers.Serializer):
    commitment_text = serializers.CharField()
    signed_on = serializers.DateField()
    scan = serializers.FileField(
        help_text=_("The signed commitment, a photo or PDF (multipart/form-data).")
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class CheckInputSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=CHECK_RESULTS)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What the check found (required when broken)."),
    )
    checked_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Division code of the place (when broken)."),
    )


# --- credit repair ----------------------------------------------------------------------------------


class CreditRepairSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    party = serializers.IntegerField(source="party_id", read_only=True)
    party_name = serializers.CharField(source="party.display_name", read_only=True)
    credit_code = serializers.CharField(source="party.credit_code", read_only=True)
    handling_unit = serializers.CharField(source="handling_unit.code", read_only=True)
    state = serializers.ChoiceField(choices=RepairState.choices, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = CreditRepair
        fields = [
            "id",
            "case",
            "case_number",
            "party",
            "party_name",
            "credit_code",
            "handling_unit",
            "state",
            "state_label",
            "penalty_kinds",
            "published_on",
            "minimum_months",
            "repairable_on",
            "notified_at",
            "contacted_at",
            "contact_note",
            "applied_on",
            "application_note",
            "checked_at",
            "materials_note",
            "repaired_at",
            "refused_at",
            "refusal_reason",
        ]


class ContactInputSerializer(serializers.Serializer):
    note = serializers.CharField()
    contacted_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ApplicationInputSerializer(serializers.Serializer):
    applied_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField()


class OptionalNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- butler services --------------------------------------------------------------------------------


class ButlerServiceSerializer(serializers.ModelSerializer):
    party = serializers.IntegerField(source="party_id", read_only=True)
    party_name = serializers.CharField(source="party.display_name", read_only=True)
    credit_code = serializers.CharField(source="party.credit_code", read_only=True)
    kind = serializers.ChoiceField(choices=ServiceKind.choices, read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    staff = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)

    class Meta:
        model = ButlerService
        fields = [
            "id",
            "party",
            "party_name",
            "credit_code",
            "kind",
            "held_on",
            "unit",
            "staff",
            "topics",
            "findings",
            "follow_up",
            "follow_up_due_on",
            "recorded_at",
        ]


class ButlerServiceInputSerializer(serializers.Serializer):
    credit_code = serializers.CharField(help_text=_("The enterprise's unified social credit code."))
    enterprise_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ServiceKind.choices)
    held_on = serializers.DateField()
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    staff = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True), many=True
    )
    topics = serializers.CharField()
    findings = serializers.CharField(required=False, allow_blank=True, default="")
    follow_up = serializers.CharField(required=False, allow_blank=True, default="")
    follow_up_due_on = serializers.DateField(required=False, allow_null=True, default=None)


# --- the enterprise ---------------------------------------------------------------------------------


class EnterpriseCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    handling_unit = serializers.CharField(source="handling_unit.code")
    matters = serializers.SerializerMethodField()
    state = serializers.CharField()
    outcome = serializers.CharField()
    fine_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    no_penalty_ground = serializers.CharField()
    decision_reason = serializers.CharField()
    filed_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)

    def get_matters(self, case) -> list[str]:
        return [link.matter.code for link in case.matter_links.all()]


class CountsSerializer(serializers.Serializer):
    cases = serializers.IntegerField()
    applied_items = serializers.IntegerField()
    commitments = serializers.IntegerField()
    no_penalty_decisions = serializers.IntegerField()
    credit_repairs = serializers.IntegerField()
    butler_services = serializers.IntegerField()


class EnterpriseSerializer(serializers.Serializer):
    party = PartySerializer()
    complete = serializers.BooleanField(
        help_text=_(
            "True when the viewer sees everything (the county); "
            "otherwise what the viewer's scope covers."
        )
    )
    counts = CountsSerializer()
    cases = EnterpriseCaseSerializer(many=True)
    applied = AppliedItemSerializer(many=True)
    no_penalty = EnterpriseCaseSerializer(many=True)
    commitments = CommitmentSerializer(many=True)
    repairs = CreditRepairSerializer(many=True)
    services = ButlerServiceSerializer(many=True)
