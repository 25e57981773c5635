"""The atomic writer and the bounded reader of reader.core.files, on real files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from reader.core.files import atomic_output, path_text, write_file_atomically


def test_an_exception_inside_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "out.csv"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_output(target) as handle:
        handle.write(b"half of the new")
        raise RuntimeError("the writer failed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in folder.iterdir()] == ["out.csv"]


def test_the_new_file_keeps_the_old_permissions_and_a_symlink_stays(tmp_path: Path) -> None:
    real = tmp_path / "real.opml"
    real.write_bytes(b"old")
    real.chmod(0o640)
    link = tmp_path / "link.opml"
    link.symlink_to(real)
    write_file_atomically(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_new_file_gets_the_umask_permissions(tmp_path: Path) -> None:
    old_mask = os.umask(0o022)
    try:
        write_file_atomically(tmp_path / "new.csv", b"x")
    finally:
        os.umask(old_mask)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644


def test_path_text_keeps_undecodable_bytes_visible() -> None:
    assert path_text(os.fsdecode(b"/tmp/caf\xe9.txt")) == "/tmp/caf\\xe9.txt"
    assert path_text("/tmp/외교.txt") == "/tmp/외교.txt"
