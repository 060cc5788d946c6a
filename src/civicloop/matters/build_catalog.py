"""Build the starter matter catalog (执法事项目录) from the statutes.

Run from the repository root::

    python -m civicloop.matters.build_catalog --source ../shared/data/laws   # copy the laws, then build
    python -m civicloop.matters.build_catalog                                # rebuild from the shipped copies

``--source`` copies every statute the catalog cites from a LawRefBook/Laws tree
(with its ``db_index.sqlite3``) into ``data/laws/`` and writes
``data/laws/index.csv`` (title, version date, date in force, folder). The build
then reads each cited article from those files, takes its exact text, works out
the statutory fine ranges from the words of the law (``fines.py``: one per party
type the article distinguishes, fixed amounts, multiples of a base; the
``ranges`` column in the compact text of ``ranges.py``, and ``fine_min`` /
``fine_max`` the widest of them) and writes
``data/catalog.csv``, which ``civicloop demo`` and a fresh installation load
(``civicloop import matters``).

:data:`CATALOG` below is the only hand-written part: which violation, which
article (and paragraph 款 / item 项), which event category and county
department, whether towns may be empowered, and — where an article states
several amounts — which passage holds this matter's fine. No text and no amount
is typed in by hand; a wrong article or anchor makes the build fail.

Nothing here needs Django.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import shutil
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

from .fines import passage, statutory_ranges
from .laws import LAWS_DIR, Article, LawError, cn_number, find_law
from .ranges import StatutoryRange, format_ranges_text, widest

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOG_PATH = DATA_DIR / "catalog.csv"
INDEX_PATH = LAWS_DIR / "index.csv"

CATALOG_COLUMNS = [
    "code",
    "name",
    "category",
    "department",
    "delegable",
    "law",
    "law_version",
    "article",
    "clause",
    "fine_min",
    "fine_max",
    "ranges",
    "effective_from",
    "article_text",
]


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    category: str
    department: str
    delegable: bool
    law: str
    article: int
    paragraph: int | None = (
        None  # 款: None when the article has one paragraph (or the matter is the first)
    )
    item: int | None = None  # 项
    fine_paragraph: int | None = None  # where the fine is stated, when not in ``paragraph``
    fine_start: str = ""  # anchors narrowing the fine passage (see fines.passage)
    fine_end: str = ""
    clause: str = ""  # cited clause when the penalty article refers to another one


def E(code, name, category, department, delegable, law, article, **kw) -> Entry:  # noqa: N802
    return Entry(code, name, category, department, delegable, law, article, **kw)


SR = "城市市容和环境卫生管理条例"
RD = "城市道路管理条例"
AD = "广告法"
PL = "城乡规划法"
GAS = "城镇燃气管理条例"
AIR = "大气污染防治法"
NOISE = "噪声污染防治法"
WASTE = "固体废物污染环境防治法"
GREEN = "城市绿化条例"
PROP = "物业管理条例"
FOREST = "森林法"
FOREST_REG = "森林法实施条例"
FIRE = "森林防火条例"
SCENIC = "风景名胜区条例"
WATER = "水污染防治法"
LIVESTOCK = "畜禽规模养殖污染防治条例"
RIVER = "河道管理条例"
PEST = "农药管理条例"
DRAIN = "城镇排水与污水处理条例"

ZHZF, ZJJ, STHJ, ZRZY, NYNC, SL, SCJG = (
    "dept-zhzf",
    "dept-zjj",
    "dept-sthj",
    "dept-zrzy",
    "dept-nync",
    "dept-sl",
    "dept-scjg",
)

CATALOG: list[Entry] = [
    # 市容环境卫生
    E(
        "SR-001",
        "对随地吐痰、便溺，乱扔果皮、纸屑和烟头等废弃物的行政处罚",
        "sanitation",
        ZHZF,
        True,
        SR,
        34,
        item=1,
    ),
    E(
        "SR-002",
        "对在城市建筑物、设施以及树木上涂写、刻画或者未经批准张挂、张贴宣传品的行政处罚",
        "city-appearance",
        ZHZF,
        True,
        SR,
        34,
        item=2,
    ),
    E(
        "SR-003",
        "对在临街建筑物的阳台和窗外堆放、吊挂有碍市容物品的行政处罚",
        "clutter",
        ZHZF,
        True,
        SR,
        34,
        item=3,
    ),
    E(
        "SR-004",
        "对不按规定的时间、地点、方式倾倒垃圾、粪便的行政处罚",
        "sanitation",
        ZHZF,
        True,
        SR,
        34,
        item=4,
    ),
    E(
        "SR-005",
        "对不履行卫生责任区清扫保洁义务或者不按规定清运、处理垃圾和粪便的行政处罚",
        "sanitation",
        ZHZF,
        True,
        SR,
        34,
        item=5,
    ),
    E(
        "SR-006",
        "对运输液体、散装货物不作密封、包扎、覆盖，造成泄漏、遗撒的行政处罚",
        "city-appearance",
        ZHZF,
        True,
        SR,
        34,
        item=6,
    ),
    E(
        "SR-007",
        "对临街工地不设置护栏或者不作遮挡、停工场地不及时整理并作必要覆盖的行政处罚",
        "city-appearance",
        ZHZF,
        True,
        SR,
        34,
        item=7,
    ),
    E("SR-008", "对饲养家畜家禽影响市容和环境卫生的行政处罚", "sanitation", ZHZF, True, SR, 35),
    E(
        "SR-009",
        "对未经同意擅自设置大型户外广告，影响市容的行政处罚",
        "outdoor-ads",
        ZHZF,
        True,
        SR,
        36,
        item=1,
    ),
    E(
        "SR-010",
        "对擅自在街道两侧和公共场地堆放物料，搭建建筑物、构筑物或者其他设施的行政处罚",
        "clutter",
        ZHZF,
        True,
        SR,
        36,
        item=2,
    ),
    E(
        "SR-011",
        "对未经批准擅自拆除环境卫生设施的行政处罚",
        "sanitation",
        ZHZF,
        True,
        SR,
        36,
        item=3,
    ),
    E("SR-012", "对损坏各类环境卫生设施及其附属设施的行政处罚", "sanitation", ZHZF, True, SR, 38),
    # 占道经营、城市道路
    E(
        "ZD-001",
        "对擅自占用城市道路（含占道经营）的行政处罚",
        "street-vending",
        ZHZF,
        True,
        RD,
        42,
        clause="（违反第二十七条第（一）项）",
    ),
    E(
        "ZD-002",
        "对未按照批准的位置、面积、期限占用或者挖掘城市道路的行政处罚",
        "city-appearance",
        ZHZF,
        True,
        RD,
        42,
        item=6,
    ),
    # 户外广告
    E(
        "GG-001",
        "对擅自在桥梁或者路灯设施上设置广告牌或者其他挂浮物的行政处罚",
        "outdoor-ads",
        ZHZF,
        True,
        RD,
        42,
        clause="（违反第二十七条第（六）项）",
    ),
    E("GG-002", "对违反规定发布烟草广告的行政处罚", "outdoor-ads", SCJG, False, AD, 57, item=4),
    # 城乡规划、违法建设
    E(
        "GH-001",
        "对未取得建设工程规划许可证或者未按照建设工程规划许可证的规定进行建设的行政处罚",
        "illegal-construction",
        ZHZF,
        True,
        PL,
        64,
    ),
    E(
        "GH-002",
        "对在乡、村庄规划区内未依法取得乡村建设规划许可证或者未按照许可证规定进行建设的行政处理",
        "illegal-construction",
        ZRZY,
        True,
        PL,
        65,
    ),
    E(
        "GH-003",
        "对未经批准进行临时建设、未按照批准内容进行临时建设或者临时建筑物超期不拆除的行政处罚",
        "illegal-construction",
        ZHZF,
        True,
        PL,
        66,
    ),
    E(
        "GH-004",
        "对建设单位未在竣工验收后六个月内报送竣工验收资料的行政处罚",
        "illegal-construction",
        ZRZY,
        False,
        PL,
        67,
    ),
    # 燃气
    E(
        "RQ-001",
        "对未取得燃气经营许可证从事燃气经营活动的行政处罚",
        "gas-safety",
        ZJJ,
        False,
        GAS,
        45,
        paragraph=1,
    ),
    E(
        "RQ-002",
        "对燃气经营者在不具备安全条件的场所储存燃气的行政处罚",
        "gas-safety",
        ZJJ,
        False,
        GAS,
        46,
        item=5,
    ),
    E(
        "RQ-003",
        "对燃气用户在不具备安全条件的场所使用、储存燃气的行政处罚",
        "gas-safety",
        ZJJ,
        True,
        GAS,
        49,
        item=5,
    ),
    E(
        "RQ-004",
        "对在燃气设施保护范围内进行爆破、取土等作业或者动用明火的行政处罚",
        "gas-safety",
        ZJJ,
        False,
        GAS,
        50,
        item=1,
    ),
    E(
        "RQ-005",
        "对毁损、覆盖、涂改、擅自拆除或者移动燃气设施安全警示标志的行政处罚",
        "gas-safety",
        ZJJ,
        True,
        GAS,
        51,
        paragraph=2,
    ),
    # 大气污染：餐饮油烟、露天烧烤、露天焚烧、扬尘
    E(
        "DQ-001",
        "对餐饮服务业经营者未安装油烟净化设施、不正常使用油烟净化设施或者超标排放油烟的行政处罚",
        "air-pollution",
        ZHZF,
        True,
        AIR,
        118,
        paragraph=1,
        fine_end="；拒不改正",
    ),
    E(
        "DQ-002",
        "对在居民住宅楼等建筑内新建、改建、扩建产生油烟、异味、废气的餐饮服务项目的行政处罚",
        "air-pollution",
        ZHZF,
        True,
        AIR,
        118,
        paragraph=2,
    ),
    E(
        "DQ-003",
        "对在禁止的时段和区域内露天烧烤食品或者为露天烧烤食品提供场地的行政处罚",
        "air-pollution",
        ZHZF,
        True,
        AIR,
        118,
        paragraph=3,
    ),
    E(
        "DQ-004",
        "对在人口集中地区露天焚烧秸秆、落叶等产生烟尘污染物质的行政处罚",
        "air-pollution",
        ZHZF,
        True,
        AIR,
        119,
        paragraph=1,
    ),
    E(
        "DQ-005",
        "对在人口集中地区焚烧沥青、油毡、橡胶、塑料、皮革、垃圾等产生有毒有害烟尘和恶臭气体物质的行政处罚",
        "air-pollution",
        ZHZF,
        True,
        AIR,
        119,
        paragraph=2,
    ),
    E(
        "DQ-006",
        "对施工工地未设置硬质围挡或者未采取覆盖、洒水抑尘等防尘降尘措施的行政处罚",
        "air-pollution",
        ZJJ,
        True,
        AIR,
        115,
        paragraph=1,
        item=1,
        fine_end="；拒不改正",
    ),
    E(
        "DQ-007",
        "对运输煤炭、垃圾、渣土、砂石等散装、流体物料的车辆未采取密闭措施防止物料遗撒的行政处罚",
        "solid-waste",
        ZHZF,
        True,
        AIR,
        116,
        fine_end="；拒不改正",
    ),
    E(
        "DQ-008",
        "对从事服装干洗和机动车维修等服务活动未设置异味和废气处理装置的行政处罚",
        "air-pollution",
        STHJ,
        False,
        AIR,
        120,
        fine_end="；拒不改正",
    ),
    # 噪声
    E(
        "ZS-001",
        "对超过噪声排放标准排放建筑施工噪声或者未取得证明夜间进行产生噪声的建筑施工作业的行政处罚",
        "noise",
        ZHZF,
        True,
        NOISE,
        77,
        fine_end="；拒不改正",
    ),
    E(
        "ZS-002",
        "对超过噪声排放标准排放社会生活噪声或者在商业经营活动中使用高音广播喇叭进行广告宣传的行政处罚",
        "noise",
        ZHZF,
        True,
        NOISE,
        81,
        fine_end="；拒不改正",
    ),
    E(
        "ZS-003",
        "对在噪声敏感建筑物集中区域使用高音广播喇叭、公共场所活动音量过大或者违规进行室内装修造成噪声污染的行政处罚",
        "noise",
        ZHZF,
        True,
        NOISE,
        82,
    ),
    E(
        "ZS-004",
        "对无排污许可证或者超过噪声排放标准排放工业噪声的行政处罚",
        "noise",
        STHJ,
        False,
        NOISE,
        75,
    ),
    # 固体废物、生活垃圾、建筑垃圾
    E(
        "GF-001",
        "对个人随意倾倒、抛撒、堆放或者焚烧生活垃圾的行政处罚",
        "solid-waste",
        ZHZF,
        True,
        WASTE,
        111,
        paragraph=1,
        item=1,
        fine_paragraph=2,
        fine_start="个人有前款",
    ),
    E(
        "GF-002",
        "对工程施工单位擅自倾倒、抛撒或者堆放建筑垃圾的行政处罚",
        "solid-waste",
        ZHZF,
        True,
        WASTE,
        111,
        paragraph=1,
        item=4,
        fine_paragraph=2,
        fine_start="单位有前款第二项",
        fine_end="；个人",
    ),
    E(
        "GF-003",
        "对未在指定的地点分类投放生活垃圾的行政处罚",
        "solid-waste",
        ZHZF,
        True,
        WASTE,
        111,
        paragraph=3,
    ),
    # 园林绿化
    E("LH-001", "对损坏城市树木花草的行政处罚", "landscaping", ZHZF, True, GREEN, 26, item=1),
    E("LH-002", "对擅自砍伐城市树木的行政处罚", "landscaping", ZHZF, True, GREEN, 26, item=2),
    E(
        "LH-003",
        "对砍伐、擅自迁移古树名木或者因养护不善致使古树名木受到损伤、死亡的行政处罚",
        "landscaping",
        ZHZF,
        False,
        GREEN,
        26,
        item=3,
    ),
    E("LH-004", "对未经同意擅自占用城市绿化用地的行政处罚", "landscaping", ZHZF, True, GREEN, 27),
    # 物业管理
    E(
        "WY-001",
        "对擅自占用、挖掘物业管理区域内道路、场地，损害业主共同利益的行政处罚",
        "property-management",
        ZJJ,
        True,
        PROP,
        63,
        paragraph=1,
        item=2,
        fine_paragraph=2,
    ),
    E(
        "WY-002",
        "对擅自利用物业共用部位、共用设施设备进行经营的行政处罚",
        "property-management",
        ZJJ,
        True,
        PROP,
        63,
        paragraph=1,
        item=3,
        fine_paragraph=2,
    ),
    E(
        "WY-003",
        "对物业服务企业未经业主大会同意擅自改变物业管理用房用途的行政处罚",
        "property-management",
        ZJJ,
        True,
        PROP,
        62,
    ),
    E(
        "WY-004",
        "对建设单位擅自处分属于业主的物业共用部位、共用设施设备的所有权或者使用权的行政处罚",
        "property-management",
        ZJJ,
        False,
        PROP,
        57,
    ),
    # 林业（南北湖等山林）
    E("LY-001", "对盗伐林木的行政处罚", "forestry", ZRZY, True, FOREST, 76, paragraph=1),
    E("LY-002", "对滥伐林木的行政处罚", "forestry", ZRZY, True, FOREST, 76, paragraph=2),
    E(
        "LY-003",
        "对进行开垦、采石、采砂、采土或者其他活动造成林木毁坏的行政处罚",
        "forestry",
        ZRZY,
        True,
        FOREST,
        74,
        paragraph=1,
    ),
    E(
        "LY-004",
        "对在幼林地砍柴、毁苗、放牧造成林木毁坏的行政处罚",
        "forestry",
        ZRZY,
        True,
        FOREST,
        74,
        paragraph=2,
    ),
    E(
        "LY-005",
        "对毁林采种或者违反操作技术规程采脂、挖笋、掘根、剥树皮及过度修枝致使林木受到毁坏的行政处罚",
        "forestry",
        ZRZY,
        True,
        FOREST_REG,
        41,
        paragraph=1,
    ),
    E(
        "LY-006",
        "对森林防火期内未经批准擅自在森林防火区内野外用火的行政处罚",
        "forestry",
        ZRZY,
        True,
        FIRE,
        50,
    ),
    E(
        "LY-007",
        "对森林高火险期内未经批准擅自进入森林高火险区活动的行政处罚",
        "forestry",
        ZRZY,
        True,
        FIRE,
        52,
        item=3,
    ),
    E(
        "LY-008",
        "对未经审核同意擅自改变林地用途的行政处罚",
        "forestry",
        ZRZY,
        False,
        FOREST,
        73,
        paragraph=1,
    ),
    # 风景名胜区
    E(
        "FJ-001",
        "对在景物、设施上刻划、涂污或者在风景名胜区内乱扔垃圾的行政处罚",
        "scenic-area",
        ZRZY,
        True,
        SCENIC,
        44,
    ),
    E(
        "FJ-002",
        "对个人在风景名胜区内进行开荒、修坟立碑等破坏景观、植被、地形地貌活动的行政处罚",
        "scenic-area",
        ZRZY,
        True,
        SCENIC,
        43,
    ),
    E(
        "FJ-003",
        "对未经审核在风景名胜区内设置、张贴商业广告的行政处罚",
        "scenic-area",
        ZRZY,
        True,
        SCENIC,
        45,
        item=1,
        fine_end="；情节严重",
    ),
    E(
        "FJ-004",
        "对在风景名胜区内进行开山、采石、开矿等破坏景观、植被、地形地貌活动的行政处罚",
        "scenic-area",
        ZRZY,
        False,
        SCENIC,
        40,
        paragraph=1,
        item=1,
    ),
    # 饮用水水源保护
    E(
        "SY-001",
        "对个人在饮用水水源一级保护区内游泳、垂钓或者从事其他可能污染饮用水水体活动的行政处罚",
        "water-source",
        STHJ,
        True,
        WATER,
        91,
        paragraph=2,
        fine_start="个人在",
    ),
    E(
        "SY-002",
        "对在饮用水水源一级保护区内从事网箱养殖或者组织进行旅游、垂钓等可能污染饮用水水体活动的行政处罚",
        "water-source",
        STHJ,
        True,
        WATER,
        91,
        paragraph=2,
        fine_end="个人在",
    ),
    E(
        "SY-003",
        "对在饮用水水源保护区内使用农药的行政处罚",
        "water-source",
        NYNC,
        True,
        PEST,
        60,
        item=4,
    ),
    E(
        "SY-004",
        "对在饮用水水源保护区内设置排污口的行政处罚",
        "water-source",
        STHJ,
        False,
        WATER,
        84,
        paragraph=1,
        fine_end="；逾期不拆除",
    ),
    E(
        "SY-005",
        "对在饮用水水源保护区建设畜禽养殖场、养殖小区的行政处罚",
        "water-source",
        STHJ,
        False,
        LIVESTOCK,
        37,
        fine_start="在饮用水水源保护区建设",
    ),
    # 河道
    E(
        "HD-001",
        "对在河道管理范围内弃置、堆放阻碍行洪物体，种植阻碍行洪的林木或者高秆植物的行政处罚",
        "river",
        SL,
        True,
        RIVER,
        44,
        item=1,
    ),
    E(
        "HD-002",
        "对在堤防、护堤地建房、放牧、开渠、打井、挖窖、葬坟、晒粮、存放物料等的行政处罚",
        "river",
        SL,
        True,
        RIVER,
        44,
        item=2,
    ),
    E(
        "HD-003",
        "对未经批准在河道管理范围内采砂、取土、弃置砂石或者淤泥、挖筑鱼塘的行政处罚",
        "river",
        SL,
        False,
        RIVER,
        44,
        item=4,
    ),
    # 农业
    E(
        "NY-001",
        "对农药使用者不按照农药标签标注的使用范围、使用方法和剂量等使用农药的行政处罚",
        "agriculture",
        NYNC,
        True,
        PEST,
        60,
        item=1,
    ),
    E(
        "NY-002",
        "对农药使用者使用禁用的农药的行政处罚",
        "agriculture",
        NYNC,
        False,
        PEST,
        60,
        item=2,
    ),
    E(
        "NY-003",
        "对农产品生产企业等不执行农药使用记录制度的行政处罚",
        "agriculture",
        NYNC,
        False,
        PEST,
        61,
    ),
    # 城镇排水
    E(
        "PS-001",
        "对未按照规定将污水排入城镇排水设施或者在雨水、污水分流地区将污水排入雨水管网的行政处罚",
        "water-pollution",
        ZJJ,
        True,
        DRAIN,
        49,
    ),
]


def clause_label(entry: Entry, paragraphs: int) -> str:
    """第二款 / 第（一）项 / 第一款第（四）项; empty for a whole one-paragraph article."""
    if entry.clause:
        return entry.clause
    parts = []
    if entry.paragraph is not None and paragraphs > 1:
        parts.append(f"第{cn_number(entry.paragraph)}款")
    if entry.item is not None:
        parts.append(f"第（{cn_number(entry.item)}）项")
    return "".join(parts)


def read_index(path: Path = INDEX_PATH) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["title"]: row for row in csv.DictReader(fh)}


def build_rows(*, laws_dir: Path = LAWS_DIR) -> list[dict[str, str]]:
    index = read_index(laws_dir / "index.csv")
    rows = []
    seen = set()
    for entry in CATALOG:
        if entry.code in seen:
            raise LawError(f"{entry.code} appears twice")
        seen.add(entry.code)
        meta = index[entry.law]
        law = find_law(entry.law, laws_dir=laws_dir, version=dt.date.fromisoformat(meta["version"]))
        article = law.article(f"第{cn_number(entry.article)}条")
        plain = [p for p in article.paragraphs if not p.startswith(("（", "("))]
        if entry.item is not None:
            article.item(entry.item, paragraph=entry.paragraph)  # must exist
        ranges = entry_ranges(entry, article, where=law.title)
        fine_min, fine_max = widest(ranges)
        rows.append(
            {
                "code": entry.code,
                "name": entry.name,
                "category": entry.category,
                "department": entry.department,
                "delegable": "是" if entry.delegable else "否",
                "law": law.title,
                "law_version": law.version.isoformat(),
                "article": article.number,
                "clause": clause_label(entry, len(plain)),
                "fine_min": _yuan(fine_min),
                "fine_max": _yuan(fine_max),
                "ranges": format_ranges_text(ranges),
                # The wording is in force since the law version took effect.
                "effective_from": meta["in_force_from"] or meta["version"],
                "article_text": article.text,
            }
        )
    return rows


def fine_passage(entry: Entry, article: Article, *, where: str = "") -> str:
    """The words of ``article`` that state ``entry``'s fine (its paragraph and anchors)."""
    if entry.fine_paragraph is not None:
        fine_text = article.paragraph(entry.fine_paragraph)
    else:
        fine_text = article.paragraph(entry.paragraph or 1)
    try:
        return passage(fine_text, start=entry.fine_start, end=entry.fine_end)
    except ValueError as exc:
        raise LawError(f"{entry.code}: {exc} in {where} {article.number}") from exc


