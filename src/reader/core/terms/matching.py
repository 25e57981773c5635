"""Matching: where the glossary's terms occur in a paragraph, one dict lookup per token."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reader.core.terms.analysing import analyse
from reader.core.terms.glossary import KNOWN_STATUSES
from reader.core.terms.tokens import Analysis, normalize_lang


@dataclass(frozen=True, slots=True)
class TermMatch:
    """An occurrence of a term in a paragraph: ``text[start:end]`` is highlighted."""

    start: int
    end: int
    term_id: int
    status: str


@dataclass(frozen=True, slots=True)
class IndexedTerm:
    """What matching needs of a term."""

    term_id: int
    lang: str
    pattern: str
    status: str


class TermIndex:
    """Terms indexed by the first key of their pattern, longest pattern first."""

    def __init__(self, terms: Iterable[IndexedTerm] = ()) -> None:
        self._by_lang: dict[str, dict[str, list[tuple[tuple[str, ...], int, str]]]] = {}
        self._known: dict[str, set[str]] = {}
        self.size = 0
        for term in terms:
            self._add(term)
        for by_first in self._by_lang.values():
            for candidates in by_first.values():
                candidates.sort(key=lambda candidate: -len(candidate[0]))

    def _add(self, term: IndexedTerm) -> None:
        keys = tuple(term.pattern.split())
        if not keys:
            return
        lang = normalize_lang(term.lang)
        self._by_lang.setdefault(lang, {}).setdefault(keys[0], []).append(
            (keys, term.term_id, term.status)
        )
        if term.status in KNOWN_STATUSES:
            self._known.setdefault(lang, set()).add(term.pattern)
        self.size += 1

    def known_patterns(self, lang: str) -> set[str]:
        """Patterns of the known and ignored terms of a language."""
        return self._known.get(normalize_lang(lang), set())

    def match(self, analysis: Analysis) -> list[TermMatch]:
        """Non-overlapping occurrences, leftmost first and longest at each place."""
        by_first = self._by_lang.get(analysis.lang)
        if not by_first:
            return []
        keys = analysis.keys
        count = len(keys)
        matches: list[TermMatch] = []
        index = 0
        while index < count:
            candidates = by_first.get(keys[index])
            found = None
            if candidates is not None:
                for pattern, term_id, status in candidates:
                    end = index + len(pattern)
                    if end <= count and (len(pattern) == 1 or keys[index:end] == pattern):
                        found = (end, term_id, status)
                        break
            if found is None:
                index += 1
                continue
            end, term_id, status = found
            matches.append(
                TermMatch(analysis.starts[index], analysis.span_ends[end - 1], term_id, status)
            )
            index = end
        return matches


def match_terms(text: str, lang: str, index: TermIndex) -> list[TermMatch]:
    """Occurrences of the indexed terms in one paragraph (its analysis is cached)."""
    return index.match(analyse(text, lang))
