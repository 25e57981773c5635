"""Offline dictionaries: installed from KRDict, kengdic or Yomitan files, looked up by lemma.

They live in a SQLite file of their own (``dictionaries.sqlite`` in the data folder),
apart from the main store: a dictionary is data the user can download again, it can
be large, and its schema has its own version (``PRAGMA user_version``).

Every entry is keyed by a *lemma key*: the headword in NFC, lowercase, without spaces
or the ``^``/``-`` markers of Korean dictionaries. A dictionary's headwords are already
dictionary forms, so they are not analysed again (kiwipiepy reads the headword
``먹이다`` as the noun ``먹이`` plus the copula). Lookups go the other way: the word as
it appears in text is turned into its lemma with reader's own analysis
(:func:`reader.core.terms.lemma_for`: kiwipiepy for Korean, so ``먹었다`` finds
``먹다`` and ``외교를`` finds ``외교``; the English stemmer for English), and both the
word as written and its lemma are looked up. Short English glosses are keyed too, so
an English word finds the Korean entries it translates.

Results are ranked: headwords equal to the lemma (or the word as written) first, then
entries whose English gloss is the word, then compounds that start with the lemma
(``외교`` → ``외교관``). Every result names its dictionary, whose licence and
attribution go wherever its text is shown.

An install runs in one transaction: the previous copy of the same dictionary is
replaced only when the new one has been read to its end, so a failed import leaves
the installed dictionaries exactly as they were.

This module holds the database (:class:`DictionaryStore`); the keys are made in
:mod:`~reader.core.dictionary_keys` and the answers are the types of
:mod:`~reader.core.dictionary_results`, both re-exported here; the files are read by
:mod:`~reader.core.dictionary_formats`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader.core.dictionary_formats import (
    MAX_ENTRIES,
    DictionaryFile,
    DictionaryFormatError,
    Entry,
    ProgressCallback,
    open_dictionary,
    text_field,
)
from reader.core.dictionary_keys import dictionary_name as dictionary_name
from reader.core.dictionary_keys import gloss_parts as gloss_parts
from reader.core.dictionary_keys import headword_keys as headword_keys
from reader.core.dictionary_keys import lemma_key as lemma_key
from reader.core.dictionary_keys import lemma_of as lemma_of
from reader.core.dictionary_keys import word_language as word_language
from reader.core.dictionary_results import Dictionary as Dictionary
from reader.core.dictionary_results import DictionaryError as DictionaryError
from reader.core.dictionary_results import LookupEntry as LookupEntry
from reader.core.dictionary_results import LookupResult as LookupResult
from reader.core.dictionary_results import _lookup_entry, _senses_json
from reader.core.files import path_text
from reader.core.thread_connections import ThreadConnections

SCHEMA_VERSION = 1
DATABASE_NAME = "dictionaries.sqlite"
BATCH_SIZE = 2_000
PREFIX_LIMIT = 20


_SCHEMA = """
CREATE TABLE dictionaries (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    title TEXT NOT NULL,
    format TEXT NOT NULL,
    revision TEXT NOT NULL DEFAULT '',
    licence TEXT NOT NULL DEFAULT '',
    attribution TEXT NOT NULL DEFAULT '',
    source_file TEXT NOT NULL DEFAULT '',
    installed TEXT NOT NULL,
    entry_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    dictionary_id INTEGER NOT NULL REFERENCES dictionaries(id) ON DELETE CASCADE,
    lemma TEXT NOT NULL,
    headword TEXT NOT NULL,
    reading TEXT NOT NULL DEFAULT '',
    hanja TEXT NOT NULL DEFAULT '',
    pos TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL DEFAULT '',
    score INTEGER NOT NULL DEFAULT 0,
    senses TEXT NOT NULL
);
CREATE INDEX entries_lemma ON entries(lemma);
CREATE INDEX entries_dictionary ON entries(dictionary_id);
CREATE TABLE gloss_keys (
    key TEXT NOT NULL,
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    PRIMARY KEY (key, entry_id)
) WITHOUT ROWID;
CREATE INDEX gloss_keys_entry ON gloss_keys(entry_id);
"""


class DictionaryStore:
    """The dictionaries database: install, list, remove, look up. Safe to use from
    several threads (the app looks words up in workers): each has its own connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connections = ThreadConnections(self._open)

    @property
    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        return self._connections.get()

    def _open(self) -> sqlite3.Connection:
        """Open (and on first use create) the database; raises :class:`DictionaryError`
        for a file that is not a dictionaries database or is from a newer reader, which
        is then left untouched."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            self.path, timeout=30, isolation_level=None, check_same_thread=False
        )
        try:
            self._prepare(connection)
        except sqlite3.DatabaseError as error:
            connection.close()
            raise DictionaryError(
                f"{self.path}: not a dictionaries database ({error}); move it away to start afresh"
            ) from None
        except BaseException:
            connection.close()
            raise
        return connection

    def _prepare(self, connection: sqlite3.Connection) -> None:
        """Check the schema version (before anything is written), then set up the file."""
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise DictionaryError(
                f"{self.path.name} was written by a newer reader (schema {version})"
            )
        if version == 0 and self._has_tables(connection):
            raise self._foreign()
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("PRAGMA synchronous=NORMAL")
        if version == 0:
            connection.execute("BEGIN IMMEDIATE")
            try:
                self._create_schema(connection)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise

    @staticmethod
    def _has_tables(connection: sqlite3.Connection) -> bool:
        return bool(connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])

    def _foreign(self) -> DictionaryError:
        return DictionaryError(
            f"{self.path}: a database of another program; move it away to start afresh"
        )

    def _create_schema(self, connection: sqlite3.Connection) -> None:
        """Create the tables, unless another process did while this one waited."""
        if connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return
        if self._has_tables(connection):
            raise self._foreign()
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self._connections.close_all()

    # -- install -------------------------------------------------------------------------

    def install(self, path: Path, progress: ProgressCallback | None = None) -> Dictionary:
        """Import a dictionary file, replacing an installed copy of the same dictionary.

        Raises :class:`DictionaryError` for a file that cannot be read, is of no known
        format, is malformed or holds too many entries; nothing is changed then.
        """
        shown = path_text(path)
        try:
            opened = open_dictionary(path, progress)
        except DictionaryFormatError as error:
            raise DictionaryError(f"{shown}: {error}") from None
        except OSError as error:
            raise DictionaryError(f"{shown}: cannot read: {error.strerror or error}") from None
        try:
            return self._import(opened, path)
        except DictionaryFormatError as error:
            raise DictionaryError(f"{shown}: {error}") from None
        except OSError as error:
            raise DictionaryError(f"{shown}: cannot read: {error.strerror or error}") from None
        finally:
            opened.close()

    def _import(self, opened: DictionaryFile, path: Path) -> Dictionary:
        info = opened.info
        name = dictionary_name(info)
        connection = self.connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute("DELETE FROM dictionaries WHERE name = ?", (name,))
            cursor = connection.execute(
                "INSERT INTO dictionaries (name, title, format, revision, licence, attribution,"
                " source_file, installed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    info.title,
                    info.format,
                    info.revision,
                    info.licence,
                    info.attribution,
                    text_field(path.name, 200),
                    datetime.now(UTC).isoformat(timespec="seconds"),
                ),
            )
            dictionary_id = int(cursor.lastrowid or 0)
            count = self._insert_entries(dictionary_id, opened.entries)
            if count == 0:
                raise DictionaryFormatError("no dictionary entries found")
            connection.execute(
                "UPDATE dictionaries SET entry_count = ? WHERE id = ?", (count, dictionary_id)
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return self.get(name)

    def _insert_entries(self, dictionary_id: int, entries: Iterator[Entry]) -> int:
        count = 0
        batch: list[Entry] = []
        for entry in entries:
            count += 1
            if count > MAX_ENTRIES:
                raise DictionaryFormatError(f"more than {MAX_ENTRIES:,} entries (refused)")
            batch.append(entry)
            if len(batch) >= BATCH_SIZE:
                self._insert_batch(dictionary_id, batch)
                batch = []
        if batch:
            self._insert_batch(dictionary_id, batch)
        return count

    def _insert_batch(self, dictionary_id: int, batch: list[Entry]) -> None:
        from reader.core.terms import lemmas_for

        connection = self.connection
        lemmas = headword_keys([entry.headword for entry in batch])
        parts = [gloss_parts(entry.senses) for entry in batch]
        flat = [part for entry_parts in parts for part in entry_parts]
        gloss_lemmas = iter(lemmas_for(flat, "en")) if flat else iter(())
        keys: list[tuple[str, int]] = []
        for entry, lemma, entry_parts in zip(batch, lemmas, parts, strict=True):
            cursor = connection.execute(
                "INSERT INTO entries (dictionary_id, lemma, headword, reading, hanja, pos, level,"
                " score, senses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    dictionary_id,
                    lemma,
                    entry.headword,
                    entry.reading,
                    entry.hanja,
                    entry.pos,
                    entry.level,
                    entry.score,
                    _senses_json(entry.senses),
                ),
            )
            entry_id = int(cursor.lastrowid or 0)
            entry_keys = {lemma_key(next(gloss_lemmas)) for _ in entry_parts}
            keys.extend((key, entry_id) for key in entry_keys if key)
        connection.executemany("INSERT OR IGNORE INTO gloss_keys VALUES (?, ?)", keys)

    # -- list, remove --------------------------------------------------------------------

    def dictionaries(self) -> list[Dictionary]:
        rows = self.connection.execute(
            "SELECT name, title, format, revision, licence, attribution, entry_count,"
            " installed, source_file FROM dictionaries ORDER BY title COLLATE NOCASE"
        ).fetchall()
        return [Dictionary(*row) for row in rows]

    def get(self, name: str) -> Dictionary:
        """The dictionary of that name (or title); raises :class:`DictionaryError`."""
        for dictionary in self.dictionaries():
            if name.lower() in (dictionary.name.lower(), dictionary.title.lower()):
                return dictionary
        names = ", ".join(d.name for d in self.dictionaries()) or "none installed"
        raise DictionaryError(f"no dictionary named {text_field(name, 80)!r} ({names})")

    def remove(self, name: str) -> Dictionary:
        """Remove a dictionary and its entries; raises :class:`DictionaryError`."""
        dictionary = self.get(name)
        connection = self.connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute("DELETE FROM dictionaries WHERE name = ?", (dictionary.name,))
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return dictionary

    # -- lookup --------------------------------------------------------------------------

    def lookup_keys(
        self, keys: list[str], english: str | None, limit: int = 50
    ) -> list[tuple[str, Any]]:
        """Rows for lemma keys (the word as written, then its lemma), best first, as
        (match, row) pairs; ``english`` is the English key to look up among glosses
        (None for a Korean word)."""
        connection = self.connection
        keys = [key for key in dict.fromkeys(keys) if key]
        if not keys:
            return []
        seen: set[int] = set()
        found: list[tuple[str, Any]] = []
        # The word as written first: where kiwipiepy misreads a headword (먹이다 as the
        # noun 먹이 plus the copula), the entry spelt exactly so is the better answer.
        queries: list[tuple[str, str, tuple[Any, ...]]] = [
            ("exact", "e.lemma = ?", (key,)) for key in keys
        ]
        if english:
            queries.append(
                ("gloss", "e.id IN (SELECT entry_id FROM gloss_keys WHERE key = ?)", (english,))
            )
        first = keys[-1]
        queries.append(("compound", "e.lemma > ? AND e.lemma < ?", (first, first + "\U0010ffff")))
        for match, where, parameters in queries:
            rows = connection.execute(
                "SELECT e.id, e.headword, e.lemma, e.reading, e.hanja, e.pos, e.level, e.senses,"
                f" d.name FROM entries e JOIN dictionaries d ON d.id = e.dictionary_id"
                f" WHERE {where} ORDER BY length(e.lemma), e.dictionary_id, e.score DESC, e.id LIMIT ?",
                (*parameters, PREFIX_LIMIT if match == "compound" else limit),
            ).fetchall()
            for row in rows:
                if row[0] not in seen:
                    seen.add(row[0])
                    found.append((match, row))
        return found[:limit]

    def level_ranks(self, lemmas: Iterable[str]) -> dict[str, int]:
        """The word level rank (1 초급 … 3 고급, see :mod:`reader.core.word_levels`) of each
        lemma some installed dictionary gives a level, the lowest when they differ."""
        from reader.core.word_levels import level_rank

        keys: dict[str, list[str]] = {}
        for lemma in lemmas:
            keys.setdefault(lemma_key(lemma), []).append(lemma)
        ranks: dict[str, int] = {}
        wanted = list(keys)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, level in self.connection.execute(
                f"SELECT lemma, level FROM entries WHERE level != '' AND lemma IN ({marks})",
                chunk,
            ):
                rank = level_rank(level)
                if rank is None:
                    continue
                for lemma in keys.get(key, ()):
                    ranks[lemma] = min(rank, ranks.get(lemma, rank))
        return ranks

    def lookup(self, word: str, lemma: str, english: bool, limit: int = 50) -> LookupResult:
        """Entries for ``word`` whose lemma (computed by the caller) is ``lemma``."""
        keys = [lemma_key(word), lemma_key(lemma)]
        english_key = lemma_key(lemma) if english else None
        rows = self.lookup_keys(keys, english_key, limit)
        entries = [_lookup_entry(match, row) for match, row in rows]
        names = {entry.dictionary for entry in entries}
        sources = {d.name: d for d in self.dictionaries() if d.name in names}
        return LookupResult(query=word, lemma=lemma, entries=entries, dictionaries=sources)
