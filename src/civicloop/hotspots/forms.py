"""Web forms of the hotspots pages. Forms shape input; rules live in ``services.py``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region

from .analysis import Window, period_window
from .choices import Dimension, Period
from .permissions import places_for

MAX_DAYS = 366
INDENT = {
    RegionLevel.COUNTY: "",
    RegionLevel.TOWN: "· ",
    RegionLevel.VILLAGE: "· · ",
    RegionLevel.GRID: "· · · ",
}


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TopForm(forms.Form):
    """高发频发: place, period and what to count by. Without dates, the whole current
    day, week or month; with them, that range (the period then sets the chart's steps)."""

    place = forms.ChoiceField(label=_("place"))
    period = forms.ChoiceField(label=_("period"), choices=Period.choices, initial=Period.WEEK)
    start = forms.DateField(label=_("from"), required=False, widget=date_input())
    end = forms.DateField(label=_("to"), required=False, widget=date_input())
    dimension = forms.ChoiceField(
        label=_("count by"), choices=Dimension.choices, initial=Dimension.CATEGORY
    )
    limit = forms.IntegerField(label=_("rows"), min_value=1, max_value=50, initial=10)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.regions = {r.code: r for r in places_for(user).order_by("code")}
        self.fields["place"].choices = [
            (code, INDENT.get(r.level, "") + r.name) for code, r in self.regions.items()
        ]

    def clean_place(self) -> Region:
        code = self.cleaned_data["place"]
        region = self.regions.get(code)
        if region is None:
            raise forms.ValidationError(_("Choose a place within your area."))
        return region

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        period = data.get("period") or Period.WEEK
        if start and end:
            if end < start:
                self.add_error("end", _("The end comes before the start."))
                return data
            if (end - start).days + 1 > MAX_DAYS:
                self.add_error("end", _("At most %(n)d days at a time.") % {"n": MAX_DAYS})
                return data
            data["window"] = Window(start, end)
        elif start or end:
            day = start or end
            data["window"] = period_window(period, day)
        else:
            data["window"] = period_window(period, timezone.localdate())
        return data

    @classmethod
    def initial_for(cls, place: Region | None) -> dict:
        return {
            "place": place.code if place else "",
            "period": Period.WEEK,
            "dimension": Dimension.CATEGORY,
            "limit": 10,
        }


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: what the command room is doing about it."),
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was found or done."),
    )


class MergeForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=2000, required=False)


def parse_date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
