"""A small county for tests: two towns, two villages each, one grid per village,
every kind of unit, and one named user per role (conventions §10)."""

from __future__ import annotations

from dataclasses import dataclass

from civicloop.events.deadlines import ensure_default_rules
from civicloop.matters.choices import HandlingLevel
from civicloop.matters.models import Category
from civicloop.org.choices import QualificationKind, RegionLevel, Role, UnitKind
from civicloop.org.models import Qualification, Region, Unit, User
from civicloop.parties.choices import PartyKind
from civicloop.parties.models import Party
from civicloop.testing.matters import grant, make_matter

from .factories import CategoryFactory, PostFactory, RegionFactory, UnitFactory, UserFactory


@dataclass
class World:
    county: Region
    wuyuan: Region
    ganpu: Region
    wuyuan_village: Region
    wuyuan_village2: Region
    ganpu_village: Region
    wuyuan_grid: Region
    wuyuan_grid2: Region
    ganpu_grid: Region
    county_centre: Unit
    leadership: Unit
    emergency: Unit
    dept_scjg: Unit
    dept_zhzf: Unit
    wuyuan_command: Unit
    wuyuan_squad: Unit
    ganpu_command: Unit
    ganpu_squad: Unit
    wuyuan_station: Unit
    wuyuan_grid_team: Unit
    wuyuan_grid2_team: Unit
    ganpu_grid_team: Unit
    street_vending: Category
    food_safety: Category
    disputes: Category
    users: dict[str, User]
    # The third-party assessor (一镇一评估); added for the matters app.
    assessor_org: Unit | None = None
    # Added by equip_for_cases() for penalty cases: a town leadership unit, parties, matters.
    wuyuan_leadership: Unit | None = None
    person: object = None
    enterprise: object = None
    town_matter: object = None
    county_matter: object = None

    def __getattr__(self, name: str):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


ROLE_USERS = [
    # username, unit attribute, role
    ("centre", "county_centre", Role.CENTRE_OPERATOR),
    ("leader", "leadership", Role.LEADER),
    ("wuyuan_dispatcher", "wuyuan_command", Role.DISPATCHER),
    ("ganpu_dispatcher", "ganpu_command", Role.DISPATCHER),
    ("wuyuan_officer", "wuyuan_squad", Role.ENFORCEMENT_OFFICER),
    ("ganpu_officer", "ganpu_squad", Role.ENFORCEMENT_OFFICER),
    ("emergency_officer", "emergency", Role.ENFORCEMENT_OFFICER),
    ("dept_officer", "dept_scjg", Role.DEPARTMENT_OFFICER),
    ("zhzf_officer", "dept_zhzf", Role.DEPARTMENT_OFFICER),
    ("red_butler", "wuyuan_grid_team", Role.RED_BUTLER),
    ("grid_worker", "wuyuan_grid_team", Role.PROFESSIONAL_GRID_WORKER),
    ("part_time", "wuyuan_grid_team", Role.PART_TIME_GRID_WORKER),
    ("other_grid_worker", "wuyuan_grid2_team", Role.PROFESSIONAL_GRID_WORKER),
    ("other_red_butler", "wuyuan_grid2_team", Role.RED_BUTLER),
    ("ganpu_grid_worker", "ganpu_grid_team", Role.PROFESSIONAL_GRID_WORKER),
    ("ganpu_red_butler", "ganpu_grid_team", Role.RED_BUTLER),
    ("station_staff", "wuyuan_station", Role.STATION_STAFF),
    ("legal_reviewer", "dept_zhzf", Role.LEGAL_REVIEWER),
    ("lawyer", "wuyuan_squad", Role.LAWYER),
    ("assessor", "assessor_org", Role.ASSESSOR),
]


