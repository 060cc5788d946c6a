"""Forms of the supervision pages: they check shape only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicloop.org.models import Unit, User

from . import access
from .choices import VisitKind
from .duties import leaders_in_scope
from .models import LeadGroup

DATE = forms.DateInput(attrs={"type": "date"})
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _units(user):
    return access.restrict(Unit.objects.active().select_related("region"), user, "region__code")


def _leaders(user):
    return User.objects.filter(pk__in=[u.pk for u in leaders_in_scope(user)])


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(label=_("scheduled for"), widget=MOMENT)
    place = forms.CharField(label=_("place"), max_length=120)


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class HoldForm(forms.Form):
    held_at = forms.DateTimeField(label=_("held at"), widget=MOMENT)
    attendees = forms.CharField(label=_("attendees of the unit"), max_length=500)
    commitments = forms.CharField(
        label=_("commitments"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    notes = forms.CharField(
        label=_("record"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class FollowUpForm(forms.Form):
    improved = forms.TypedChoiceField(
        label=_("result"),
        choices=[("1", _("improved")), ("0", _("not improved"))],
        coerce=lambda value: value == "1",
    )
    notes = forms.CharField(label=_("follow-up result"), widget=forms.Textarea(attrs={"rows": 3}))


class RecordSummonsForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), empty_label="—")
    month = forms.DateField(label=_("month"), widget=DATE)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user)


class MeetingForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("group"), queryset=LeadGroup.objects.none(), empty_label="—"
    )
    title = forms.CharField(label=_("topic"), max_length=120)
    held_on = forms.DateField(label=_("held on"), widget=DATE)
    summary = forms.CharField(
        label=_("minutes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = LeadGroup.objects.visible_to(user).filter(is_active=True)


class ActionItemForm(forms.Form):
    text = forms.CharField(label=_("decision"), widget=forms.Textarea(attrs={"rows": 2}))
    owner_unit = forms.ModelChoiceField(
        label=_("owner unit"), queryset=Unit.objects.none(), empty_label="—"
    )
    due_on = forms.DateField(label=_("due on"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = _units(user)


class CompleteForm(forms.Form):
    result = forms.CharField(label=_("result"), widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=VisitKind.choices)
    group = forms.ModelChoiceField(
        label=_("group"), queryset=LeadGroup.objects.none(), empty_label="—"
    )
    leader = forms.ModelChoiceField(
        label=_("leader"), queryset=User.objects.none(), empty_label="—"
    )
    visited_on = forms.DateField(label=_("visited on"), widget=DATE)
    place = forms.CharField(label=_("place"), max_length=120)
    purpose = forms.CharField(label=_("purpose"), max_length=200)
    findings = forms.CharField(
        label=_("findings"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = LeadGroup.objects.visible_to(user).filter(is_active=True)
        self.fields["leader"].queryset = _leaders(user)
        self.fields["leader"].initial = user.pk
