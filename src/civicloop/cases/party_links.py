"""The case files as the records that name parties (``parties.links``); registered from
``CasesConfig.ready()``, so parties never imports cases."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from civicloop.parties.links import party_links

from .models import Case, CaseParty
from .permissions import CONTACT_CAPACITIES, capacities


class CasePartyLinks:
    def visible(self, user) -> Q:
        cases = Case.objects.visible_to(user)
        return Q(Exists(CaseParty.objects.filter(party=OuterRef("pk"), case__in=cases)))

    def may_reveal(self, user, party) -> bool:
        cases = (
            Case.objects.visible_to(user)
            .filter(party_links__party=party)
            .select_related("handling_unit__region")
            .distinct()
        )
        return any(capacities(user, case) & CONTACT_CAPACITIES for case in cases)

    def records(self, user, party) -> QuerySet:
        return (
            Case.objects.visible_to(user)
            .filter(party_links__party=party)
            .distinct()
            .select_related("handling_unit")
            .order_by("-filed_at")
        )


def register() -> None:
    party_links.register("cases", CasePartyLinks())
