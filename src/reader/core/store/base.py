"""The store's connections and write transactions.

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
import logging
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reader.core.store.errors import DiskFullError, StoreError, is_disk_full
from reader.core.store.sql import is_busy
from reader.core.thread_connections import ThreadConnections

BUSY_TIMEOUT_MS = 10_000
WRITE_WAIT_SECONDS = 120.0
"""How long a write waits for another writer's lock in all (busy timeouts included)."""

log = logging.getLogger("reader.core.store")


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


class StoreBase:
    """One connection per thread, write transactions that wait out other writers'
    locks, and plain queries: what every part of the store builds on."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connections = ThreadConnections(self._connect)
        self._check_existing_file()
        path.parent.mkdir(parents=True, exist_ok=True)

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
        return self._connections.get()

    def close(self) -> None:
        self._connections.close_all()

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
                if not is_busy(error) or time.monotonic() >= deadline:
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

    def integrity_check(self) -> str:
        return str(self.connection.execute("PRAGMA integrity_check").fetchone()[0])
