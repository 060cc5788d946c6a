import pytest
from django.utils import timezone

from civicloop.core.registry import DemoContext
from civicloop.supervision.choices import SummonsState
from civicloop.supervision.demo import load
from civicloop.supervision.models import (
    ActionItem,
    LeadGroup,
    Meeting,
    Summons,
    Visit,
    month_start,
    previous_month,
)

from . import records

pytestmark = pytest.mark.django_db


def test_the_demo_step_loads_groups_meetings_visits_and_a_summons_followed_up(world):
    records.left_overdue(world, previous_month(previous_month(month_start(timezone.localdate()))))
    said = []
    context = DemoContext(
        events=0, seed=1, say=said.append, skip=said.append, warn=said.append, detail=said.append
    )
    load(context)
    assert LeadGroup.objects.count() == 2 and Meeting.objects.count() == 2
    assert ActionItem.objects.filter(state="done").count() == 1
    assert Visit.objects.filter(kind="field").count() == 8
    assert Summons.objects.filter(state=SummonsState.IMPROVED).count() == 1
    assert "town_leader" in [login.username for login in context.logins]
    assert len(said) == 1
