import datetime as dt

import pytest

from civicloop.core.figures import Period, figures
from civicloop.supervision import services
from civicloop.supervision.choices import SummonsState, VisitKind
from civicloop.testing.cases import at, local

MARCH = Period.month(2026, 3)
pytestmark = pytest.mark.django_db


def _value(name, period=MARCH, region=None):
    return figures.get(f"supervision.{name}").value(period, region)


def test_meetings_and_visits_are_counted_in_their_month_and_place(sv, groups):
    county, town = groups
    services.record_meeting(
        by=sv.leader, group=county, title="全县会", held_on=dt.date(2026, 3, 31)
    )
    services.record_meeting(by=sv.leader, group=town, title="镇会", held_on=dt.date(2026, 4, 1))
    for kind, day in ((VisitKind.FIELD, 1), (VisitKind.FIELD, 31), (VisitKind.STUDY, 15)):
        services.record_visit(
            by=sv.wuyuan_leader,
            kind=kind,
            group=town,
            leader=sv.wuyuan_leader,
            visited_on=dt.date(2026, 3, day),
            place="武原",
            purpose="督导",
        )
    assert _value("meetings") == 1
    assert _value("meetings", region=sv.wuyuan) == 0
    assert (_value("field_visits"), _value("study_visits")) == (2, 1)
    assert _value("field_visits", region=sv.ganpu) == 0
    # March has ended by April: the county leader made none, the town leader two.
    with at(dt.datetime(2026, 4, 2, 9)):
        assert _value("leaders_below_field_duty") == 1
        assert _value("leaders_below_field_duty", region=sv.wuyuan) == 0
        assert _value("leaders_below_field_duty", Period.month(2026, 4)) == 0


def test_summonses_held_and_their_follow_up_results_are_counted(sv):
    with at(dt.datetime(2026, 3, 20, 9)):
        summons = services.record_summons(
            by=sv.leader, unit=sv.wuyuan_squad, month=dt.date(2026, 3, 1), reason="推诿"
        )
        services.schedule_summons(
            summons, by=sv.leader, scheduled_for=local(dt.datetime(2026, 3, 20, 8)), place="县府"
        )
        services.hold_summons(
            summons,
            by=sv.leader,
            held_at=local(dt.datetime(2026, 3, 20, 8)),
            attendees="王某",
            commitments="整改",
        )
    with at(dt.datetime(2026, 4, 25, 9)):
        services.follow_up_summons(summons, by=sv.leader, improved=False, notes="仍有超期")
    assert _value("summons_suggested") == 1
    assert _value("summons_held") == 1
    assert _value("summons_held", region=sv.ganpu) == 0
    april = _value("summons_follow_up", Period.month(2026, 4))
    assert april == {SummonsState.IMPROVED: 0, SummonsState.NOT_IMPROVED: 1}
    assert "supervision" in figures.subjects()
