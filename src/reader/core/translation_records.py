"""What reader keeps about translations beside the cache: per-sentence details, the
"keep as is" flag of terms, and the reader's own translations of sentences.

* ``translation_details``: for a cached translation (same key as the ``translations``
  row), the glossary terms it used and whether each was applied, its confidence and
  reason, and the model's n-best alternatives. Dropped with the cache row.
* ``term_keep``: terms shown untranslated (names, brands), steered like ``ignored`` ones.
* ``user_translations``: a sentence's translation written or chosen by the reader,
  keyed by direction and the source sentence's hash — it beats any model and any
  cache, and stays until the source sentence changes (a new hash finds nothing).

Every function takes a connection (``Store.transaction()`` for writes, ``Store.connection``
for reads), so this module does not depend on how the store is laid out.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

MIGRATION = """
CREATE TABLE term_keep (
    term_id INTEGER PRIMARY KEY REFERENCES terms(id) ON DELETE CASCADE
);

CREATE TABLE translation_details (
    model TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    options TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    terms TEXT NOT NULL DEFAULT '[]',
    confidence REAL,
    reason TEXT NOT NULL DEFAULT '',
    alternatives TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (model, source_lang, target_lang, options, source_hash)
) WITHOUT ROWID;

CREATE TRIGGER translation_details_dropped AFTER DELETE ON translations BEGIN
    DELETE FROM translation_details
    WHERE model = old.model AND source_lang = old.source_lang
      AND target_lang = old.target_lang AND options = old.options
      AND source_hash = old.source_hash;
END;

CREATE TABLE user_translations (
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    kind TEXT NOT NULL,
    created TEXT NOT NULL,
    PRIMARY KEY (source_lang, target_lang, source_hash)
) WITHOUT ROWID;
"""
"""Schema migration 6 (see the store's MIGRATIONS)."""

EDIT, ALTERNATIVE = "edit", "alternative"
USER_KINDS = (EDIT, ALTERNATIVE)
MAX_USER_TRANSLATION_CHARS = 4000
_CHUNK = 500


@dataclass(frozen=True)
class Details:
    """The stored details of one cached translation."""

    terms: tuple[dict[str, Any], ...]
    confidence: float | None
    reason: str
    alternatives: tuple[str, ...]


@dataclass(frozen=True)
class UserTranslation:
    source: str
    target: str
    kind: str
    """``edit`` (written by the reader) or ``alternative`` (one of the model's n-best)."""
    created: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _chunks(values: Sequence[str]) -> Iterable[tuple[list[str], str]]:
    for start in range(0, len(values), _CHUNK):
        chunk = list(values[start : start + _CHUNK])
        yield chunk, ", ".join("?" * len(chunk))


# -- details -------------------------------------------------------------------------------


def write_details(
    connection: sqlite3.Connection,
    key: tuple[str, str, str, str],
    rows: dict[str, Details],
) -> None:
    """Store details for cache rows ``key`` = (model, source, target, options), by hash."""
    connection.executemany(
        "INSERT OR REPLACE INTO translation_details VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                *key,
                digest,
                json.dumps(list(details.terms), ensure_ascii=False),
                details.confidence,
                details.reason,
                json.dumps(list(details.alternatives), ensure_ascii=False),
            )
            for digest, details in rows.items()
        ],
    )


def read_details(
    connection: sqlite3.Connection, key: tuple[str, str, str, str], hashes: Sequence[str]
) -> dict[str, Details]:
    """The stored details of the cache rows of ``key`` with these hashes."""
    found: dict[str, Details] = {}
    for chunk, marks in _chunks(hashes):
        rows = connection.execute(
            "SELECT source_hash, terms, confidence, reason, alternatives FROM translation_details"
            " WHERE model = ? AND source_lang = ? AND target_lang = ? AND options = ?"
            f" AND source_hash IN ({marks})",
            [*key, *chunk],
        ).fetchall()
        for digest, terms, confidence, reason, alternatives in rows:
            found[digest] = Details(
                tuple(_json_list(terms, dict)),
                None if confidence is None else float(confidence),
                str(reason),
                tuple(_json_list(alternatives, str)),
            )
    return found


def _json_list(text: str, kind: type) -> list[Any]:
    """A stored JSON list, keeping only items of ``kind`` (a damaged value gives [])."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return []
    return [item for item in value if isinstance(item, kind)] if isinstance(value, list) else []


# -- keep as is ------------------------------------------------------------------------------


def kept_terms(connection: sqlite3.Connection) -> frozenset[int]:
    """Ids of the terms flagged "keep as is"."""
    return frozenset(int(row[0]) for row in connection.execute("SELECT term_id FROM term_keep"))


def set_kept(connection: sqlite3.Connection, term_id: int, keep: bool) -> None:
    if keep:
        connection.execute("INSERT OR IGNORE INTO term_keep (term_id) VALUES (?)", (term_id,))
    else:
        connection.execute("DELETE FROM term_keep WHERE term_id = ?", (term_id,))


# -- the reader's own translations -------------------------------------------------------------


def user_translations(
    connection: sqlite3.Connection, source_lang: str, target_lang: str, hashes: Sequence[str]
) -> dict[str, UserTranslation]:
    """The reader's translations of the sentences with these hashes, by hash."""
    found: dict[str, UserTranslation] = {}
    for chunk, marks in _chunks(sorted(set(hashes))):
        rows = connection.execute(
            "SELECT source_hash, source, target, kind, created FROM user_translations"
            f" WHERE source_lang = ? AND target_lang = ? AND source_hash IN ({marks})",
            [source_lang, target_lang, *chunk],
        ).fetchall()
        for digest, source, target, kind, created in rows:
            found[digest] = UserTranslation(source, target, kind, created)
    return found


def set_user_translation(
    connection: sqlite3.Connection,
    source_lang: str,
    target_lang: str,
    source_hash: str,
    source: str,
    target: str,
    kind: str,
) -> None:
    """Keep the reader's translation of a sentence (replacing an earlier one)."""
    if kind not in USER_KINDS:
        raise ValueError(f"unknown kind of user translation {kind!r}")
    connection.execute(
        "INSERT OR REPLACE INTO user_translations VALUES (?, ?, ?, ?, ?, ?, ?)",
        (source_lang, target_lang, source_hash, source, target, kind, _now()),
    )


def delete_user_translation(
    connection: sqlite3.Connection, source_lang: str, target_lang: str, source_hash: str
) -> bool:
    """Forget the reader's translation of a sentence; True when there was one."""
    cursor = connection.execute(
        "DELETE FROM user_translations WHERE source_lang = ? AND target_lang = ?"
        " AND source_hash = ?",
        (source_lang, target_lang, source_hash),
    )
    return cursor.rowcount > 0
