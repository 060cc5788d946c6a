"""The Haiyan demo organisation: units, staff with every role, 1+1+N grid teams.

Real: the county, its 9 towns/streets and 122 villages/communities (official
codes), the kinds of units the seed article names. Invented: people's names and
phone numbers (random, reproducible), which villages' stations exist, and grid
boundaries (one grid per village).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from civicloop.core.upsert import KnownRows

from .choices import QualificationKind, RegionLevel, Role, UnitKind
from .divisions import load_county
from .models import Post, Qualification, Region, Unit, User
from .services import short_region_name

HAIYAN = "330424"
DEMO_PASSWORD = "Haiyan@2026"

DEPARTMENTS = [
    ("dept-zhzf", "县综合行政执法局"),
    ("dept-scjg", "县市场监督管理局"),
    ("dept-sthj", "嘉兴市生态环境局海盐分局"),
    ("dept-zrzy", "县自然资源和规划局"),
    ("dept-zjj", "县住房和城乡建设局"),
    ("dept-jtys", "县交通运输局"),
    ("dept-nync", "县农业农村局"),
    ("dept-sl", "县水利局"),
    ("dept-wjw", "县卫生健康局"),
    ("dept-yjgl", "县应急管理局"),
]

# Enterprise liaison stations in the county's industrial areas (the seed counts 4).
ENTERPRISE_STATIONS = [
    ("330424005000", "望海街道经济开发区企业执法联络站"),
    ("330424002000", "西塘桥街道杭州湾产业园企业执法联络站"),
    ("330424102000", "百步镇经济开发区企业执法联络站"),
    ("330424004000", "秦山街道核电关联产业园企业执法联络站"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国海燕红梅志文斌浩宇晨欣怡佳琪俊杰子涵雨轩"
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit: str
    note: object = ""  # text or a lazy translation


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _duty_phone(rng: random.Random) -> str:
    """An invented 0573 (Jiaxing) landline for a unit's duty desk."""
    return "0573-8" + "".join(rng.choice("0123456789") for _ in range(7))


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))


class _Staff:
    """Creates staff and units quickly: every demo account shares one password hash, the users
    and units already there are read once (``KnownRows``) and the posts are inserted together
    at the end (:meth:`save_posts`)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.password_hash = make_password(DEMO_PASSWORD)
        self.serial = 0
        self.users = KnownRows(User.objects.all(), "username")
        self.units = KnownRows(Unit.objects.all(), "code")
        self.posts = set(
            Post.objects.filter(is_active=True).values_list("user_id", "unit_id", "role")
        )
        self.staffed_units = {unit_id for _user, unit_id, _role in self.posts}
        self.new_posts: list[Post] = []

    def person(self, username: str | None = None, full_name: str | None = None) -> User:
        self.serial += 1
        username = username or f"staff{self.serial:04d}"
        fields = {
            "full_name": full_name or _name(self.rng),
            "phone": _phone(self.rng),
            "password": self.password_hash,
            "is_active": True,
        }
        return self.users.update_or_create(username, fields)

    def post(self, user: User, unit: Unit, role: str) -> None:
        key = (user.pk, unit.pk, role)
        if key not in self.posts:
            self.posts.add(key)
            self.staffed_units.add(unit.pk)
            self.new_posts.append(Post(user=user, unit=unit, role=role, is_active=True))

    def save_posts(self) -> None:
        Post.objects.bulk_create(self.new_posts)
        self.new_posts = []

    def unit(self, code: str, name: str, kind: str, region: Region, phone: str = "") -> Unit:
        fields = {"name": name, "kind": kind, "region": region, "phone": phone, "is_active": True}
        return self.units.update_or_create(code, fields)


DEMO_GRID_LOGINS = frozenset({"red_butler", "grid_worker", "part_time", "volunteer"})


@transaction.atomic
def load_haiyan_organisation(seed: int = 2024) -> list[DemoLogin]:
    """Load regions, units and staff; return the demo logins (one per role)."""
    rng = random.Random(seed)
    load_county(HAIYAN)
    county = Region.objects.get(code=HAIYAN.ljust(12, "0"))
    staff = _Staff(rng)
    logins: list[DemoLogin] = []

    def demo(username: str, full_name: str, unit: Unit, role: str, note: str = "") -> User:
        user = staff.person(username, full_name)
        staff.post(user, unit, role)
        logins.append(DemoLogin(username, str(Role(role).label), unit.name, note))
        return user

    admin = staff.person("admin", "系统管理员")
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    logins.append(
        DemoLogin(
            "admin",
            str(_("administrator")),
            "—",
            _(
                "Django admin at /admin/; the first visit sets up a second factor (an authenticator app)"
            ),
        )
    )

    _unit = staff.unit
    centre = _unit(
        "county-centre", "海盐县社会治理中心", UnitKind.COUNTY_CENTRE, county, "0573-86120000"
    )
    leadership = _unit(
        "county-leadership", "海盐县“大综合一体化”改革双牵头领导小组", UnitKind.LEADERSHIP, county
    )
    emergency = _unit(
        "county-emergency",
        "海盐县综合执法应急处突队伍",
        UnitKind.EMERGENCY_TEAM,
        county,
        "0573-86120110",
    )
    assessor_org = _unit("assessor-org", "第三方赋权评估机构", UnitKind.ASSESSOR, county)
    departments = {
        code: _unit(code, name, UnitKind.DEPARTMENT, county, _duty_phone(rng))
        for code, name in DEPARTMENTS
    }

    demo(
        "centre",
        "沈晓燕",
        centre,
        Role.CENTRE_OPERATOR,
        _("sees the whole county; issues coordination orders"),
    )
    staff.post(staff.person(), centre, Role.CENTRE_OPERATOR)
    demo("leader", "顾建国", leadership, Role.LEADER, _("reads everything, escalates"))
    demo("emergency", "陆志强", emergency, Role.ENFORCEMENT_OFFICER, _("urgent events"))
    for _n in range(5):
        staff.post(staff.person(), emergency, Role.ENFORCEMENT_OFFICER)
    demo("assessor", "钱文静", assessor_org, Role.ASSESSOR)
    demo(
        "dept_scjg",
        "朱海燕",
        departments["dept-scjg"],
        Role.DEPARTMENT_OFFICER,
        _("sees what is assigned to market supervision"),
    )
    for unit in departments.values():
        for _n in range(2):
            staff.post(staff.person(), unit, Role.DEPARTMENT_OFFICER)
    reviewer = demo(
        "legal_reviewer",
        "许明哲",
        departments["dept-zhzf"],
        Role.LEGAL_REVIEWER,
        _("holds the legal professional qualification"),
    )
    Qualification.objects.get_or_create(
        kind=QualificationKind.LEGAL_PROFESSIONAL,
        number="A20213304240117",
        defaults={"user": reviewer, "issued_on": "2021-12-20"},
    )

    towns = list(Region.objects.towns().filter(code__startswith=HAIYAN).order_by("code"))
    for town in towns:
        command_room = _unit(
            f"{town.code[:9]}-command",
            f"{town.name}综合信息指挥室",
            UnitKind.COMMAND_ROOM,
            town,
            _duty_phone(rng),
        )
        squad = _unit(
            f"{town.code[:9]}-squad",
            f"{town.name}综合行政执法队",
            UnitKind.SQUAD,
            town,
            _duty_phone(rng),
        )
        if town.name == "武原街道":
            demo(
                "wuyuan_dispatcher",
                "张丽华",
                command_room,
                Role.DISPATCHER,
                _("%(town)s only") % {"town": town.name},
            )
            demo(
                "wuyuan_officer",
                "王建军",
                squad,
                Role.ENFORCEMENT_OFFICER,
                _("the %(town)s squad") % {"town": town.name},
            )
            demo("wuyuan_lawyer", "吴律师", squad, Role.LAWYER, _("squad lawyer"))
            town_reviewer = demo(
                "wuyuan_reviewer", "孙法明", squad, Role.LEGAL_REVIEWER, _("town legal reviewer")
            )
            Qualification.objects.get_or_create(
                kind=QualificationKind.LEGAL_PROFESSIONAL,
                number="A20233304240052",
                defaults={"user": town_reviewer, "issued_on": "2024-02-01"},
            )
        elif town.name == "澉浦镇":
            demo(
                "ganpu_dispatcher",
                "陈美芳",
                command_room,
                Role.DISPATCHER,
                _("%(town)s only") % {"town": town.name},
            )
        else:
            staff.post(staff.person(), command_room, Role.DISPATCHER)
        for _n in range(6):
            officer = staff.person()
            staff.post(officer, squad, Role.ENFORCEMENT_OFFICER)

    # Village liaison stations and a 1+1+N team per grid. Red butlers and
    # professional grid workers are squad officers sunk to the village (下沉).
    demo_grid_done = False
    grids: dict[int, list[Region]] = {}
    for grid in Region.objects.filter(level=RegionLevel.GRID).order_by("code"):
        grids.setdefault(grid.parent_id, []).append(grid)
    for village in (
        Region.objects.villages().filter(code__startswith=HAIYAN).select_related("parent")
    ):
        station = _unit(
            f"{village.code}-station",
            f"{short(village.name)}行政执法联络站",
            UnitKind.VILLAGE_STATION,
            village,
            _duty_phone(rng),
        )
        squad = staff.units[f"{village.code[:9]}-squad"]
        for grid in grids.get(village.pk, []):
            team = _unit(f"{grid.code}-team", f"{grid.name}队伍", UnitKind.GRID_TEAM, grid)
            if team.pk in staff.staffed_units:
                continue
            if not demo_grid_done and village.parent.name == "武原街道":
                red = demo("red_butler", "周红梅", team, Role.RED_BUTLER, grid.name)
                pro = demo("grid_worker", "李网格", team, Role.PROFESSIONAL_GRID_WORKER, grid.name)
                demo("part_time", "赵兼职", team, Role.PART_TIME_GRID_WORKER, grid.name)
                demo("volunteer", "何志愿", team, Role.VOLUNTEER, grid.name)
                demo("station_staff", "马联络", station, Role.STATION_STAFF, station.name)
                demo_grid_done = True
            else:
                red, pro = staff.person(), staff.person()
                staff.post(red, team, Role.RED_BUTLER)
                staff.post(pro, team, Role.PROFESSIONAL_GRID_WORKER)
                for _n in range(rng.randint(1, 3)):
                    staff.post(
                        staff.person(),
                        team,
                        rng.choice([Role.PART_TIME_GRID_WORKER, Role.VOLUNTEER]),
                    )
                staff.post(staff.person(), station, Role.STATION_STAFF)
            for sunk in (red, pro):
                # The demo logins hold exactly the post their label names (a grid worker who
                # secretly also held a squad post saw the whole squad's work).
                if sunk.username not in DEMO_GRID_LOGINS:
                    staff.post(sunk, squad, Role.ENFORCEMENT_OFFICER)

    for town_code, name in ENTERPRISE_STATIONS:
        town = Region.objects.get(code=town_code)
        station = _unit(
            f"{town_code[:9]}-enterprise-station", name, UnitKind.ENTERPRISE_STATION, town
        )
        staff.post(staff.person(), station, Role.STATION_STAFF)
    staff.save_posts()
    return logins


def short(name: str) -> str:

    return short_region_name(name)
