"""An enterprise's history on one page (and over the API): by its unified social credit code,
everything the viewer's scope covers — cases (stage, decision, amount), exemptions and
reductions applied, commitments and their follow-ups, no-penalty decisions, credit repairs,
butler services. Each part is filtered by the same scope as its own list; the county sees all.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from civicloop.cases.choices import Outcome, PartyRole
from civicloop.cases.models import Case, CaseMatter
from civicloop.core.identifiers import normalise_credit_code
from civicloop.parties.choices import PartyKind
from civicloop.parties.models import Party

from .models import AppliedItem, ButlerService, Commitment, CreditRepair
from .permissions import may_see_enterprise, sees_everything


def find_enterprise(user, credit_code: str) -> Party | None:
    """The enterprise with this code, if ``user`` may see it (None otherwise: a 404)."""
    code = normalise_credit_code(credit_code or "")
    party = (
        Party.objects.filter(kind=PartyKind.ORGANISATION, credit_code=code).first()
        if code
        else None
    )
    if party is None or not may_see_enterprise(user, party):
        return None
    return party


@dataclass
class EnterpriseHistory:
    party: Party
    complete: bool  # the viewer sees everything (the county)
    cases: list
    applied: list
    commitments: list
    no_penalty: list
    repairs: list
    services: list

    @property
    def counts(self) -> dict[str, int]:
        return {
            "cases": len(self.cases),
            "applied_items": len(self.applied),
            "commitments": len(self.commitments),
            "no_penalty_decisions": len(self.no_penalty),
            "credit_repairs": len(self.repairs),
            "butler_services": len(self.services),
        }


def enterprise_history(party: Party, user) -> EnterpriseHistory:
    cases = list(
        Case.objects.visible_to(user)
        .filter(party_links__party=party, party_links__role=PartyRole.PARTY)
        .distinct()
        .select_related("handling_unit")
        .prefetch_related(
            Prefetch("matter_links", queryset=CaseMatter.objects.select_related("matter"))
        )
        .order_by("-filed_at", "-id")
    )
    case_ids = [c.pk for c in cases]
    applied = list(
        AppliedItem.objects.filter(case_id__in=case_ids)
        .select_related("case", "item__matter", "version")
        .order_by("-applied_at")
    )
    commitments = list(
        Commitment.objects.visible_to(user)
        .filter(party=party)
        .select_related("case", "matter", "handling_unit", "reopened_event")
        .order_by("-notice_served_at", "-id")
    )
    repairs = list(
        CreditRepair.objects.visible_to(user)
        .filter(party=party)
        .select_related("case", "handling_unit")
        .order_by("-notified_at", "-id")
    )
    services = list(
        ButlerService.objects.visible_to(user)
        .filter(party=party)
        .select_related("unit")
        .prefetch_related("staff")
        .order_by("-held_on", "-id")
    )
    return EnterpriseHistory(
        party=party,
        complete=sees_everything(user),
        cases=cases,
        applied=applied,
        commitments=commitments,
        no_penalty=[c for c in cases if c.outcome == Outcome.NO_PENALTY],
        repairs=repairs,
        services=services,
    )
