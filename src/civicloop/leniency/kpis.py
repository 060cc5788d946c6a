"""Figures of flexible enforcement (柔性执法), subject ``leniency`` — the report's “累计完成
‘一免一减’事项38项 … 开展信用修复20余家”. ``LeniencyConfig.ready()`` registers :data:`FIGURES`.

The size of the list (``list_items``), the items used (``items_used``) and the enterprises whose
credit was repaired (``repaired_enterprises``) are stock or distinct counts: computed from records.
The applications of items (``items_applied``) and the repairs approved (``repairs_approved``) are
additive measures. Applications and repairs are placed where their case is
(``Case.objects.with_place()``).

Two of them are also reported under ``cases`` by their old names, for ``civicloop kpi cases`` and
``/api/case-figures/`` (not as cockpit cards: the leniency ones are):
``cases.leniency_items`` = ``items_applied`` and ``cases.credit_repairs`` = ``repaired_enterprises``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.cases.kpis import SUBJECT as CASES
from civicloop.core.figures import COUNT, Figure, Measure, Period, Subject, figures

from .choices import RepairState
from .models import AppliedItem, CreditRepair, LeniencyItem

SUBJECT = "leniency"
PLACE = "place_code"


def _placed(queryset):
    """Rows of a case's record, annotated with the case's place (``Case.objects.with_place``)."""
    return queryset.annotate(
        place_code=Coalesce("case__region__code", "case__handling_unit__region__code")
    )


def applied_rows():
    return _placed(AppliedItem.objects.all())


def repaired_rows():
    return _placed(CreditRepair.objects.filter(state=RepairState.REPAIRED))


def _in(queryset, period: Period, date: str, region):
    start, end = period.moments()
    if start is not None:
        queryset = queryset.filter(**{f"{date}__gte": start})
    if end is not None:
        queryset = queryset.filter(**{f"{date}__lt": end})
    if region is not None:
        queryset = queryset.filter(place_code__startswith=region.prefix)
    return queryset


def list_day(period: Period):
    """The day the size of the list is read: the period's last day (today when open)."""
    return period.end or timezone.localdate()


# --- computed figures -------------------------------------------------------------------------


def list_items(period: Period, region=None) -> int:
    """Items with a version in force on the period's last day. The list is the county's: every
    town works under the same list, so a region sees the county's number."""
    return LeniencyItem.objects.listed_on(list_day(period)).count()


def items_used(period: Period, region=None) -> int:
    rows = _in(applied_rows(), period, "case__decided_at", region)
    return rows.values("item").distinct().count()


def repaired_enterprises(period: Period, region=None) -> int:
    rows = _in(repaired_rows(), period, "repaired_at", region)
    return rows.values("party").distinct().count()


# --- drill-downs --------------------------------------------------------------------------------


def _url(name: str, params: dict, region=None) -> str:
    if region is not None:
        params["region"] = region.code
    return f"{reverse(name)}?{urlencode(params, doseq=True)}"


def _dates(period: Period, prefix: str) -> dict:
    params = {}
    if period.start:
        params[f"{prefix}_after"] = period.start.isoformat()
    if period.end:
        params[f"{prefix}_before"] = period.end.isoformat()
    return params


def list_records(period: Period, region=None) -> str:
    return _url("leniency:items", {"listed_on": list_day(period).isoformat()})


def used_records(period: Period, region=None) -> str:
    return _url("leniency:items", _dates(period, "applied"), region)


def applied_records(period: Period, region=None) -> str:
    return _url("leniency:applied", _dates(period, "decided"), region)


def repaired_records(period: Period, region=None) -> str:
    return _url(
        "leniency:repairs", {"state": RepairState.REPAIRED, **_dates(period, "repaired")}, region
    )


# --- the figures --------------------------------------------------------------------------------

ITEMS_APPLIED_DEFINITION = _(
    "The number of applications of “一免一减” items in penalty decisions made (the case's "
    "decided_at) on a local date in the period: one per item and decision (the applied-item "
    "record fixed at the decision), so a decision applying two items counts two. An item only "
    "evaluated as applying, or refused, is not counted. The decision date decides the period, "
    "not the item's version; the case's place (the place of the violation, else the handling "
    "unit's area) decides the region."
)
REPAIRED_ENTERPRISES_DEFINITION = _(
    "The report's “开展信用修复20余家”: the number of distinct enterprises (parties) with at "
    "least one credit repair approved (state repaired, repaired_at) on a local date in the "
    "period — an enterprise with two repaired penalties counts once. Repairs only found by the "
    "sweep, applied for, checked or refused are not counted. Not additive: a county's number "
    "is not the sum of its towns' when an enterprise was repaired in two towns. The approval "
    "date decides the period; the case's place decides the region."
)

