"""Who may do what in flexible enforcement — the whole permission model, stated once.

* **the "一免一减" list** — every signed-in member of staff reads it (it is published); the
  county (county centre operators, county leaders — as for the matter catalog) maintains
  it: new items, new versions, withdrawal, Excel import;
* **circumstances of a case** (情节认定) — recorded by the case's handlers before the decision;
* **applying items** — part of the decision, so the responsible person who decides
  (``cases.permissions``), refused when an item does not apply;
* **notice and commitment** — served by the case's handlers; the commitment, the refusal and
  the follow-up check are recorded by the handlers or any officer of the handling unit
  (capacities ``handler``, ``unit_officer``); the worker marks the check due (``system``);
* **credit repair** — opened by the worker's sweep; the handling unit's officers record
  telling the enterprise, the application and the materials check (``unit_officer``); the
  responsible person for that unit approves or refuses (``responsible``);
* **butler services** — recorded by officers of a squad or department for their unit;
* **seeing** — commitments, applied items and repairs follow the case
  (``Case.objects.visible_to``); butler services follow the unit's scope
  (``ButlerService.objects.visible_to``); the enterprise page shows an enterprise to whoever
  sees one of its cases or services, each section filtered the same way; the county sees all.
"""

from __future__ import annotations

from civicloop.cases.choices import UNDECIDED_STATES, CaseState
from civicloop.cases.permissions import capacities as case_capacities
from civicloop.cases.permissions import is_responsible_for, is_unit_officer, officer_units
from civicloop.matters.permissions import is_county
from civicloop.org.scope import scope_of
from civicloop.parties.models import Party

from .models import ButlerService


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def may_maintain_list(user) -> bool:
    return _authenticated(user) and (user.is_superuser or is_county(user))


def may_record_circumstances(user, case) -> bool:
    return case.state in UNDECIDED_STATES and "handler" in case_capacities(user, case)


def may_serve_commitment_notice(user, case) -> bool:

    return case.state != CaseState.WITHDRAWN and "handler" in case_capacities(user, case)


def commitment_capacities(user, commitment) -> frozenset[str]:
    if not _authenticated(user):
        return frozenset()
    caps = set()
    if commitment.case.handlers.filter(user=user).exists():
        caps.add("handler")
    if is_unit_officer(user, commitment.handling_unit):
        caps.add("unit_officer")
    return frozenset(caps)


def repair_capacities(user, repair) -> frozenset[str]:
    if not _authenticated(user):
        return frozenset()
    caps = set()
    if is_unit_officer(user, repair.handling_unit):
        caps.add("unit_officer")
    if is_responsible_for(user, repair.handling_unit):
        caps.add("responsible")
    return frozenset(caps)


def butler_units(user) -> list:
    """The units for which ``user`` records butler services."""
    return officer_units(user)


def sees_everything(user) -> bool:
    return _authenticated(user) and scope_of(user).everything


def may_see_enterprise(user, party) -> bool:
    """Whoever sees one of the enterprise's cases, or one of its butler services (or recorded
    the party); the county sees every enterprise."""

    if not _authenticated(user) or party.is_person:
        return False
    if sees_everything(user):
        return True
    return (
        Party.objects.visible_to(user).filter(pk=party.pk).exists()
        or ButlerService.objects.visible_to(user).filter(party=party).exists()
    )
