"""Time limits of a case, counted as the law states them (the sweep that warns before
they expire is ``services.deadline_warnings.sweep_case_deadlines``).

Counting (docs/cases.md):

* the day a period starts from is not counted;
* **working days** — the Law's "二日, 三日, 五日, 七日" (Art. 85: working days, statutory
  holidays excluded) — are counted on the statutory calendar (``workcalendar``), make-up
  working days (调休) included;
* **natural days** (Art. 60's ninety days, Art. 67's fifteen) end on the last day; when
  that day is not a working day the period ends on the next working day (the rule of
  the Civil Procedure Law on periods, applied to administrative procedure);
* a period ends at the end of its last day (23:59:59 local time).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.workcalendar.services import add_working_days, is_workday

from .choices import Counting
from .models import Case, CaseDeadline
from .rules import TIME_LIMITS

logger = logging.getLogger(__name__)

END_OF_DAY = dt.time(23, 59, 59)


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, END_OF_DAY), timezone.get_current_timezone()
    )


def last_day(start: dt.datetime, amount: int, counting: str) -> dt.date:
    """The last day of a period of ``amount`` days counted from ``start`` (not counted)."""
    if counting == Counting.WORKING_DAYS:
        return timezone.localtime(add_working_days(start, amount)).date()
    day = timezone.localtime(start).date() + dt.timedelta(days=amount)
    guard = 0
    while not is_workday(day) and guard < 40:
        day += dt.timedelta(days=1)
        guard += 1
    return day


def due_at(start: dt.datetime, amount: int, counting: str) -> dt.datetime:
    return _end_of(last_day(start, amount, counting))


def rule(kind: str) -> tuple[int, str, str]:
    """The length, counting and stated basis of a kind of time limit (``rules.TIME_LIMITS``)."""
    limit = TIME_LIMITS[kind]
    return limit.length, limit.counting, limit.describe()


def open_deadline(
    case: Case,
    kind: str,
    start: dt.datetime,
    *,
    amount: int | None = None,
    basis: str | None = None,
    extension=None,
) -> CaseDeadline:
    """Start a time limit (ending any active one of the same kind: it is superseded)."""
    length, counting, default_basis = rule(kind)
    amount = length if amount is None else amount
    case.deadlines.filter(kind=kind, is_active=True).update(is_active=False)
    return CaseDeadline.objects.create(
        case=case,
        kind=kind,
        starts_at=start,
        amount=amount,
        counting=counting,
        due_at=due_at(start, amount, counting),
        basis=basis or default_basis,
        extension=extension,
    )


def extend_deadline(case: Case, kind: str, *, days: int, extension) -> CaseDeadline | None:
    """Move an active deadline later by ``days`` natural days (an approved extension)."""
    current = case.active_deadline(kind)
    if current is None:
        return None
    current.is_active = False
    current.save(update_fields=["is_active"])
    end = current.due_at
    new_due = _end_of(last_day(end, days, Counting.NATURAL_DAYS))
    return CaseDeadline.objects.create(
        case=case,
        kind=kind,
        starts_at=end,
        amount=days,
        counting=Counting.NATURAL_DAYS,
        due_at=new_due,
        basis=str(
            _("Extended by %(n)d days: %(basis)s") % {"n": days, "basis": extension.legal_basis}
        ),
        extension=extension,
    )


def meet_deadlines(case: Case, *kinds: str, at: dt.datetime | None = None) -> None:
    at = at or timezone.now()
    case.deadlines.filter(kind__in=kinds, is_active=True, met_at__isnull=True).update(met_at=at)


def end_deadlines(case: Case) -> None:
    """A withdrawn or closed case has no running limits."""
    case.deadlines.filter(is_active=True, met_at__isnull=True).update(is_active=False)
