"""Bringing a database to the current schema: checks, a backup, then each migration in
its own transaction."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.core.store.base import StoreBase
from reader.core.store.errors import StoreError
from reader.core.store.schema import MIGRATIONS, SCHEMA_VERSION
from reader.core.store.sql import split_sql


class MigrationsMixin(StoreBase):
    """Schema version, upgrade and the backup taken before it."""

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
        statements = [s for s in split_sql(script) if s.strip()]
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
