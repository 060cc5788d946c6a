import datetime as dt

import pytest

from civicloop.org.choices import Role, UnitKind
from civicloop.supervision import services
from civicloop.testing.factories import PostFactory, UnitFactory, UserFactory

from . import records


@pytest.fixture
def sv(world):
    """The world with a town leader of 武原 (a town leadership unit) next to the county leader."""
    leadership = UnitFactory(
        code="330424001-leadership",
        name="武原街道双牵头领导小组",
        kind=UnitKind.LEADERSHIP,
        region=world.wuyuan,
    )
    leader = UserFactory(username="wuyuan_leader", full_name="武原领导")
    PostFactory(user=leader, unit=leadership, role=Role.LEADER)
    world.users["wuyuan_leader"] = leader
    world.wuyuan_leadership = leadership
    return world


@pytest.fixture
def march(sv):
    """March 2026: 武原's squad leaves work overdue and returns one event twice; 澉浦's squad
    finishes on time with a satisfied rating (records.py)."""
    return records.bad_and_good_month(sv, dt.date(2026, 3, 1))


@pytest.fixture
def groups(sv):
    county = services.create_group(
        by=sv.leader,
        name="县社会治理双牵头领导小组",
        region=sv.county,
        party_lead=sv.leader,
        government_lead=sv.wuyuan_leader,
    )
    town = services.create_group(
        by=sv.wuyuan_leader,
        name="武原街道双牵头领导小组",
        region=sv.wuyuan,
        party_lead=sv.wuyuan_leader,
        government_lead=sv.leader,
    )
    return county, town
