"""Read serializers of cases: list rows, the detail with its procedure records, history,
fast-track eligibility, the reviewer roster and the figures. Parties are masked (脱敏)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from civicloop.cases import permissions
from civicloop.cases import review as rv
from civicloop.cases.models import (
    Case,
    CaseApproval,
    CaseDeadline,
    CaseHandler,
    CaseHistory,
    CaseMatter,
    CaseParty,
    Evidence,
    Hearing,
    LegalReview,
    Payment,
    PriorNotice,
    ReviewSeat,
    Statement,
)
from civicloop.cases.services import amount_owed
from civicloop.cases.timeline import action_label
from civicloop.org.api.serializers import UnitBriefSerializer, UserBriefSerializer
from civicloop.parties.api.serializers import PartySerializer


def _user(context):
    return getattr(context.get("request"), "user", None)


class CasePartySerializer(serializers.ModelSerializer):
    party = PartySerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = CaseParty
        fields = ["role", "role_label", "party"]


class CaseMatterSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="matter.code")
    name = serializers.CharField(source="version.name")
    legal_basis = serializers.CharField(source="version.legal_basis")
    article_text = serializers.CharField(source="version.article_text")
    fine_min = serializers.DecimalField(
        source="version.fine_min", max_digits=12, decimal_places=2, allow_null=True
    )
    fine_max = serializers.DecimalField(
        source="version.fine_max", max_digits=12, decimal_places=2, allow_null=True
    )
    fine_range_label = serializers.CharField(
        source="version.fine_range_label",
        help_text=_("the statutory ranges by party type of the version the case is under"),
    )
    version_from = serializers.DateField(source="version.effective_from")

    class Meta:
        model = CaseMatter
        fields = [
            "code",
            "name",
            "legal_basis",
            "article_text",
            "fine_min",
            "fine_max",
            "fine_range_label",
            "version_from",
        ]


class CaseHandlerSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True)

    class Meta:
        model = CaseHandler
        fields = ["user", "is_lead", "certificate_number"]


class EvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text=_("Download address of the file (same sign-in), if any.")
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "description",
            "collected_on",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "added_at",
            "url",
        ]

    def get_url(self, item) -> str | None:
        if not item.file:
            return None
        path = reverse("api-case-evidence", args=[item.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class PriorNoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriorNotice
        fields = [
            "id",
            "served_at",
            "method",
            "outcome",
            "fine",
            "confiscation",
            "penalties",
            "hearing_right",
            "statement_until",
            "hearing_request_until",
            "statement_waived_at",
            "hearing_waived_at",
        ]


class StatementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Statement
        fields = ["id", "received_at", "content", "review_note", "adopted"]


class HearingSerializer(serializers.ModelSerializer):
    host = UserBriefSerializer(read_only=True)

    class Meta:
        model = Hearing
        fields = [
            "id",
            "requested_at",
            "notified_at",
            "scheduled_at",
            "place",
            "host",
            "is_public",
            "not_public_reason",
            "outcome",
            "held_at",
            "transcript_summary",
        ]


class ReviewSeatSerializer(serializers.ModelSerializer):
    reviewer = UserBriefSerializer(read_only=True)
    unit = UnitBriefSerializer(read_only=True)

    class Meta:
        model = ReviewSeat
        fields = [
            "reviewer",
            "unit",
            "role",
            "opinion",
            "changes",
            "reasons",
            "return_to",
            "recorded_at",
            "qualified",
            "qualification_number",
        ]


class LegalReviewSerializer(serializers.ModelSerializer):
    seats = ReviewSeatSerializer(many=True, read_only=True)

    class Meta:
        model = LegalReview
        fields = [
            "id",
            "state",
            "mode",
            "reasons",
            "rule",
            "place",
            "meeting_at",
            "requested_at",
            "concluded_at",
            "return_to",
            "summary",
            "seats",
        ]


class ApprovalSerializer(serializers.ModelSerializer):
    requested_by = UserBriefSerializer(read_only=True)
    decided_by = UserBriefSerializer(read_only=True)

    class Meta:
        model = CaseApproval
        fields = [
            "id",
            "kind",
            "state",
            "reason",
            "extension_days",
            "legal_basis",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class DeadlineSerializer(serializers.ModelSerializer):
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = CaseDeadline
        fields = [
            "id",
            "kind",
            "starts_at",
            "amount",
            "counting",
            "due_at",
            "basis",
            "is_active",
            "met_at",
            "warned_at",
            "is_overdue",
        ]

    def get_is_overdue(self, deadline) -> bool:
        return deadline.is_overdue()


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "amount", "surcharge", "paid_on", "receipt_number", "collected_on_the_spot"]


class CaseEventSerializer(serializers.Serializer):
    """The event a case was opened from."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()


