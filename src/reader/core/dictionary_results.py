"""What the dictionaries database answers: installed dictionaries and lookup results.

A :class:`Dictionary` carries the licence and attribution that go wherever its text
is shown; a :class:`LookupResult` names the dictionaries its entries come from.
Senses are stored as compact JSON (:func:`_senses_json`) and read back into
:class:`LookupEntry` rows (:func:`_lookup_entry`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from reader.core.dictionary_formats import (
    Sense,
)


class DictionaryError(Exception):
    """An expected failure (unknown dictionary, unreadable file) with a one-line message."""


@dataclass(frozen=True)
class Dictionary:
    name: str
    title: str
    format: str
    revision: str
    licence: str
    attribution: str
    entry_count: int
    installed: str
    source_file: str

    @property
    def credit(self) -> str:
        """Its licence and attribution, for wherever its text is shown."""
        parts = [self.licence and f"licence: {self.licence}", self.attribution]
        return " · ".join(part for part in parts if part) or "no licence or attribution given"


@dataclass(frozen=True)
class LookupEntry:
    headword: str
    lemma: str
    match: str
    """``exact`` (the headword is the lemma), ``gloss`` (an English gloss is the word)
    or ``compound`` (the headword starts with the lemma)."""
    reading: str
    hanja: str
    pos: str
    level: str
    senses: tuple[Sense, ...]
    dictionary: str
    """The name of the dictionary it comes from (see :class:`LookupResult.dictionaries`)."""

    @property
    def heading(self) -> str:
        """``외교 (外交) [외ː교]  명사, 중급``: the headword, its hanja and reading, part of
        speech and level, as far as the dictionary gives them."""
        heading = self.headword
        if self.hanja:
            heading += f" ({self.hanja})"
        if self.reading and self.reading != self.headword:
            heading += f" [{self.reading}]"
        details = ", ".join(part for part in (self.pos, self.level) if part)
        return heading + (f"  {details}" if details else "")

    def sense_lines(self) -> list[str]:
        """Each sense as one line: gloss — definition (native text)."""
        lines = []
        for sense in self.senses:
            text = " — ".join(part for part in (sense.gloss, sense.definition) if part)
            if sense.native:
                text = f"{text} ({sense.native})" if text else sense.native
            lines.append(text)
        return lines


@dataclass(frozen=True)
class LookupResult:
    query: str
    lemma: str
    entries: list[LookupEntry]
    dictionaries: dict[str, Dictionary]
    """The dictionaries the entries come from, by name, for their attribution."""


def _senses_json(senses: tuple[Sense, ...]) -> str:
    """Senses as compact JSON, empty fields left out (50,000 entries add up)."""
    items = [
        {
            key: value
            for key, value in (("g", s.gloss), ("d", s.definition), ("n", s.native))
            if value
        }
        for s in senses
    ]
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


def _lookup_entry(match: str, row: Any) -> LookupEntry:
    senses = tuple(
        Sense(gloss=item.get("g", ""), definition=item.get("d", ""), native=item.get("n", ""))
        for item in json.loads(row[7])
    )
    return LookupEntry(
        headword=row[1],
        lemma=row[2],
        match=match,
        reading=row[3],
        hanja=row[4],
        pos=row[5],
        level=row[6],
        senses=senses,
        dictionary=row[8],
    )
