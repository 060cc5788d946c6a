"""情节认定: the circumstances of a case (harm, correction, amount) the evaluation reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.inputs import clean_text as _text
from civicloop.core.inputs import not_future as _not_future
from civicloop.core.transitions import lock, record
from civicloop.org.models import User

from ..choices import (
    Harm,
)
from ..models import (
    CaseCircumstances,
    CaseCircumstancesHistory,
)
from ..permissions import (
    may_record_circumstances,
)
from .base import _day, _money


@dataclass
class CircumstancesData:
    harm: str = ""
    correction_ordered_on: dt.date | None = None
    correction_due_on: dt.date | None = None
    corrected_on: dt.date | None = None
    amount_involved: Decimal | None = None
    earlier_records_checked: bool = False
    note: str = ""


def _lock_case(case):
    return lock(case, related=("handling_unit__region",))


@transaction.atomic
def record_circumstances(case, *, by: User, data: CircumstancesData) -> CaseCircumstances:
    """情节认定: what the handlers find about harm, correction and the amount involved, before the
    decision. The evaluation of the 一免一减 items reads it."""
    case = _lock_case(case)
    if not may_record_circumstances(by, case):
        raise NotPermitted(_("The case's handlers record its circumstances, before the decision."))
    if data.harm and data.harm not in Harm.values:
        raise InvalidInput(_("Choose the harmful consequence."), field="harm")
    for name in ("correction_ordered_on", "corrected_on"):
        _not_future(getattr(data, name), field=name)
    if data.correction_ordered_on and data.correction_ordered_on < case.violation_date:
        raise InvalidInput(
            _("A correction is ordered after the violation."), field="correction_ordered_on"
        )
    if (
        data.correction_due_on
        and data.correction_ordered_on
        and data.correction_due_on < data.correction_ordered_on
    ):
        raise InvalidInput(
            _("The time for the correction ends after the order."), field="correction_due_on"
        )
    if data.correction_due_on and not data.correction_ordered_on:
        raise InvalidInput(
            _("Give the day the correction was ordered."), field="correction_ordered_on"
        )
    if data.corrected_on and data.corrected_on < case.violation_date:
        raise InvalidInput(_("A correction comes after the violation."), field="corrected_on")
    amount = _money(data.amount_involved, field="amount_involved")
    note = _text(data.note, field="note", max_length=2000)
    values = {
        "harm": data.harm,
        "correction_ordered_on": data.correction_ordered_on,
        "correction_due_on": data.correction_due_on,
        "corrected_on": data.corrected_on,
        "amount_involved": amount,
        "earlier_records_checked": bool(data.earlier_records_checked),
        "note": note,
    }
    now = timezone.now()
    circumstances, created = CaseCircumstances.objects.get_or_create(
        case=case, defaults={**values, "updated_at": now, "updated_by": by}
    )
    if not created:
        changed = [k for k, v in values.items() if getattr(circumstances, k) != v]
        if not changed:
            raise InvalidInput(_("Nothing was changed."))
        for key, value in values.items():
            setattr(circumstances, key, value)
        circumstances.updated_at, circumstances.updated_by = now, by
        circumstances.save()
    record(
        CaseCircumstancesHistory,
        circumstances,
        "record",
        by=by,
        at=now,
        details={
            k: (_day(v) if isinstance(v, dt.date) else str(v) if isinstance(v, Decimal) else v)
            for k, v in values.items()
        },
    )
    return circumstances
