"""Text of a complaint as the apps that compare complaints read it (the routing model,
duplicate detection): width normalised, Excel escapes dropped, subject and details joined.
Word segmentation for the routing model is in ``router/text.py``."""

from __future__ import annotations

import re
import unicodedata

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
