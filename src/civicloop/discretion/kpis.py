"""Figures of penalty discretion (裁量监督), subject ``discretion`` — the report's “发现裁量潜在
问题12个 … 减少、挽回经济损失330余万元”. ``DiscretionConfig.ready()`` registers :data:`FIGURES`.

All three are additive measures over the risk flags (``RiskFlag``), placed where their case is
(the place of the violation, else the handling unit's area), so the cockpit pre-aggregates them.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicloop.core.figures import COUNT, SUM, Figure, Measure, Period, Subject, figures

from .models import RiskFlag

SUBJECT = "discretion"
PLACE = "place_code"


def found_rows():
    return RiskFlag.objects.with_place()


def confirmed_rows():
    return RiskFlag.objects.with_place().filter(confirmed_at__isnull=False)


def corrected_rows():
    return RiskFlag.objects.with_place().filter(
        corrected_at__isnull=False, amount_corrected__isnull=False
    )


def _records(date: str, **params):
    def url(period: Period, region=None) -> str:
        query = dict(params)
        if period.start:
            query[f"{date}_after"] = period.start.isoformat()
        if period.end:
            query[f"{date}_before"] = period.end.isoformat()
        if region is not None:
            query["region"] = region.code
        return f"{reverse('discretion:risks')}?{urlencode(query)}"

    return url


found_records = _records("found")
confirmed_records = _records("confirmed")
corrected_records = _records("corrected", state="corrected")

RISKS_FOUND = Figure(
    SUBJECT,
    "risks_found",
    label=_("Discretion risks found"),
    definition=_(
        "The report's “发现裁量潜在问题12个”: the number of risk flags the sweep raised on "
        "decided penalty cases (found_at) on a local date in the period — fines outside the "
        "statutory range, outside the tier's band without a written reason, outliers among "
        "at least 8 peers (robust z ≥ 3.5) and the same facts fined 3 times apart (both cases). "
        "One per case and kind: a case with two kinds counts two, a flag updated by later "
        "sweeps counts once, and one raised again after it was no longer found counts again. "
        "Flags later explained or no longer found still count as found. The date found "
        "decides the period; the case's place decides the region."
    ),
    unit=_("flags"),
    measure=Measure(rows=found_rows, date="found_at", kind=COUNT, place=PLACE),
    records=found_records,
    order=10,
)
RISKS_CONFIRMED = Figure(
    SUBJECT,
    "risks_confirmed",
    label=_("Discretion risks confirmed"),
    definition=_(
        "The number of risk flags a legal reviewer found real — reviewed as confirmed or "
        "corrected — on a local date in the period (confirmed_at: the first such review; a "
        "flag confirmed and later corrected counts once, when it was confirmed). Flags "
        "explained (the fine stands) or no longer found are not counted. The review date "
        "decides the period; the case's place decides the region."
    ),
    unit=_("flags"),
    measure=Measure(rows=confirmed_rows, date="confirmed_at", kind=COUNT, place=PLACE),
    records=confirmed_records,
    order=20,
)
LOSSES_RECOVERED = Figure(
    SUBJECT,
    "losses_recovered",
    label=_("Losses avoided or recovered"),
    definition=_(
        "The report's “减少、挽回经济损失330余万元”: the sum, in yuan, of the amounts "
        "recorded when legal reviewers closed risk flags as corrected (the change of the fine "
        "or the loss recovered, as the reviewer states it) on a local date in the period "
        "(corrected_at). Flags confirmed but not yet corrected add nothing. The correction "
        "date decides the period; the case's place decides the region."
    ),
    unit=_("yuan"),
    measure=Measure(
        rows=corrected_rows,
        date="corrected_at",
        kind=SUM,
        value="amount_corrected",
        place=PLACE,
        digits=2,
    ),
    better="up",
    records=corrected_records,
    order=30,
)

FIGURES = (RISKS_FOUND, RISKS_CONFIRMED, LOSSES_RECOVERED)
SUBJECTS = (Subject(SUBJECT, _("Discretion supervision"), order=55),)


def report(period: Period | None = None, region=None) -> dict:
    return figures.report(SUBJECT, period, region)
