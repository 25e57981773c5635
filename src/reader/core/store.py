"""SQLite storage: schema, numbered migrations and queries.

One connection per thread (SQLite connections must not be shared across threads
without a lock, and Textual workers run in threads). WAL lets readers and one
writer work at once, ``busy_timeout`` makes a second process wait instead of
failing, and every write runs in ``BEGIN IMMEDIATE`` so that two writers never
deadlock upgrading a read lock. A writer that holds the database longer than the
busy timeout (indexing a 10 MB article for search takes seconds) does not make
another writer fail either: :meth:`Store.transaction` tries again until
:data:`WRITE_WAIT_SECONDS` have passed, and logs the wait.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader.core.models import (
    DEMO_FEED_URL,
    LOCAL_FEED_URL,
    Article,
    ArticleSummary,
    EntryData,
    Feed,
    FeedKind,
    Term,
)
from reader.core.text import clean_line
from reader.core.translation_records import MIGRATION as _MIGRATION_6

BUSY_TIMEOUT_MS = 10_000
WRITE_WAIT_SECONDS = 120.0
"""How long a write waits for another writer's lock in all (busy timeouts included)."""

log = logging.getLogger(__name__)
SEARCH_SEPARATOR = "\n"
"""Between an article's paragraphs in the search index (the update trigger uses char(10))."""


class StoreError(Exception):
    """The database cannot be used; the message is meant for the user."""


class DiskFullError(StoreError):
    """A write failed because the disk (or the database's size limit) is full."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(f"disk full: cannot write to {path}; free some space and try again")


LOW_SPACE_BYTES = 1024 * 1024
"""Free space under which a disk I/O error is taken for a full disk."""


def is_disk_full(error: BaseException, path: str | Path | None = None) -> bool:
    """SQLite's SQLITE_FULL (a full disk, or ``max_page_count`` reached) or ENOSPC.

    SQLite reports some writes on a full disk as a plain disk I/O error (creating the
    WAL or its index when the database opens); with ``path``, such an error counts as
    a full disk when the database's folder has next to no space left.
    """
    if isinstance(error, OSError):
        return error.errno == errno.ENOSPC
    if not isinstance(error, sqlite3.Error):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if (code is not None and code & 0xFF == sqlite3.SQLITE_FULL) or (
        "database or disk is full" in str(error)
    ):
        return True
    input_output = (code is not None and code & 0xFF == sqlite3.SQLITE_IOERR) or (
        "disk I/O error" in str(error)
    )
    return input_output and path is not None and _low_on_space(Path(path))


def _low_on_space(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < LOW_SPACE_BYTES
    except OSError:
        return False


def _in_transaction(connection: sqlite3.Connection) -> bool:
    """Asked again after the body ran: the body, or SQLite itself, may have ended it."""
    return connection.in_transaction


class _Connection(sqlite3.Connection):
    """A connection whose statements raise DiskFullError for a full disk: one line for
    every command and the TUI, instead of an OperationalError (or, from the rollback
    that followed it, "cannot rollback - no transaction is active")."""

    def __init__(self, database: str | Path, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self.database_path = database

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.Error as error:
            raise self._translated(error) from None

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        try:
            return super().executemany(sql, parameters)
        except sqlite3.Error as error:
            raise self._translated(error) from None

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        try:
            return super().executescript(script)
        except sqlite3.Error as error:
            raise self._translated(error) from None

    def _translated(self, error: sqlite3.Error) -> Exception:
        full = is_disk_full(error, self.database_path)
        return DiskFullError(self.database_path) if full else error


def utc_now() -> str:
    """The current time as the ISO 8601 UTC string every table uses."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# Migrations are applied in order; migration N brings a database to user_version N.
# Never edit a released migration: add a new one.
_MIGRATION_1 = """
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'feed',
    site_url TEXT,
    folder TEXT,
    etag TEXT,
    last_modified TEXT,
    last_checked TEXT,
    last_status INTEGER,
    last_error TEXT,
    failure_count INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL
);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
    guid TEXT NOT NULL,
    url TEXT,
    title TEXT NOT NULL DEFAULT '',
    author TEXT,
    published TEXT,
    updated TEXT,
    fetched TEXT NOT NULL,
    language TEXT,
    content TEXT NOT NULL DEFAULT '[]',
    summary_only INTEGER NOT NULL DEFAULT 0,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    feed_title TEXT NOT NULL DEFAULT '',
    UNIQUE (feed_id, guid)
);
CREATE INDEX articles_by_date ON articles (coalesce(published, fetched) DESC);
CREATE INDEX articles_unread ON articles (read, feed_id);

CREATE VIRTUAL TABLE articles_fts USING fts5 (title, body, tokenize = 'trigram');

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, body)
    VALUES (new.id, new.title,
            (SELECT group_concat(value, char(10)) FROM json_each(new.content)));
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.id;
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, content ON articles BEGIN
    UPDATE articles_fts
    SET title = new.title,
        body = (SELECT group_concat(value, char(10)) FROM json_each(new.content))
    WHERE rowid = new.id;
END;

CREATE TABLE translations (
    model TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    options TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    target TEXT NOT NULL,
    created TEXT NOT NULL,
    PRIMARY KEY (model, source_lang, target_lang, options, source_hash)
) WITHOUT ROWID;

CREATE TABLE terms (
    id INTEGER PRIMARY KEY,
    lang TEXT NOT NULL,
    text TEXT NOT NULL,
    lemma TEXT NOT NULL,
    gloss TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '1',
    tags TEXT NOT NULL DEFAULT '[]',
    sentence TEXT NOT NULL DEFAULT '',
    sentence_translation TEXT NOT NULL DEFAULT '',
    article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    UNIQUE (lang, lemma)
);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# Terms: the match pattern of each term (see reader.core.terms) and, per analysed
# article, its distinct content words ('w') and candidate phrases ('p') with counts,
# for document frequencies (suggestions) and difficulty.
_MIGRATION_2 = """
ALTER TABLE terms ADD COLUMN pattern TEXT NOT NULL DEFAULT '';
CREATE INDEX terms_by_pattern ON terms (lang, pattern);

