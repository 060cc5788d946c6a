"""Which counties a scale covers, and the organisation each of them needs.

Scale 1 is one county of Haiyan's size. A larger scale adds the other real Jiaxing counties
(official division codes from ``org/data``) and then synthetic counties: codes under the
unused prefecture code 3399 of Zhejiang (339901, 339902, …: no real county has them), named
"模拟县01"…, with the towns and villages of a Jiaxing county copied in shape (same suffixes,
names marked "模拟"). They exist only to give the load a province's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from civicloop.events.demo import load_categories
from civicloop.matters.models import Category
from civicloop.org.choices import RegionLevel, Role, UnitKind
from civicloop.org.divisions import county_rows, load_county, pad12
from civicloop.org.models import Post, Region, Unit, User
from civicloop.org.services import short_region_name

# Haiyan's yearly magnitudes (the seed article): the unit of --scale.
EVENTS_PER_SCALE = 45_000
CASES_PER_SCALE = 4_500

JIAXING = ("330402", "330411", "330421", "330424", "330481", "330482", "330483")
SYNTHETIC_PREFIX = "3399"  # Zhejiang's prefectures are 3301–3311: 3399 names no real place.
MAX_SYNTHETIC = 99
SYNTHETIC_NAME = "模拟县%02d"

# The county departments a simulated county gets when it has none (slug, name after the county).
DEPARTMENTS = (
    ("dept-zhzf", "综合行政执法局"),
    ("dept-scjg", "市场监督管理局"),
    ("dept-sthj", "生态环境分局"),
    ("dept-zjj", "住房和城乡建设局"),
)


@dataclass(frozen=True)
class CountyPlan:
    code: str  # 6 digits
    name: str
    shape: str  # the real Jiaxing county whose towns and villages it has (itself if real)
    synthetic: bool


@dataclass
class CountyWorld:
    """What the generators draw from for one county: ids only, read once."""

    plan: CountyPlan
    county_id: int
    towns: list[tuple[int, str, str]]  # (id, code, name)
    grids: list[tuple[int, int, str]]  # (id, town index, village short name)
    centre_id: int
    command_rooms: list[int]  # per town index
    squads: list[int]
    departments: dict[str, int]  # slug → unit id
    officers: list[tuple[int, int]]  # per town: two squad officers
    dispatchers: list[int]
    checkers: list[int]
    department_officers: tuple[int, int]
    reviewer_id: int
    categories: list[tuple[int, str, str, str]] = field(default_factory=list)
    # (id, code, name, department slug)


def plan_counties(county: str, scale: float) -> list[CountyPlan]:
    """The counties of a run: ``max(1, round(scale))`` of them, the given county first."""
    count = max(1, round(scale))
    if county not in JIAXING:
        raise ValueError(county)
    names = {code: county_rows(code)[0].name for code in JIAXING}
    real = [county] + [code for code in JIAXING if code != county]
    plans = [CountyPlan(code, names[code], code, False) for code in real[:count]]
    for n in range(1, count - len(plans) + 1):
        if n > MAX_SYNTHETIC:
            raise ValueError(count)
        shape = JIAXING[(n - 1) % len(JIAXING)]
        plans.append(CountyPlan(f"{SYNTHETIC_PREFIX}{n:02d}", SYNTHETIC_NAME % n, shape, True))
    return plans


def max_scale() -> int:
    return len(JIAXING) + MAX_SYNTHETIC


def village_count(plan: CountyPlan) -> int:
    return len(county_rows(plan.shape)[2])


def volumes(plans: list[CountyPlan], scale: float, per_scale: int) -> list[int]:
    """Split ``scale × per_scale`` over the counties in proportion to their villages."""
    weights = [village_count(p) for p in plans]
    total = sum(weights)
    return [round(scale * per_scale * w / total) for w in weights]


def ensure_regions(plan: CountyPlan) -> None:
    """The county's division tree with one grid per village (as the demo has it)."""
    if not plan.synthetic:
        load_county(plan.code)  # idempotent: adds whatever part of the tree is missing
        return
    if Region.objects.filter(code=pad12(plan.code)).exists():
        return
    _county, towns, villages = county_rows(plan.shape)
    county = Region.objects.create(
        code=pad12(plan.code), name=plan.name, level=RegionLevel.COUNTY, parent=None
    )
    town_rows = Region.objects.bulk_create(
        Region(
            code=pad12(plan.code + t.code[6:9]),
            name=f"模拟{t.name}",
            level=RegionLevel.TOWN,
            parent=county,
        )
        for t in towns
    )
    town_by_suffix = {r.code[6:9]: r for r in town_rows}
    village_rows = Region.objects.bulk_create(
        Region(
            code=plan.code + v.code[6:12],
            name=f"模拟{v.name}",
            level=RegionLevel.VILLAGE,
            parent=town_by_suffix[v.code[6:9]],
        )
        for v in villages
        if v.code[6:9] in town_by_suffix
    )
    Region.objects.bulk_create(
        Region(
            code=f"{v.code}001",
            name=f"{short_region_name(v.name)}第1网格",
            level=RegionLevel.GRID,
            parent=v,
        )
        for v in village_rows
    )


