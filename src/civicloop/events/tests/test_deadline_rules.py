from decimal import Decimal

import pytest

from civicloop.events.deadlines import DEFAULT_RULES, ensure_default_rules, rule_for
from civicloop.events.models import DeadlineRule

pytestmark = pytest.mark.django_db


def _rules():
    return set(DeadlineRule.objects.values_list("stage", "urgency", "span", "amount", "unit"))


def test_restoring_the_defaults_after_a_flush_gives_the_rules_of_a_fresh_install():
    # The data migration filled the table; the runtime defaults must say the same.
    installed = _rules()
    assert installed == {tuple(row) for row in DEFAULT_RULES}
    DeadlineRule.objects.all().delete()
    assert ensure_default_rules() == len(DEFAULT_RULES)
    assert _rules() == installed


def test_restoring_the_defaults_keeps_a_rule_the_county_changed():
    rule = rule_for("handle", urgency="general", span="single")
    rule.amount = Decimal("3")
    rule.save()
    assert ensure_default_rules() == 0
    assert rule_for("handle", urgency="general", span="single").amount == Decimal("3")
