"""Reading and writing the user's files without hanging, exhausting memory or
leaving half a file behind.

Every file reader reads from outside (config, themes, UI state, documents for
``reader open``, OPML and glossary imports) goes through :func:`read_regular_file`:
it opens without blocking, accepts only regular files (a FIFO would block forever,
``/dev/zero`` never ends and ``stat`` says 0 bytes for both) and reads at most one
byte more than the cap. Every file reader writes (CSV/TSV, Anki decks, OPML, UI
state) goes through :func:`atomic_output`: a temporary file beside the target,
flushed to disk, then renamed over it, so a kill or a full disk leaves either the
old file or the new one, never a cut one.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

_CHUNK = 1024 * 1024
TEMPORARY_SUFFIX = ".tmp"


class FileReadError(OSError):
    """A file that is not read: not a regular file, or larger than allowed.

    A subclass of OSError so that every caller's ``except OSError`` already turns
    it into its one-line message; ``str()`` of it is that message (no errno).
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path``, which must be a regular file of at most ``max_bytes``.

    Raises FileNotFoundError (and other OSErrors) as ``open`` does, and
    :class:`FileReadError` for a FIFO, device, socket or folder, or a file larger
    than ``max_bytes`` — found by reading, not by ``stat``, so a file that grows
    while it is read is still bounded.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    descriptor = os.open(path, flags)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise FileReadError(f"{_kind(mode)}, not a regular file")
        chunks: list[bytes] = []
        received = 0
        while received <= max_bytes:
            chunk = os.read(descriptor, min(_CHUNK, max_bytes + 1 - received))
            if not chunk:
                break
            chunks.append(chunk)
            received += len(chunk)
    finally:
        os.close(descriptor)
    if received > max_bytes:
        raise FileReadError(f"file too large (more than {describe_size(max_bytes)})")
    return b"".join(chunks)


def describe_size(size: int) -> str:
    """``20 MB``, ``512 KB`` or ``100 bytes``: a cap as a person reads it."""
    if size >= 2**20:
        return f"{size / 2**20:g} MB"
    if size >= 2**10:
        return f"{size / 2**10:g} KB"
    return f"{size} bytes"


@contextlib.contextmanager
def atomic_output(path: Path, private: bool = False) -> Iterator[BinaryIO]:
    """A binary file to write ``path``'s new content into; it replaces ``path`` only
    when the block ends without an exception.

    The temporary file sits beside ``path`` (same file system, so the rename is
    atomic) with a hidden name ending in ``.tmp``; it is fsynced before the rename,
    and removed when the block raises (a full disk, an error of the writer). Its
    permissions are those a new file would get (the umask applies), or those of the
    file it replaces; ``private`` makes them 0600 from the start, whatever the old
    file had (secrets). A symbolic link is kept and its target replaced. Raises
    OSError as ``open`` and ``write`` do.
    """
    if path.is_symlink():  # write where the link points, and keep the link
        path = path.resolve()
    remove_stale_temporaries(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMPORARY_SUFFIX}")
    mode = 0o600 if private else 0o666
    handle = os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "wb")
    try:
        with contextlib.suppress(OSError):
            if not private:
                os.fchmod(handle.fileno(), stat.S_IMODE(path.stat().st_mode))
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _sync_folder(path.parent)


STALE_AFTER_SECONDS = 3600.0
"""A temporary file beside an output this old was left by a killed writer."""


def remove_stale_temporaries(path: Path) -> int:
    """Remove what killed writers of ``path`` left beside it (``.NAME.<8 hex>.tmp``
    and the Anki scratch database, older than an hour); returns how many."""
    removed = 0
    now = time.time()
    patterns = (
        f".{glob.escape(path.name)}.{'[0-9a-f]' * 8}{TEMPORARY_SUFFIX}",
        ".reader-anki-*.tmp*",
    )
    for pattern in patterns:
        for leftover in path.parent.glob(pattern):
            with contextlib.suppress(OSError):
                if now - leftover.lstat().st_mtime > STALE_AFTER_SECONDS:
                    leftover.unlink()
                    removed += 1
    return removed


def write_file_atomically(path: Path, data: bytes, private: bool = False) -> None:
    """Replace ``path`` with ``data`` through :func:`atomic_output`."""
    with atomic_output(path, private) as handle:
        handle.write(data)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; best effort (some file systems refuse it)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def path_text(path: Path | str) -> str:
    """A file name as text that can be stored and printed anywhere: a name with
    bytes that are not UTF-8 (a Latin-1 ``caf\\xe9.txt``) keeps them as ``\\xe9``
    instead of the lone surrogates Python holds them as, which SQLite and UTF-8
    output refuse."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")
