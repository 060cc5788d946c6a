"""Who may do what in flexible enforcement (permissions.py), as one matrix — the same answers
the pages, the API and the command line get."""

from __future__ import annotations

from civicloop.leniency.models import AppliedItem, ButlerService, Commitment, CreditRepair
from civicloop.leniency.permissions import (
    butler_units,
    commitment_capacities,
    may_maintain_list,
    may_record_circumstances,
    may_see_enterprise,
    may_serve_commitment_notice,
    repair_capacities,
)

from .helpers import enterprise_story

USERS = [
    "centre",
    "leader",
    "wuyuan_leader",
    "wuyuan_officer",
    "wuyuan_officer2",
    "wuyuan_dispatcher",
    "ganpu_officer",
    "ganpu_dispatcher",
    "dept_officer",
    "grid_worker",
    "legal_reviewer",
    "outsider",
]

# user: (maintains list, circumstances/notice on the 武原 case, commitment caps, repair caps,
#        records butler services, sees the enterprise, sees (the commitment, the repair, the applied item))
# The legal reviewer reviewed the decided cases (the exemption, the penalty) but not the case
# of the commitment: they see what follows the cases given to them.
EXPECTED = {
    "centre": (True, False, set(), set(), False, True, (True, True, True)),
    "leader": (True, False, set(), {"responsible"}, False, True, (True, True, True)),
    "wuyuan_leader": (False, False, set(), {"responsible"}, False, True, (True, True, True)),
    "wuyuan_officer": (
        False,
        True,
        {"handler", "unit_officer"},
        {"unit_officer"},
        True,
        True,
        (True, True, True),
    ),
    "wuyuan_officer2": (
        False,
        True,
        {"handler", "unit_officer"},
        {"unit_officer"},
        True,
        True,
        (True, True, True),
    ),
    "wuyuan_dispatcher": (False, False, set(), set(), False, True, (True, True, True)),
    "ganpu_officer": (False, False, set(), set(), True, True, (False, False, False)),
    "ganpu_dispatcher": (False, False, set(), set(), False, True, (False, False, False)),
    "dept_officer": (False, False, set(), set(), True, False, (False, False, False)),
    "grid_worker": (False, False, set(), set(), False, False, (False, False, False)),
    "legal_reviewer": (False, False, set(), set(), False, True, (False, True, True)),
    "outsider": (False, False, set(), set(), False, False, (False, False, False)),
}


def test_the_permission_matrix(lw):
    cw = lw
    story = enterprise_story(cw)
    case, commitment, repair = story["noticed"], story["commitment"], story["repair"]
    found = {}
    for name in USERS:
        user = cw.users[name]
        sees = (
            Commitment.objects.visible_to(user).filter(pk=commitment.pk).exists(),
            CreditRepair.objects.visible_to(user).filter(pk=repair.pk).exists(),
            AppliedItem.objects.visible_to(user).filter(case=story["exempted"]).exists(),
        )
        found[name] = (
            may_maintain_list(user),
            may_record_circumstances(user, case) and may_serve_commitment_notice(user, case),
            set(commitment_capacities(user, commitment)),
            set(repair_capacities(user, repair)),
            bool(butler_units(user)),
            may_see_enterprise(user, cw.enterprise),
            sees,
        )
    assert found == EXPECTED


def test_a_decided_case_takes_no_more_circumstances_and_a_withdrawn_one_no_notice(lw):
    cw = lw
    story = enterprise_story(cw)
    assert not may_record_circumstances(cw.wuyuan_officer, story["exempted"])
    assert may_serve_commitment_notice(cw.wuyuan_officer, story["exempted"])


def test_butler_services_are_seen_by_their_units_scope_and_the_county(lw):
    cw = lw
    story = enterprise_story(cw)
    seen = {
        name
        for name in USERS
        if ButlerService.objects.visible_to(cw.users[name]).filter(pk=story["service"].pk).exists()
    }
    assert seen == {
        "centre",
        "leader",
        "wuyuan_leader",
        "wuyuan_officer",
        "wuyuan_officer2",
        "wuyuan_dispatcher",
    }
