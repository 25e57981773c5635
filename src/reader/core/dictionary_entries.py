"""What every dictionary reader yields and the limits it keeps to.

An :class:`Entry` (with its :class:`Sense` s), the :class:`DictionaryInfo` a file gives
about itself, the :class:`DictionaryFile` an opener returns, the caps on every count and
string (a file is hostile), :func:`text_field` (the one way a string from a file
becomes display-safe) and :class:`_CountingReader`, the capped stream every
reader reads through. The readers are :mod:`~reader.core.dictionary_krdict`,
:mod:`~reader.core.dictionary_kengdic` and, inside zips,
:mod:`~reader.core.dictionary_zips`; :mod:`~reader.core.dictionary_formats` picks one.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from reader.core.text import NEEDS_LINE_CLEANING, clean_line

MAX_ENTRIES = 2_000_000
"""Entries one dictionary may hold (KRDict has about 50,000, JMdict-sized Yomitan
dictionaries a few hundred thousand)."""
MAX_HEADWORD_CHARS = 200
MAX_TEXT_CHARS = 2_000
"""A gloss, definition or attribution longer than this is cut (with an ellipsis)."""
MAX_SENSES = 64
MAX_GLOSSES = 32
MAX_LINE_BYTES = 64 * 1024
MAX_MEMBER_BYTES = 256 * 2**20
"""Largest zip member inflated (a KRDict volume is about 40 MB)."""
MAX_INDEX_BYTES = 1 * 2**20
"""Largest Yomitan ``index.json`` (parsed whole; real ones are a few hundred bytes)."""
MAX_ROW_CHARS = 1 * 2**20
"""Largest single term row of a Yomitan term bank (banks are read row by row)."""
MAX_TOTAL_INFLATED_BYTES = 4 * 2**30
MAX_MEMBERS = 10_000
MAX_JSON_DEPTH = 40
HEAD_BYTES = 64 * 1024


_NEEDS_CLEANING = NEEDS_LINE_CLEANING
"""Skipping clean_line's regexes for strings that need nothing makes an import a fifth faster."""

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes read, total bytes) as a file is imported."""


class DictionaryFormatError(Exception):
    """A dictionary file that is not one of the known formats, or is malformed."""


@dataclass(frozen=True)
class Sense:
    """One meaning: English gloss(es), an English definition, the source-language one."""

    gloss: str
    definition: str = ""
    native: str = ""


@dataclass(frozen=True)
class Entry:
    headword: str
    senses: tuple[Sense, ...]
    reading: str = ""
    hanja: str = ""
    pos: str = ""
    level: str = ""
    score: int = 0


@dataclass
class DictionaryInfo:
    """What a file says about itself (filled in while it is read)."""

    format: str
    title: str
    name: str
    revision: str = ""
    licence: str = ""
    attribution: str = ""


@dataclass
class DictionaryFile:
    """An opened dictionary file: its description and its entries, read lazily."""

    info: DictionaryInfo
    entries: Iterator[Entry]
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in self.closers:
            close()


def text_field(value: object, limit: int = MAX_TEXT_CHARS) -> str:
    """A display-safe string from hostile input: controls and escapes removed, capped."""
    if value is None or isinstance(value, bool):
        return ""
    text = value if isinstance(value, str) else str(value)
    if (
        _NEEDS_CLEANING.search(text)
        or text[:1].isspace()
        or text[-1:].isspace()
        or not unicodedata.is_normalized("NFC", text)
    ):
        text = clean_line(text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


class _CountingReader(io.RawIOBase):
    """A read-only stream that counts bytes, reports progress and enforces a cap."""

    def __init__(
        self, raw: IO[bytes], limit: int, report: Callable[[int], None] | None = None
    ) -> None:
        self._raw = raw
        self._limit = limit
        self._report = report
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size if size >= 0 else 1 << 20)
        self.count += len(data)
        if self.count > self._limit:
            raise DictionaryFormatError(
                f"a dictionary member inflates past {self._limit // 2**20} MB (refused)"
            )
        if self._report is not None:
            self._report(len(data))
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
