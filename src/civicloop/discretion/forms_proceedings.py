"""Forms of the reconsideration and litigation records and of the analysis pages' filters.

Forms only collect input; the rules are in ``proceedings.py``, whose ``InvalidInput.field``
names are these fields' names so a refusal lands on its input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicloop.cases.choices import PartyRole
from civicloop.org.choices import RegionLevel, UnitKind
from civicloop.org.models import Region, Unit
from civicloop.parties.models import Party

from .models import ChallengeKind, ChallengeOutcome


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChallengeForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ChallengeKind.choices)
    applicant = forms.ModelChoiceField(
        label=_("applicant"),
        queryset=Party.objects.none(),
        required=False,
        empty_label=_("not named"),
    )
    body = forms.CharField(label=_("reconsideration body or court"), max_length=120)
    filed_on = forms.DateField(label=_("filed on"), widget=date_input())
    accepted_on = forms.DateField(label=_("accepted on"), widget=date_input(), required=False)
    outcome = forms.ChoiceField(
        label=_("outcome"), choices=ChallengeOutcome.choices, initial=ChallengeOutcome.PENDING
    )
    decided_on = forms.DateField(label=_("decided on"), widget=date_input(), required=False)
    document_number = forms.CharField(label=_("document number"), max_length=80, required=False)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].queryset = Party.objects.filter(
            case_links__case=case, case_links__role=PartyRole.PARTY
        ).distinct()
        self.fields["applicant"].label_from_instance = lambda party: party.display_name


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=ChallengeOutcome.choices)
    decided_on = forms.DateField(label=_("decided on"), widget=date_input(), required=False)
    document_number = forms.CharField(label=_("document number"), max_length=80, required=False)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AnalysisFilterForm(forms.Form):
    start = forms.DateField(label=_("decided from"), widget=date_input(), required=False)
    end = forms.DateField(label=_("decided until"), widget=date_input(), required=False)
    town = forms.ModelChoiceField(
        label=_("town"),
        queryset=Region.objects.filter(level=RegionLevel.TOWN).order_by("code"),
        required=False,
        empty_label=_("all"),
    )
    unit = forms.ModelChoiceField(
        label=_("handling unit"),
        queryset=Unit.objects.filter(kind__in=[UnitKind.SQUAD, UnitKind.DEPARTMENT]).order_by(
            "kind", "code"
        ),
        required=False,
        empty_label=_("all"),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period cannot be before its start."))
        return data
