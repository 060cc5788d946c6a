"""How alike two complaint texts are (文本相似度), for duplicate suggestions.

TF-IDF cosine over Chinese characters and character pairs (1–2-grams), with
sub-linear term frequency. Characters need no word segmentation, so place names
the dictionary does not know (丽发新城, 伊景园滨河苑) still match piece by piece;
pairs keep a little word order. On the labelled pairs of real messages this
beat jieba words, longer n-grams and Jaccard overlap (docs/hotspots.md).

The inverse document frequencies come from a shipped reference table
(``data/reference_df.tsv.gz``): how many of 2 816 real citizen messages contain
each character and character pair (pairs seen once are left out; unseen grams get
the largest weight). It was built from a corpus *disjoint* from the evaluation
messages with :func:`build_reference`, so the measured quality is not flattered
by weights learnt on the test texts.
"""

from __future__ import annotations

import csv
import gzip
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from civicloop.core.text import message_text

DATA_DIR = Path(__file__).resolve().parent / "data"
REFERENCE_FILE = DATA_DIR / "reference_df.tsv.gz"
# What the method is called in records (DuplicateSuggestion.detector) and docs.
METHOD = "tfidf-char12"


def normalise(text: str | None) -> str:
    """Width-normalised (NFKC), lower case, letters and digits only (punctuation and
    spaces carry nothing about the problem or the place)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if ch.isalnum())


def grams(text: str | None) -> Counter:
    """Characters and adjacent character pairs of the normalised text, with counts."""
    chars = normalise(text)
    found = Counter(chars)
    found.update(chars[i : i + 2] for i in range(len(chars) - 1))
    return found


def event_text(title: str | None, description: str | None) -> str:
    """Title and description as one text (the title first, unless the description starts with it)."""
    return message_text(title, description)


@dataclass(frozen=True)
class Reference:
    """Document frequencies of grams in a reference corpus."""

    documents: int
    df: dict[str, int]

    def idf(self, gram: str) -> float:
        # The smoothed IDF of scikit-learn: ln((1 + n) / (1 + df)) + 1.
        return math.log((1 + self.documents) / (1 + self.df.get(gram, 0))) + 1

    def vector(self, text: str) -> dict[str, float]:
        """The L2-normalised TF-IDF vector (sub-linear tf: 1 + ln tf)."""
        weights = {g: (1 + math.log(n)) * self.idf(g) for g, n in grams(text).items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {g: w / norm for g, w in weights.items()} if norm else {}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(g, 0.0) for g, w in a.items())


def build_reference(texts: Iterable[str], *, min_df: int = 2) -> Reference:
    counts: Counter = Counter()
    documents = 0
    for text in texts:
        documents += 1
        counts.update(set(grams(text)))
    return Reference(documents=documents, df={g: n for g, n in counts.items() if n >= min_df})


def read_messages(path: Path) -> list[str]:
    """Texts (留言主题 + 留言详情) of a message-board CSV file of the TipDM data."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [event_text(row["留言主题"], row["留言详情"]) for row in csv.DictReader(fh)]


def write_reference(reference: Reference, path: Path = REFERENCE_FILE) -> None:
    """One gram and its document count per line, sorted; the first line holds the corpus size."""
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write(f"#documents\t{reference.documents}\n")
        for gram, n in sorted(reference.df.items()):
            fh.write(f"{gram}\t{n}\n")


def read_reference(path: Path = REFERENCE_FILE) -> Reference:
    df: dict[str, int] = {}
    documents = 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            gram, _tab, n = line.rstrip("\n").partition("\t")
            if gram == "#documents":
                documents = int(n)
            else:
                df[gram] = int(n)
    return Reference(documents=documents, df=df)


@lru_cache(maxsize=1)
def reference() -> Reference:
    """The shipped reference table, read once per process (about 0.1 s)."""
    return read_reference()


def similarity(a: str, b: str, ref: Reference | None = None) -> float:
    ref = ref or reference()
    return cosine(ref.vector(a), ref.vector(b))
