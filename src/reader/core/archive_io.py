"""Reading and writing a model package's files with bounds.

One file (which may be a FIFO or ``/dev/zero``) is read without blocking and without
reading past a cap (:func:`open_regular`, :func:`read_bounded`); members are written
with ``O_EXCL | O_NOFOLLOW`` and the bytes actually written are counted, so a header
that lies about a size cannot write more than the cap (:func:`extract_zip`,
:func:`extract_tar`, :func:`copy_folder`).
"""

from __future__ import annotations

import os
import stat
import tarfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from reader.core.archive_checks import (
    ArchiveError,
    ArchiveLimits,
    Member,
    MiB,
    _size,
    os_reason,
    shown_name,
)

COPY_CHUNK = MiB


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
