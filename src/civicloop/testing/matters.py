"""Helpers for tests of enforcement matters and empowerment (built on the ``world``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from civicloop.matters import services
from civicloop.matters.choices import GrantKind
from civicloop.matters.models import EmpowermentGrant, Matter
from civicloop.matters.ranges import parse_ranges_text

ARTICLE_TEXT = (
    "第四十二条　违反本条例第二十七条规定，或者有下列行为之一的，由市政工程行政主管部门或者其他有关部门"
    "责令限期改正，可以处以2万元以下的罚款；造成损失的，应当依法承担赔偿责任："
)
DECISION = ("盐政发〔2023〕18号", "关于向镇（街道）赋予部分县级行政执法事项的决定")


def content(
    name: str = "对擅自占用城市道路（含占道经营）的行政处罚",
    *,
    law: str = "城市道路管理条例",
    article: str = "第四十二条",
    article_text: str = ARTICLE_TEXT,
    fine_min=None,
    fine_max: Decimal | int | None = 20000,
    clause: str = "",
    ranges: str = "",
) -> services.VersionData:
    """A version's content; ``ranges`` in the catalog's compact text
    (``person:200-3000;organisation:10000-50000``) sets ranges by party type (then give
    fine_max=None: the widest is worked out)."""
    return services.VersionData(
        name=name,
        law=law,
        article=article,
        article_text=article_text,
        clause=clause,
        law_version=dt.date(2019, 3, 24),
        fine_min=Decimal(fine_min) if fine_min is not None else None,
        fine_max=Decimal(fine_max) if fine_max is not None else None,
        ranges=parse_ranges_text(ranges),
    )


def make_matter(
    world,
    code: str = "ZD-001",
    *,
    category=None,
    department=None,
    delegable: bool = True,
    effective_from: dt.date = dt.date(2020, 1, 1),
    **version,
) -> Matter:
    """A matter of the world's street-vending category owned by 县综合行政执法局 (by default)."""
    return services.create_matter(
        by=None,
        system=True,
        code=code,
        category=category or world.street_vending,
        department=department or world.dept_zhzf,
        delegable=delegable,
        content=content(**version),
        effective_from=effective_from,
    )


def grant(
    world,
    matter: Matter,
    *,
    town=None,
    start: dt.date = dt.date(2023, 7, 1),
    end: dt.date | None = None,
    kind: str = GrantKind.BASE,
) -> EmpowermentGrant:
    """Give ``town`` (武原街道 by default) ``matter`` from ``start`` as the system."""
    decision = services.decision_for(by=None, number=DECISION[0], title=DECISION[1])
    return services.grant_matter(
        town=town or world.wuyuan,
        matter=matter,
        by=None,
        system=True,
        kind=kind,
        effective_from=start,
        effective_to=end,
        decision=decision,
    )
