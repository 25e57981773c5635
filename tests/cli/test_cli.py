"""The ``reader`` command end to end, in a subprocess with its own READER_HOME."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader import __version__
from tests.conftest import run_reader

KOREAN_TEXT = "정부, 실용외교 강조\n\n대통령은 어제 기자회견을 열었다. 외교 정책을 설명했다.\n\n두 번째 문단이다.\n"


def open_json(path: Path) -> dict[str, object]:
    result = run_reader("open", str(path), "--json")
    assert result.returncode == 0, result.stderr
    payload: dict[str, object] = json.loads(result.stdout)
    return payload


def assert_clean_failure(result: object, fragment: str, code: int = 1) -> None:
    assert result.returncode == code, (result.stdout, result.stderr)  # type: ignore[attr-defined]
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert fragment in stderr
    assert "Traceback" not in stderr
    if code == 1:
        assert stderr.count("\n") == 1


def test_version_and_help() -> None:
    assert run_reader("--version").stdout.strip() == f"reader {__version__}"
    help_text = run_reader("--help").stdout
    for command in ("open", "list", "show", "search", "locate"):
        assert command in help_text


def test_usage_error_exits_2() -> None:
    assert_clean_failure(run_reader("list", "--limit", "zero"), "not a whole number", code=2)
    assert_clean_failure(run_reader("no-such-command"), "invalid choice", code=2)


def test_locate_prints_paths_under_reader_home(reader_home: Path) -> None:
    for what in ("config", "data", "cache", "themes", "models"):
        result = run_reader("locate", what)
        assert result.returncode == 0
        assert Path(result.stdout.strip()).is_relative_to(reader_home)


def test_open_text_file_then_list_show_and_search(tmp_path: Path) -> None:
    document = tmp_path / "news.txt"
    document.write_text(KOREAN_TEXT, encoding="utf-8")

    opened = open_json(document)
    assert opened["title"] == "정부, 실용외교 강조"
    assert opened["paragraphs"] == 2

    listed = json.loads(run_reader("list", "--json").stdout)
    assert listed == [
        {
            "id": opened["id"],
            "feed_id": listed[0]["feed_id"],
            "title": "정부, 실용외교 강조",
            "url": None,
            "published": None,
            "read": False,
            "starred": False,
        }
    ]

    shown = json.loads(run_reader("show", str(opened["id"]), "--json").stdout)
    assert shown["paragraphs"] == [
        "대통령은 어제 기자회견을 열었다. 외교 정책을 설명했다.",
        "두 번째 문단이다.",
    ]
    plain = run_reader("show", str(opened["id"])).stdout
    assert plain.startswith("정부, 실용외교 강조\n")

    found = json.loads(run_reader("search", "외교", "--json").stdout)
    assert [a["id"] for a in found] == [opened["id"]]
    assert json.loads(run_reader("search", "없는말", "--json").stdout) == []


def test_opening_the_same_file_twice_does_not_duplicate(tmp_path: Path) -> None:
    document = tmp_path / "same.txt"
    document.write_text("Title\n\nBody.\n", encoding="utf-8")
    first = open_json(document)
    document.write_text("Title\n\nBody, edited.\n", encoding="utf-8")
    second = open_json(document)
    assert first["id"] == second["id"]
    assert len(json.loads(run_reader("list", "--json").stdout)) == 1
    shown = json.loads(run_reader("show", str(first["id"]), "--json").stdout)
    assert shown["paragraphs"] == ["Body, edited."]


def test_open_markdown_and_html(tmp_path: Path) -> None:
    markdown = tmp_path / "note.md"
    markdown.write_text(
        "# Heading title\n\nFirst paragraph.\n\n## Part\n\nSecond.\n", encoding="utf-8"
    )
    assert open_json(markdown)["title"] == "Heading title"

    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Page [bold]title[/]</title><script>alert(1)</script></head>"
        "<body><p>One &amp; two.</p><p>Three\x1b[2J.</p></body></html>",
        encoding="utf-8",
    )
    opened = open_json(page)
    assert opened["title"] == "Page [bold]title[/]"
    shown = json.loads(run_reader("show", str(opened["id"]), "--json").stdout)
    assert shown["paragraphs"] == ["One & two.", "Three."]


def test_open_euc_kr_text_file(tmp_path: Path) -> None:
    document = tmp_path / "euckr.txt"
    document.write_bytes(KOREAN_TEXT.encode("euc-kr"))
    assert open_json(document)["title"] == "정부, 실용외교 강조"


def test_control_characters_never_reach_the_output(tmp_path: Path) -> None:
    document = tmp_path / "nasty.txt"
    document.write_text(
        "Ti\x1b]0;pwned\x07tle\u202e\x9b31m\n\nBody \x1b[31mred\x1b[0m.\n", encoding="utf-8"
    )
    opened = open_json(document)
    assert opened["title"] == "Title"
    plain = run_reader("show", str(opened["id"])).stdout
    assert "\x1b" not in plain
    assert "Body red." in plain


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("missing.txt", None, "no such file"),
        ("empty.txt", b"", "file is empty"),
        ("blank.txt", b"\n\n  \n", "file is empty"),
        ("binary.txt", b"\x00\x01\x02\xff" * 100, "binary file"),
        ("image.png", b"\x89PNG", "unsupported file type .png"),
    ],
)
def test_open_bad_files_fail_cleanly(
    tmp_path: Path, name: str, content: bytes | None, fragment: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert_clean_failure(run_reader("open", str(path)), fragment)


def test_open_a_directory_fails_cleanly(tmp_path: Path) -> None:
    assert_clean_failure(run_reader("open", str(tmp_path)), "is a folder")


def test_open_a_50_mb_file_is_refused_with_a_size_message(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    assert_clean_failure(
        run_reader("open", str(big)), "file too large (50.0 MB; the limit is 20 MB)"
    )


def test_read_state_commands(tmp_path: Path) -> None:
    document = tmp_path / "a.txt"
    document.write_text("A\n\nbody\n", encoding="utf-8")
    article_id = str(open_json(document)["id"])

    assert run_reader("read", article_id).returncode == 0
    assert json.loads(run_reader("list", "--unread", "--json").stdout) == []
    assert run_reader("star", article_id).returncode == 0
    assert len(json.loads(run_reader("list", "--starred", "--json").stdout)) == 1
    assert run_reader("unread", article_id).returncode == 0
    assert run_reader("unstar", article_id).returncode == 0
    listed = json.loads(run_reader("list", "--json").stdout)[0]
    assert (listed["read"], listed["starred"]) == (False, False)
    assert run_reader("mark-all-read").stdout.strip() == "marked 1 article read"
    assert_clean_failure(run_reader("read", "999"), "no article with id 999")
    assert_clean_failure(run_reader("show", "999"), "no article with id 999")


def test_list_limit(tmp_path: Path) -> None:
    for number in range(3):
        document = tmp_path / f"{number}.txt"
        document.write_text(f"Title {number}\n\nbody\n", encoding="utf-8")
        open_json(document)
    assert len(json.loads(run_reader("list", "--limit", "2", "--json").stdout)) == 2


def test_invalid_config_is_one_line_naming_file_line_and_key(reader_home: Path) -> None:
    config = reader_home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('theme = "paper"\n[refresh]\nconcurrency = -1\n', encoding="utf-8")
    assert_clean_failure(
        run_reader("list"), f"{config}:3: refresh.concurrency: must be between 1 and 1024, not -1"
    )


def test_damaged_database_is_one_line_and_untouched(reader_home: Path) -> None:
    database = reader_home / "data" / "reader.sqlite3"
    database.parent.mkdir(parents=True)
    database.write_bytes(b"this is not a database" * 100)
    assert_clean_failure(run_reader("list"), "not a reader database")
    assert database.read_bytes() == b"this is not a database" * 100
