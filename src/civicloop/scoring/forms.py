"""The phone's forms: a patrol visit, an activity; and the supervisors' forms. Shape only — the
services check the rest."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicloop.events.forms import (
    MultipleFileField,
    MultipleFileInput,
    RegionChoiceField,
    datetime_input,
)
from civicloop.org.choices import GRID_ROLES, RegionLevel
from civicloop.org.models import Region
from civicloop.org.scope import scope_of

from .choices import ActivityKind, Grade, OutcomeKind


def places_of(user):
    """The villages and grids the user works in (their scope), in tree order."""
    places = Region.objects.filter(level__in=[RegionLevel.VILLAGE, RegionLevel.GRID])
    scope = scope_of(user)
    if not scope.everything:
        q = Q(pk__in=[])
        for prefix in scope.region_prefixes:
            q |= Q(code__startswith=prefix)
        places = places.filter(q)
    return places.order_by("code")


def home_place(user):
    for post in user.cached_posts():
        if post.role in GRID_ROLES:
            return post.unit.region
    return None


class WorkLogForm(forms.Form):
    service_fields = {"latitude": "region", "longitude": "region"}

    region = RegionChoiceField(label=_("place"), queryset=Region.objects.none(), empty_label="—")
    latitude = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-90, max_value=90
    )
    longitude = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-180, max_value=180
    )
    note = forms.CharField(
        label=_("note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleFileField(
        label=_("photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    # The phone's key of this submission, kept with the draft so a resend is not a duplicate.
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = places_of(user)
        if not self.is_bound:
            self.initial.setdefault("region", home_place(user))


class VisitForm(WorkLogForm):
    field_order = ["region", "visited_at", "note", "photos"]
    visited_at = forms.DateTimeField(
        label=_("visited at"),
        required=False,
        widget=datetime_input(),
        help_text=_("Leave empty for now."),
    )


class ActivityForm(WorkLogForm):
    field_order = [
        "kind",
        "topic",
        "region",
        "held_at",
        "participant_count",
        "participant_names",
        "note",
        "photos",
    ]
    kind = forms.ChoiceField(label=_("kind"), choices=ActivityKind.choices)
    topic = forms.CharField(label=_("topic"), max_length=120)
    held_at = forms.DateTimeField(
        label=_("held at"),
        required=False,
        widget=datetime_input(),
        help_text=_("Leave empty for now."),
    )
    participant_count = forms.IntegerField(label=_("participants"), min_value=0, initial=0)
    participant_names = forms.CharField(
        label=_("participant names"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    service_fields = {"reason": "decision"}

    upheld = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("1", _("uphold")), ("0", _("reject"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    points = forms.DecimalField(
        label=_("points the entry should have"), required=False, max_digits=7, decimal_places=2
    )
    decision = forms.CharField(
        label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OutcomeForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("kind"), choices=OutcomeKind.choices)
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2999)
    quarter = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=4)
    grade = forms.ChoiceField(
        label=_("rating"), choices=[("", "—"), *Grade.choices], required=False
    )
    total = forms.DecimalField(
        widget=forms.HiddenInput, required=False, max_digits=8, decimal_places=2
    )
    note = forms.CharField(label=_("note"), required=False, max_length=2000)
