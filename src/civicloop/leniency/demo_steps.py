"""Flexible enforcement's steps of ``civicloop demo`` (registered in ``LeniencyConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from civicloop.cases.demo_steps import MORE_PLANS
from civicloop.core.registry import DemoContext

from .demo import case_plans, load_demo_items, summary


def items(context: DemoContext) -> None:
    """Load the 一免一减 list, and hand the case demo the cases that apply it."""
    load_demo_items()
    context.shared.setdefault(MORE_PLANS, []).append(case_plans)


def flexible_enforcement(context: DemoContext) -> None:
    flexible = summary()
    context.say(
        _(
            "Flexible enforcement: %(items)d list items, %(applied)d applied in decisions, "
            "%(commitments)d commitments, %(repairs)d credit repairs, %(services)d butler services."
        )
        % {
            "items": flexible.items,
            "applied": flexible.applied,
            "commitments": sum(flexible.commitments.values()),
            "repairs": sum(flexible.repairs.values()),
            "services": flexible.services,
        }
    )
