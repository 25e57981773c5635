"""Where reader's Python log records go: ``reader.log`` in the cache folder.

The core modules log with :mod:`logging` (a translation job that failed, a write
that had to wait for another writer); without a handler those records would be
lost inside the TUI, whose standard error is not a terminal. The app attaches one
file handler at start, in the same line format as its own error lines.
"""

from __future__ import annotations

import logging
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LEVEL = logging.WARNING


class _QuietFileHandler(logging.FileHandler):
    """A file handler that never raises into the program (a full disk, a removed
    folder): the record is dropped instead."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        pass


def attach_log_file(path: Path, level: int = LEVEL) -> logging.Handler | None:
    """Send the ``reader`` loggers' records of ``level`` and above to ``path``, instead of
    the file attached before (one app per process); returns the handler, or None when
    the file cannot be opened."""
    root = logging.getLogger("reader")
    for handler in list(root.handlers):
        if isinstance(handler, _QuietFileHandler):
            if Path(handler.baseFilename) == path.absolute():
                return handler
            root.removeHandler(handler)
            handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = _QuietFileHandler(path, encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(FORMAT, datefmt="%Y-%m-%dT%H:%M:%S%z"))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    return handler
