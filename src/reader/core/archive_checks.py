"""Checking a model package before anything is written: member names, kinds, sizes.

A member name is relative, has no ``..``, backslash, control character or empty part
and is not too deep (:func:`member_path`); only regular files and folders pass (no
links, FIFOs or devices), each under its size cap (``metadata.json`` and other small
files have small caps), the total under a ceiling, and no member inflating more than
:attr:`ArchiveLimits.max_ratio` times its stored size. :class:`ArchiveError` says
what was refused, in one line.
"""

from __future__ import annotations

import os
import stat
import tarfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from reader.core.text import clean_line, strip_controls

MiB = 1024**2
GiB = 1024**3


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
