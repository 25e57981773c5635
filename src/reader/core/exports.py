"""Glossary files: CSV and TSV export and import, lossless in both directions.

Both formats are written by :mod:`csv` (TSV is the same dialect with tabs), so
commas, quotes, tabs and newlines inside a note survive the round trip. Files are
UTF-8 with a byte-order mark so that spreadsheet programs show Hangul correctly;
reading accepts UTF-8 with or without it. Tags are space-separated in one column
(tags never contain spaces, see :func:`reader.core.terms.normalize_tags`).

Import accepts a header row naming any of :data:`COLUMNS` (only ``term`` is
required; other programs' names such as Lute's ``translation``/``language``/``added``
are understood), or no header at all: then the columns are term, gloss, note. A
first row is a header only when every cell of it is a known column name, so a
header-less file whose first term is ``word`` keeps it.

Cells are written safe for spreadsheets: one starting with ``= + - @``, a tab or a
carriage return (a formula to Excel, LibreOffice and Google Sheets) gets a leading
``'``, as does one already starting with ``'``; reading a file with reader's own
header removes exactly that one ``'`` again, so export then import is exact.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from reader.core.files import FileReadError, path_text, read_regular_file
from reader.core.models import TERM_STATUSES, Term
from reader.core.terms import normalize_status, normalize_tags
from reader.core.text import clean_line, strip_controls

COLUMNS = (
    "term",
    "lemma",
    "lang",
    "gloss",
    "note",
    "status",
    "tags",
    "sentence",
    "sentence_translation",
    "created",
    "updated",
)
_HEADERLESS_COLUMNS = ("term", "gloss", "note")
_COLUMN_ALIASES = {
    "word": "term",
    "front": "term",
    "translation": "gloss",
    "definition": "gloss",
    "meaning": "gloss",
    "back": "gloss",
    "notes": "note",
    "language": "lang",
    "added": "created",
}
"""Other programs' column names (Lute's CSV export among them)."""
_IGNORED_COLUMNS = {"parent", "link_status", "pronunciation", "romanization", "id"}
"""Other programs' columns reader has no use for (Lute's export has these)."""
_KNOWN_COLUMN_NAMES = set(COLUMNS) | set(_COLUMN_ALIASES) | _IGNORED_COLUMNS
_LANGUAGE_NAMES = {"korean": "ko", "한국어": "ko", "english": "en", "영어": "en"}
MAX_IMPORT_BYTES = 50 * 1024 * 1024
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"


class GlossaryFileError(ValueError):
    """A glossary file that cannot be read; the message names the file and line."""


LEARNING_STATUSES = frozenset(TERM_STATUSES[:5])
"""What ``--status learning`` stands for: levels 1 to 5 (not known, not ignored)."""


@dataclass(frozen=True)
class TermFilter:
    """Which terms an export writes: any of ``statuses``, any of ``tags``, created at or
    after ``since``; an empty part keeps every term."""

    statuses: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    since: datetime | None = None

    def keeps(self, term: Term) -> bool:
        if self.statuses and term.status not in self.statuses:
            return False
        if self.tags and not self.tags.intersection(term.tags):
            return False
        return self.since is None or _created_at(term) >= self.since


def term_filter(
    statuses: Iterable[str] = (), tags: Iterable[str] = (), since: str | None = None
) -> TermFilter:
    """A :class:`TermFilter` from command-line values: statuses as ``terms list`` takes
    them or ``learning`` (1–5); ``since`` a date (``2026-03-01``) or an ISO 8601 time,
    UTC unless it says otherwise. Raises ValueError with a one-line message."""
    wanted: set[str] = set()
    for status in statuses:
        if status.strip().lower() == "learning":
            wanted |= LEARNING_STATUSES
        else:
            wanted.add(normalize_status(status))
    return TermFilter(
        statuses=frozenset(wanted),
        tags=frozenset(normalize_tags(tags)),
        since=_parse_since(since) if since else None,
    )


def _parse_since(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"--since {clean_line(text)[:40]!r}: give a date such as 2026-03-01"
            " or a time such as 2026-03-01T18:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _created_at(term: Term) -> datetime:
    """When a term was created; an unreadable stamp (an imported file's) counts as
    the earliest time, so a ``since`` filter leaves it out."""
    try:
        moment = datetime.fromisoformat(term.created)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def delimiter_for(path: Path, format_name: str | None = None) -> str:
    """Tab for ``tsv`` (or a .tsv/.tab/.txt file), comma otherwise."""
    if format_name is not None:
        return "\t" if format_name == "tsv" else ","
    return "\t" if path.suffix.lower() in (".tsv", ".tab", ".txt") else ","


def write_terms(
    terms: Iterable[Term], output: BinaryIO, delimiter: str = ",", bom: bool = True
) -> int:
    """Write terms with a header row into ``output``; returns how many were written.

    ``bom`` starts the text with a UTF-8 byte-order mark (for files: spreadsheet
    programs need it to show Hangul); ``output`` is left open.
    """
    count = 0
    handle = io.TextIOWrapper(output, encoding="utf-8-sig" if bom else "utf-8", newline="")
    try:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for term in terms:
            writer.writerow(_row(term))
            count += 1
        handle.flush()
    finally:
        handle.detach()
    return count


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (see the module doc)."""
    return _QUOTE + cell if cell.startswith((*_FORMULA_STARTS, _QUOTE)) else cell


def _unquote(cell: str) -> str:
    """Undo :func:`spreadsheet_safe` (only for files with reader's own header)."""
    return cell[1:] if cell.startswith(_QUOTE) else cell


def _row(term: Term) -> list[str]:
    values = {
        "term": term.text,
        "lemma": term.lemma,
        "lang": term.lang,
        "gloss": term.gloss,
        "note": term.note,
        "status": term.status,
        "tags": " ".join(term.tags),
        "sentence": term.sentence,
        "sentence_translation": term.sentence_translation,
        "created": term.created,
        "updated": term.updated,
    }
    return [spreadsheet_safe(values[column]) for column in COLUMNS]


def read_terms(path: Path) -> list[Term]:
    """Terms from a CSV or TSV file (``id`` 0; ``lemma``/``lang`` empty when absent).

    Every value is cleaned as feed text is: control characters and escape
    sequences removed, NFC; only notes keep their newlines.
    """
    data = _read_text(path)
    lines = data.splitlines()
    first_line = lines[0] if lines else ""
    delimiter = "\t" if "\t" in first_line else delimiter_for(path)
    rows = _csv_rows(data, delimiter, path)
    if not rows:
        return []
    header = _header(rows[0])
    if header is not None:
        columns, body, first_number = header, rows[1:], 2
    else:
        columns, body, first_number = list(_HEADERLESS_COLUMNS), rows, 1
    own_export = tuple(cell.strip() for cell in rows[0]) == COLUMNS
    terms = []
    for number, row in enumerate(body, start=first_number):
        if not any(cell.strip() for cell in row):
            continue
        cells = [_unquote(cell) for cell in row] if own_export else row
        values = dict(zip(columns, cells, strict=False))
        terms.append(_term_from_values(values, path, number))
    return terms


def _csv_rows(data: str, delimiter: str, path: Path) -> list[list[str]]:
    """The file's rows; a field may be as long as the whole file allowed on import
    (the csv module's default limit of 128 KB would refuse a long note it wrote)."""
    if csv.field_size_limit() < MAX_IMPORT_BYTES:
        csv.field_size_limit(MAX_IMPORT_BYTES)
    try:
        return list(csv.reader(data.splitlines(keepends=True), delimiter=delimiter))
    except csv.Error as error:
        raise GlossaryFileError(f"{path}: not a readable CSV/TSV file: {error}") from None


def _header(first_row: list[str]) -> list[str] | None:
    """The column names of a header row, or None when the first row is data: a row
    is a header only when every non-empty cell is a known column name and one is
    the term (``word,a unit of language`` is a term and its gloss)."""
    names = [cell.strip().lower() for cell in first_row]
    if not all(name in _KNOWN_COLUMN_NAMES for name in names if name):
        return None
    columns = [_COLUMN_ALIASES.get(name, name) for name in names]
    return columns if "term" in columns else None


def _read_text(path: Path) -> str:
    """The file's text, read with :func:`read_regular_file` (never a FIFO or device)."""
    shown = path_text(path)
    try:
        data = read_regular_file(path, MAX_IMPORT_BYTES)
    except FileNotFoundError:
        raise GlossaryFileError(f"{shown}: no such file") from None
    except FileReadError as error:
        raise GlossaryFileError(f"{shown}: {error}") from None
    except OSError as error:
        raise GlossaryFileError(f"{shown}: cannot read: {error.strerror or error}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise GlossaryFileError(f"{path}: not UTF-8 text ({error.reason})") from None


def _term_from_values(values: dict[str, str], path: Path, number: int) -> Term:
    text = clean_line(values.get("term"))
    if not text:
        raise GlossaryFileError(f"{path}:{number}: the term is empty")
    try:
        status = normalize_status(values.get("status") or "1")
    except ValueError as error:
        raise GlossaryFileError(f"{path}:{number}: {error}") from None
    note = unicodedata.normalize(
        "NFC", strip_controls(values.get("note") or "", keep_newlines=True)
    )
    return Term(
        id=0,
        lang=_language_code(values.get("lang")),
        text=text,
        lemma=clean_line(values.get("lemma")),
        gloss=clean_line(values.get("gloss")),
        note=note.strip(),
        status=status,
        tags=normalize_tags(clean_line(values.get("tags")).split()),
        sentence=clean_line(values.get("sentence")),
        sentence_translation=clean_line(values.get("sentence_translation")),
        created=clean_line(values.get("created")),
        updated=clean_line(values.get("updated")),
    )


def _language_code(value: str | None) -> str:
    """``ko``/``en`` also from a language name (``Korean``); empty when not given."""
    code = clean_line(value).lower()
    return _LANGUAGE_NAMES.get(code, code)
