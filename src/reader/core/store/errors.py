"""The store's errors, and how a full disk is recognised in SQLite's and the OS's errors."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path


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