def _unit(code: str, name: str, kind: str, region: Region) -> Unit:
    unit, _created = Unit.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, "region": region}
    )
    return unit


def _first_or_create(kind: str, region: Region, code: str, name: str) -> Unit:
    existing = Unit.objects.filter(kind=kind, region=region, is_active=True).order_by("pk").first()
    return existing or _unit(code, name, kind, region)


class _Accounts:
    """The simulated staff of a county: usernames ``sim-<county>-…``, no usable password."""

    def __init__(self, county: str):
        self.prefix = f"sim-{county}-"
        self.known = {u.username: u for u in User.objects.filter(username__startswith=self.prefix)}
        self.password = make_password(None)  # unusable: nobody signs in as them
        self.posts: list[Post] = []

    def user(self, name: str, unit: Unit, role: str) -> int:
        username = self.prefix + name
        user = self.known.get(username)
        if user is None:
            user = User.objects.create(
                username=username, full_name=f"模拟{name}", password=self.password
            )
            self.known[username] = user
            self.posts.append(Post(user=user, unit=unit, role=role, is_active=True))
        return user.pk


def ensure_categories() -> None:
    if not Category.objects.filter(is_active=True).exists():
        load_categories()


def county_world(plan: CountyPlan) -> CountyWorld:
    """Regions, units and staff of the county (created once, reused by later runs)."""
    ensure_regions(plan)
    county = Region.objects.get(code=pad12(plan.code))
    towns = list(Region.objects.towns().within(county).order_by("code"))
    town_index = {t.code[:9]: i for i, t in enumerate(towns)}
    grids = [
        (g.pk, town_index[g.code[:9]], short_region_name(g.parent.name))
        for g in Region.objects.grids().within(county).select_related("parent").order_by("code")
        if g.code[:9] in town_index
    ]
    centre = _first_or_create(
        UnitKind.COUNTY_CENTRE, county, f"sim-{plan.code}-centre", f"{county.name}社会治理中心"
    )
    departments = {}
    existing = {u.code: u for u in Unit.objects.filter(kind=UnitKind.DEPARTMENT, region=county)}
    for slug, name in DEPARTMENTS:
        departments[slug] = existing.get(slug) or _unit(
            f"sim-{plan.code}-{slug}", f"{county.name}{name}", UnitKind.DEPARTMENT, county
        )
    for code, unit in existing.items():
        if code.startswith("dept-"):
            departments.setdefault(code, unit)
    accounts = _Accounts(plan.code)
    command_rooms, squads, officers, dispatchers, checkers = [], [], [], [], []
    for town in towns:
        room = _first_or_create(
            UnitKind.COMMAND_ROOM, town, f"{town.code[:9]}-command", f"{town.name}综合信息指挥室"
        )
        squad = _first_or_create(
            UnitKind.SQUAD, town, f"{town.code[:9]}-squad", f"{town.name}综合行政执法队"
        )
        command_rooms.append(room.pk)
        squads.append(squad.pk)
        suffix = town.code[6:9]
        officers.append(
            (
                accounts.user(f"{suffix}-officer1", squad, Role.ENFORCEMENT_OFFICER),
                accounts.user(f"{suffix}-officer2", squad, Role.ENFORCEMENT_OFFICER),
            )
        )
        dispatchers.append(accounts.user(f"{suffix}-dispatcher", room, Role.DISPATCHER))
        checkers.append(accounts.user(f"{suffix}-checker", room, Role.DISPATCHER))
    zhzf = departments["dept-zhzf"]
    world = CountyWorld(
        plan=plan,
        county_id=county.pk,
        towns=[(t.pk, t.code, t.name) for t in towns],
        grids=grids,
        centre_id=centre.pk,
        command_rooms=command_rooms,
        squads=squads,
        departments={slug: unit.pk for slug, unit in departments.items()},
        officers=officers,
        dispatchers=dispatchers,
        checkers=checkers,
        department_officers=(
            accounts.user("dept-officer1", zhzf, Role.DEPARTMENT_OFFICER),
            accounts.user("dept-officer2", zhzf, Role.DEPARTMENT_OFFICER),
        ),
        reviewer_id=accounts.user("reviewer", zhzf, Role.LEGAL_REVIEWER),
    )
    Post.objects.bulk_create(accounts.posts)
    world.categories = [
        (c.pk, c.code, c.name, c.department.code if c.department else "")
        for c in Category.objects.filter(is_active=True, children__isnull=True)
        .select_related("department")
        .order_by("position", "code")
    ]
    return world
