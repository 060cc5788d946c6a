"""Document numbers per the handling unit's scheme (文书编号).

``盐综执（武原）立字〔2026〕第0001号``: the unit's prefix (``DocumentNumberScheme``), the
document word (立 for the filing approval; document generation adds others such as
罚 or 告), the year in 〔〕 and a four-digit sequence counted per unit, word and year.
"""

from __future__ import annotations

from civicloop.core.models import next_counter_value

from .models import DocumentNumberScheme

FILING_WORD = "立"


def prefix_of(unit) -> str:

    scheme = DocumentNumberScheme.objects.filter(unit=unit).first()
    return scheme.prefix if scheme else unit.name


def format_number(prefix: str, word: str, year: int, sequence: int) -> str:
    return f"{prefix}{word}字〔{year}〕第{sequence:04d}号"


def next_number(unit, *, word: str = FILING_WORD, year: int) -> str:
    """The next number of ``word`` documents of ``unit`` in ``year`` (safe under concurrency)."""
    sequence = next_counter_value(f"cases:{unit.code}:{word}:{year}")
    return format_number(prefix_of(unit), word, year, sequence)
