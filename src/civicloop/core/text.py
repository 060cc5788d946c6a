"""Text of a complaint as the apps that compare complaints read it (the routing model,
duplicate detection): width normalised, Excel escapes dropped, subject and details joined.
Word segmentation for the routing model is in ``router/text.py``."""

from __future__ import annotations

import re
import unicodedata

import jieba

# Excel's escaped carriage return, found in exported message texts.
_EXCEL_CR = re.compile(r"_x000[dD]_")
_SPACE = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """Normalise width (NFKC), drop Excel escapes and collapse whitespace."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = _EXCEL_CR.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def message_text(title: str | None, body: str | None) -> str:
    """One text from a message's subject (留言主题) and details (留言详情).

    The subject is short and says what the message is about, so it is put first
    and, if the body does not already start with it, kept whole."""
    title, body = clean(title), clean(body)
    if title and body.startswith(title):
        return body
    return f"{title}。{body}" if title and body else title or body


# Where a clause ends: a title cut here reads as a whole phrase.
_CLAUSE_END = re.compile(r"[。！？；，、,.;!?：:]")


def headline(text: str | None, *, limit: int = 40) -> str:
    """A title made from the first line of ``text``: whole if it fits in ``limit``
    characters, else up to the last clause end (，。；…) in reach, else up to the last
    whole word (jieba's segmentation) followed by "…" — never cut in the middle of a word
    ("…存在安" for "…存在安全隐患")."""
    stripped = (text or "").strip()
    line = _SPACE.sub(" ", stripped.splitlines()[0]).strip() if stripped else ""
    if len(line) <= limit:
        return line
    ends = [m.start() for m in _CLAUSE_END.finditer(line, 0, limit + 1)]
    # A clause end too near the start would leave a title that says nothing.
    if ends and ends[-1] >= limit // 3:
        return line[: ends[-1]].rstrip()
    words, length = [], 0
    for word in jieba.cut(line):
        if length + len(word) > limit - 1:
            break
        words.append(word)
        length += len(word)
    return ("".join(words).rstrip() or line[: limit - 1]) + "…"
