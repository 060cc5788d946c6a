"""The starter catalog: every matter rests on a real article of a shipped statute, and the
fine ranges are read from the words of the law."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from civicloop.matters.build_catalog import CATALOG, CATALOG_PATH, build_rows
from civicloop.matters.fines import FineRange, fine_range, passage
from civicloop.matters.laws import LAWS_DIR, cn_number, cn_to_int, find_law


def committed_rows() -> list[dict[str, str]]:
    with CATALOG_PATH.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("处五千元以上五万元以下的罚款；拒不改正的，责令停业整治", (5000, 50000)),
        ("处5万元以上50万元以下罚款", (50000, 500000)),
        ("处十万元以上一百万元以下的罚款", (100000, 1000000)),
        ("对个人处二百元以上一千元以下的罚款，对单位处二千元以上二万元以下的罚款", (200, 20000)),
        ("对单位可以处10万元以下罚款，对个人可以处1000元以下罚款", (None, 100000)),
        ("可以处五百元以下的罚款", (None, 500)),
        ("处50元的罚款", (50, 50)),
        ("处建设工程造价百分之五以上百分之十以下的罚款", (None, None)),
        ("并处盗伐林木价值五倍以上十倍以下的罚款", (None, None)),
        ("并处非法改变用途林地每平方米10元至30元的罚款", (None, None)),
        ("可以并处警告、罚款", (None, None)),
    ],
)
def test_fine_ranges_are_read_from_the_words_of_the_law(text, expected):
    low, high = expected
    assert fine_range(text) == FineRange(
        None if low is None else Decimal(low), None if high is None else Decimal(high)
    )


def test_chinese_numbers_and_article_numbers():
    assert (
        cn_to_int("一百一十八") == 118
        and cn_to_int("二十万") == 200000
        and cn_to_int("一百万") == 1_000_000
    )
    assert cn_to_int("三千五百") == 3500 and cn_to_int("十") == 10
    assert [cn_number(n) for n in (1, 10, 21, 101, 118, 1005)] == [
        "一",
        "十",
        "二十一",
        "一百零一",
        "一百一十八",
        "一千零五",
    ]


def test_a_passage_between_anchors_and_a_missing_anchor_fails_loudly():
    text = "单位有前款第一项行为之一，处五万元以上五十万元以下的罚款；个人有前款第一项行为之一，处一百元以上五百元以下的罚款。"
    assert fine_range(passage(text, start="个人有前款")) == FineRange(Decimal(100), Decimal(500))
    assert fine_range(passage(text, end="；个人")) == FineRange(Decimal(50000), Decimal(500000))
    with pytest.raises(ValueError):
        passage(text, start="法人")


def test_the_committed_catalog_is_exactly_what_the_builder_makes_from_the_shipped_statutes():
    assert build_rows() == committed_rows()


def test_the_starter_catalog_covers_the_county_enforcement_domains_with_real_articles():
    rows = committed_rows()
    assert 30 <= len(rows) <= 80
    laws = {r["law"] for r in rows}
    assert {
        "城市市容和环境卫生管理条例",
        "城乡规划法",
        "城镇燃气管理条例",
        "大气污染防治法",
        "噪声污染防治法",
        "固体废物污染环境防治法",
        "城市道路管理条例",
        "城市绿化条例",
        "物业管理条例",
        "森林法",
        "水污染防治法",
        "河道管理条例",
        "农药管理条例",
        "风景名胜区条例",
        "广告法",
    } <= laws
    for row in rows:
        law = find_law(row["law"])
        # The law column is the statute's title exactly as its file is named (without the date).
        assert law.path.name == f"{row['law']}({row['law_version']}).md"
        assert law.article(row["article"]).text == row["article_text"]
        if row["fine_max"]:
            assert Decimal(row["fine_max"]) >= Decimal(row["fine_min"] or 0)


def test_known_matters_have_the_articles_and_ranges_of_the_law():
    rows = {r["code"]: r for r in committed_rows()}
    oil = rows["DQ-001"]
    assert (oil["law"], oil["article"], oil["clause"], oil["fine_min"], oil["fine_max"]) == (
        "大气污染防治法",
        "第一百一十八条",
        "第一款",
        "5000",
        "50000",
    )
    spit = rows["SR-001"]
    assert (spit["article"], spit["clause"], spit["fine_min"], spit["fine_max"]) == (
        "第三十四条",
        "第（一）项",
        "",
        "",
    )
    rubbish = rows["GF-001"]
    assert (rubbish["fine_min"], rubbish["fine_max"]) == ("100", "500")
    assert rows["FJ-001"]["fine_min"] == rows["FJ-001"]["fine_max"] == "50"
    assert rows["LY-002"]["fine_max"] == ""  # multiples of the timber's value, not an amount


def test_every_statute_file_is_shipped_with_its_source_note():
    assert (LAWS_DIR / "SOURCES.md").exists() and (LAWS_DIR / "index.csv").exists()
    assert {e.law for e in CATALOG} == {
        p.name.rsplit("(", 1)[0] for p in LAWS_DIR.glob("*.md") if p.name != "SOURCES.md"
    }
