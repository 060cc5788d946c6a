"""The cockpit's query: which period, which place and which figure (GET parameters, shared by
the page and its Excel export)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civicloop.core.figures import Figure, Period, figures
from civicloop.org.models import Region

from .access import viewable_levels

YEAR, QUARTER, MONTH, CUSTOM = "year", "quarter", "month", "custom"
PERIOD_KINDS = (
    (YEAR, _("year")),
    (QUARTER, _("quarter")),
    (MONTH, _("month")),
    (CUSTOM, _("custom dates")),
)
# A custom period longer than this is refused: the records would be counted for each day.
MAX_CUSTOM_DAYS = 3 * 366
FIRST_YEAR = 2000
# ``region=all``: every place (for readers whose scope is everything).
EVERYWHERE = "all"


class BoardQuery(forms.Form):
    """``period`` = year|quarter|month|custom with ``year``, ``quarter``, ``month`` or
    ``from``/``to``; ``region`` = a division code; ``figure`` = the key of the charted figure.
    Empty fields take the defaults (this calendar year, the reader's own place)."""

    period = forms.ChoiceField(label=_("period"), choices=PERIOD_KINDS, required=False)
    year = forms.IntegerField(label=_("year"), required=False)
    quarter = forms.IntegerField(label=_("quarter"), required=False)
    month = forms.IntegerField(label=_("month"), required=False)
    start = forms.DateField(label=_("from"), required=False)
    end = forms.DateField(label=_("to"), required=False)
    region = forms.CharField(label=_("place"), required=False, max_length=20)
    figure = forms.CharField(label=_("figure"), required=False, max_length=100)

    # ``from`` is a Python keyword: the fields are ``start``/``end``, the parameters keep
    # the names the links and the API use.
    PARAMETERS = {"from": "start", "to": "end"}

    def __init__(self, params, *, today: dt.date | None = None):
        data = {self.PARAMETERS.get(key, key): value for key, value in params.items()}
        super().__init__(data)
        self.today = today or timezone.localdate()
        self.fields["start"].error_messages["invalid"] = _(
            "The start date is not a date (write it as 2026-03-01)."
        )
        self.fields["end"].error_messages["invalid"] = _(
            "The end date is not a date (write it as 2026-03-31)."
        )
        for name in ("year", "quarter", "month"):
            self.fields[name].error_messages["invalid"] = _("Enter a whole number.")
        self.fields["period"].error_messages["invalid_choice"] = _(
            "Choose a year, a quarter, a month or custom dates."
        )

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is None:
            return self.today.year
        if not FIRST_YEAR <= year <= self.today.year + 1:
            raise forms.ValidationError(
                _("The year must lie between %(first)s and %(last)s."),
                params={"first": FIRST_YEAR, "last": self.today.year + 1},
            )
        return year

    def clean_quarter(self):
        quarter = self.cleaned_data.get("quarter")
        if quarter is not None and not 1 <= quarter <= 4:
            raise forms.ValidationError(_("The quarter must be 1, 2, 3 or 4."))
        return quarter

    def clean_month(self):
        month = self.cleaned_data.get("month")
        if month is not None and not 1 <= month <= 12:
            raise forms.ValidationError(_("The month must lie between 1 and 12."))
        return month

    def clean_region(self) -> Region | str | None:
        code = (self.cleaned_data.get("region") or "").strip()
        if not code:
            return None
        if code == EVERYWHERE:
            return EVERYWHERE
        region = Region.objects.filter(code=code, level__in=viewable_levels()).first()
        if region is None:
            raise forms.ValidationError(
                _("There is no county, town or village with the code %(code)s."),
                params={"code": code},
            )
        return region

    def clean_figure(self) -> Figure | None:
        key = (self.cleaned_data.get("figure") or "").strip()
        if not key:
            return None
        figure = figures.find(key)
        if figure is None:
            raise forms.ValidationError(
                _("There is no figure called %(key)s."), params={"key": key}
            )
        return figure

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind = data.get("period") or YEAR
        year = data["year"]
        if kind == QUARTER:
            quarter = data.get("quarter") or (self.today.month - 1) // 3 + 1
            data["quarter"] = quarter
            data["the_period"] = Period.quarter(year, quarter)
        elif kind == MONTH:
            month = data.get("month") or self.today.month
            data["month"] = month
            data["the_period"] = Period.month(year, month)
        elif kind == CUSTOM:
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                raise forms.ValidationError(_("Custom dates need both a start and an end date."))
            if end < start:
                raise forms.ValidationError(_("The last day comes before the first day."))
            if (end - start).days >= MAX_CUSTOM_DAYS:
                raise forms.ValidationError(
                    _("Custom dates may span at most three years."), code="too_long"
                )
            data["the_period"] = Period(start, end)
        else:
            data["the_period"] = Period.year(year)
        the_period = data["the_period"]
        if kind != CUSTOM and the_period.start <= self.today < the_period.end:
            # This year (quarter, month) so far: compared with the same days of the period
            # before and of last year, not with their whole length.
            data["the_period"] = Period(the_period.start, self.today)
        data["period"] = kind
        return data

    def error_messages_text(self) -> list[str]:
        """Every error as one sentence, the field's name first (shown above the page)."""
        messages = []
        for name, errors in self.errors.items():
            for error in errors:
                if name == forms.forms.NON_FIELD_ERRORS:
                    messages.append(str(error))
                else:
                    messages.append(
                        gettext("%(field)s: %(error)s")
                        % {"field": self.fields[name].label, "error": error}
                    )
        return messages


def period_label(kind: str, period: Period, today: dt.date) -> str:
    """The period as a leader reads it: 2026年, 2026年第1季度, 2026年3月, or two dates —
    "to date" when it includes today."""
    if kind == QUARTER:
        text = gettext("Q%(quarter)s %(year)s") % {
            "quarter": (period.start.month - 1) // 3 + 1,
            "year": period.start.year,
        }
    elif kind == MONTH:
        text = gettext("%(year)s-%(month)02d") % {
            "year": period.start.year,
            "month": period.start.month,
        }
    elif kind == CUSTOM:
        text = gettext("%(start)s to %(end)s") % {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        }
    else:
        text = gettext("year %(year)s") % {"year": period.start.year}
    if period.start <= today <= period.end:
        text = gettext("%(period)s (to date)") % {"period": text}
    return text
