"""Find internals leaking onto pages a user reads: slugs, English enum values, hashes, exponent
numbers and Django's empty choice "---------" (issue 13, "Chinese everywhere a user looks").

:func:`visible_text` keeps only what a reader sees: text nodes, without ``<script>``,
``<style>``, ``<template>``, ``<code>``/``<kbd>``/``<samp>``/``<pre>`` and without any element
marked ``translate="no"`` (the HTML attribute for content that is not language: identifiers,
numbers, codes). Attributes are ignored. :func:`find_leaks` then names each suspicious piece.
:func:`crawl` follows a signed-in user's links through the site and collects the leaks of
every page it reaches (HTML pages and DOCX downloads).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve

HIDDEN_ELEMENTS = frozenset({"script", "style", "template", "code", "kbd", "samp", "pre", "svg"})
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)

# Latin words a Chinese page may legitimately show: names of formats, standards, products,
# units and abbreviations every county clerk reads as they are.
ALLOWED_WORDS = frozenset(
    (
        # formats, files, protocols
        "API PDF DOCX XLSX CSV Excel Word JSON HTML URL QR SMS ID OpenAPI REST Swagger TOTP ZIP "
        "PNG JPEG JPG HTTP HTTPS WPS GeoJSON "
        # standards, coordinate systems, maps
        "GB GCJ WGS OpenStreetMap OSM Leaflet ECharts TipDM "
        # the product and its kin
        "Civicloop Django LibreOffice Open311 Python Haiyan "
        # common abbreviations and units
        "KPI KPIs No AM PM km kg MB KB ms TF IDF TF-IDF App APP IP SHA SHA-256 MAC CSP Cookie OK "
        # file-name extensions, and the language switcher's own name for English
        "pdf docx xlsx csv json png jpg jpeg English"
    ).split()
)

WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[_\-./][A-Za-z0-9]+)*")
# Hashes print in lower case; "E2026113000005" (an event number) is not one.
HEX_HASH = re.compile(
    r"(?<![0-9A-Za-z])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{8,}(?![0-9A-Za-z])"
)
# A web address or an absolute path is something to type, not language.
ADDRESS = re.compile(r"(?:https?://|(?<![\w.])/)[\w\-./?=&%#:]+")
EXPONENT = re.compile(r"\d(?:\.\d+)?[eE][+-]?\d+")
EMPTY_CHOICE = re.compile(r"-{4,}")


@dataclass(frozen=True)
class Leak:
    kind: str  # "word", "hash", "exponent", "empty-choice"
    text: str
    context: str

    def __str__(self) -> str:
        return f"{self.kind} {self.text!r} in …{self.context}…"


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, hides its content)

    @property
    def hidden(self) -> bool:
        return any(hides for _tag, hides in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag in VOID_ELEMENTS:
            return
        attributes = dict(attrs)
        hides = (
            tag in HIDDEN_ELEMENTS
            or attributes.get("translate") == "no"
            or "hidden" in attributes
            or attributes.get("aria-hidden") == "true"
        )
        self.stack.append((tag, hides))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a reader sees on an HTML page, one text node per line."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return "\n".join(part.strip() for part in collector.parts if part.strip())


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - 20) : end + 20].replace("\n", " ")


def find_leaks(text: str) -> list[Leak]:
    """Every slug, English word, hex hash, exponent number or empty-choice dash line in ``text``."""
    leaks = []
    for match in HEX_HASH.finditer(text):
        leaks.append(Leak("hash", match.group(), _context(text, *match.span())))
    for match in EXPONENT.finditer(text):
        leaks.append(Leak("exponent", match.group(), _context(text, *match.span())))
    for match in EMPTY_CHOICE.finditer(text):
        leaks.append(Leak("empty-choice", match.group(), _context(text, *match.span())))
    for match in WORD.finditer(ADDRESS.sub(" ", text)):
        word = match.group()
        if word in ALLOWED_WORDS or HEX_HASH.fullmatch(word) or EXPONENT.search(word):
            continue
        letters = re.sub(r"[^A-Za-z]", "", word)
        if len(letters) < 3 and not re.search(r"[_/]", word):
            continue  # units and single letters (m, h, A3 …) read as symbols
        if word.isupper() and len(letters) <= 5 and "_" not in word:
            continue  # acronyms (GDP, ETC …)
        # A word with digits and letters (an ID, a code like "C2") is a number field.
        if re.fullmatch(r"[A-Z]{1,3}\d[\w\-]*", word):
            continue
        leaks.append(Leak("word", word, _context(text, *match.span())))
    return leaks


def docx_text(content: bytes) -> str:
    """The text of a DOCX body (paragraphs and table cells), as a reader of the print sees it."""
    from docx import Document  # python-docx; only needed when a crawl meets a DOCX

    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    return "\n".join(p for p in parts if p.strip())


HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"'#][^"']*)["']""", re.IGNORECASE)
# Pages a crawl must not follow: signing out, the admin, the raw API, language switch,
# spreadsheet and binary downloads other than DOCX.
SKIPPED_PREFIXES = (
    "/accounts/logout",
    "/logout",
    "/admin/",
    "/api/",
    "/i18n/",
    "/static/",
    "/media/",
    "/account/two-factor",
)


@dataclass
class CrawlReport:
    pages: list[str] = field(default_factory=list)
    leaks: dict[str, list[Leak]] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        lines = []
        for url, leaks in self.leaks.items():
            lines.append(url)
            lines.extend(f"    {leak}" for leak in leaks[:8])
        for url, status in self.failures.items():
            lines.append(f"{url}: HTTP {status}")
        return "\n".join(lines)


def _route_key(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(
    client,
    start: Iterable[str] = ("/",),
    *,
    per_route: int = 2,
    limit: int = 120,
    report: CrawlReport | None = None,
) -> CrawlReport:
    """Follow the links of ``client``'s pages breadth-first from ``start``: at most
    ``per_route`` URLs per Django route (a list and two of its items, not every item) and
    ``limit`` pages in all; return every page's leaks and every page that failed."""
    report = report or CrawlReport()
    queue = list(start)
    seen: set[str] = set()
    per_key: Counter[str] = Counter()
    while queue and len(report.pages) < limit:
        url = urldefrag(queue.pop(0))[0]
        parts = urlsplit(url)
        if parts.netloc or url in seen or parts.path.startswith(SKIPPED_PREFIXES):
            continue
        seen.add(url)
        key = _route_key(parts.path)
        if key is None:
            continue
        key = f"{key}?" if parts.query else key
        if per_key[key] >= per_route:
            continue
        per_key[key] += 1
        response = client.get(url)
        if response.status_code in (301, 302, 303, 307):
            queue.insert(0, response["Location"])
            per_key[key] -= 1
            continue
        if response.status_code in (403, 404, 405):
            continue  # a redirect to sign-in, a page this role may not open, a POST-only URL
        if response.status_code != 200:
            report.failures[url] = response.status_code
            continue
        content_type = response.get("Content-Type", "")
        if "html" in content_type:
            html = response.content.decode(response.charset or "utf-8")
            text = visible_text(html)
            queue.extend(unescape(href) for href in HREF.findall(html))
        elif "wordprocessingml" in content_type:
            text = docx_text(b"".join(response) if response.streaming else response.content)
        else:
            continue
        report.pages.append(url)
        leaks = find_leaks(text)
        if leaks:
            report.leaks[url] = leaks
    return report
