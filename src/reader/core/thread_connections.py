"""One SQLite connection per thread, for stores used from several threads at once.

A ``sqlite3.Connection`` must not be used by two threads at the same time, and the
app runs its database work in worker threads; each thread therefore gets its own
connection, opened on first use, and :meth:`ThreadConnections.close_all` closes
every connection any thread opened.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

ConnectionType = TypeVar("ConnectionType", bound=sqlite3.Connection)


class ThreadConnections(Generic[ConnectionType]):
    """Connections made by ``open`` (which raises what it raises), one per thread."""

    def __init__(self, open_connection: Callable[[], ConnectionType]) -> None:
        self._open = open_connection
        self._local = threading.local()
        self._all: list[ConnectionType] = []
        self._lock = threading.Lock()

    def get(self) -> ConnectionType:
        """This thread's connection, opened on first use."""
        connection: ConnectionType | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._open()
            self._local.connection = connection
            with self._lock:
                self._all.append(connection)
        return connection

    @property
    def opened(self) -> int:
        """How many connections are open (one per thread that used the store)."""
        with self._lock:
            return len(self._all)

    def close_all(self) -> None:
        """Close every thread's connection; the next :meth:`get` opens a new one."""
        with self._lock:
            for connection in self._all:
                connection.close()
            self._all.clear()
        self._local = threading.local()
