"""Hand-made decided cases for the risk sweep's tests: rows written straight into the tables the
sweep reads (a decision through every stage would only slow the tests down and test nothing more
here), on the world of ``case_world``."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from civicloop.cases.choices import CaseSource, CaseState, PartyRole, Procedure
from civicloop.cases.models import Case, CaseHandler, CaseMatter, CaseParty
from civicloop.discretion.choices import PartyType
from civicloop.discretion.models import AssessmentStage, DiscretionAssessment
from civicloop.testing.matters import make_matter

_numbers = itertools.count(1)


def dq005(cw):
    """A matter fining a person 200–3 000 yuan (DQ-005 once split by party type)."""
    return make_matter(cw, "DQ-005", fine_min=200, fine_max=3000, delegable=False)


def decided(
    cw,
    matter,
    fine,
    *,
    party=None,
    facts="当事人露天焚烧垃圾。",
    on: dt.date = dt.date(2026, 5, 6),
    region=None,
    tier: str | None = None,
    band: tuple[int, int] | None = None,
    reason: str = "",
    stat: tuple[int, int] | None = None,
) -> Case:
    """A case of 武原街道's squad decided on ``on`` with ``fine`` against the person (or
    ``party``); ``tier`` adds the calculator's record with its ``band``, ``reason`` and ``stat``."""
    number = next(_numbers)
    case = Case.objects.create(
        number=f"盐综执罚〔2026〕{number}号",
        title=f"案件{number}",
        handling_unit=cw.wuyuan_squad,
        procedure=Procedure.ORDINARY,
        state=CaseState.SERVED,
        source=CaseSource.DIRECT,
        region=region or cw.wuyuan_village,
        facts=facts,
        violation_date=on - dt.timedelta(days=30),
        filed_by=cw.wuyuan_officer,
        fine_amount=Decimal(fine),
        decided_at=timezone.make_aware(dt.datetime.combine(on, dt.time(10, 0))),
    )
    CaseHandler.objects.create(
        case=case, user=cw.wuyuan_officer, is_lead=True, certificate_number="ZJ-wuyuan_officer"
    )
    CaseMatter.objects.create(case=case, matter=matter, version=matter.versions.latest("id"))
    CaseParty.objects.create(case=case, party=party or cw.person, role=PartyRole.PARTY)
    if tier is not None:
        DiscretionAssessment.objects.create(
            case=case,
            stage=AssessmentStage.DECISION,
            matter=matter,
            party_type=PartyType.ORGANISATION
            if (party or cw.person).kind == "organisation"
            else PartyType.PERSON,
            tier_label=tier,
            band_min=Decimal(band[0]) if band else None,
            band_max=Decimal(band[1]) if band else None,
            stat_min=Decimal(stat[0]) if stat else None,
            stat_max=Decimal(stat[1]) if stat else None,
            fine=Decimal(fine),
            outside_band=bool(band) and not band[0] <= Decimal(fine) <= band[1],
            reason=reason,
        )
    return case


# Fines spread 1 400–1 600: median 1 500, MAD 50 → robust scale 74.13 (as in test_scan).
PEER_FINES = [1400, 1450, 1480, 1500, 1500, 1520, 1550, 1600]


def peers(cw, matter, count: int, **kwargs) -> list[Case]:
    return [
        decided(
            cw,
            matter,
            fine,
            facts=f"当事人第{i}次违法行为，情节各异{'甲乙丙丁戊己庚辛'[i]}。",
            **kwargs,
        )
        for i, fine in enumerate(PEER_FINES[:count])
    ]