LIST_ITEMS = Figure(
    SUBJECT,
    "list_items",
    label=_("Items on the “一免一减” list"),
    definition=_(
        "The report's “累计完成‘一免一减’事项38项”: the number of items on the “一免一减” list "
        "(首违不罚, 减轻, 从轻) with a version in force on the period's last day (today for an "
        "open period), whether or not they were applied. An item taken off the list counts until the "
        "last day of its last version. The list is the county's: every town works under the "
        "same list, so a town sees the county's number."
    ),
    unit=_("items"),
    compute=list_items,
    better="up",
    records=list_records,
    order=10,
)
ITEMS_APPLIED = Figure(
    SUBJECT,
    "items_applied",
    label=_("“一免一减” items applied"),
    definition=ITEMS_APPLIED_DEFINITION,
    unit=_("applications"),
    measure=Measure(rows=applied_rows, date="case__decided_at", kind=COUNT, place=PLACE),
    better="up",
    records=applied_records,
    order=20,
)
ITEMS_USED = Figure(
    SUBJECT,
    "items_used",
    label=_("List items used"),
    definition=_(
        "The number of distinct “一免一减” items applied at least once in penalty decisions made "
        "(the case's decided_at) on a local date in the period — how much of the list is used. "
        "Not additive (an item used in two towns counts once for the county). The decision "
        "date decides the period; the case's place decides the region."
    ),
    unit=_("items"),
    compute=items_used,
    better="up",
    records=used_records,
    order=30,
)
REPAIRED_ENTERPRISES = Figure(
    SUBJECT,
    "repaired_enterprises",
    label=_("Enterprises with credit repaired"),
    definition=REPAIRED_ENTERPRISES_DEFINITION,
    unit=_("enterprises"),
    compute=repaired_enterprises,
    better="up",
    records=repaired_records,
    order=40,
)
REPAIRS_APPROVED = Figure(
    SUBJECT,
    "repairs_approved",
    label=_("Credit repairs approved"),
    definition=_(
        "The number of credit repairs approved (state repaired, repaired_at) on a local date "
        "in the period: one per published penalty of an enterprise, so an enterprise with two "
        "repaired penalties counts two. Repairs only found, applied for, checked or refused are "
        "not counted. The approval date decides the period; the case's place decides the "
        "region."
    ),
    unit=_("repairs"),
    measure=Measure(rows=repaired_rows, date="repaired_at", kind=COUNT, place=PLACE),
    better="up",
    records=repaired_records,
    order=50,
)


def leniency_items(period: Period, region=None) -> int:
    return ITEMS_APPLIED.value(period, region)


def credit_repairs(period: Period, region=None) -> int:
    return REPAIRED_ENTERPRISES.value(period, region)


FIGURES = (
    LIST_ITEMS,
    ITEMS_APPLIED,
    ITEMS_USED,
    REPAIRED_ENTERPRISES,
    REPAIRS_APPROVED,
    # The penalty cases' reports have always shown these two; the cockpit shows the leniency
    # subject's instead, so they are not cards of their own.
    Figure(
        CASES,
        "leniency_items",
        label=_("“一免一减” items applied"),
        definition=ITEMS_APPLIED_DEFINITION,
        unit=_("applications"),
        compute=leniency_items,
        better="up",
        records=applied_records,
        cockpit=False,
        order=50,
    ),
    Figure(
        CASES,
        "credit_repairs",
        label=_("Enterprises with credit repaired"),
        definition=REPAIRED_ENTERPRISES_DEFINITION,
        unit=_("enterprises"),
        compute=credit_repairs,
        better="up",
        records=repaired_records,
        cockpit=False,
        order=60,
    ),
)


def report(period: Period | None = None, region=None) -> dict:
    return figures.report(SUBJECT, period, region)


SUBJECTS = (Subject("leniency", _("Leniency and credit repair"), order=50),)
