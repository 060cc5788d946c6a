"""The supervision rules a county may change: ranking weights, the red and black lists, the
thresholds that suggest a 约谈, its escalation steps and the field-visit duty.

``settings.CIVICLOOP_SUPERVISION`` (a dict) overrides any key of :data:`DEFAULTS`; the values
are read on every call, so tests change them with the ``settings`` fixture.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EscalationStep:
    """Who holds a 约谈 at one step: the first time a unit is summoned, the second month
    running, … (the last step repeats). ``county_only``: only a county-wide leader holds it."""

    key: str
    body: str | Promise
    county_only: bool = False


DEFAULTS: dict = {
    # Deductions from 100 points (see ranking.py).
    "weights": {
        "overdue_rate": 40,  # × the share of work due in the month that was late
        "dissatisfied_rate": 20,  # × the share of ratings not satisfied
        "return": 3,  # per return (回退) of an event
        "repeated_return": 10,  # per event returned repeatedly (推诿扯皮)
        "rework": 5,  # per rework (failed check or dissatisfied rating)
    },
    # A unit is ranked when it had any work in the month.
    "red_list_size": 3,
    "red_list_min_score": 90,
    "black_list_size": 3,
    "black_list_max_score": 80,
    # 约谈 suggestions.
    "black_list_months": 2,  # on the black list this many months running
    "repeated_returns": 2,  # the same event returned this many times by one unit
    "overdue_rate": 0.5,  # overdue rate at or above this (None: not a rule) …
    "overdue_rate_min_due": 3,  # … with at least this much work due
    "escalation": (
        EscalationStep("leader_in_charge", _("the leader in charge (分管领导)")),
        EscalationStep(
            "higher_body", _("the county party committee and government (县委县政府)"), True
        ),
    ),
    # Every leader makes at least this many field visits a month.
    "field_visits_per_month": 1,
    # The follow-up check of a 约谈 is due this many days after it is held.
    "follow_up_days": 30,
}


def get(key: str):
    overrides = getattr(settings, "CIVICLOOP_SUPERVISION", None) or {}
    if key == "weights":
        return {**DEFAULTS["weights"], **overrides.get("weights", {})}
    return overrides.get(key, DEFAULTS[key])


def escalation_steps() -> tuple[EscalationStep, ...]:
    steps = tuple(get("escalation"))
    return steps or DEFAULTS["escalation"]


def escalation_step(number: int) -> EscalationStep:
    """Step ``number`` (1 = the first time); past the last step, the last."""
    steps = escalation_steps()
    return steps[min(max(number, 1), len(steps)) - 1]
