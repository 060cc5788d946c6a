"""Records of apps above parties that name parties — the case files (``CaseParty``) — and what
they decide about the parties (core/registry.py explains the mechanism). The cases app registers
its :class:`PartyLinks` as ``cases`` from ``CasesConfig.ready()``, so parties never imports cases:

* a party is visible (masked) to whoever may see a record naming it (``Party.objects.visible_to``);
* its personal data may be revealed to whoever needs it to handle such a record
  (``permissions.may_reveal``);
* the party's page lists those records under the registered name (``cases``).
"""

from __future__ import annotations

from typing import Protocol

from django.db.models import Q, QuerySet

from civicloop.core.registry import Registry


class PartyLinks(Protocol):
    def visible(self, user) -> Q:
        """Filter on ``Party``: the parties named in records the user may see."""

    def may_reveal(self, user, party) -> bool:
        """Whether the user needs the party's unmasked details for one of those records."""

    def records(self, user, party) -> QuerySet:
        """The records naming the party that the user may see, for the party's page."""


party_links: Registry[PartyLinks] = Registry("records naming parties")
