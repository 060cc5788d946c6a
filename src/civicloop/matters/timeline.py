"""What a town holds on a day, and how that changed: one reading for pages and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from civicloop.org.models import Region

from .choices import GrantKind
from .models import (
    EmpowermentGrant,
    EmpowermentGrantHistory,
    EmpowermentRequestHistory,
    MatterVersion,
)
from .workflow import REQUEST_WORKFLOW

ACTION_LABELS = {
    "grant": _("granted"),
    "end": _("ended"),
    "submit": _("requested"),
    **{t.name: t.label for t in REQUEST_WORKFLOW},
}


@dataclass
class Holding:
    grant: EmpowermentGrant
    version: MatterVersion | None

    @property
    def matter(self):
        return self.grant.matter


def holdings(town: Region, *, on: dt.date) -> dict[str, list[Holding]]:
    """The town's grants in force on ``on``, base and characteristic, each with the matter's
    version in force that day (so the legal basis shown is the one that applied)."""
    grants = (
        EmpowermentGrant.objects.in_force(on=on)
        .filter(town=town)
        .select_related("matter__category", "matter__department", "decision", "request")
        .order_by("matter__code")
    )
    versions = {
        v.matter_id: v
        for v in MatterVersion.objects.in_force(on=on)
        .filter(matter__in=[g.matter_id for g in grants])
        .prefetch_related("statutory_ranges")
    }
    result: dict[str, list[Holding]] = {GrantKind.BASE: [], GrantKind.CHARACTERISTIC: []}
    for grant in grants:
        result[grant.kind].append(Holding(grant, versions.get(grant.matter_id)))
    return result


def town_timeline(town: Region, *, with_requests: bool) -> list[dict]:
    """Grants made and ended (and, for those who may see them, requests), newest first."""
    entries = []
    for row in EmpowermentGrantHistory.objects.filter(grant__town=town).select_related(
        "actor", "grant__matter", "grant__decision", "grant__end_decision"
    ):
        grant = row.grant
        details = row.details if isinstance(row.details, dict) else {}
        decision = grant.end_decision if row.action == "end" else grant.decision
        entries.append(
            {
                "at": row.at,
                "action": row.action,
                "label": ACTION_LABELS.get(row.action, row.action),
                "matter": grant.matter,
                "kind": grant.kind,
                "kind_label": GrantKind(grant.kind).label,
                "effective_from": details.get("effective_from"),
                "effective_to": details.get("effective_to"),
                "decision": decision,
                "reason": row.reason,
                "actor": row.actor,
                "grant": grant,
                "request": None,
            }
        )
    if with_requests:
        for row in EmpowermentRequestHistory.objects.filter(request__town=town).select_related(
            "actor", "request__matter"
        ):
            request = row.request
            details = row.details if isinstance(row.details, dict) else {}
            entries.append(
                {
                    "at": row.at,
                    "action": row.action,
                    "label": ACTION_LABELS.get(row.action, row.action),
                    "matter": request.matter,
                    "kind": request.kind,
                    "kind_label": GrantKind(request.kind).label,
                    "effective_from": details.get("effective_from") or details.get("wanted_from"),
                    "effective_to": None,
                    "decision": None,
                    "reason": row.reason,
                    "actor": row.actor,
                    "grant": None,
                    "request": request,
                }
            )
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries
