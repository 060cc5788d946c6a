"""Decided cases written as rows with the dates and amounts that matter (the service journeys
that decide cases are tested in the cases app), for the reconsideration, figure and analysis
tests on ``case_world``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from civicloop.cases.choices import CaseSource, CaseState, Outcome, PartyRole, Procedure
from civicloop.cases.models import Case, CaseMatter, CaseParty
from civicloop.matters.models import MatterVersion
from civicloop.testing.cases import local


def decided(
    cw,
    number: str,
    *,
    decided: dt.datetime | None,
    fine: Decimal | int | str | None = 1000,
    outcome: str = Outcome.PENALTY,
    unit=None,
    region=None,
    parties=None,
    matters=None,
) -> Case:
    """A case of 武原's squad (unless ``unit``) decided at the local moment ``decided`` (open
    when None), with ``parties`` as (party, role) pairs or parties (principal) and ``matters``."""
    case = Case.objects.create(
        number=number,
        title=number,
        handling_unit=unit or cw.wuyuan_squad,
        region=region,
        procedure=Procedure.ORDINARY,
        source=CaseSource.DIRECT,
        facts="—",
        violation_date=dt.date(2025, 1, 1),
        filed_by=cw.wuyuan_officer,
        filed_at=local(dt.datetime(2025, 1, 2, 9)),
        decided_at=local(decided) if decided else None,
        outcome=outcome if decided else "",
        fine_amount=Decimal(str(fine)) if fine is not None and decided else None,
        state=CaseState.DECIDED if decided else CaseState.FILED,
    )
    for party in parties if parties is not None else [cw.enterprise]:
        party, role = party if isinstance(party, tuple) else (party, PartyRole.PARTY)
        CaseParty.objects.create(case=case, party=party, role=role)
    for matter in matters if matters is not None else [cw.town_matter]:
        version = MatterVersion.objects.filter(matter=matter).order_by("id").first()
        CaseMatter.objects.create(case=case, matter=matter, version=version)
    return case