CREATE TABLE article_vocab (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    analysed TEXT NOT NULL
);

CREATE TABLE article_words (
    article_id INTEGER NOT NULL REFERENCES article_vocab(article_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (article_id, kind, key)
) WITHOUT ROWID;
CREATE INDEX article_words_by_key ON article_words (kind, key);
"""

# An article whose text changes loses its vocabulary, so that the background
# analysis (articles without one) picks it up again.
_MIGRATION_3 = """
CREATE TRIGGER article_vocab_stale AFTER UPDATE OF title, content ON articles BEGIN
    DELETE FROM article_vocab WHERE article_id = new.id;
END;
"""

# New articles are indexed for search by Store.upsert_entries itself, in one batch per
# feed: the same insert made by a trigger cost 2.5 times as much (FTS5 work per
# trigger firing), and it was most of the time a refresh spent writing.
_MIGRATION_4 = """
DROP TRIGGER articles_fts_insert;
"""

# Feed-server accounts (issue 16): each account's feeds (feeds.kind 'account'), the
# server id of each of its articles with the flags the server last reported, and the
# push queue of local flag changes. The triggers queue every change of read/starred on
# a server article in the transaction that makes it, whatever code path made it; a
# sync applying the server's flags marks itself in account_applying (inside its own
# transaction, so no other connection ever sees the mark) and is not queued.
_MIGRATION_5 = """
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    url TEXT NOT NULL,
    username TEXT NOT NULL,
    key_store TEXT NOT NULL,
    since_id INTEGER NOT NULL DEFAULT 0,
    last_sync TEXT,
    last_error TEXT,
    created TEXT NOT NULL
);

CREATE TABLE account_feeds (
    feed_id INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    remote_id INTEGER NOT NULL,
    UNIQUE (account_id, remote_id)
);

CREATE TABLE account_items (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    remote_id INTEGER NOT NULL,
    server_read INTEGER NOT NULL DEFAULT 0,
    server_starred INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, remote_id)
);

CREATE TABLE account_push (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    remote_id INTEGER NOT NULL,
    flag TEXT NOT NULL,
    value INTEGER NOT NULL,
    changed TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    PRIMARY KEY (account_id, remote_id, flag)
) WITHOUT ROWID;

CREATE TABLE account_applying (account_id INTEGER PRIMARY KEY);

CREATE TRIGGER account_push_read AFTER UPDATE OF read ON articles
WHEN old.read IS NOT new.read AND NOT EXISTS (SELECT 1 FROM account_applying) BEGIN
    INSERT OR REPLACE INTO account_push (account_id, remote_id, flag, value, changed)
    SELECT account_id, remote_id, 'read', new.read, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
    FROM account_items WHERE article_id = new.id;
END;

CREATE TRIGGER account_push_starred AFTER UPDATE OF starred ON articles
WHEN old.starred IS NOT new.starred AND NOT EXISTS (SELECT 1 FROM account_applying) BEGIN
    INSERT OR REPLACE INTO account_push (account_id, remote_id, flag, value, changed)
    SELECT account_id, remote_id, 'starred', new.starred,
           strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
    FROM account_items WHERE article_id = new.id;
