"""Staging folders: a hidden work folder locked with ``flock`` for as long as its
process lives (:class:`Staging`), so a later run can remove the folders of a killed
install (:func:`remove_stale_staging`) and never one in use; and removing a tree of
any depth without following links (:func:`remove_tree`).
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path
from types import TracebackType

from reader.core.text import clean_line

log = logging.getLogger("reader.core.safe_archive")
"""The logger the package installers have always written to."""


LOCK_FILE = ".lock"


class Staging:
    """A hidden work folder in ``parent``, locked for as long as this process holds it.

    The lock is an ``flock`` on ``<folder>/.lock``: the kernel releases it when the
    process ends, even by kill -9, which is how :func:`remove_stale_staging` tells a
    folder left behind from one still in use. Leaving the ``with`` block deletes it.
    """

    def __init__(self, parent: Path, prefix: str) -> None:
        parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        self._lock = os.open(
            self.path / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600
        )
        fcntl.flock(self._lock, fcntl.LOCK_EX)

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Delete the folder, then release the lock."""
        remove_tree(self.path)
        if self._lock >= 0:
            os.close(self._lock)
            self._lock = -1


STALE_GRACE_SECONDS = 60.0
"""A folder without a lock file is left alone this long (its creator may not have locked
it yet)."""


def remove_stale_staging(parent: Path, prefix: str, started: float | None = None) -> list[Path]:
    """Delete ``prefix*`` folders in ``parent`` that no live process holds; returns them.

    A folder counts as stale when its lock can be taken (its process is gone), or, for a
    folder without a lock file, when it is older than ``started`` (the running install's
    start, default now) minus a grace period. Errors are logged, never raised.
    """
    started = time.time() if started is None else started
    removed = []
    try:
        entries = [entry for entry in os.scandir(parent) if entry.name.startswith(prefix)]
    except OSError:
        return []
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISDIR(info.st_mode) or not _is_abandoned(Path(entry.path), info, started):
                continue
            remove_tree(Path(entry.path))
            removed.append(Path(entry.path))
            log.info("removed the stale work folder %s", clean_line(entry.path))
        except OSError as error:
            log.warning("cannot remove the stale work folder %s: %s", clean_line(entry.path), error)
    return removed


def _is_abandoned(folder: Path, info: os.stat_result, started: float) -> bool:
    try:
        descriptor = os.open(folder / LOCK_FILE, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return info.st_mtime < started - STALE_GRACE_SECONDS
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)
    return True


def remove_tree(path: Path) -> None:
    """Remove a folder (a link to one is refused by ``rmtree``); a tree too deep for
    ``shutil.rmtree``'s recursion is removed with an explicit stack."""
    try:
        shutil.rmtree(path)
    except FileNotFoundError:
        return
    except RecursionError:
        _remove_deep_tree(path)


def _remove_deep_tree(path: Path) -> None:
    """Remove a folder with an explicit stack (no recursion, links not followed)."""
    pending = [path]
    emptied: list[Path] = []
    while pending:
        folder = pending.pop()
        emptied.append(folder)
        for entry in os.scandir(folder):
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            else:
                Path(entry.path).unlink()
    for folder in reversed(emptied):
        folder.rmdir()