class CaseListSerializer(serializers.ModelSerializer):
    handling_unit = UnitBriefSerializer(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    parties = serializers.SerializerMethodField(
        help_text=_("Names of the parties (a person's masked).")
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "state",
            "state_label",
            "procedure",
            "source",
            "handling_unit",
            "is_empowered",
            "violation_date",
            "filed_at",
            "outcome",
            "fine_amount",
            "decided_at",
            "closed_at",
            "parties",
        ]

    def get_parties(self, case) -> list[str]:
        return [link.party.display_name for link in case.party_links.all()]


class CaseDetailSerializer(CaseListSerializer):
    event = serializers.SerializerMethodField()
    party_links = CasePartySerializer(many=True, read_only=True)
    matter_links = CaseMatterSerializer(many=True, read_only=True)
    handlers = CaseHandlerSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    notices = PriorNoticeSerializer(many=True, read_only=True)
    statements = StatementSerializer(many=True, read_only=True)
    hearings = HearingSerializer(many=True, read_only=True)
    legal_reviews = LegalReviewSerializer(many=True, read_only=True)
    approvals = ApprovalSerializer(many=True, read_only=True)
    deadlines = DeadlineSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)
    limitation_end = serializers.DateField(read_only=True)
    review_reasons = serializers.SerializerMethodField(
        help_text=_("Why a legal review is required (Art. 58).")
    )
    owed = serializers.SerializerMethodField(
        help_text=_("Still owed today, with the late-payment surcharge.")
    )
    allowed_actions = serializers.SerializerMethodField(
        help_text=_("Transitions you may take now.")
    )

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "event",
            "inspection_reference",
            "address",
            "facts",
            "violation_ended_on",
            "limitation_five_years",
            "limitation_end",
            "facts_clear",
            "evidence_complete",
            "party_admits",
            "fast_track_consent_at",
            "major_public_interest",
            "is_complex",
            "other_law_review_basis",
            "needs_collective_deliberation",
            "other_hearing_ground",
            "proposed_outcome",
            "proposed_fine",
            "proposed_confiscation",
            "proposed_penalties",
            "proposal_reason",
            "confiscation_amount",
            "penalties",
            "no_penalty_ground",
            "decision_reason",
            "collective_deliberation_on",
            "served_at",
            "service_method",
            "performed_at",
            "court_enforcement_on",
            "withdrawn_at",
            "party_links",
            "matter_links",
            "handlers",
            "evidence",
            "notices",
            "statements",
            "hearings",
            "legal_reviews",
            "approvals",
            "deadlines",
            "payments",
            "review_reasons",
            "owed",
            "allowed_actions",
        ]

    @extend_schema_field(CaseEventSerializer(allow_null=True))
    def get_event(self, case):
        if case.event_id is None:
            return None
        return {"id": case.event_id, "number": case.event.number, "state": case.event.state}

    def get_review_reasons(self, case) -> list[str]:
        return list(rv.review_reasons(case))

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_owed(self, case):
        if not case.fine_amount:
            return None
        owed, extra = amount_owed(case, on=timezone.localdate())
        return {"total": str(owed), "surcharge": str(extra)}

    def get_allowed_actions(self, case) -> list[str]:
        return [t.name for t in permissions.case_actions(_user(self.context), case)]


class CaseHistorySerializer(serializers.ModelSerializer):
    actor = UserBriefSerializer(read_only=True)
    label = serializers.SerializerMethodField()

    class Meta:
        model = CaseHistory
        fields = ["at", "action", "label", "actor", "from_state", "to_state", "reason", "details"]

    def get_label(self, row) -> str:
        return str(action_label(row.action))


class RuleResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    passed = serializers.BooleanField(allow_null=True, help_text=_("null: not known yet."))
    reason = serializers.CharField()


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    rules = RuleResultSerializer(many=True)


class ReviewerSerializer(serializers.Serializer):
    user = UserBriefSerializer()
    posts = serializers.ListField(child=serializers.DictField())
    qualified = serializers.BooleanField(
        help_text=_("Holds the legal professional qualification today.")
    )
    qualification_number = serializers.CharField()
    qualification_issued_on = serializers.DateField(allow_null=True)
    serving_before_rule = serializers.BooleanField(
        help_text=_("Reviewing since before Art. 58 ¶2 took effect.")
    )
    may_approve = serializers.BooleanField()


class FiguresSerializer(serializers.Serializer):
    period = serializers.DictField()
    avg_closing_days = serializers.DictField(child=serializers.FloatField(allow_null=True))
    avg_closing_days_overall = serializers.FloatField(allow_null=True)
    closed_cases = serializers.DictField(child=serializers.IntegerField())
    filed_cases = serializers.DictField(child=serializers.IntegerField())
    qualified_review_share = serializers.FloatField(allow_null=True)
    empowered_cases_decided = serializers.IntegerField()
    no_penalty_decisions = serializers.IntegerField()
    leniency_items = serializers.IntegerField()
    credit_repairs = serializers.IntegerField()
