"""The archive-safety functions every model installer uses (zip, tar.gz, folder)."""

from __future__ import annotations

import io
import os
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from reader.core.safe_archive import (
    ArchiveError,
    ArchiveLimits,
    Staging,
    check_folder,
    check_tar_members,
    check_zip_members,
    copy_bounded,
    copy_folder,
    extract_tar,
    member_path,
    open_regular,
    read_regular,
    remove_stale_staging,
)

LIMITS = ArchiveLimits(max_total_bytes=10_000, max_member_bytes=4_000, max_depth=4)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../evil", "unsafe path"),
        ("/etc/passwd", "unsafe path"),
        ("pkg/./x", "unsafe path"),
        ("pkg//x", "unsafe path"),
        ("pkg\\x", "unsafe member name"),
        ("pkg/\x1b]0;x\x07", "unsafe member name"),
        ("pkg/\ud800", "unsafe member name"),
        ("a/b/c/d/e", "nested over 4"),
        ("a/" * 3000 + "x", "nested over 4"),
    ],
)
def test_unsafe_member_names(name: str, message: str) -> None:
    with pytest.raises(ArchiveError, match=message):
        member_path(name, LIMITS)


def test_member_path_accepts_plain_names() -> None:
    assert str(member_path("pkg/model/model.bin", LIMITS)) == "pkg/model/model.bin"
    assert str(member_path("pkg/model/", LIMITS)) == "pkg/model"


def tar_with(*members: tuple[tarfile.TarInfo, bytes | None]) -> tarfile.TarFile:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    buffer.seek(0)
    return tarfile.open(fileobj=buffer, mode="r:gz")


def tar_info(
    name: str, kind: bytes = tarfile.REGTYPE, size: int = 0, link: str = ""
) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.size, info.linkname = kind, size, link
    return info


@pytest.mark.parametrize(
    "kind", [tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.FIFOTYPE, tarfile.CHRTYPE, tarfile.BLKTYPE]
)
def test_tar_links_and_special_files_are_refused(kind: bytes) -> None:
    tar = tar_with((tar_info("pkg/model.bin", kind, link="/dev/zero"), None))
    with pytest.raises(ArchiveError, match="link or a special file"):
        check_tar_members(tar, LIMITS)


def test_tar_sizes_are_capped() -> None:
    tar = tar_with((tar_info("pkg/metadata.json", size=5000), b"x" * 5000))
    with pytest.raises(ArchiveError, match="at most 4000 bytes"):
        check_tar_members(tar, LIMITS)
    files = [(tar_info(f"pkg/f{i}", size=3000), b"x" * 3000) for i in range(4)]
    with pytest.raises(ArchiveError, match="too large once extracted"):
        check_tar_members(tar_with(*files), LIMITS)


def test_tar_extracts_regular_members_only(tmp_path: Path) -> None:
    tar = tar_with(
        (tar_info("pkg/", tarfile.DIRTYPE), None),
        (tar_info("pkg/model/model.bin", size=3), b"abc"),
    )
    members = check_tar_members(tar, LIMITS)
    extract_tar(tar, members, tmp_path / "out", LIMITS, strip=1)
    assert (tmp_path / "out" / "model" / "model.bin").read_bytes() == b"abc"


def test_zip_duplicates_and_encryption_flags_are_refused(tmp_path: Path) -> None:
    archive = tmp_path / "dup.zip"
    with zipfile.ZipFile(archive, "w") as zip_file:
        zip_file.writestr("pkg/a", "1")
        with pytest.warns(UserWarning):
            zip_file.writestr("pkg/a", "2")
    with zipfile.ZipFile(archive) as zip_file, pytest.raises(ArchiveError, match="twice"):
        check_zip_members(zip_file, LIMITS)


def test_folder_walk_refuses_links_fifos_and_depth(tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    (folder / "model").mkdir(parents=True)
    (folder / "model" / "model.bin").write_bytes(b"x" * 10)
    assert sum(m.size for m in check_folder(folder, LIMITS)) == 10
    os.mkfifo(folder / "model" / "fifo")
    with pytest.raises(ArchiveError, match="link or a special file"):
        check_folder(folder, LIMITS)
    (folder / "model" / "fifo").unlink()
    (folder / "link").symlink_to("/dev/zero")
    with pytest.raises(ArchiveError, match="link or a special file"):
        check_folder(folder, LIMITS)
    (folder / "link").unlink()
    folder.joinpath("a", "b", "c", "d", "e").mkdir(parents=True)
    with pytest.raises(ArchiveError, match="nested over"):
        check_folder(folder, LIMITS)


def test_open_regular_never_blocks_or_reads_devices(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(ArchiveError, match="not a regular file"):
        open_regular(fifo)
    assert time.monotonic() - started < 2
    with pytest.raises(ArchiveError, match="not a regular file"):
        open_regular(Path("/dev/zero"))
    (tmp_path / "link").symlink_to(tmp_path / "fifo")
    with pytest.raises(ArchiveError, match="symbolic link"):
        open_regular(tmp_path / "link")
    (tmp_path / "big").write_bytes(b"x" * 100)
    with pytest.raises(ArchiveError, match="over 50 bytes"):
        read_regular(tmp_path / "big", 50)


def test_copy_bounded_stops_at_the_cap_whatever_the_header(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="inflates over"):
        copy_bounded(io.BytesIO(b"x" * 5_000_000), tmp_path / "out", 1_000_000)
    assert (tmp_path / "out").stat().st_size <= 1_000_000
    (tmp_path / "target").write_text("keep")
    (tmp_path / "through-link").symlink_to(tmp_path / "target")
    with pytest.raises(FileExistsError):
        copy_bounded(io.BytesIO(b"new"), tmp_path / "through-link", 100)
    assert (tmp_path / "target").read_text() == "keep"


def test_staging_is_locked_while_held(tmp_path: Path) -> None:
    with Staging(tmp_path, ".installing-") as staging:
        assert remove_stale_staging(tmp_path, ".installing-") == []
        assert staging.path.exists()
    assert not staging.path.exists()


def test_copy_folder_copies_checked_regular_files(tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    (folder / "model").mkdir(parents=True)
    (folder / "model" / "model.bin").write_bytes(b"weights")
    (folder / "metadata.json").write_text("{}")
    members = check_folder(folder, LIMITS)
    copy_folder(folder, members, tmp_path / "copy", LIMITS)
    assert (tmp_path / "copy" / "model" / "model.bin").read_bytes() == b"weights"
    # Swapped for a FIFO after the check: the copy refuses it instead of blocking.
    (folder / "model" / "model.bin").unlink()
    os.mkfifo(folder / "model" / "model.bin")
    with pytest.raises(ArchiveError, match="not a regular file"):
        copy_folder(folder, members, tmp_path / "again", LIMITS)
