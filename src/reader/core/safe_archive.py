"""Safe extraction of model packages: bounded sizes, regular files only, no escape.

A model package (``.argosmodel`` zip, a tar.gz, or a folder) comes from outside and is
hostile until checked. Every installer goes through these functions:

* :func:`member_path` — a member name is relative, has no ``..``, backslash, control
  character or empty part, and is at most :attr:`ArchiveLimits.max_depth` deep;
* :func:`check_zip_members`, :func:`check_tar_members`, :func:`check_folder` — only
  regular files and folders (no links, FIFOs or devices), each under its size cap
  (``metadata.json`` and other small files have small caps), the total under a ceiling,
  no member inflating more than :attr:`ArchiveLimits.max_ratio` times its stored size;
* :func:`extract_zip`, :func:`extract_tar`, :func:`copy_folder` — write each member with
  ``O_EXCL | O_NOFOLLOW`` and count the bytes actually written, so a header that lies
  about a size cannot write more than the cap;
* :func:`open_regular`, :func:`read_bounded` — read one file (which may be a FIFO or
  ``/dev/zero``) without blocking and without reading past a cap;
* :class:`Staging` and :func:`remove_stale_staging` — a hidden work folder locked with
  ``flock`` for as long as its process lives, so a later run can remove the folders of
  a killed install and never one in use.

Nothing here knows about Argos metadata; callers add their own checks.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import stat
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO

from reader.core.text import clean_line, strip_controls

log = logging.getLogger(__name__)

MiB = 1024**2
GiB = 1024**3
COPY_CHUNK = MiB
LOCK_FILE = ".lock"
SMALL_MEMBER_CAPS: Mapping[str, int] = {
    "metadata.json": MiB,
    "config.json": MiB,
    "readme.md": MiB,
    "sentencepiece.model": 64 * MiB,
    "bpe.model": 64 * MiB,
}
"""Caps by file name (lower case): these files are small in every real package."""


class ArchiveError(Exception):
    """An archive or folder is unsafe or too large; one line, without the archive's name."""


@dataclass(frozen=True)
class ArchiveLimits:
    """What a package may hold. The defaults fit the ko/en Argos packages (~120 MB)."""

    max_total_bytes: int = 2 * GiB
    max_member_bytes: int = 2 * GiB
    small_member_caps: Mapping[str, int] = field(default_factory=lambda: dict(SMALL_MEMBER_CAPS))
    max_members: int = 10_000
    max_depth: int = 16
    max_name_chars: int = 1024
    max_ratio: float = 100.0
    """Largest inflated/stored ratio of a zip member over :attr:`ratio_floor` bytes
    (model weights compress 1.1–2×; a zip bomb 1000×)."""
    ratio_floor: int = 16 * MiB

    def member_cap(self, path: PurePosixPath) -> int:
        """The largest size a member may have, by its file name."""
        cap = self.small_member_caps.get(path.name.lower(), self.max_member_bytes)
        return min(cap, self.max_member_bytes)


def _size(count: int) -> str:
    if count >= GiB:
        return f"{count / GiB:.1f} GB"
    if count >= MiB:
        return f"{count / MiB:.1f} MB"
    return f"{count} bytes"


def os_reason(error: OSError) -> str:
    """An OSError as a few words (``No space left on device``), never ``None``."""
    return clean_line(error.strerror or str(error) or type(error).__name__)[:200]


def shown_name(name: str) -> str:
    """A member name fit for a one-line message: controls removed, quoted, at most 80 chars."""
    cleaned = clean_line(name.encode("utf-8", "replace").decode("utf-8"))
    return repr(cleaned if len(cleaned) <= 80 else cleaned[:77] + "…")


def member_path(name: str, limits: ArchiveLimits) -> PurePosixPath:
    """The member's relative path; raises ArchiveError when it is unsafe or too deep."""
    if name.rstrip("/").count("/") + 1 > limits.max_depth:
        raise ArchiveError(f"a member is nested over {limits.max_depth} folders deep")
    if len(name) > limits.max_name_chars:
        raise ArchiveError(f"a member name is over {limits.max_name_chars} characters")
    if (
        "\\" in name
        or strip_controls(name) != name
        or any(0xD800 <= ord(c) <= 0xDFFF for c in name)
    ):
        raise ArchiveError(f"unsafe member name {shown_name(name)}")
    path = PurePosixPath(name)
    parts = name.rstrip("/").split("/")
    if path.is_absolute() or any(part in ("", ".", "..") for part in parts):
        raise ArchiveError(f"unsafe path inside the archive: {shown_name(name)}")
    return PurePosixPath(*parts)


