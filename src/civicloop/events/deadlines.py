"""Deadlines per stage, urgency and span, counted on the working calendar.

The event loop's time limits are the county's own rules (the Haiyan model's 分类分级 times),
not statute: the ``DeadlineRule`` table holds them and a county edits them in the admin.
``DEFAULT_RULES`` below are the starting values; the data migration that first wrote them
keeps its own frozen copy, as migrations must.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from civicloop.core.reference_cache import remembered
from civicloop.workcalendar.services import add_working_days, add_working_hours

from .choices import DeadlineStage, DeadlineUnit, Span, Urgency
from .models import DeadlineRule

# stage, urgency, span ("" = any), amount, unit
DEFAULT_RULES = (
    # Judging (研判) within 2 working hours of collection.
    (DeadlineStage.JUDGE, "", "", Decimal("2"), DeadlineUnit.WORKING_HOURS),
    # Accepting: urgent events at once (30 minutes, day and night); general ones the
    # same half day; a coordination order the next working day.
    (DeadlineStage.ACCEPT, Urgency.URGENT, "", Decimal("0.5"), DeadlineUnit.CALENDAR_HOURS),
    (DeadlineStage.ACCEPT, Urgency.GENERAL, "", Decimal("4"), DeadlineUnit.WORKING_HOURS),
    (DeadlineStage.ACCEPT, Urgency.GENERAL, Span.MULTI, Decimal("1"), DeadlineUnit.WORKING_DAYS),
    # Handling: urgent within a day (two when several units must act), general within a
    # working week (two for 多跨 events).
    (DeadlineStage.HANDLE, Urgency.URGENT, Span.SINGLE, Decimal("24"), DeadlineUnit.CALENDAR_HOURS),
    (DeadlineStage.HANDLE, Urgency.URGENT, Span.MULTI, Decimal("48"), DeadlineUnit.CALENDAR_HOURS),
    (DeadlineStage.HANDLE, Urgency.GENERAL, Span.SINGLE, Decimal("5"), DeadlineUnit.WORKING_DAYS),
    (DeadlineStage.HANDLE, Urgency.GENERAL, Span.MULTI, Decimal("10"), DeadlineUnit.WORKING_DAYS),
    # Checking the feedback (核查) the next working day.
    (DeadlineStage.CHECK, "", "", Decimal("1"), DeadlineUnit.WORKING_DAYS),
)


def rule_for(stage: str, *, urgency: str = "", span: str = "") -> DeadlineRule | None:
    """The most specific rule: exact urgency and span, then either, then neither."""
    return remembered(
        ("events.deadline_rule", stage, urgency, span),
        lambda: _most_specific_rule(stage, urgency=urgency, span=span),
    )


def _most_specific_rule(stage: str, *, urgency: str, span: str) -> DeadlineRule | None:
    rules = DeadlineRule.objects.filter(stage=stage, urgency__in=[urgency, ""], span__in=[span, ""])
    best = None
    best_score = -1
    for rule in rules:
        score = (2 if rule.urgency else 0) + (1 if rule.span else 0)
        if (rule.urgency and rule.urgency != urgency) or (rule.span and rule.span != span):
            continue
        if score > best_score:
            best, best_score = rule, score
    return best


def apply_rule(rule: DeadlineRule, start: dt.datetime) -> dt.datetime:
    amount = Decimal(rule.amount)
    if rule.unit == DeadlineUnit.CALENDAR_HOURS:
        return start + dt.timedelta(hours=float(amount))
    if rule.unit == DeadlineUnit.WORKING_HOURS:
        return add_working_hours(start, float(amount))
    return add_working_days(start, int(amount.to_integral_value()))


def deadline(
    stage: str, start: dt.datetime, *, urgency: str = "", span: str = ""
) -> dt.datetime | None:
    rule = rule_for(stage, urgency=urgency, span=span)
    return apply_rule(rule, start) if rule else None


def ensure_default_rules() -> int:
    """Put back any default rule that is missing (a database flush — ``demo --reset`` on
    PostgreSQL, transactional tests — empties the table the data migration filled); rules
    a county changed are left as they are. Returns how many were created."""
    created = 0
    for stage, urgency, span, amount, unit in DEFAULT_RULES:
        _rule, made = DeadlineRule.objects.get_or_create(
            stage=stage, urgency=urgency, span=span, defaults={"amount": amount, "unit": unit}
        )
        created += made
    return created
