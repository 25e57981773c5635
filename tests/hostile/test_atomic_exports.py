"""Exports replace their file atomically: a write that fails half way (here: a file
size limit, which fails like a full disk) leaves the previous file whole and no
temporary file behind; genanki's database never lands in the system temp folder."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import run_reader

FILE_SIZE_LIMIT = 256 * 1024


def run_limited(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``reader`` with RLIMIT_FSIZE set: a write past it fails with EFBIG (Python
    ignores SIGXFSZ), as a write to a full disk fails with ENOSPC."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))

    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        preexec_fn=limit,
    )


@pytest.fixture
def big_glossary(tmp_path: Path) -> Path:
    """A glossary whose export is several times the file size limit."""
    source = tmp_path / "source.csv"
    rows = ["term,gloss,note"] + [f"word{n},gloss {n},{'x' * 400}" for n in range(1000)]
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return source


@pytest.mark.parametrize(("format_name", "suffix"), [("csv", ".csv"), ("anki", ".apkg")])
def test_a_failed_export_keeps_the_previous_file(
    tmp_path: Path, big_glossary: Path, format_name: str, suffix: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    target = out / f"glossary{suffix}"
    assert run_reader("terms", "add", "외교", "--gloss", "diplomacy").returncode == 0
    first = run_reader("terms", "export", "--format", format_name, "-o", str(target))
    assert first.returncode == 0, first.stderr
    previous = target.read_bytes()

    assert run_reader("terms", "import", str(big_glossary), timeout=300).returncode == 0
    failed = run_limited(
        "terms",
        "export",
        "--format",
        format_name,
        "-o",
        str(target),
        env={"TMPDIR": str(system_temp)},
    )
    assert failed.returncode == 1, (failed.stdout, failed.stderr)
    assert "cannot write" in failed.stderr and "Traceback" not in failed.stderr
    assert target.read_bytes() == previous
    assert sorted(p.name for p in out.iterdir()) == [target.name]
    assert list(system_temp.iterdir()) == []

    done = run_reader("terms", "export", "--format", format_name, "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [target.name]
    if format_name == "anki":
        with zipfile.ZipFile(target) as deck:
            assert deck.testzip() is None


def test_the_anki_database_is_not_left_in_the_system_temp_folder(tmp_path: Path) -> None:
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    assert run_reader("terms", "add", "외교", "--gloss", "diplomacy").returncode == 0
    deck = tmp_path / "deck.apkg"
    process = subprocess.run(
        [sys.executable, "-m", "reader", "terms", "export", "--format", "anki", "-o", str(deck)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TMPDIR": str(system_temp)},
    )
    assert process.returncode == 0, process.stderr
    assert list(system_temp.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.apkg", "reader-home", "system-temp"]


def test_a_failed_export_opml_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "subs.opml").mkdir(parents=True)  # a folder in the way: the rename fails
    result = run_reader("export-opml", "-o", str(out / "subs.opml"))
    assert result.returncode == 1
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in out.iterdir()] == ["subs.opml"]


def test_kill_9_during_export_leaves_the_old_or_the_new_file(
    tmp_path: Path, big_glossary: Path
) -> None:
    """SIGKILL at several moments of a CSV export: the file is always a whole export."""
    import signal
    import time

    target = tmp_path / "glossary.csv"
    assert run_reader("terms", "import", str(big_glossary), timeout=300).returncode == 0
    assert run_reader("terms", "export", "--format", "csv", "-o", str(target)).returncode == 0
    whole = target.read_bytes()
    for delay in (0.3, 0.5, 0.7, 0.9, 1.1):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reader",
                "terms",
                "export",
                "--format",
                "csv",
                "-o",
                str(target),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert target.read_bytes() == whole  # the same glossary: old and new are equal
    assert run_reader("terms", "export", "--format", "csv", "-o", str(target)).returncode == 0
    assert target.read_bytes() == whole


def test_stale_temporaries_of_a_killed_writer_are_removed(tmp_path: Path) -> None:
    from reader.core.files import STALE_AFTER_SECONDS, remove_stale_temporaries

    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "glossary.csv"
    old = folder / ".glossary.csv.0123abcd.tmp"
    fresh = folder / ".glossary.csv.89abcdef.tmp"
    scratch = folder / ".reader-anki-x1y2z3.tmp"
    other = folder / ".other.csv.0123abcd.tmp"
    for path in (old, fresh, scratch, other):
        path.write_bytes(b"partial")
    long_ago = time.time() - STALE_AFTER_SECONDS - 60
    for path in (old, scratch, other):
        os.utime(path, (long_ago, long_ago))
    assert remove_stale_temporaries(target) == 2
    assert sorted(p.name for p in folder.iterdir()) == sorted([fresh.name, other.name])
