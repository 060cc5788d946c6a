"""Monthly and quarterly totals, the quarter's ratings (好/较好/一般/较差) and the rankings within
a town and county-wide — all read from the ledger (``PointEntry``) and the rule versions.

A quarter's total is the base score of the person's role (the version in force on the quarter's
first day) plus the points earned in it. A year adds the four quarters' base scores; a month
shows the points earned only (the base is a quarter's). Ratings are given county-wide by the
version in force on the period's last day, by thresholds of the total or by shares of the
ranking. Ranks are competition ranks (1, 2, 2, 4) computed over everyone scored, whoever reads.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput
from civicloop.core.figures import Period
from civicloop.org.choices import Role
from civicloop.org.models import Post, Region, User

from .access import people_q
from .choices import Grade, GradeMethod
from .ledger import Versions, towns_of
from .models import PointEntry, RuleVersion

GRADE_ORDER = (Grade.GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE)

PERIOD_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-?Q(?P<quarter>[1-4])|-(?P<month>\d{1,2}))?$")


@dataclass(frozen=True)
class ScorePeriod:
    """A month, a quarter or a year, named ``2026-03``, ``2026Q1`` or ``2026``."""

    year: int
    quarter: int | None = None
    month: int | None = None

    @classmethod
    def parse(cls, text: str) -> ScorePeriod:
        match = PERIOD_PATTERN.match((text or "").strip().upper())
        if not match:
            raise InvalidInput(
                _("Give a period as 2026Q1 (a quarter), 2026-03 (a month) or 2026 (a year)."),
                field="period",
            )
        year = int(match["year"])
        month = int(match["month"]) if match["month"] else None
        if month is not None and not 1 <= month <= 12:
            raise InvalidInput(_("A month is 1 to 12."), field="period")
        if not 2000 <= year <= 2999:
            raise InvalidInput(_("Give a year between 2000 and 2999."), field="period")
        quarter = int(match["quarter"]) if match["quarter"] else None
        return cls(year, quarter, month)

    @classmethod
    def quarter_of(cls, day: dt.date) -> ScorePeriod:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def span(self) -> Period:
        if self.month:
            return Period.month(self.year, self.month)
        if self.quarter:
            return Period.quarter(self.year, self.quarter)
        return Period.year(self.year)

    def quarters(self) -> list[int]:
        """The quarters whose base score the period carries (none for a month)."""
        if self.month:
            return []
        return [self.quarter] if self.quarter else [1, 2, 3, 4]

    def __str__(self) -> str:
        if self.month:
            return f"{self.year}-{self.month:02d}"
        if self.quarter:
            return f"{self.year}Q{self.quarter}"
        return str(self.year)


@dataclass
class Standing:
    person: User
    role: str
    town: Region | None
    base: Decimal
    earned: Decimal
    total: Decimal = Decimal(0)
    county_rank: int = 0
    town_rank: int = 0
    grade: str = ""
    by_item: dict = field(default_factory=dict)

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label if self.grade else ""


def earned_totals(period: Period, person_ids=None) -> dict[int, Decimal]:
    start, end = period.moments()
    rows = PointEntry.objects.between(start, end)
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    return {
        person: total or Decimal(0)
        for person, total in rows.values("person")
        .annotate(total=Sum("points"))
        .values_list("person", "total")
    }


def scored_roles(versions: Versions) -> set[str]:
    return {role for v in versions.versions for role in v.base_scores}


def _ranks(values: list[Decimal]) -> list[int]:
    """Competition ranks of ``values`` sorted high to low (1, 2, 2, 4)."""
    ranks, previous, rank = [], None, 0
    for index, value in enumerate(values, start=1):
        if value != previous:
            rank, previous = index, value
        ranks.append(rank)
    return ranks


def grade_for(version: RuleVersion | None, total: Decimal, rank: int, count: int) -> str:
    if version is None or not version.grade_cutoffs:
        return ""
    cutoffs = version.grade_cutoffs
    if version.grade_method == GradeMethod.SHARES:
        position = 0.0
        for grade in GRADE_ORDER:
            position += float(cutoffs.get(grade, 0))
            if rank <= math.floor(position * count + 1e-9):
                return grade
        return Grade.POOR
    for grade in GRADE_ORDER:
        if grade in cutoffs and total >= Decimal(str(cutoffs[grade])):
            return grade
    return Grade.POOR


def standings(period: ScorePeriod, *, viewer=None, town: Region | None = None) -> list[Standing]:
    """Everyone scored in the period with totals, ranks and rating; narrowed to the people
    ``viewer`` sees and to ``town`` when given (the ranks stay county-wide and town-wide)."""
    versions = Versions()
    roles = scored_roles(versions)
    span = period.span
    posts = (
        Post.objects.active()
        .filter(role__in=roles)
        .select_related("user")
        .order_by("user_id", "id")
    )
    people: dict[int, tuple[User, str]] = {}
    for post in posts:
        people.setdefault(post.user_id, (post.user, post.role))
    towns = towns_of(people)
    town_regions = Region.objects.in_bulk(set(towns.values()))
    earned = earned_totals(span, people.keys())
    rows = []
    for person_id, (user, role) in people.items():
        base = Decimal(0)
        for quarter in period.quarters():
            version = versions.on(Period.quarter(period.year, quarter).start)
            if version is not None:
                base += Decimal(str(version.base_score(role)))
        got = earned.get(person_id, Decimal(0))
        town_id = towns.get(person_id)
        rows.append(
            Standing(
                person=user,
                role=role,
                town=town_regions.get(town_id),
                base=base,
                earned=got,
                total=base + got,
            )
        )
    rows.sort(key=lambda s: (-s.total, s.person.username))
    grade_version = versions.on(span.end)
    for standing, rank in zip(rows, _ranks([s.total for s in rows]), strict=True):
        standing.county_rank = rank
        standing.grade = grade_for(grade_version, standing.total, rank, len(rows))
    by_town: dict[int | None, list[Standing]] = {}
    for standing in rows:
        by_town.setdefault(standing.town.pk if standing.town else None, []).append(standing)
    for group in by_town.values():
        for standing, rank in zip(group, _ranks([s.total for s in group]), strict=True):
            standing.town_rank = rank
    if viewer is not None:
        q = people_q(viewer)
        if q is not None:
            visible = set(User.objects.filter(q).values_list("pk", flat=True))
            rows = [s for s in rows if s.person.pk in visible]
    if town is not None:
        rows = [s for s in rows if s.town is not None and s.town.pk == town.pk]
    return rows


def monthly_totals(person, year: int) -> list[tuple[int, Decimal]]:
    """The points a person earned in each month of ``year``."""
    return [
        (month, earned_totals(Period.month(year, month), [person.pk]).get(person.pk, Decimal(0)))
        for month in range(1, 13)
    ]