@dataclass(frozen=True)
class Member:
    """A checked member: its relative path, size (0 for folders) and whether it is a folder."""

    path: PurePosixPath
    size: int
    is_dir: bool
    name: str
    """The name as stored in the archive (to read it back)."""


class _Totals:
    """Counts members and bytes against the limits as members are checked."""

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.members = 0
        self.bytes = 0
        self.seen: set[PurePosixPath] = set()

    def add(self, path: PurePosixPath, size: int, is_dir: bool) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise ArchiveError(f"more than {self.limits.max_members} members")
        if path in self.seen:
            if is_dir:
                return
            raise ArchiveError(f"member {shown_name(str(path))} appears twice")
        self.seen.add(path)
        if is_dir:
            return
        cap = self.limits.member_cap(path)
        if size > cap:
            raise ArchiveError(f"{shown_name(str(path))} is {_size(size)} (at most {_size(cap)})")
        self.bytes += size
        if self.bytes > self.limits.max_total_bytes:
            raise ArchiveError(
                f"too large once extracted (over {_size(self.limits.max_total_bytes)})"
            )


_ZIP_TYPES_ALLOWED = {0, stat.S_IFREG, stat.S_IFDIR}


def check_zip_members(zip_file: zipfile.ZipFile, limits: ArchiveLimits) -> list[Member]:
    """Every member of a zip, checked; raises ArchiveError on the first bad one."""
    infos = zip_file.infolist()
    if len(infos) > limits.max_members:
        raise ArchiveError(f"more than {limits.max_members} members")
    totals = _Totals(limits)
    members = []
    for info in infos:
        path = member_path(info.filename, limits)
        kind = stat.S_IFMT(info.external_attr >> 16)
        if kind not in _ZIP_TYPES_ALLOWED:
            raise ArchiveError(f"{shown_name(info.filename)} is a link or a special file")
        if info.flag_bits & 0x1:
            raise ArchiveError(f"{shown_name(info.filename)} is encrypted")
        is_dir = info.is_dir()
        size = 0 if is_dir else info.file_size
        totals.add(path, size, is_dir)
        if (
            not is_dir
            and size > limits.ratio_floor
            and size > limits.max_ratio * max(info.compress_size, 1)
        ):
            raise ArchiveError(
                f"{shown_name(info.filename)} inflates {size // max(info.compress_size, 1)}×"
                " (a zip bomb?)"
            )
        members.append(Member(path, size, is_dir, info.filename))
    return members


def check_tar_members(tar: tarfile.TarFile, limits: ArchiveLimits) -> list[Member]:
    """Every member of a tar, checked: regular files and folders only (no links, devices)."""
    totals = _Totals(limits)
    members = []
    while (info := tar.next()) is not None:
        if not (info.isreg() or info.isdir()):
            raise ArchiveError(f"{shown_name(info.name)} is a link or a special file")
        path = member_path(info.name, limits)
        size = 0 if info.isdir() else info.size
        totals.add(path, size, info.isdir())
        members.append(Member(path, size, info.isdir(), info.name))
    return members


def check_folder(folder: Path, limits: ArchiveLimits) -> list[Member]:
    """Every entry under ``folder``, walked without recursion and without following links.

    Raises ArchiveError for a link, a FIFO, a device or socket, a folder nested over
    the depth limit, too many entries, or a file over its cap.
    """
    totals = _Totals(limits)
    members: list[Member] = []
    pending: list[tuple[Path, PurePosixPath]] = [(folder, PurePosixPath())]
    while pending:
        directory, relative = pending.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            raise ArchiveError(
                f"cannot read {shown_name(str(relative))}: {os_reason(error)}"
            ) from None
        for entry in entries:
            path = relative / entry.name
            member_path(str(path), limits)
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                totals.add(path, 0, True)
                members.append(Member(path, 0, True, str(path)))
                pending.append((Path(entry.path), path))
            elif stat.S_ISREG(mode):
                size = entry.stat(follow_symlinks=False).st_size
                totals.add(path, size, False)
                members.append(Member(path, size, False, str(path)))
            else:
                raise ArchiveError(f"{shown_name(str(path))} is a link or a special file")
    return members