def build_world() -> World:
    ensure_default_rules()  # transactional tests flush the table the data migration filled
    county = RegionFactory(code="330424000000", name="海盐县", level=RegionLevel.COUNTY)
    wuyuan = RegionFactory(
        code="330424001000",
        name="武原街道",
        level=RegionLevel.TOWN,
        parent=county,
        longitude="120.945000",
        latitude="30.526000",
    )
    ganpu = RegionFactory(
        code="330424105000",
        name="澉浦镇",
        level=RegionLevel.TOWN,
        parent=county,
        longitude="120.890000",
        latitude="30.390000",
    )
    wv = RegionFactory(
        code="330424001001",
        name="百可社区居委会",
        parent=wuyuan,
        longitude="120.946000",
        latitude="30.527000",
    )
    wv2 = RegionFactory(
        code="330424001003",
        name="枣园社区居委会",
        parent=wuyuan,
        longitude="120.950000",
        latitude="30.520000",
    )
    gv = RegionFactory(
        code="330424105201",
        name="南北湖村村委会",
        parent=ganpu,
        longitude="120.885000",
        latitude="30.385000",
    )
    grids = {}
    for village in (wv, wv2, gv):
        grids[village.code] = RegionFactory(
            code=f"{village.code}001",
            name=f"{village.name[:4]}第1网格",
            level=RegionLevel.GRID,
            parent=village,
            longitude=village.longitude,
            latitude=village.latitude,
        )

    def unit(code, name, kind, region):
        return UnitFactory(code=code, name=name, kind=kind, region=region)

    units = dict(
        county_centre=unit("county-centre", "海盐县社会治理中心", UnitKind.COUNTY_CENTRE, county),
        leadership=unit("county-leadership", "双牵头领导小组", UnitKind.LEADERSHIP, county),
        emergency=unit("county-emergency", "应急处突队伍", UnitKind.EMERGENCY_TEAM, county),
        dept_scjg=unit("dept-scjg", "县市场监督管理局", UnitKind.DEPARTMENT, county),
        dept_zhzf=unit("dept-zhzf", "县综合行政执法局", UnitKind.DEPARTMENT, county),
        assessor_org=unit("assessor-org", "第三方赋权评估机构", UnitKind.ASSESSOR, county),
        wuyuan_command=unit(
            "330424001-command", "武原街道综合信息指挥室", UnitKind.COMMAND_ROOM, wuyuan
        ),
        wuyuan_squad=unit("330424001-squad", "武原街道综合行政执法队", UnitKind.SQUAD, wuyuan),
        ganpu_command=unit(
            "330424105-command", "澉浦镇综合信息指挥室", UnitKind.COMMAND_ROOM, ganpu
        ),
        ganpu_squad=unit("330424105-squad", "澉浦镇综合行政执法队", UnitKind.SQUAD, ganpu),
        wuyuan_station=unit(
            "330424001001-station", "百可社区行政执法联络站", UnitKind.VILLAGE_STATION, wv
        ),
        wuyuan_grid_team=unit(
            "330424001001001-team", "百可第1网格队伍", UnitKind.GRID_TEAM, grids[wv.code]
        ),
        wuyuan_grid2_team=unit(
            "330424001003001-team", "枣园第1网格队伍", UnitKind.GRID_TEAM, grids[wv2.code]
        ),
        ganpu_grid_team=unit(
            "330424105201001-team", "南北湖第1网格队伍", UnitKind.GRID_TEAM, grids[gv.code]
        ),
    )
    users = {}
    for username, unit_attr, role in ROLE_USERS:
        user = UserFactory(username=username, full_name=username)
        PostFactory(user=user, unit=units[unit_attr], role=role)
        users[username] = user
    Qualification.objects.create(
        user=users["legal_reviewer"],
        kind=QualificationKind.LEGAL_PROFESSIONAL,
        number="A2021000001",
        issued_on="2021-01-01",
    )
    users["outsider"] = UserFactory(username="outsider", full_name="outsider")
    admin = UserFactory(username="admin", full_name="admin", is_staff=True, is_superuser=True)
    users["admin"] = admin
    street_vending = CategoryFactory(
        code="street-vending", name="占道经营", department=units["dept_zhzf"], town_may_handle=True
    )
    food_safety = CategoryFactory(
        code="food-safety", name="食品安全", department=units["dept_scjg"], town_may_handle=False
    )
    disputes = CategoryFactory(
        code="disputes", name="矛盾纠纷", handling_level=HandlingLevel.VILLAGE, department=None
    )
    return World(
        county=county,
        wuyuan=wuyuan,
        ganpu=ganpu,
        wuyuan_village=wv,
        wuyuan_village2=wv2,
        ganpu_village=gv,
        wuyuan_grid=grids[wv.code],
        wuyuan_grid2=grids[wv2.code],
        ganpu_grid=grids[gv.code],
        street_vending=street_vending,
        food_safety=food_safety,
        disputes=disputes,
        users=users,
        **units,
    )


# --- penalty cases ------------------------------------------------------------------------

# Valid identifiers (check characters computed with core.identifiers).
PERSON_ID = "330424198503152010"
PERSON2_ID = "330424199207083529"
ENTERPRISE_CODE = "91330424MA2CXL8P2C"
ENTERPRISE2_CODE = "92330424MA2D1Y2K5E"

