"""Small SQL helpers every part of the store uses: timestamps, ``IN (…)`` chunks, LIKE
escaping, migration-script splitting and recognising a busy database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

LIKE_ESCAPE = "\\"
"""The escape character of every ``LIKE … ESCAPE '\\'`` the store writes."""


def utc_now() -> str:
    """The current time as the ISO 8601 UTC string every table uses."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


SQL_VARIABLES_PER_QUERY = 500
"""How many values one ``IN (…)`` list carries; SQLite caps variables per statement."""


def in_chunks(values: Sequence[Any]) -> Iterator[tuple[list[Any], str]]:
    """``values`` in slices for ``IN (…)`` lists, each with its ``?,?,…`` placeholders."""
    for start in range(0, len(values), SQL_VARIABLES_PER_QUERY):
        chunk = list(values[start : start + SQL_VARIABLES_PER_QUERY])
        yield chunk, ",".join("?" * len(chunk))


def escape_like(text: str) -> str:
    """``text`` as a literal inside a ``LIKE … ESCAPE '\\'`` pattern: the escape
    character itself, ``%`` and ``_`` each escaped (the backslash first, or the
    escapes added for ``%``/``_`` would be escaped again)."""
    return (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


def like_containing(text: str) -> str:
    """A ``LIKE … ESCAPE '\\'`` pattern matching any value that contains ``text``."""
    return "%" + escape_like(text) + "%"


def split_sql(script: str) -> Iterator[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""
    if buffer.strip():
        yield buffer


def is_busy(error: sqlite3.OperationalError) -> bool:
    """The error says another connection holds a lock (SQLITE_BUSY / SQLITE_LOCKED)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    message = str(error).lower()
    return "locked" in message or "busy" in message
