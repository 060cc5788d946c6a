"""Deadlines per stage, urgency and span, counted on the working calendar."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from civicloop.core.reference_cache import remembered
from civicloop.workcalendar.services import add_working_days, add_working_hours

from .choices import DeadlineUnit
from .models import DeadlineRule


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


def ensure_default_rules() -> None:
    """Put back the default rules written by the data migration (a database flush —
    ``demo --reset`` on PostgreSQL, transactional tests — empties that table too)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("civicloop.events.migrations.0003_default_deadline_rules")
    migration.add_defaults(apps, None)