CASE_STAFF = [
    # username, unit attribute, role, enforcement certificate (number, issued, expires) or None
    (
        "wuyuan_officer2",
        "wuyuan_squad",
        Role.ENFORCEMENT_OFFICER,
        ("ZJ33042400002", "2022-03-01", None),
    ),
    ("wuyuan_trainee", "wuyuan_squad", Role.ENFORCEMENT_OFFICER, None),
    (
        "wuyuan_expired",
        "wuyuan_squad",
        Role.ENFORCEMENT_OFFICER,
        ("ZJ33042400009", "2015-03-01", "2020-02-28"),
    ),
    (
        "ganpu_officer2",
        "ganpu_squad",
        Role.ENFORCEMENT_OFFICER,
        ("ZJ33042400012", "2022-03-01", None),
    ),
    ("zhzf_handler1", "dept_zhzf", Role.ENFORCEMENT_OFFICER, ("ZJ33042400101", "2021-05-01", None)),
    ("zhzf_handler2", "dept_zhzf", Role.ENFORCEMENT_OFFICER, ("ZJ33042400102", "2021-05-01", None)),
    ("wuyuan_reviewer", "wuyuan_squad", Role.LEGAL_REVIEWER, None),
    ("unqualified_reviewer", "ganpu_squad", Role.LEGAL_REVIEWER, None),
    ("veteran_reviewer", "ganpu_squad", Role.LEGAL_REVIEWER, None),
]


def equip_for_cases(world: World) -> World:
    """What penalty cases need beyond the base world (additive; the base world is unchanged):

    * enforcement certificates for ``wuyuan_officer`` and ``ganpu_officer``, a second
      certified officer in each squad, two certified officers of 县综合行政执法局, an
      officer without a certificate (``wuyuan_trainee``) and one whose certificate expired;
    * the responsible person of 武原街道 (``wuyuan_leader`` in the town's leadership unit;
      the county ``leader`` is responsible for every unit);
    * reviewers: ``legal_reviewer`` (county, qualified), ``lawyer`` (武原 squad lawyer, now
      qualified), ``wuyuan_reviewer`` (qualified), ``unqualified_reviewer`` (post from 2023,
      no qualification) and ``veteran_reviewer`` (reviewing since 2018, no qualification:
      Art. 58 ¶2 does not apply to him);
    * a person and an enterprise as parties; matter ZD-001 held by 武原街道 since 2023-07-01
      and ZD-002 kept by the county department.
    """

    for username in ("wuyuan_officer", "ganpu_officer"):
        Qualification.objects.get_or_create(
            kind=QualificationKind.ENFORCEMENT_CERTIFICATE,
            number=f"ZJ-{username}",
            defaults={"user": world.users[username], "issued_on": "2020-06-01"},
        )
    for username, unit_attr, role, certificate in CASE_STAFF:
        user = UserFactory(username=username, full_name=username)
        started = {"unqualified_reviewer": "2023-05-01", "veteran_reviewer": "2018-03-01"}.get(
            username
        )
        PostFactory(user=user, unit=getattr(world, unit_attr), role=role, started_on=started)
        world.users[username] = user
        if certificate:
            number, issued, expires = certificate
            Qualification.objects.create(
                user=user,
                kind=QualificationKind.ENFORCEMENT_CERTIFICATE,
                number=number,
                issued_on=issued,
                expires_on=expires,
            )
    Qualification.objects.create(
        user=world.users["wuyuan_reviewer"],
        kind=QualificationKind.LEGAL_PROFESSIONAL,
        number="A2019330424001",
        issued_on="2019-12-01",
    )
    Qualification.objects.create(
        user=world.users["lawyer"],
        kind=QualificationKind.LEGAL_PROFESSIONAL,
        number="A2016330424077",
        issued_on="2016-12-01",
    )
    leadership = UnitFactory(
        code="330424001-leadership",
        name="武原街道双牵头领导小组",
        kind=UnitKind.LEADERSHIP,
        region=world.wuyuan,
    )
    leader = UserFactory(username="wuyuan_leader", full_name="wuyuan_leader")
    PostFactory(user=leader, unit=leadership, role=Role.LEADER)
    world.users["wuyuan_leader"] = leader
    world.wuyuan_leadership = leadership
    world.person = Party.objects.create(
        kind=PartyKind.PERSON,
        name="张三",
        id_number=PERSON_ID,
        phone="13912345678",
        address="海盐县武原街道百可社区健康路12号",
    )
    world.enterprise = Party.objects.create(
        kind=PartyKind.ORGANISATION,
        name="海盐县百味餐饮有限公司",
        credit_code=ENTERPRISE_CODE,
        legal_representative="李四",
        phone="0573-86123456",
        address="海盐县武原街道海滨东路88号",
    )
    world.town_matter = make_matter(world, "ZD-001", fine_max=20000)
    grant(world, world.town_matter)
    world.county_matter = make_matter(
        world,
        "ZD-002",
        delegable=False,
        fine_min=500,
        fine_max=5000,
        name="对擅自挖掘城市道路的行政处罚",
    )
    return world