END;
"""

# Issue 12: translation details, "keep as is" terms and the reader's own translations
# (the SQL is in core/translation_records.py).
MIGRATIONS: list[str] = [
    _MIGRATION_1,
    _MIGRATION_2,
    _MIGRATION_3,
    _MIGRATION_4,
    _MIGRATION_5,
    _MIGRATION_6,
]
SCHEMA_VERSION = len(MIGRATIONS)


class Store:
    """The reader database. Safe to use from several threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all_connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._check_existing_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._migrate()

    # -- connections -----------------------------------------------------------------

    def _check_existing_file(self) -> None:
        """Refuse, before touching it, a file that is not a SQLite database."""
        if not self.path.exists():
            return
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not a database file")
        with self.path.open("rb") as handle:
            header = handle.read(16)
        if header and header != b"SQLite format 3\x00":
            raise StoreError(
                f"{self.path}: not a reader database (damaged or another kind of file); "
                "it was left untouched — move it away to start afresh"
            )

    def _connect(self) -> sqlite3.Connection:
        try:
            connection = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
                factory=_Connection,
            )
            connection.row_factory = sqlite3.Row
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as error:
            if is_disk_full(error, self.path):
                raise DiskFullError(self.path) from None
            raise StoreError(f"{self.path}: cannot open database: {error}") from None
        return connection

    @property
    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connect()
            self._local.connection = connection
            with self._lock:
                self._all_connections.append(connection)
        return connection

    def close(self) -> None:
        with self._lock:
            for connection in self._all_connections:
                connection.close()
            self._all_connections.clear()
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: ``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on error.

        Waits out another writer's lock (see :meth:`_begin`); raises
        ``sqlite3.OperationalError`` ("database is locked") only after
        :data:`WRITE_WAIT_SECONDS`.
        """
        connection = self.connection
        if connection.in_transaction:
            yield connection
            return
        self._begin(connection)
        try:
            yield connection
            connection.execute("COMMIT")
        except BaseException as error:
            # SQLite has already rolled back after some errors (a full disk among them).
            if _in_transaction(connection):
                with contextlib.suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
            if isinstance(error, OSError) and is_disk_full(error):
                raise DiskFullError(self.path) from None
            raise

    def _begin(self, connection: sqlite3.Connection) -> None:
        """``BEGIN IMMEDIATE``, tried again while another connection holds the write lock."""
        deadline = time.monotonic() + WRITE_WAIT_SECONDS
        waited = False
        while True:
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or time.monotonic() >= deadline:
                    log.error("%s: could not start a write: %s", self.path, error)
                    raise
                if not waited:
                    log.warning("%s: waiting for another writer (%s)", self.path, error)
                    waited = True
                time.sleep(0.05)
                continue
            if waited:
                log.info("%s: the other writer is done; writing", self.path)
            return

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return self.connection.execute(sql, params).fetchall()

    # -- migrations ------------------------------------------------------------------

    def schema_version(self) -> int:
        return int(self.connection.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        try:
            version = self.schema_version()
        except sqlite3.DatabaseError as error:
            self.close()
            raise StoreError(
                f"{self.path}: damaged database ({error}); it was left untouched"
            ) from None
        if version > SCHEMA_VERSION:
            self.close()
            raise StoreError(
                f"{self.path}: this database was written by a newer reader (schema {version}, "
                f"this reader knows up to {SCHEMA_VERSION}); upgrade reader to open it"
            )
        if version == SCHEMA_VERSION:
            self._ensure_wal()
            return
        if version > 0:
            self._backup(version)
        self._ensure_wal()
        for number in range(version + 1, SCHEMA_VERSION + 1):
            self._apply(number, MIGRATIONS[number - 1])

    def _ensure_wal(self) -> None:
        mode = self.connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{self.path}: cannot switch the database to WAL mode ({mode})")

    def _backup(self, version: int) -> Path:
        """Copy the database aside before upgrading it, with SQLite's online backup."""
        target = self.path.with_name(f"{self.path.name}.v{version}.bak")
        destination = sqlite3.connect(target)
        try:
            self.connection.backup(destination)
        finally:
            destination.close()
        return target

    def _apply(self, number: int, script: str) -> None:
        """Run one migration and bump user_version in the same transaction."""
        connection = self.connection
        statements = [s for s in _split_sql(script) if s.strip()]
        connection.execute("BEGIN IMMEDIATE")
        try:
            if self.schema_version() >= number:  # another process got there first
                connection.execute("ROLLBACK")
                return
            for statement in statements:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    # -- feeds -------------------------------------------------------------------------

    def ensure_collection(self, kind: FeedKind) -> Feed:
        """The built-in Local or Welcome collection, created when first needed."""
        url, title = {
            FeedKind.LOCAL: (LOCAL_FEED_URL, "Local"),
            FeedKind.DEMO: (DEMO_FEED_URL, "Welcome"),
        }[kind]
        with self.transaction() as connection:
            connection.execute(
                "INSERT OR IGNORE INTO feeds (url, title, kind, created) VALUES (?, ?, ?, ?)",
                (url, title, kind.value, utc_now()),
            )
        feed = self.feed_by_url(url)
        assert feed is not None
        return feed

    def add_feed(self, url: str, title: str = "", folder: str | None = None) -> tuple[Feed, bool]:
        """Subscribe to ``url``; returns the feed and whether it was new."""
        with self.transaction() as connection:
            cursor = connection.execute(
                "INSERT OR IGNORE INTO feeds (url, title, folder, kind, created) "
                "VALUES (?, ?, ?, 'feed', ?)",
                (url, title, folder, utc_now()),
            )
            created = cursor.rowcount == 1
        feed = self.feed_by_url(url)
        assert feed is not None
        return feed, created

    def update_feed(self, feed_id: int, **values: Any) -> None:
        """Set columns of one feed (names come from code, never from input)."""
        if not values:
            return
        allowed = {
            "url",
            "title",
            "site_url",
            "folder",
            "etag",
            "last_modified",
            "last_checked",
            "last_status",
            "last_error",
            "failure_count",
        }
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"unknown feed columns: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        with self.transaction() as connection:
            connection.execute(
                f"UPDATE feeds SET {assignments} WHERE id = :feed_id",
                {**values, "feed_id": feed_id},
            )

    def remove_feed(self, feed_id: int) -> None:
        """Delete a feed and its articles, except starred or annotated ones, which stay readable."""
        with self.transaction() as connection:
            connection.execute(
                "DELETE FROM articles WHERE feed_id = ? AND starred = 0 "
                "AND id NOT IN (SELECT article_id FROM terms WHERE article_id IS NOT NULL)",
                (feed_id,),
            )
            connection.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    _FEED_SELECT = """
        SELECT feeds.*,
               (SELECT count(*) FROM articles WHERE feed_id = feeds.id AND read = 0) AS unread
        FROM feeds
    """

    def feeds(self, kind: FeedKind | None = None) -> list[Feed]:
        if kind is None:
            rows = self.query(self._FEED_SELECT + " ORDER BY kind DESC, lower(title), id")
        else:
            rows = self.query(
                self._FEED_SELECT + " WHERE kind = ? ORDER BY lower(title), id", (kind.value,)
            )
        return [_feed(row) for row in rows]

    def feed(self, feed_id: int) -> Feed | None:
        rows = self.query(self._FEED_SELECT + " WHERE id = ?", (feed_id,))
        return _feed(rows[0]) if rows else None

    def feed_by_url(self, url: str) -> Feed | None:
        rows = self.query(self._FEED_SELECT + " WHERE url = ?", (url,))
        return _feed(rows[0]) if rows else None

    # -- articles ----------------------------------------------------------------------

    def upsert_entries(self, feed_id: int, entries: Sequence[EntryData]) -> tuple[int, int]:
        """Store entries of one feed in one transaction; returns (new, updated).

        An entry already stored (same guid) keeps its read and starred state and its
        annotations; only its text and metadata change, and only if they changed.
        """
        new = updated = 0
        now = utc_now()
        search_rows: list[tuple[int | None, str, str]] = []
        with self.transaction() as connection:
            feed_title_row = connection.execute(
                "SELECT title FROM feeds WHERE id = ?", (feed_id,)
            ).fetchone()
            feed_title = feed_title_row[0] if feed_title_row else ""
            for entry in entries:
                content = json.dumps(entry.paragraphs, ensure_ascii=False)
                existing = connection.execute(
                    "SELECT id, title, content, url, author, published, summary_only FROM articles "
                    "WHERE feed_id = ? AND guid = ?",
                    (feed_id, entry.guid),
                ).fetchone()
                if existing is None:
                    cursor = connection.execute(
                        "INSERT INTO articles (feed_id, guid, url, title, author, published, updated,"
                        " fetched, language, content, summary_only, feed_title)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            feed_id,
                            entry.guid,
                            entry.url,
                            entry.title,
                            entry.author,
                            entry.published,
                            entry.updated,
                            now,
                            entry.language,
                            content,
                            int(entry.summary_only),
                            feed_title,
                        ),
                    )
                    search_rows.append(
                        (cursor.lastrowid, entry.title, SEARCH_SEPARATOR.join(entry.paragraphs))
                    )
                    new += 1
                    continue
                if _entry_changed(existing, entry, content):
                    # A full text fetched earlier is not replaced by the feed's summary again.
                    keep_full_text = entry.summary_only and not existing["summary_only"]
                    connection.execute(
                        "UPDATE articles SET title = ?, url = ?, author = ?, published = ?,"
                        " updated = ?, language = ?, content = ?, summary_only = ? WHERE id = ?",
                        (
                            entry.title,
                            entry.url,
                            entry.author,
                            entry.published,
                            entry.updated,
                            entry.language,
                            existing["content"] if keep_full_text else content,
                            0 if keep_full_text else int(entry.summary_only),
                            existing["id"],
                        ),
                    )
                    updated += 1
            connection.executemany(
                "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)", search_rows
            )
        return new, updated

    def set_article_content(
        self, article_id: int, paragraphs: list[str], summary_only: bool = False
    ) -> None:
        with self.transaction() as connection:
            connection.execute(
                "UPDATE articles SET content = ?, summary_only = ? WHERE id = ?",
                (json.dumps(paragraphs, ensure_ascii=False), int(summary_only), article_id),
            )

    _SUMMARY_COLUMNS = (
        "articles.id, articles.feed_id, articles.title, articles.url, articles.published,"
        " articles.read, articles.starred, articles.language,"
        " coalesce(feeds.title, articles.feed_title) AS feed_title"
    )

    def articles(
        self,
        *,
        feed_id: int | None = None,
        unread: bool = False,
        starred: bool = False,
        kind: FeedKind | None = None,
        limit: int | None = None,
        offset: int = 0,
        folder: str | None = None,
    ) -> list[ArticleSummary]:
        """Article summaries, newest first (``folder``: of the feeds filed in that folder)."""
        where, params = _article_filter(feed_id, unread, starred, kind, folder)
        sql = (
            f"SELECT {self._SUMMARY_COLUMNS} FROM articles LEFT JOIN feeds ON feeds.id = articles.feed_id"
            f" WHERE {where}"
            " ORDER BY coalesce(articles.published, articles.fetched) DESC, articles.id DESC"
            " LIMIT ? OFFSET ?"
        )
        params += [-1 if limit is None else limit, offset]
        return [_summary(row) for row in self.query(sql, params)]

    def article(self, article_id: int) -> Article | None:
        rows = self.query(
            f"SELECT {self._SUMMARY_COLUMNS}, articles.author, articles.content, articles.guid,"
            " articles.summary_only"
            " FROM articles LEFT JOIN feeds ON feeds.id = articles.feed_id WHERE articles.id = ?",
            (article_id,),
        )
        if not rows:
            return None
        row = rows[0]
        return Article(
            **_summary(row).__dict__,
            author=row["author"],
            paragraphs=json.loads(row["content"]),
            guid=row["guid"],
            summary_only=bool(row["summary_only"]),
        )

    def missing_articles(self, article_ids: Sequence[int]) -> list[int]:
        """The ids among ``article_ids`` that no stored article has, in the order given."""
        found: set[int] = set()
        unique = list(dict.fromkeys(article_ids))
        for chunk, marks in _in_chunks(unique):
            rows = self.query(f"SELECT id FROM articles WHERE id IN ({marks})", chunk)
            found.update(int(row[0]) for row in rows)
        return [article_id for article_id in unique if article_id not in found]

    def article_id_by_guid(self, feed_id: int, guid: str) -> int | None:
        rows = self.query("SELECT id FROM articles WHERE feed_id = ? AND guid = ?", (feed_id, guid))
        return int(rows[0][0]) if rows else None

    def set_flag(self, article_ids: Sequence[int], flag: str, value: bool) -> int:
        """Set ``read`` or ``starred`` on articles; returns how many exist."""
        if flag not in ("read", "starred"):
            raise ValueError(flag)
        with self.transaction() as connection:
            changed = 0
            for article_id in article_ids:
                cursor = connection.execute(
                    f"UPDATE articles SET {flag} = ? WHERE id = ?", (int(value), article_id)
                )
                changed += cursor.rowcount
        return changed

    def set_read_returning(self, article_ids: Sequence[int], read: bool) -> list[int]:
        """Set ``read`` on articles and return the ids whose state actually changed.

        Those ids are exactly what an undo must flip back: articles that already had
        the state (or no longer exist) are left out, so undoing never touches them.
        """
        changed: list[int] = []
        with self.transaction() as connection:
            for chunk, marks in _in_chunks(list(dict.fromkeys(article_ids))):
                rows = connection.execute(
                    f"SELECT id FROM articles WHERE read = ? AND id IN ({marks})",
                    [int(not read), *chunk],
                ).fetchall()
                ids = [int(row[0]) for row in rows]
                if not ids:
                    continue
                id_marks = ",".join("?" * len(ids))
                connection.execute(
                    f"UPDATE articles SET read = ? WHERE id IN ({id_marks})", [int(read), *ids]
                )
                changed.extend(ids)
        return changed

    def article_ids(
        self,
        *,
        feed_id: int | None = None,
        unread: bool = False,
        starred: bool = False,
        kind: FeedKind | None = None,
        folder: str | None = None,
    ) -> list[int]:
        """The ids of every article :meth:`articles` would list with the same filters."""
        where, params = _article_filter(feed_id, unread, starred, kind, folder)
        rows = self.query(
            "SELECT articles.id FROM articles LEFT JOIN feeds ON feeds.id = articles.feed_id"
            f" WHERE {where}",
            params,
        )
        return [int(row[0]) for row in rows]

    def unread_among(self, article_ids: Sequence[int]) -> list[int]:
        """The ids among ``article_ids`` of articles still unread, in the order given."""
        unread: set[int] = set()
        unique = list(dict.fromkeys(article_ids))
        for chunk, marks in _in_chunks(unique):
            rows = self.query(f"SELECT id FROM articles WHERE read = 0 AND id IN ({marks})", chunk)
            unread.update(int(row[0]) for row in rows)
        return [article_id for article_id in unique if article_id in unread]

    def mark_all_read(self, feed_id: int | None = None) -> int:
        with self.transaction() as connection:
            if feed_id is None:
                cursor = connection.execute("UPDATE articles SET read = 1 WHERE read = 0")
            else:
                cursor = connection.execute(
                    "UPDATE articles SET read = 1 WHERE read = 0 AND feed_id = ?", (feed_id,)
                )
        return cursor.rowcount

    def count_articles(
        self,
        unread: bool = False,
        starred: bool = False,
        kind: FeedKind | None = None,
        *,
        feed_id: int | None = None,
        folder: str | None = None,
    ) -> int:
        where, params = _article_filter(feed_id, unread, starred, kind, folder)
        row = self.query(
            f"SELECT count(*) FROM articles LEFT JOIN feeds ON feeds.id = articles.feed_id WHERE {where}",
            params,
        )[0]
        return int(row[0])

    def search(self, text: str, limit: int = 100) -> list[ArticleSummary]:
        """Articles whose title or body contains ``text`` (substring, any script).

        The trigram index answers queries of three or more characters; shorter ones
        (most Korean words are two syllables) fall back to LIKE over the same table.
        """
        # Stored text went through clean_line (NFC, controls and invisible characters
        # out, spaces collapsed); a query typed or pasted in decomposed Hangul (NFD,
        # as macOS file names and some input methods give it) must be too.
        text = clean_line(text)
        if not text:
            return []
        if len(text) >= 3:
            phrase = '"' + text.replace('"', '""') + '"'
            condition, params = "articles_fts MATCH ?", [phrase]
        else:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            condition = (
                "(articles_fts.title LIKE ? ESCAPE '\\' OR articles_fts.body LIKE ? ESCAPE '\\')"
            )
            params = [pattern, pattern]
        sql = (
            f"SELECT {self._SUMMARY_COLUMNS} FROM articles_fts"
            " JOIN articles ON articles.id = articles_fts.rowid"
            " LEFT JOIN feeds ON feeds.id = articles.feed_id"
            f" WHERE {condition}"
            " ORDER BY coalesce(articles.published, articles.fetched) DESC LIMIT ?"
        )
        return [_summary(row) for row in self.query(sql, [*params, limit])]

    def delete_old_read(self, before: str) -> int:
        """Retention: delete read articles older than ``before`` unless starred or annotated."""
        with self.transaction() as connection:
            cursor = connection.execute(
                "DELETE FROM articles WHERE read = 1 AND starred = 0"
                " AND coalesce(published, fetched) < ?"
                " AND id NOT IN (SELECT article_id FROM terms WHERE article_id IS NOT NULL)"
                " AND feed_id IN (SELECT id FROM feeds WHERE kind IN ('feed', 'account'))",
                (before,),
            )
        return cursor.rowcount

    # -- translation cache -------------------------------------------------------------

    def cached_translations(
        self, model: str, source_lang: str, target_lang: str, options: str, hashes: Sequence[str]
    ) -> dict[str, str]:
        """Cached targets for the given source hashes (missing ones are absent)."""
        found: dict[str, str] = {}
        for chunk, marks in _in_chunks(hashes):
            rows = self.query(
                "SELECT source_hash, target FROM translations WHERE model = ? AND source_lang = ?"
                f" AND target_lang = ? AND options = ? AND source_hash IN ({marks})",
                [model, source_lang, target_lang, options, *chunk],
            )
            found.update((row[0], row[1]) for row in rows)
        return found

    def cache_translations(
        self, model: str, source_lang: str, target_lang: str, options: str, pairs: dict[str, str]
    ) -> None:
        now = utc_now()
        with self.transaction() as connection:
            connection.executemany(
                "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(model, source_lang, target_lang, options, h, t, now) for h, t in pairs.items()],
            )

    def drop_translations(self, model_prefix: str) -> int:
        """Invalidate the cache of one model (all its versions share the prefix)."""
        with self.transaction() as connection:
            cursor = connection.execute(
                "DELETE FROM translations WHERE model = ? OR model LIKE ? ESCAPE '\\'",
                (model_prefix, model_prefix.replace("%", "\\%").replace("_", "\\_") + "@%"),
            )
        return cursor.rowcount

    def get_meta(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as connection:
            connection.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value)
            )

    def delete_meta(self, key: str) -> None:
        with self.transaction() as connection:
            connection.execute("DELETE FROM meta WHERE key = ?", (key,))

    # -- terms -----------------------------------------------------------------------

    _TERM_COLUMNS = (
        "id, lang, text, lemma, gloss, note, status, tags, sentence, sentence_translation,"
        " article_id, created, updated, pattern"
    )

    def insert_term(self, term: Term) -> Term:
        """Add a term (its ``id`` is ignored); returns it with its new id."""
        now = utc_now()
        created = term.created or now
        updated = term.updated or now
        with self.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO terms (lang, text, lemma, gloss, note, status, tags, sentence,"
                " sentence_translation, article_id, created, updated, pattern)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*_term_values(term), created, updated, term.pattern),
            )
        assert cursor.lastrowid is not None
        return replace(term, id=cursor.lastrowid, created=created, updated=updated)

    def update_term(self, term: Term) -> Term:
        """Write every field of a stored term; ``updated`` becomes now."""
        updated = utc_now()
        with self.transaction() as connection:
            connection.execute(
                "UPDATE terms SET lang = ?, text = ?, lemma = ?, gloss = ?, note = ?, status = ?,"
                " tags = ?, sentence = ?, sentence_translation = ?, article_id = ?, created = ?,"
                " updated = ?, pattern = ? WHERE id = ?",
                (*_term_values(term), term.created, updated, term.pattern, term.id),
            )
        return replace(term, updated=updated)

    def term(self, term_id: int) -> Term | None:
        rows = self.query(f"SELECT {self._TERM_COLUMNS} FROM terms WHERE id = ?", (term_id,))
        return _term(rows[0]) if rows else None

    def find_term(self, lang: str, lemma: str, pattern: str = "") -> Term | None:
        """The term of a lemma, else the first one with the same non-empty pattern."""
        rows = self.query(
            f"SELECT {self._TERM_COLUMNS} FROM terms WHERE lang = ? AND lemma = ?", (lang, lemma)
        )
        if not rows and pattern:
            rows = self.query(
                f"SELECT {self._TERM_COLUMNS} FROM terms WHERE lang = ? AND pattern = ?"
                " ORDER BY id LIMIT 1",
                (lang, pattern),
            )
        return _term(rows[0]) if rows else None

    def terms(
        self,
        *,
        lang: str | None = None,
        status: str | None = None,
        tag: str | None = None,
        text: str | None = None,
        article_id: int | None = None,
        order: str = "created",
        limit: int | None = None,
    ) -> list[Term]:
        """Terms filtered by language, status, tag, text (in term, lemma or gloss) or
        article, ordered by ``created`` (newest first), ``lemma`` or ``status``; at most
        ``limit`` of them."""
        where, params = ["1"], list[Any]()
        if lang is not None:
            where.append("lang = ?")
            params.append(lang)
        if status is not None:
            where.append("status = ?")
            params.append(status)
        if tag is not None:
            where.append("EXISTS (SELECT 1 FROM json_each(terms.tags) WHERE value = ?)")
            params.append(tag)
        if text:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append(
                "(text LIKE ? ESCAPE '\\' OR lemma LIKE ? ESCAPE '\\' OR gloss LIKE ? ESCAPE '\\')"
            )
            params += [pattern, pattern, pattern]
        if article_id is not None:
            where.append("article_id = ?")
            params.append(article_id)
        orders = {
            "created": "created DESC, id DESC",
            "lemma": "lemma, id",
            "status": "status, lemma",
        }
        sql = (
            f"SELECT {self._TERM_COLUMNS} FROM terms WHERE {' AND '.join(where)}"
            f" ORDER BY {orders[order]}"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        parsed_tags: dict[str, list[str]] = {}
        return [_term(row, parsed_tags) for row in self.query(sql, params)]

    def delete_terms(self, term_ids: Sequence[int]) -> int:
        with self.transaction() as connection:
            return sum(
                connection.execute("DELETE FROM terms WHERE id = ?", (term_id,)).rowcount
                for term_id in term_ids
            )

    def term_patterns(self) -> list[tuple[int, str, str, str]]:
        """(id, lang, pattern, status) of every term: what matching needs, nothing more."""
        rows = self.query("SELECT id, lang, pattern, status FROM terms")
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    def terms_without_pattern(self, every_term: bool = False) -> list[tuple[int, str, str]]:
        """(id, lang, text) of terms whose pattern was never computed (or of all terms)."""
        condition = "1" if every_term else "pattern = ''"
        rows = self.query(f"SELECT id, lang, text FROM terms WHERE {condition}")
        return [(row[0], row[1], row[2]) for row in rows]

    def set_term_patterns(self, patterns: Sequence[tuple[int, str]]) -> None:
        with self.transaction() as connection:
            connection.executemany(
                "UPDATE terms SET pattern = ? WHERE id = ?",
                [(pattern, term_id) for term_id, pattern in patterns],
            )

    def terms_signature(self) -> tuple[int, str, int]:
        """Changes whenever a term is added, removed or edited (cheap staleness check)."""
        row = self.query(
            "SELECT count(*), coalesce(max(updated), ''), coalesce(sum(id), 0) FROM terms"
        )[0]
        return int(row[0]), str(row[1]), int(row[2])

    # -- article vocabularies (suggestions, difficulty) ---------------------------------

    def vocab_hash(self, article_id: int) -> str | None:
        rows = self.query(
            "SELECT content_hash FROM article_vocab WHERE article_id = ?", (article_id,)
        )
        return str(rows[0][0]) if rows else None

    def replace_vocab(
        self,
        article_id: int,
        lang: str,
        content_hash: str,
        words: Mapping[str, int],
        phrases: Mapping[str, int],
        others: Mapping[str, int] | None = None,
    ) -> None:
        """Store an article's content words ('w'), other words ('k') and candidate
        phrases ('p'), replacing older ones."""
        with self.transaction() as connection:
            connection.execute("DELETE FROM article_vocab WHERE article_id = ?", (article_id,))
            connection.execute(
                "INSERT INTO article_vocab VALUES (?, ?, ?, ?)",
                (article_id, lang, content_hash, utc_now()),
            )
            connection.executemany(
                "INSERT INTO article_words VALUES (?, ?, ?, ?)",
                [(article_id, "w", key, count) for key, count in words.items()]
                + [(article_id, "k", key, count) for key, count in (others or {}).items()]
                + [(article_id, "p", key, count) for key, count in phrases.items()],
            )

    def document_frequencies(self, lang: str, kind: str, keys: Sequence[str]) -> dict[str, int]:
        """How many analysed articles of ``lang`` contain each key."""
        found: dict[str, int] = {}
        for chunk, marks in _in_chunks(keys):
            rows = self.query(
                "SELECT key, count(*) FROM article_words"
                " JOIN article_vocab USING (article_id)"
                f" WHERE kind = ? AND lang = ? AND key IN ({marks}) GROUP BY key",
                [kind, lang, *chunk],
            )
            found.update((row[0], int(row[1])) for row in rows)
        return found

    def vocab_documents(self, lang: str) -> int:
        return int(self.query("SELECT count(*) FROM article_vocab WHERE lang = ?", (lang,))[0][0])

    def articles_without_vocab(self, version: str, limit: int | None = None) -> list[int]:
        """Ids of articles without a vocabulary of this analyser ``version`` (content
        hashes start with ``version:``), newest first."""
        rows = self.query(
            "SELECT id FROM articles WHERE id NOT IN"
            " (SELECT article_id FROM article_vocab WHERE substr(content_hash, 1, ?) = ?)"
            " ORDER BY coalesce(published, fetched) DESC, id DESC LIMIT ?",
            (len(version) + 1, version + ":", -1 if limit is None else limit),
        )
        return [int(row[0]) for row in rows]

    def articles_with_words(self, lang: str, keys: Sequence[str], limit: int = 200) -> list[int]:
        """Analysed articles whose words include all ``keys`` (kinds 'w' and 'k'), newest first."""
        distinct = sorted(set(keys))
        if not distinct:
            return []
        marks = ",".join("?" * len(distinct))
        rows = self.query(
            "SELECT w.article_id FROM article_words w JOIN article_vocab v USING (article_id)"
            f" WHERE v.lang = ? AND w.kind IN ('w', 'k') AND w.key IN ({marks})"
            " GROUP BY w.article_id HAVING count(DISTINCT w.key) = ?"
            " ORDER BY w.article_id DESC LIMIT ?",
            [lang, *distinct, len(distinct), limit],
        )
        return [int(row[0]) for row in rows]

    def term_article_counts(self) -> dict[int, int]:
        """For each term, how many analysed articles contain it as a word or noun phrase
        (other multi-word terms are not counted)."""
        rows = self.query(
            "SELECT t.id, count(DISTINCT w.article_id) FROM terms t"
            " JOIN article_words w ON w.key = t.pattern AND w.kind IN ('w', 'k', 'p')"
            " JOIN article_vocab v ON v.article_id = w.article_id AND v.lang = t.lang"
            " GROUP BY t.id"
        )
        return {int(row[0]): int(row[1]) for row in rows}

    def known_word_counts(self, article_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """For analysed articles: (distinct content words, of which known or ignored)."""
        found: dict[int, tuple[int, int]] = {}
        for chunk, marks in _in_chunks(article_ids):
            rows = self.query(
                "SELECT v.article_id, count(w.key), coalesce(sum(EXISTS ("
                "    SELECT 1 FROM terms t WHERE t.lang = v.lang AND t.pattern = w.key"
                "    AND t.status IN ('known', 'ignored'))), 0)"
                " FROM article_vocab v LEFT JOIN article_words w"
                "   ON w.article_id = v.article_id AND w.kind = 'w'"
                f" WHERE v.article_id IN ({marks}) GROUP BY v.article_id",
                chunk,
            )
            found.update((int(row[0]), (int(row[1]), int(row[2]))) for row in rows)
        return found

    def integrity_check(self) -> str:
        return str(self.connection.execute("PRAGMA integrity_check").fetchone()[0])


def _term_values(term: Term) -> tuple[Any, ...]:
    """The columns a term is written with, from ``lang`` to ``article_id``."""
    return (
        term.lang,
        term.text,
        term.lemma,
        term.gloss,
        term.note,
        term.status,
        json.dumps(term.tags, ensure_ascii=False),
        term.sentence,
        term.sentence_translation,
        term.article_id,
    )


SQL_VARIABLES_PER_QUERY = 500
"""How many values one ``IN (…)`` list carries; SQLite caps variables per statement."""


def _in_chunks(values: Sequence[Any]) -> Iterator[tuple[list[Any], str]]:
    """``values`` in slices for ``IN (…)`` lists, each with its ``?,?,…`` placeholders."""
    for start in range(0, len(values), SQL_VARIABLES_PER_QUERY):
        chunk = list(values[start : start + SQL_VARIABLES_PER_QUERY])
        yield chunk, ",".join("?" * len(chunk))


def _article_filter(
    feed_id: int | None,
    unread: bool,
    starred: bool,
    kind: FeedKind | None,
    folder: str | None = None,
) -> tuple[str, list[Any]]:
    """The WHERE clause (over ``articles`` joined to ``feeds``) and its parameters."""
    where, params = ["1"], list[Any]()
    if feed_id is not None:
        where.append("articles.feed_id = ?")
        params.append(feed_id)
    if unread:
        where.append("articles.read = 0")
    if starred:
        where.append("articles.starred = 1")
    if kind is not None:
        where.append("feeds.kind = ?")
        params.append(kind.value)
    if folder is not None:
        where.append("feeds.folder = ?")
        params.append(folder)
    return " AND ".join(where), params


def _entry_changed(existing: sqlite3.Row, entry: EntryData, content: str) -> bool:
    return bool(
        existing["title"] != entry.title
        or existing["content"] != content
        or existing["url"] != entry.url
        or existing["author"] != entry.author
        or existing["published"] != entry.published
    )


def _term(row: sqlite3.Row, parsed_tags: dict[str, list[str]] | None = None) -> Term:
    """A term from a row of ``_TERM_COLUMNS`` (same order as the dataclass fields).

    Positional, and with the tag lists of identical JSON parsed once: a glossary of
    10,000 terms loads about three times faster than with by-name access.
    """
    (term_id, lang, text, lemma, gloss, note, status, tags_json, sentence, translation,
     article_id, created, updated, pattern) = tuple(row)  # fmt: skip
    tags_json = tags_json or "[]"
    if parsed_tags is None:
        tags = list(json.loads(tags_json))
    else:
        if tags_json not in parsed_tags:
            parsed_tags[tags_json] = list(json.loads(tags_json))
        tags = list(parsed_tags[tags_json])
    return Term(
        term_id, lang, text, lemma, gloss, note, status, tags, sentence, translation,
        article_id, created, updated, pattern,
    )  # fmt: skip


def _feed(row: sqlite3.Row) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        kind=FeedKind(row["kind"]),
        site_url=row["site_url"],
        folder=row["folder"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_checked=row["last_checked"],
        last_status=row["last_status"],
        last_error=row["last_error"],
        failure_count=row["failure_count"],
        unread=row["unread"],
    )


def _summary(row: sqlite3.Row) -> ArticleSummary:
    return ArticleSummary(
        id=row["id"],
        feed_id=row["feed_id"],
        title=row["title"],
        url=row["url"],
        published=row["published"],
        read=bool(row["read"]),
        starred=bool(row["starred"]),
        feed_title=row["feed_title"] or "",
        language=row["language"],
    )


def _split_sql(script: str) -> Iterator[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""
    if buffer.strip():
        yield buffer


def _is_busy(error: sqlite3.OperationalError) -> bool:
    """The error says another connection holds a lock (SQLITE_BUSY / SQLITE_LOCKED)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    message = str(error).lower()
    return "locked" in message or "busy" in message
