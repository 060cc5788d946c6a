"""`civicloop demo` plays flexible enforcement through the services: the demo list with its 2026
revision, items applied, commitments in every state (a broken one reopened as an event), credit
repairs in every state and butler services — and no step is refused."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from civicloop.events.demo import ESSENTIAL
from civicloop.leniency.choices import CommitmentState, RepairState
from civicloop.leniency.models import (
    AppliedItem,
    ButlerService,
    Commitment,
    CreditRepair,
    LeniencyItem,
    LeniencyItemVersion,
)


@pytest.fixture
def demo_output(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("demo", events=len(ESSENTIAL) + 4, seed=7, language="en", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_demo_plays_every_flexible_enforcement_path(demo_output):
    _out, err = demo_output
    assert "Demo step skipped" not in err
    assert LeniencyItem.objects.count() == 38
    assert LeniencyItemVersion.objects.filter(number=2).count() == 2
    assert AppliedItem.objects.exists()
    states = set(Commitment.objects.values_list("state", flat=True))
    assert {CommitmentState.KEPT, CommitmentState.BROKEN, CommitmentState.NOTIFIED} <= states
    broken = Commitment.objects.filter(state=CommitmentState.BROKEN).first()
    assert broken.reopened_event is not None
    assert set(CreditRepair.objects.values_list("state", flat=True)) >= {
        RepairState.REPAIRED,
        RepairState.REFUSED,
    }
    assert ButlerService.objects.exists()
    for commitment in Commitment.objects.all():
        rows = list(commitment.history.order_by("at", "id"))
        assert rows[-1].to_state == commitment.state
        for before, after in zip(rows, rows[1:], strict=False):
            assert after.from_state == before.to_state and after.at >= before.at
