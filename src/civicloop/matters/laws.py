"""Reading statutes (法律法规) from the Markdown files of LawRefBook/Laws.

A file is named ``<title>(<version date>).md``; its text after ``<!-- INFO END -->``
holds chapters (``## 第一章 …``) and articles, each beginning a line with
``第X条``. Following lines up to the next article are the article's further
paragraphs (款); items (项) are the paragraphs that start with ``（一）`` or ``(一)``.

Nothing here needs Django: the catalog builder (``build_catalog.py``) and the
catalog import both use it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

LAWS_DIR = Path(__file__).resolve().parent / "data" / "laws"

CN_DIGITS = "零〇一二两三四五六七八九十百千"
ARTICLE_RE = re.compile(rf"^(第[{CN_DIGITS}]+条(?:之[{CN_DIGITS}]+)?)[\s\u3000]*(.*)$")
ARTICLE_NUMBER_RE = re.compile(rf"^第[{CN_DIGITS}]+条(?:之[{CN_DIGITS}]+)?$")
ITEM_RE = re.compile(rf"^[（(]([{CN_DIGITS}]+)[）)]")
FILE_NAME_RE = re.compile(r"^(?P<title>.+)\((?P<date>\d{4}-\d{2}-\d{2})\)\.md$")


class LawError(ValueError):
    """A statute, article, paragraph or item that is not where the caller says."""


@dataclass
class Article:
    number: str  # 第三十四条
    paragraphs: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The article as printed: its number, then its paragraphs one per line."""
        return "\n".join([f"{self.number}　{self.paragraphs[0]}", *self.paragraphs[1:]])

    def item(self, number: int, *, paragraph: int | None = None) -> str:
        """Item (项) ``number`` of the article (or of one paragraph of it)."""
        wanted = cn_number(number)
        for text in self._paragraph_scope(paragraph):
            match = ITEM_RE.match(text)
            if match and match.group(1) == wanted:
                return text
        raise LawError(f"{self.number} has no item ({wanted})")

    def paragraph(self, number: int) -> str:
        """Paragraph (款) ``number``, counting only paragraphs that are not items."""
        plain = [p for p in self.paragraphs if not ITEM_RE.match(p)]
        if not 1 <= number <= len(plain):
            raise LawError(f"{self.number} has no paragraph {number}")
        return plain[number - 1]

    def paragraph_with_items(self, number: int) -> str:
        """Paragraph ``number`` together with the items that follow it."""
        return "\n".join(self._paragraph_scope(number))

    def _paragraph_scope(self, paragraph: int | None) -> list[str]:
        if paragraph is None:
            return self.paragraphs
        scopes: list[list[str]] = []
        for text in self.paragraphs:
            if ITEM_RE.match(text) and scopes:
                scopes[-1].append(text)
            else:
                scopes.append([text])
        if not 1 <= paragraph <= len(scopes):
            raise LawError(f"{self.number} has no paragraph {paragraph}")
        return scopes[paragraph - 1]


@dataclass
class Law:
    title: str  # as in the file name, without the date
    version: dt.date
    path: Path
    articles: dict[str, Article]

    def article(self, number: str) -> Article:
        try:
            return self.articles[number]
        except KeyError:
            raise LawError(f"{self.title} has no {number}") from None


def parse_law(path: Path) -> Law:
    match = FILE_NAME_RE.match(path.name)
    if not match:
        raise LawError(f"{path.name}: expected “<title>(YYYY-MM-DD).md”")
    text = path.read_text(encoding="utf-8")
    body = text.split("<!-- INFO END -->", 1)[-1]
    articles: dict[str, Article] = {}
    current: Article | None = None
    for raw in body.splitlines():
        line = raw.strip().replace("\u3000", " ").strip()
        if not line or line.startswith("#") or line.startswith("<!--"):
            continue
        found = ARTICLE_RE.match(line)
        if found:
            current = Article(found.group(1), [found.group(2).strip()])
            articles[current.number] = current
        elif current is not None:
            current.paragraphs.append(line)
    return Law(
        title=match.group("title"),
        version=dt.date.fromisoformat(match.group("date")),
        path=path,
        articles=articles,
    )


def find_law(title: str, *, laws_dir: Path = LAWS_DIR, version: dt.date | None = None) -> Law:
    """The file of ``title`` (the newest version, unless ``version`` names one)."""
    candidates = []
    for path in laws_dir.rglob("*.md"):
        match = FILE_NAME_RE.match(path.name)
        if match and match.group("title") == title:
            candidates.append((dt.date.fromisoformat(match.group("date")), path))
    if version is not None:
        candidates = [c for c in candidates if c[0] == version]
    if not candidates:
        raise LawError(f"no file for {title}" + (f" ({version})" if version else ""))
    return parse_law(max(candidates)[1])


def shipped_law(title: str, version: dt.date | None = None) -> Law | None:
    """The statute among the files shipped with the catalog, or None."""
    try:
        return find_law(title, version=version)
    except LawError:
        return None


_CN_VALUES = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(text: str) -> int:
    """一百一十八 → 118, 二十万 → 200000, 三千五百 → 3500 (up to 亿)."""
    total, section, digit = 0, 0, None
    for char in text:
        if char in _CN_VALUES:
            digit = _CN_VALUES[char]
        elif char in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[char]
            digit = None
        elif char == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
        elif char == "亿":
            total = (total + section + (digit or 0)) * 100_000_000
            section, digit = 0, None
        else:
            raise ValueError(f"not a Chinese number: {text!r}")
    return total + section + (digit or 0)


def cn_number(value: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 118 → 一百一十八 (for article and item numbers)."""
    digits = "零一二三四五六七八九"
    if value <= 0 or value >= 10_000:
        raise ValueError(value)
    parts = []
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        count, value = divmod(value, unit_value)
        if count:
            parts.append(digits[count] + unit)
        elif parts and value:
            parts.append("零")
    if value:
        parts.append(digits[value])
    text = "".join(parts).replace("零零", "零")
    return text[1:] if text.startswith("一十") else text