# -- reading and writing with bounds -------------------------------------------------------


def open_regular(path: Path) -> IO[bytes]:
    """Open a regular file for reading; a link, FIFO or device raises ArchiveError at once.

    ``O_NONBLOCK`` keeps the open of a FIFO from waiting for a writer; the type is
    checked on the open descriptor, so the file cannot be swapped in between.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        if error.errno == 40:  # ELOOP: a symbolic link
            raise ArchiveError(f"{shown_name(path.name)} is a symbolic link") from None
        raise ArchiveError(f"cannot open {shown_name(path.name)}: {os_reason(error)}") from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise ArchiveError(f"{shown_name(path.name)} is not a regular file")
    os.set_blocking(descriptor, True)
    return os.fdopen(descriptor, "rb")


def read_bounded(stream: IO[bytes], cap: int, what: str) -> bytes:
    """At most ``cap`` bytes of ``stream``; more raises ArchiveError (nothing more is read)."""
    data = stream.read(cap + 1)
    if len(data) > cap:
        raise ArchiveError(f"{what} is over {_size(cap)}")
    return data


def read_regular(path: Path, cap: int) -> bytes:
    """A regular file's bytes, at most ``cap``."""
    with open_regular(path) as stream:
        return read_bounded(stream, cap, shown_name(path.name))


def copy_bounded(source: IO[bytes], destination: Path, cap: int) -> int:
    """Copy ``source`` into a new file (never through a link); returns the bytes written.

    Raises ArchiveError when the data goes over ``cap``, whatever any header said.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    written = 0
    with os.fdopen(os.open(destination, flags, 0o644), "wb") as out:
        while chunk := source.read(COPY_CHUNK):
            written += len(chunk)
            if written > cap:
                raise ArchiveError(f"{shown_name(destination.name)} inflates over {_size(cap)}")
            out.write(chunk)
    return written


def _write_members(
    members: Iterable[Member],
    destination: Path,
    limits: ArchiveLimits,
    strip: int,
    open_member: Callable[[Member], IO[bytes]],
) -> None:
    total = 0
    for member in members:
        parts = member.path.parts[strip:]
        if not parts:
            continue
        target = destination.joinpath(*parts)
        if member.is_dir:
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with open_member(member) as source:
            total += copy_bounded(source, target, limits.member_cap(member.path))
        if total > limits.max_total_bytes:
            raise ArchiveError(f"too large once extracted (over {_size(limits.max_total_bytes)})")


def extract_zip(
    zip_file: zipfile.ZipFile,
    members: list[Member],
    destination: Path,
    limits: ArchiveLimits,
    strip: int = 0,
) -> None:
    """Write checked zip members under ``destination``, dropping ``strip`` leading folders."""

    def open_member(member: Member) -> IO[bytes]:
        return zip_file.open(member.name)

    _write_members(members, destination, limits, strip, open_member)


def extract_tar(
    tar: tarfile.TarFile,
    members: list[Member],
    destination: Path,
    limits: ArchiveLimits,
    strip: int = 0,
) -> None:
    """Write checked tar members under ``destination`` (regular files and folders only).

    Members are read in archive order, so a compressed tar is only ever read forwards.
    """
    infos = {info.name: info for info in tar.getmembers()}

    def open_member(member: Member) -> IO[bytes]:
        stream = tar.extractfile(infos[member.name])
        if stream is None:
            raise ArchiveError(f"{shown_name(member.name)} is not a regular file")
        return stream

    _write_members(members, destination, limits, strip, open_member)


def copy_folder(
    folder: Path, members: list[Member], destination: Path, limits: ArchiveLimits
) -> None:
    """Copy checked folder members under ``destination``, each opened as a regular file."""

    def open_member(member: Member) -> IO[bytes]:
        return open_regular(folder.joinpath(*member.path.parts))

    _write_members(members, destination, limits, 0, open_member)


# -- staging folders -----------------------------------------------------------------------


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
