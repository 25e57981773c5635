"""Bytes that are not UTF-8 in arguments, standard input and READER_HOME: one line, never
a traceback (the command runs in a real subprocess with real bytes in its argv)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Completed, run_reader


def run_with_bytes(
    *args: bytes | str, input: bytes | None = None, env: dict[str, str] | None = None
) -> Completed:
    """``reader`` with argv given as bytes, exactly as a shell passes ``$'caf\\xe9'``."""
    process = subprocess.run(
        [sys.executable, "-m", "reader", *args],
        input=input,
        capture_output=True,
        timeout=60,
        env={**os.environ, "LC_ALL": "C.UTF-8", **(env or {})},
    )
    return Completed(
        process.returncode,
        process.stdout.decode("utf-8", "replace"),
        process.stderr.decode("utf-8", "replace"),
    )


def assert_one_line_error(
    result: Completed, fragment: str, codes: tuple[int, ...] = (1, 2)
) -> None:
    assert result.returncode in codes, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert fragment in result.stderr


def test_a_latin1_file_name_opens(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    with open(folder + b"/caf\xe9.txt", "wb") as handle:
        handle.write(b"Caf\xc3\xa9 title\n\nA body.\n")
    opened = run_with_bytes(b"open", folder + b"/caf\xe9.txt", b"--json")
    assert opened.returncode == 0, opened.stderr
    assert json.loads(opened.stdout)["title"] == "Café title"
    again = run_with_bytes(b"open", folder + b"/caf\xe9.txt")
    assert again.returncode == 0, again.stderr
    assert len(json.loads(run_reader("list", "--json").stdout)) == 1


def test_an_untitled_latin1_file_is_named_with_its_bytes_shown(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    with open(folder + b"/x\xff.html", "wb") as handle:
        handle.write(b"<p></p><title></title><p>text</p>")
    opened = run_with_bytes(b"open", folder + b"/x\xff.html", b"--json")
    assert opened.returncode == 0, opened.stderr
    assert json.loads(opened.stdout)["title"] in ("text", "x\\xff")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((b"add", b"http://127.0.0.1:9/", b"--title", b"bad\xff"), "--title"),
        ((b"add", b"http://127.0.0.1:9/", b"--folder", b"bad\xff"), "--folder"),
        ((b"terms", b"add", b"caf\xe9", b"--gloss", b"x"), "TEXT"),
        ((b"terms", b"add", b"word", b"--gloss", b"\xe9"), "--gloss"),
        ((b"search", b"caf\xe9"), "QUERY"),
        ((b"mark-all-read", b"caf\xe9"), "FEED"),
        ((b"refresh", b"http://caf\xe9/"), "FEED"),
    ],
)
def test_undecodable_text_arguments_are_one_line_errors(
    args: tuple[bytes, ...], fragment: str
) -> None:
    result = run_with_bytes(*args)
    assert_one_line_error(result, fragment, codes=(2,))
    assert "not UTF-8 text" in result.stderr


def test_latin1_standard_input_of_translate_is_one_line() -> None:
    result = run_with_bytes("translate", input=b"caf\xe9 au lait.\n")
    assert_one_line_error(result, "standard input: not UTF-8 text (byte 0xe9 at offset 3)", (1,))


def test_latin1_file_of_translate_is_one_line(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"caf\xe9 au lait.\n")
    result = run_with_bytes("translate", str(latin))
    assert_one_line_error(result, "not UTF-8 text (byte 0xe9 at offset 3)", (1,))


def test_reader_home_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    some_file = tmp_path / "some_file"
    some_file.write_text("x")
    result = run_with_bytes("list", env={"READER_HOME": str(some_file)})
    assert_one_line_error(result, f"READER_HOME={some_file}", (1,))
    assert "cannot create the folder" in result.stderr


def test_reader_home_that_cannot_be_created_is_one_line() -> None:
    result = run_with_bytes("list", env={"READER_HOME": "/proc/nope"})
    assert_one_line_error(result, "cannot create the folder /proc/nope/config", (1,))