def entry_ranges(entry: Entry, article: Article, *, where: str = "") -> tuple[StatutoryRange, ...]:
    return statutory_ranges(fine_passage(entry, article, where=where))


def article_from_text(text: str) -> Article:
    """The reverse of ``Article.text`` (as stored in ``MatterVersion.article_text``)."""
    first, *rest = text.splitlines()
    number, _sep, body = first.partition("\u3000")
    return Article(number.strip(), [body.strip(), *(line.strip() for line in rest)])


def _yuan(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else str(value)


def write_catalog(rows: list[dict[str, str]], path: Path = CATALOG_PATH) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CATALOG_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def copy_laws(source: Path, target: Path = LAWS_DIR) -> list[dict[str, str]]:
    """Copy the in-force version of every cited statute from a LawRefBook/Laws tree."""
    connection = sqlite3.connect(source / "db_index.sqlite3")
    target.mkdir(parents=True, exist_ok=True)
    index = []
    for title in sorted({e.law for e in CATALOG}):
        row = connection.execute(
            "select l.publish, l.valid_from, c.folder from law l join category c on c.id = l.category_id "
            "where l.name = ? and l.expired = 0 order by l.publish desc limit 1",
            (title,),
        ).fetchone()
        if row is None:
            raise LawError(f"{title} is not in force in {source}")
        publish, valid_from, folder = row
        name = f"{title}({publish}).md"
        shutil.copyfile(source / folder / name, target / name)
        index.append(
            {
                "title": title,
                "version": publish,
                "in_force_from": valid_from or "",
                "folder": folder,
                "source": f"{folder}/{name}",
            }
        )
    with (target / "index.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(
            fh,
            fieldnames=["title", "version", "in_force_from", "folder", "source"],
            lineterminator="\n",
        )
        writer.writeheader()
        writer.writerows(index)
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source", type=Path, help="a LawRefBook/Laws tree to copy the statutes from"
    )
    args = parser.parse_args(argv)
    if args.source:
        copied = copy_laws(args.source)
        print(f"copied {len(copied)} statutes into {LAWS_DIR}")
    rows = build_rows()
    write_catalog(rows)
    laws = sorted({r["law"] for r in rows})
    print(f"wrote {len(rows)} matters from {len(laws)} statutes to {CATALOG_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
