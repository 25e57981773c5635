"""What the glossary table shows: which terms (a status, a language, a tag, some text),
in which order, and how a term's occurrences are summed up.

Plain functions of the terms the glossary screen keeps in memory, so that filtering
and sorting 10,000 terms needs no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.models import Term

if TYPE_CHECKING:
    from reader.core.terms import Occurrence

STATUS_FILTERS: tuple[str | None, ...] = (
    None,
    "learning",
    "1",
    "2",
    "3",
    "4",
    "5",
    "known",
    "ignored",
)
"""What ``s`` cycles through; ``learning`` is levels 1–5."""
LANG_FILTERS: tuple[str | None, ...] = (None, "ko", "en")
SORTS = ("date", "frequency", "alphabet")
OCCURRENCE_LIMIT = 50
"""Occurrences listed at most for one term."""


@dataclass
class GlossaryFilter:
    """What the table shows: a status, a language, a tag and text in term, lemma or gloss."""

    status: str | None = None
    lang: str | None = None
    tag: str | None = None
    text: str = ""

    def matches(self, term: Term) -> bool:
        if self.status == "learning":
            if term.status not in ("1", "2", "3", "4", "5"):
                return False
        elif self.status is not None and term.status != self.status:
            return False
        if self.lang is not None and term.lang != self.lang:
            return False
        if self.tag is not None and self.tag not in term.tags:
            return False
        if self.text:
            needle = self.text.casefold()
            return any(needle in value.casefold() for value in (term.text, term.lemma, term.gloss))
        return True

    def describe(self) -> str:
        parts = []
        if self.status:
            parts.append(f"status {self.status}")
        if self.lang:
            parts.append(self.lang)
        if self.tag:
            parts.append(f"#{self.tag}")
        if self.text:
            parts.append(f"“{self.text}”")
        return ", ".join(parts) or "all"


def sort_terms(terms: list[Term], order: str, frequencies: dict[int, int]) -> list[Term]:
    """Newest first (``date``), most frequent first, or by lemma."""
    if order == "frequency":
        return sorted(terms, key=lambda term: (-frequencies.get(term.id, 0), term.lemma))
    if order == "alphabet":
        return sorted(terms, key=lambda term: term.lemma.casefold())
    return sorted(terms, key=lambda term: (term.created, term.id), reverse=True)


def occurrence_summary(found: list[Occurrence]) -> str:
    """ "12 occurrences in 11 articles": the table's ``arts`` counts articles, a term can
    occur more than once in one."""
    articles = len({occurrence.article_id for occurrence in found})
    count = f"{len(found)} occurrence{'s' if len(found) != 1 else ''}"
    where = f"{articles} article{'s' if articles != 1 else ''}"
    first = f"the first {len(found)}: " if len(found) >= OCCURRENCE_LIMIT else ""
    return f"{first}{count} in {where}"
