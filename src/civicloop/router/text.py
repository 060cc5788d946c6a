"""Text of a complaint as the routing model reads it: Chinese word segmentation (分词) of
texts cleaned by ``core.text``.

jieba ships its dictionary inside the wheel, so nothing is fetched at run time.
By default it writes a prefix-dictionary cache to the system's temp folder and
logs to stderr; here it uses its own tokenizer whose cache lives under
``settings.VAR_DIR/router/`` and whose log says nothing below warnings.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

_SPACE = re.compile(r"\s+")
# Organisers' anonymised place names (A市, A3区, K8县…): noise for routing.
_ANONYMISED_PLACE = re.compile(r"[A-Z]\d{0,2}(?=[市区县镇])")
_TOKEN_KEEP = re.compile(r"[\w\u4e00-\u9fff]")
_DIGITS = re.compile(r"^\d+(\.\d+)?$")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
# A lead longer than this is not a subject: only its start is repeated.
LEAD_CHARS = 40

_lock = threading.Lock()
_tokenizer = None


def _jieba():
    """The process's jieba tokenizer, built on first use (about 0.6 s, or 0.1 s from its cache)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba
                from django.conf import settings

                logging.getLogger("jieba").setLevel(logging.WARNING)
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                cache_dir = settings.VAR_DIR / "router"
                # Never the system temp folder: if VAR_DIR is read-only, jieba only logs
                # that it could not write its cache and rebuilds it at the next start.
                tokenizer.tmp_dir = str(cache_dir)
                tokenizer.cache_file = str(cache_dir / "jieba.cache")
                try:
                    cache_dir.mkdir(parents=True, exist_ok=True)
                except OSError:
                    pass
                tokenizer.initialize()
                _tokenizer = tokenizer
    return _tokenizer


@lru_cache(maxsize=4096)  # training reuses segmentations across folds; bounded for web processes
def _words(text: str) -> tuple[str, ...]:
    text = _ANONYMISED_PLACE.sub("", text)
    out = []
    for token in _jieba().lcut(text, HMM=True):
        token = token.strip().lower()
        if not token or not _TOKEN_KEEP.search(token):
            continue  # whitespace and punctuation
        out.append("<num>" if _DIGITS.match(token) else token)
    return tuple(out)


def words(text: str) -> list[str]:
    """jieba words of a cleaned text, without punctuation; numbers become ``<num>``.

    Used as the ``analyzer`` of the word TF-IDF (a module-level function, so
    that a fitted pipeline pickles)."""
    return list(_words(text))


def chars(text: str) -> str:
    """The text for character n-grams: anonymised places and spaces removed."""
    return _SPACE.sub("", _ANONYMISED_PLACE.sub("", text)).lower()


def lead(text: str) -> str:
    """The subject of a message text (``core.text.message_text`` puts it first, ended by
    "。"), or the first sentence of an event's description; at most ``LEAD_CHARS``."""
    return _SENTENCE_END.split(text, maxsplit=1)[0][:LEAD_CHARS]


def with_lead(text: str, times: int) -> str:
    """The text with its lead repeated ``times`` more times (weighting it in TF-IDF)."""
    first = lead(text)
    return text + ("。" + first) * times if first else text
