"""Request serializers of the case API: what the API accepts, one small serializer per
transition (what it answers is in ``serializers.py``).

They check the *shape* of the input (types, choices, references by code or id) with the keys
of the web forms and hand it to the same action as the pages (``cases.actions.CASE_ACTIONS``);
what is allowed, by whom and when is decided by the service function each action calls.
"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from civicloop.cases.choices import (
    CaseSource,
    EvidenceKind,
    HearingOutcome,
    NoPenaltyGround,
    Opinion,
    Outcome,
    PartyRole,
    PenaltyKind,
    Procedure,
    ReturnTo,
    ReviewMode,
    ServiceMethod,
)
from civicloop.cases.rules import SERVICE_WORKING_DAYS
from civicloop.cases.workflow import CASE_WORKFLOW
from civicloop.org.models import Unit, User
from civicloop.parties.api.serializers import PartyInputSerializer


def reason_field(name: str) -> serializers.CharField:
    if CASE_WORKFLOW[name].reason_required:
        return serializers.CharField(help_text=_("Why (required)."))
    return serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Note (optional).")
    )


def money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        **kwargs,
    )


def penalties() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=PenaltyKind.choices),
        required=False,
        default=list,
        help_text=_("Other kinds of penalty (Art. 9)."),
    )


def user_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True), **kwargs
    )


def fine_check_inputs_field() -> serializers.DictField:
    """Inputs of the fine checks other apps register (``cases.hooks.fine_checks``)."""
    return serializers.DictField(
        required=False,
        default=dict,
        help_text=_(
            "Inputs of the checks other apps make of the fine, by their form field names, e.g. "
            "the discretion benchmark's discretion_corrected (yes/no), discretion_consequences "
            "(minor/ordinary/serious), discretion_cooperative, discretion_base and "
            "discretion_reason (why the fine leaves the recommended band)."
        ),
    )


def optional_datetime(help_text=None) -> serializers.DateTimeField:
    return serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text=help_text or _("Default: now.")
    )


class PartyLinkSerializer(serializers.Serializer):
    party = serializers.IntegerField(help_text=_("Id of a recorded party (see /api/parties/)."))
    role = serializers.ChoiceField(choices=PartyRole.choices, default=PartyRole.PARTY)


class FileCaseSerializer(serializers.Serializer):
    """立案. Name the party either as ``party`` (found by its identifier or recorded with the
    case) or among ``parties`` (recorded parties with their roles)."""

    handling_unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.all(),
        help_text=_("Unit code of the town squad or county department."),
    )
    procedure = serializers.ChoiceField(choices=Procedure.choices)
    source = serializers.ChoiceField(choices=CaseSource.choices)
    event = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Id of the event the case comes from (source “event”)."),
    )
    inspection_reference = serializers.CharField(required=False, allow_blank=True, default="")
    title = serializers.CharField()
    facts = serializers.CharField()
    violation_date = serializers.DateField()
    violation_ended_on = serializers.DateField(required=False, allow_null=True, default=None)
    limitation_five_years = serializers.BooleanField(required=False, default=False)
    address = serializers.CharField(required=False, allow_blank=True, default="")
    matters = serializers.ListField(
        child=serializers.CharField(), help_text=_('Matter codes, e.g. ["SR-001"].')
    )
    handlers = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Usernames of at least two certified officers of the unit."),
    )
    lead_handler = serializers.CharField(required=False, allow_blank=True, default="")
    party = PartyInputSerializer(required=False, allow_null=True, default=None)
    parties = PartyLinkSerializer(many=True, required=False, default=list)
    party_admits = serializers.BooleanField(required=False, default=False)
    fast_track_consent_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class EvidenceActionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    description = serializers.CharField()
    collected_on = serializers.DateField(required=False, allow_null=True, default=None)
    file = serializers.FileField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("A photo or document (multipart/form-data)."),
    )


class FindingsActionSerializer(serializers.Serializer):
    facts = serializers.CharField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    fine = money()
    confiscation = money()
    penalties = penalties()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    facts_clear = serializers.BooleanField(required=False, default=False)
    evidence_complete = serializers.BooleanField(required=False, default=False)
    party_admits = serializers.BooleanField(required=False, default=False)
    fast_track_consent_at = optional_datetime(
        _("When the party agreed in writing to the fast track.")
    )
    major_public_interest = serializers.BooleanField(required=False, default=False)
    is_complex = serializers.BooleanField(required=False, default=False)
    needs_collective_deliberation = serializers.BooleanField(required=False, default=False)
    other_law_review_basis = serializers.CharField(required=False, allow_blank=True, default="")
    other_hearing_ground = serializers.CharField(required=False, allow_blank=True, default="")
    fine_check_inputs = fine_check_inputs_field()


class NoteActionSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Note (optional).")
    )


def reason_serializer(name: str) -> type[serializers.Serializer]:
    return type(
        f"{''.join(p.title() for p in name.split('_'))}ActionSerializer",
        (serializers.Serializer,),
        {"reason": reason_field(name)},
    )


class AssignReviewersActionSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=ReviewMode.choices)
    reviewers = user_field(many=True, help_text=_("Usernames from /api/legal-reviewers/."))
    place = serializers.CharField(required=False, allow_blank=True, default="")
    meeting_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class OpinionActionSerializer(serializers.Serializer):
    opinion = serializers.ChoiceField(choices=Opinion.choices)
    changes = serializers.CharField(required=False, allow_blank=True, default="")
    reasons = serializers.CharField(required=False, allow_blank=True, default="")
    return_to = serializers.ChoiceField(
        choices=ReturnTo.choices, required=False, allow_blank=True, default=""
    )


class NoticeActionSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=ServiceMethod.choices)
    served_at = optional_datetime()
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("To adjust the proposal (e.g. as the review asked); default: the proposal."),
    )
    fine = money()
    confiscation = money()
    penalties = penalties()
    waive_statement = serializers.BooleanField(required=False, default=False)
    waive_hearing = serializers.BooleanField(required=False, default=False)
    waiver_note = serializers.CharField(required=False, allow_blank=True, default="")


class WaiverActionSerializer(serializers.Serializer):
    statement = serializers.BooleanField(required=False, default=True)
    hearing = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField()
    at = optional_datetime()


class StatementActionSerializer(serializers.Serializer):
    content = serializers.CharField()
    review_note = serializers.CharField()
    adopted = serializers.BooleanField(required=False, default=False)
    received_at = optional_datetime()


class HearingRequestActionSerializer(serializers.Serializer):
    requested_at = optional_datetime()


class ScheduleHearingActionSerializer(serializers.Serializer):
    host = user_field(help_text=_("Username of the host (not an investigator of the case)."))
    scheduled_at = serializers.DateTimeField()
    place = serializers.CharField()
    notified_at = optional_datetime()
    is_public = serializers.BooleanField(required=False, default=True)
    not_public_reason = serializers.CharField(required=False, allow_blank=True, default="")


class HoldHearingActionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=HearingOutcome.choices)
    held_at = optional_datetime()
    transcript_summary = serializers.CharField(required=False, allow_blank=True, default="")


class DecideActionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    fine = money()
    confiscation = money()
    penalties = penalties()
    no_penalty_ground = serializers.ChoiceField(
        choices=NoPenaltyGround.choices, required=False, allow_blank=True, default=""
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    collective_deliberation_on = serializers.DateField(
        required=False, allow_null=True, default=None
    )
    serve_on_the_spot = serializers.BooleanField(required=False, default=False)
    leniency_items = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text=_(
            "Codes of the 一免一减 items the decision applies; each must apply to the case "
            "(GET /api/case-leniency/{case}/)."
        ),
    )
    fine_check_inputs = fine_check_inputs_field()


class SpotDecisionActionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        help_text=_("Penalty or reduced penalty (a no-penalty outcome is refused)."),
    )
    fine = money()
    penalties = penalties()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    party_informed = serializers.BooleanField(required=False, default=False)
    collected_on_the_spot = serializers.BooleanField(required=False, default=False)
    receipt_number = serializers.CharField(required=False, allow_blank=True, default="")
    collection_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ServeDecisionActionSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=ServiceMethod.choices)
    served_at = optional_datetime()
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=format_lazy(
            _("Required when served after {n} working days."), n=SERVICE_WORKING_DAYS
        ),
    )


class PaymentActionSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    paid_on = serializers.DateField(required=False, allow_null=True, default=None)
    receipt_number = serializers.CharField(required=False, allow_blank=True, default="")


class CloseCaseActionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    court_enforcement_on = serializers.DateField(required=False, allow_null=True, default=None)


class ExtensionActionSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1)
    legal_basis = serializers.CharField()
    reason = reason_field("request_extension")


ACTION_SERIALIZERS: dict[str, type[serializers.Serializer] | None] = {
    "start_investigation": None,
    "add_evidence": EvidenceActionSerializer,
    "conclude_investigation": FindingsActionSerializer,
    "conclude_fast_track": FindingsActionSerializer,
    "approve_case_review": NoteActionSerializer,
    "return_case_review": reason_serializer("return_case_review"),
    "assign_reviewers": AssignReviewersActionSerializer,
    "record_opinion": OpinionActionSerializer,
    "refer_to_legal_review": reason_serializer("refer_to_legal_review"),
    "serve_notice": NoticeActionSerializer,
    "record_waiver": WaiverActionSerializer,
    "record_statement": StatementActionSerializer,
    "request_hearing": HearingRequestActionSerializer,
    "schedule_hearing": ScheduleHearingActionSerializer,
    "hold_hearing": HoldHearingActionSerializer,
    "decide": DecideActionSerializer,
    "decide_on_the_spot": SpotDecisionActionSerializer,
    "serve_decision": ServeDecisionActionSerializer,
    "record_payment": PaymentActionSerializer,
    "close": CloseCaseActionSerializer,
    "request_withdrawal": reason_serializer("request_withdrawal"),
    "approve_withdrawal": NoteActionSerializer,
    "reject_withdrawal": reason_serializer("reject_withdrawal"),
    "request_extension": ExtensionActionSerializer,
    "approve_extension": NoteActionSerializer,
    "reject_extension": reason_serializer("reject_extension"),
    "convert_to_ordinary": reason_serializer("convert_to_ordinary"),
}
