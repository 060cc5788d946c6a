"""Web forms of penalty cases.

Forms only collect and shape input; every rule is checked by ``services.py``, whose
``InvalidInput.field`` names match the field names here so a refusal lands on the
right input. Field names are the keys ``actions.perform`` reads (the API uses the same).
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from civicloop.events.forms import datetime_input
from civicloop.matters.models import Matter
from civicloop.org.choices import Role
from civicloop.org.models import Unit, User
from civicloop.parties.choices import PartyKind

from . import review as rv
from .choices import (
    CaseSource,
    EvidenceKind,
    HearingOutcome,
    NoPenaltyGround,
    Opinion,
    Outcome,
    PenaltyKind,
    Procedure,
    ReturnTo,
    ReviewMode,
    ServiceMethod,
)
from .hooks import DECISION, PROPOSAL, decision_items, fine_check_fields
from .permissions import OFFICER_ROLES, officer_units
from .rules import SERVICE_WORKING_DAYS


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def money_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        **kwargs,
    )


def penalties_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("other penalties"),
        choices=PenaltyKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class UserChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", "—")  # not Django's "---------"
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.username


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.username


class MatterChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} {obj.name}"


# --- filing --------------------------------------------------------------------------


class FileCaseForm(forms.Form):
    """立案: the case, its party, matters and handlers."""

    handling_unit = forms.ModelChoiceField(
        label=_("handling unit"), queryset=Unit.objects.none(), empty_label="—"
    )
    procedure = forms.ChoiceField(
        label=_("procedure"),
        choices=Procedure.choices,
        initial=Procedure.ORDINARY,
        widget=forms.RadioSelect,
    )
    source = forms.ChoiceField(
        label=_("source"), choices=CaseSource.choices, initial=CaseSource.DIRECT
    )
    event = forms.IntegerField(widget=forms.HiddenInput, required=False)
    inspection_reference = forms.CharField(
        label=_("inspection reference"), max_length=120, required=False
    )
    title = forms.CharField(label=_("title"), max_length=120)
    facts = forms.CharField(label=_("facts"), widget=forms.Textarea(attrs={"rows": 4}))
    violation_date = forms.DateField(label=_("date of the violation"), widget=date_input())
    violation_ended_on = forms.DateField(
        label=_("continuing violation ended on"), required=False, widget=date_input()
    )
    limitation_five_years = forms.BooleanField(
        label=_(
            "involves life and health or financial safety with harmful consequences (five-year limitation, "
            "Art. 36)"
        ),
        required=False,
    )
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    matters = MatterChoiceField(
        label=_("enforcement matters"),
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    handlers = UsersChoiceField(
        label=_("handlers (at least two certified officers)"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    party_kind = forms.ChoiceField(
        label=_("party is a"),
        choices=PartyKind.choices,
        initial=PartyKind.PERSON,
        widget=forms.RadioSelect,
    )
    party_name = forms.CharField(label=_("party name"), max_length=120)
    party_id_number = forms.CharField(label=_("resident ID number"), max_length=18, required=False)
    party_credit_code = forms.CharField(
        label=_("unified social credit code"), max_length=18, required=False
    )
    party_legal_representative = forms.CharField(
        label=_("legal representative"), max_length=60, required=False
    )
    party_phone = forms.CharField(label=_("party phone"), max_length=20, required=False)
    party_address = forms.CharField(label=_("party address"), max_length=200, required=False)
    party_admits = forms.BooleanField(label=_("the party admits the violation"), required=False)
    fast_track_consent = forms.BooleanField(
        label=_("the party agreed in writing to the fast track"), required=False
    )

    def __init__(self, *args, user, event=None, **kwargs):

        super().__init__(*args, **kwargs)
        units = officer_units(user)
        self.fields["handling_unit"].queryset = Unit.objects.filter(
            pk__in=[u.pk for u in units]
        ).order_by("name")
        if len(units) == 1:
            self.fields["handling_unit"].initial = units[0].pk
        self.fields["handlers"].queryset = (
            User.objects.filter(
                is_active=True,
                posts__is_active=True,
                posts__role__in=OFFICER_ROLES,
                posts__unit__in=[u.pk for u in units],
            )
            .distinct()
            .order_by("full_name", "username")
        )
        self.fields["handlers"].initial = [user.pk]
        self.fields["matters"].queryset = Matter.objects.active().order_by("code")
        if event is not None:
            self.fields["source"].initial = CaseSource.EVENT
            self.fields["event"].initial = event.pk
            self.fields["title"].initial = event.title
            self.fields["facts"].initial = event.description
            self.fields["address"].initial = event.address
            when = event.occurred_at or event.reported_at
            self.fields["violation_date"].initial = timezone.localtime(when).date()
            if event.matter_id:
                self.fields["matters"].initial = [event.matter_id]
        else:
            self.fields["violation_date"].initial = timezone.localdate()


# --- actions ---------------------------------------------------------------------------


class ConfirmForm(forms.Form):
    def __init__(self, *args, case=None, user=None, transition=None, **kwargs):
        super().__init__(*args, **kwargs)


class ReasonForm(ConfirmForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, transition=None, **kwargs):
        super().__init__(*args, transition=transition, **kwargs)
        if transition is not None and not transition.reason_required:
            self.fields["reason"].required = False
            self.fields["reason"].label = _("note")


class EvidenceForm(ConfirmForm):
    kind = forms.ChoiceField(label=_("kind"), choices=EvidenceKind.choices)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 3}))
    collected_on = forms.DateField(label=_("collected on"), required=False, widget=date_input())
    file = forms.FileField(label=_("file"), required=False)


class FindingsForm(ConfirmForm):
    """调查终结: facts, the proposal, and what the reviews and the fast track need to know."""

    facts = forms.CharField(label=_("facts"), widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.ChoiceField(
        label=_("proposed outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    fine = money_field(_("fine (yuan)"))
    confiscation = money_field(_("confiscation (yuan)"))
    penalties = penalties_field()
    reason = forms.CharField(
        label=_("reasons (discretion, or why no penalty)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    facts_clear = forms.BooleanField(label=_("facts are clear"), required=False)
    evidence_complete = forms.BooleanField(label=_("evidence is complete"), required=False)
    party_admits = forms.BooleanField(label=_("the party admits the violation"), required=False)
    fast_track_consent = forms.BooleanField(
        label=_("the party agreed in writing to the fast track"), required=False
    )
    major_public_interest = forms.BooleanField(
        label=_("involves a major public interest"), required=False
    )
    is_complex = forms.BooleanField(label=_("difficult or complex"), required=False)
    needs_collective_deliberation = forms.BooleanField(
        label=_("needs collective deliberation"), required=False
    )
    other_law_review_basis = forms.CharField(
        label=_("other law requiring legal review"), max_length=200, required=False
    )
    other_hearing_ground = forms.CharField(
        label=_("other ground for a hearing"), max_length=200, required=False
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        if case is not None:
            self.fields["fast_track_consent"].initial = case.fast_track_consent_at is not None
            for name in (
                "facts",
                "facts_clear",
                "evidence_complete",
                "party_admits",
                "major_public_interest",
                "is_complex",
                "needs_collective_deliberation",
                "other_law_review_basis",
                "other_hearing_ground",
            ):
                self.fields[name].initial = getattr(case, name)
            if case.proposed_outcome:
                self.fields["outcome"].initial = case.proposed_outcome
                self.fields["fine"].initial = case.proposed_fine
                self.fields["penalties"].initial = case.proposed_penalties
            if case.procedure != Procedure.FAST_TRACK:
                del self.fields["fast_track_consent"]
        # The inputs of the checks other apps make of the proposed fine (hooks.fine_checks).
        self.fields.update(fine_check_fields(case, PROPOSAL) if case is not None else {})

    def clean(self):
        data = super().clean()
        if data.get("fast_track_consent"):
            # Keep the time consent was first recorded; otherwise it is given now.
            known = self.case.fast_track_consent_at if self.case is not None else None
            data["fast_track_consent_at"] = known or timezone.now()
        return data


class AssignReviewersForm(ConfirmForm):
    mode = forms.ChoiceField(
        label=_("mode"),
        choices=ReviewMode.choices,
        initial=ReviewMode.SINGLE,
        widget=forms.RadioSelect,
    )
    reviewers = UsersChoiceField(
        label=_("reviewers"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    place = forms.CharField(label=_("place (on-site joint review)"), max_length=200, required=False)
    meeting_at = forms.DateTimeField(
        label=_("meeting time (on-site joint review)"), required=False, widget=datetime_input()
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        roster = rv.reviewer_roster()
        if case is not None:
            roster = roster.exclude(pk__in=case.handlers.values("user"))
        self.fields["reviewers"].queryset = roster


class OpinionForm(ConfirmForm):
    opinion = forms.ChoiceField(
        label=_("opinion"), choices=Opinion.choices, widget=forms.RadioSelect
    )
    changes = forms.CharField(
        label=_("changes asked for"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reasons = forms.CharField(
        label=_("reasons for returning"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    return_to = forms.ChoiceField(
        label=_("return to"), choices=[("", "—"), *ReturnTo.choices], required=False
    )


class NoticeForm(ConfirmForm):
    method = forms.ChoiceField(
        label=_("service method"), choices=ServiceMethod.choices, initial=ServiceMethod.IN_PERSON
    )
    served_at = forms.DateTimeField(label=_("served at"), required=False, widget=datetime_input())
    outcome = forms.ChoiceField(
        label=_("proposed outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    fine = money_field(_("fine (yuan)"))
    confiscation = money_field(_("confiscation (yuan)"))
    penalties = penalties_field()
    waive_statement = forms.BooleanField(
        label=_("the party waives statement and defence in writing"), required=False
    )
    waive_hearing = forms.BooleanField(
        label=_("the party waives the hearing in writing"), required=False
    )
    waiver_note = forms.CharField(
        label=_("waiver note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["outcome"].initial = case.proposed_outcome
            self.fields["fine"].initial = case.proposed_fine
            self.fields["confiscation"].initial = case.proposed_confiscation
            self.fields["penalties"].initial = case.proposed_penalties


class WaiverForm(ConfirmForm):
    statement = forms.BooleanField(
        label=_("waives statement and defence"), required=False, initial=True
    )
    hearing = forms.BooleanField(label=_("waives the hearing"), required=False)
    note = forms.CharField(
        label=_("what the party signed"), widget=forms.Textarea(attrs={"rows": 2})
    )
    at = forms.DateTimeField(label=_("signed at"), required=False, widget=datetime_input())


class StatementForm(ConfirmForm):
    content = forms.CharField(
        label=_("what the party said"), widget=forms.Textarea(attrs={"rows": 4})
    )
    review_note = forms.CharField(
        label=_("re-examination"), widget=forms.Textarea(attrs={"rows": 3})
    )
    adopted = forms.BooleanField(label=_("adopted"), required=False)
    received_at = forms.DateTimeField(
        label=_("received at"), required=False, widget=datetime_input()
    )


class HearingRequestForm(ConfirmForm):
    requested_at = forms.DateTimeField(
        label=_("requested at"), required=False, widget=datetime_input()
    )


class ScheduleHearingForm(ConfirmForm):
    host = UserChoiceField(label=_("host"), queryset=User.objects.none())
    scheduled_at = forms.DateTimeField(label=_("scheduled at"), widget=datetime_input())
    place = forms.CharField(label=_("place"), max_length=200)
    notified_at = forms.DateTimeField(
        label=_("party notified at"), required=False, widget=datetime_input()
    )
    is_public = forms.BooleanField(label=_("public"), required=False, initial=True)
    not_public_reason = forms.CharField(label=_("why not public"), max_length=200, required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        users = User.objects.filter(
            is_active=True,
            posts__is_active=True,
            posts__role__in=[Role.LEGAL_REVIEWER, Role.LAWYER, *OFFICER_ROLES, Role.LEADER],
        )
        if case is not None:
            users = users.exclude(pk__in=case.handlers.values("user"))
        self.fields["host"].queryset = users.distinct().order_by("full_name", "username")


class HoldHearingForm(ConfirmForm):
    outcome = forms.ChoiceField(
        label=_("outcome"), choices=HearingOutcome.choices, widget=forms.RadioSelect
    )
    held_at = forms.DateTimeField(label=_("held at"), required=False, widget=datetime_input())
    transcript_summary = forms.CharField(
        label=_("transcript summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class DecideForm(ConfirmForm):
    outcome = forms.ChoiceField(
        label=_("outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    fine = money_field(_("fine (yuan)"))
    confiscation = money_field(_("confiscation (yuan)"))
    penalties = penalties_field()
    no_penalty_ground = forms.ChoiceField(
        label=_("ground for no penalty"),
        choices=[("", "—"), *NoPenaltyGround.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("reasons for the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    collective_deliberation_on = forms.DateField(
        label=_("collective deliberation on"), required=False, widget=date_input()
    )
    serve_on_the_spot = forms.BooleanField(
        label=_("the party is present: hand the decision over now"), required=False
    )
    leniency_items = forms.MultipleChoiceField(
        label=_("exemption and reduction items applied (一免一减)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = decision_items.find("leniency_items")
        choices = items.choices(case) if case is not None and items is not None else []
        if choices:
            self.fields["leniency_items"].choices = choices
        else:
            del self.fields["leniency_items"]
        if case is not None:
            self.fields["outcome"].initial = case.proposed_outcome
            self.fields["fine"].initial = case.proposed_fine
            self.fields["confiscation"].initial = case.proposed_confiscation
            self.fields["penalties"].initial = case.proposed_penalties
            self.fields["reason"].initial = case.proposal_reason
            if not case.needs_collective_deliberation:
                del self.fields["collective_deliberation_on"]
            self.fields.update(fine_check_fields(case, DECISION))


class SpotDecisionForm(ConfirmForm):
    outcome = forms.ChoiceField(
        label=_("outcome"),
        widget=forms.RadioSelect,
        initial=Outcome.PENALTY,
        choices=[
            (Outcome.PENALTY, Outcome.PENALTY.label),
            (Outcome.REDUCED_PENALTY, Outcome.REDUCED_PENALTY.label),
        ],
    )
    fine = money_field(_("fine (yuan)"))
    penalties = forms.MultipleChoiceField(
        label=_("other penalties"),
        required=False,
        choices=[(PenaltyKind.WARNING, PenaltyKind.WARNING.label)],
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("reasons"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    party_informed = forms.BooleanField(
        label=_("the party was told the facts, reasons and basis and was heard"), required=False
    )
    collected_on_the_spot = forms.BooleanField(
        label=_("fine collected on the spot"), required=False
    )
    receipt_number = forms.CharField(label=_("receipt number"), max_length=60, required=False)
    collection_reason = forms.CharField(
        label=_("why collected on the spot (above 100 yuan)"), max_length=200, required=False
    )


class ServeDecisionForm(ConfirmForm):
    method = forms.ChoiceField(
        label=_("service method"),
        initial=ServiceMethod.IN_PERSON,
        choices=[c for c in ServiceMethod.choices if c[0] != ServiceMethod.ON_THE_SPOT],
    )
    served_at = forms.DateTimeField(label=_("served at"), required=False, widget=datetime_input())
    reason = forms.CharField(
        label=format_lazy(_("why late (after {n} working days)"), n=SERVICE_WORKING_DAYS),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PaymentForm(ConfirmForm):
    amount = forms.DecimalField(
        label=_("amount (yuan)"), max_digits=12, decimal_places=2, min_value=0
    )
    paid_on = forms.DateField(label=_("paid on"), required=False, widget=date_input())
    receipt_number = forms.CharField(label=_("receipt number"), max_length=60, required=False)


class CloseForm(ConfirmForm):
    court_enforcement_on = forms.DateField(
        label=_("compulsory enforcement applied for on"), required=False, widget=date_input()
    )
    reason = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionForm(ConfirmForm):
    days = forms.IntegerField(label=_("extension (days)"), min_value=1, max_value=365)
    legal_basis = forms.CharField(label=_("legal basis"), max_length=200)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


ACTION_FORMS = {
    "start_investigation": ConfirmForm,
    "add_evidence": EvidenceForm,
    "conclude_investigation": FindingsForm,
    "conclude_fast_track": FindingsForm,
    "approve_case_review": ReasonForm,
    "return_case_review": ReasonForm,
    "assign_reviewers": AssignReviewersForm,
    "record_opinion": OpinionForm,
    "refer_to_legal_review": ReasonForm,
    "serve_notice": NoticeForm,
    "record_waiver": WaiverForm,
    "record_statement": StatementForm,
    "request_hearing": HearingRequestForm,
    "schedule_hearing": ScheduleHearingForm,
    "hold_hearing": HoldHearingForm,
    "decide": DecideForm,
    "decide_on_the_spot": SpotDecisionForm,
    "serve_decision": ServeDecisionForm,
    "record_payment": PaymentForm,
    "close": CloseForm,
    "request_withdrawal": ReasonForm,
    "approve_withdrawal": ReasonForm,
    "reject_withdrawal": ReasonForm,
    "request_extension": ExtensionForm,
    "approve_extension": ReasonForm,
    "reject_extension": ReasonForm,
    "convert_to_ordinary": ReasonForm,
}

# Actions done with one click (no form page): a POST from the detail page.
ONE_CLICK = frozenset({"start_investigation"})
