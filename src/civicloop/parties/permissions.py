"""Who may record parties and who may see their unmasked personal data.

* **record** a party: enforcement officers of a squad or department (they file the
  cases), and administrators;
* **reveal** (unmasked, logged): whoever needs to reach the party for a case — the
  case's handlers and the officers of its handling unit, the responsible person who
  approves it, the reviewers assigned to it — and the person who recorded the party.

Seeing a party masked follows the cases: ``Party.objects.visible_to(user)``.
"""

from __future__ import annotations

from civicloop.org.choices import Role, UnitKind

from .links import party_links

OFFICER_ROLES = frozenset({Role.ENFORCEMENT_OFFICER, Role.DEPARTMENT_OFFICER})
CASE_UNIT_KINDS = frozenset({UnitKind.SQUAD, UnitKind.DEPARTMENT})


def may_record_parties(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(
        p.role in OFFICER_ROLES and p.unit.kind in CASE_UNIT_KINDS for p in user.cached_posts()
    )


def may_reveal(user, party) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if party.created_by_id is not None and party.created_by_id == user.pk:
        return True
    return any(links.may_reveal(user, party) for links in party_links)


def may_correct(user, party) -> bool:
    """Correcting a party's details: those who may reveal them and may record parties."""
    return may_record_parties(user) and may_reveal(user, party)
