"""Term texts and their patterns: which texts can be terms, the pattern (match keys) of
a term's text, and the word spans a word cursor steps through."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from reader.core.terms.analysing import analyse, analyse_many
from reader.core.terms.tokens import Analysis, pattern_bounds


def pattern_of(analysis: Analysis) -> str:
    """The pattern of an analysed term text: its match keys, space-separated."""
    first, last = pattern_bounds(analysis)
    return " ".join(analysis.keys[first:last])


def term_pattern(text: str, lang: str) -> str:
    """The pattern of a term's text."""
    return pattern_of(analyse(text, lang))


def term_patterns(texts: Sequence[str], lang: str) -> list[str]:
    """Patterns of many term texts, analysed in one batch without filling the cache."""
    return [pattern_of(analysis) for analysis in analyse_many(texts, lang, keep=False)]


class TermTextError(ValueError):
    """A term text that is no word or phrase; the message is one line for the user."""


_TERM_JOINERS = frozenset("-'’.·&/,()[]~\"“”‘’«»")
"""Punctuation a word or phrase can hold inside it: ``U.S.``, ``don't``, ``AT&T``,
``(으)ㄹ 수 있다``, ``~에 대해``. Anything else (``* + $ ^ | \\ = < > @ # %``) makes the
text a pattern or a formula, not a term."""


def check_term_text(text: str) -> None:
    """Refuse a term text that has no letter of its own, or holds symbols no word has.

    ``.*(a+)+$`` was stored with the lemma ``a`` and highlighted every ``a``; ``...`` or
    ``50%`` match nothing useful. Raises TermTextError.
    """
    inner = text.strip(_EDGE_PUNCTUATION + " ")
    shown = text if len(text) <= 40 else text[:39] + "…"
    if not any(char.isalpha() for char in inner):
        raise TermTextError(f"{shown!r} is not a word or phrase: it has no letters")
    symbols = sorted(
        {
            char
            for char in inner
            if not (char.isalnum() or char.isspace() or char in _TERM_JOINERS)
            and not unicodedata.category(char).startswith("M")
        }
    )
    if symbols:
        listed = " ".join(symbols[:8])
        raise TermTextError(f"{shown!r} is not a word or phrase: it holds {listed}")


_WORD = re.compile(r"\S+")
_EDGE_PUNCTUATION = "\"'“”‘’«»「」『』()[]{}<>.,!?;:…·—–-"


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word of a sentence, for a word cursor: whitespace-separated
    words (a Korean word keeps its particles: ``외교를``) without surrounding punctuation."""
    spans = []
    for found in _WORD.finditer(text):
        start, end = found.span()
        while start < end and text[start] in _EDGE_PUNCTUATION:
            start += 1
        while end > start and text[end - 1] in _EDGE_PUNCTUATION:
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans
