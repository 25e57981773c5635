"""FIFOs and devices where reader expects a file: refused at once (a FIFO would block
forever, /dev/zero never ends and ``stat`` says 0 bytes for both), never read
unbounded. Each command is a real subprocess with a short timeout."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from reader.core.files import FileReadError, read_regular_file
from reader.ui.state import UiState, load_state
from reader.ui.themes import ThemeError, load_theme_file
from tests.conftest import run_reader

pytestmark = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def zero(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


SPECIAL = {"fifo": fifo, "zero": zero}


def assert_refused_quickly(*args: str, fragment: str) -> None:
    started = time.monotonic()
    result = run_reader(*args, timeout=20)
    assert time.monotonic() - started < 15
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert fragment in result.stderr, result.stderr


@pytest.mark.parametrize("kind", SPECIAL)
def test_a_special_config_file_is_refused(reader_home: Path, kind: str) -> None:
    (reader_home / "config").mkdir()
    SPECIAL[kind](reader_home / "config" / "config.toml")
    assert_refused_quickly("list", fragment="not a regular file")


@pytest.mark.parametrize("kind", SPECIAL)
@pytest.mark.parametrize("name", ["doc.txt", "doc.md", "doc.html"])
def test_reader_open_refuses_a_special_file(tmp_path: Path, kind: str, name: str) -> None:
    path = SPECIAL[kind](tmp_path / name)
    assert_refused_quickly("open", str(path), fragment="not a regular file")


@pytest.mark.parametrize("kind", SPECIAL)
def test_import_opml_refuses_a_special_file(tmp_path: Path, kind: str) -> None:
    path = SPECIAL[kind](tmp_path / "subs.opml")
    assert_refused_quickly("import-opml", str(path), fragment="not a regular file")


@pytest.mark.parametrize("kind", SPECIAL)
def test_terms_import_and_translate_refuse_a_special_file(tmp_path: Path, kind: str) -> None:
    path = SPECIAL[kind](tmp_path / "terms.csv")
    assert_refused_quickly("terms", "import", str(path), fragment="not a regular file")
    assert_refused_quickly("translate", str(path), fragment="not a regular file")


def test_import_opml_reads_no_more_than_its_cap(tmp_path: Path) -> None:
    big = tmp_path / "big.opml"
    with big.open("wb") as handle:
        handle.truncate(30 * 1024 * 1024)
    assert_refused_quickly("import-opml", str(big), fragment="file too large (more than 20 MB)")


@pytest.mark.parametrize("kind", SPECIAL)
def test_a_special_theme_or_state_file_does_not_block(tmp_path: Path, kind: str) -> None:
    theme = SPECIAL[kind](tmp_path / "mine.toml")
    started = time.monotonic()
    with pytest.raises(ThemeError, match="not a regular file"):
        load_theme_file(theme)
    state = SPECIAL[kind](tmp_path / "state.json")
    assert load_state(state) == UiState()
    assert time.monotonic() - started < 5


def test_read_regular_file_reads_at_most_one_byte_over_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_bytes(b"x" * 100)
    assert read_regular_file(path, 100) == b"x" * 100
    with pytest.raises(FileReadError, match="file too large"):
        read_regular_file(path, 99)
    with pytest.raises(FileNotFoundError):
        read_regular_file(tmp_path / "absent", 10)
    with pytest.raises(FileReadError, match="a folder"):
        read_regular_file(tmp_path, 10)
