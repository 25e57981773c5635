"""``reader dict`` end to end: the real command in subprocesses, with its own READER_HOME."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import assert_clean_failure
from tests.conftest import run_reader
from tests.dictionary.conftest import KENGDIC_TSV, KRDICT_XML


def installed_names() -> list[tuple[str, int]]:
    listed = run_reader("dict", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    return [(item["name"], item["entries"]) for item in json.loads(listed.stdout)]


def test_install_each_format_list_and_remove(yomitan_zip: Path, reader_home: Path) -> None:
    for path, line in (
        (KRDICT_XML, "installed krdict: 한국어기초사전 (KRDict) (krdict, 13 entries)"),
        (KENGDIC_TSV, "installed kengdic: kengdic (kengdic, 12 entries)"),
        (yomitan_zip, "installed test-korean-yomitan: Test Korean Yomitan (yomitan, 14 entries)"),
    ):
        result = run_reader("dict", "install", str(path))
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == line
        assert result.stderr == ""  # no progress bar when stderr is not a terminal
    assert (reader_home / "data" / "dictionaries.sqlite").is_file()

    listed = json.loads(run_reader("dict", "list", "--json").stdout)
    assert [(d["name"], d["format"], d["entries"]) for d in listed] == [
        ("kengdic", "kengdic", 12),
        ("test-korean-yomitan", "yomitan", 14),
        ("krdict", "krdict", 13),
    ]
    krdict = listed[2]
    assert krdict["licence"] == "CC BY-SA 2.0 KR"
    assert "국립국어원" in krdict["attribution"]
    plain = run_reader("dict", "list").stdout
    assert "licence: CC BY-SA 2.0 KR" in plain
    assert "licence: MPL 2.0 or LGPL 2.0+" in plain

    removed = run_reader("dict", "remove", "Test Korean Yomitan")
    assert removed.returncode == 0
    assert removed.stdout.strip() == "removed test-korean-yomitan (14 entries)"
    assert installed_names() == [("kengdic", 12), ("krdict", 13)]
    assert_clean_failure(run_reader("dict", "remove", "nope"), "no dictionary named 'nope'")


def test_lookup_inflected_korean_with_attribution() -> None:
    run_reader("dict", "install", str(KRDICT_XML))
    run_reader("dict", "install", str(KENGDIC_TSV))
    result = run_reader("dict", "lookup", "외교를", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert (payload["query"], payload["lemma"]) == ("외교를", "외교")
    assert [(e["headword"], e["match"], e["dictionary"]) for e in payload["entries"]] == [
        ("외교", "exact", "krdict"),
        ("외교", "exact", "kengdic"),
        ("외교관", "compound", "krdict"),
        ("외교적", "compound", "krdict"),
        ("외교관", "compound", "kengdic"),
    ]
    first = payload["entries"][0]
    assert (first["hanja"], first["pos"], first["level"]) == ("外交", "명사", "중급")
    assert first["senses"][0]["gloss"] == "diplomacy"
    assert payload["dictionaries"]["krdict"]["licence"] == "CC BY-SA 2.0 KR"
    assert payload["dictionaries"]["kengdic"]["licence"] == "MPL 2.0 or LGPL 2.0+"

    plain = run_reader("dict", "lookup", "먹었다").stdout.splitlines()
    assert plain[0] == "먹었다 → 먹다"
    assert plain[1] == "  먹다 [먹따]  동사, 초급  [krdict]"
    assert plain[2].startswith("    1. eat — To put food into the stomach")
    sources = plain[plain.index("Sources:") + 1 :]
    assert any(
        line.startswith("  [krdict] 한국어기초사전 (KRDict): licence: CC BY-SA") for line in sources
    )
    assert any(line.startswith("  [kengdic] kengdic: licence: MPL 2.0") for line in sources)


def test_lookup_english_and_not_found() -> None:
    run_reader("dict", "install", str(KRDICT_XML))
    again = run_reader("dict", "install", str(KRDICT_XML))
    assert again.returncode == 0
    assert installed_names() == [("krdict", 13)]  # replaced, not added twice
    payload = json.loads(run_reader("dict", "lookup", "summits", "--json").stdout)
    assert payload["lemma"] == "summit"
    assert [(e["headword"], e["match"]) for e in payload["entries"]] == [("정상회담", "gloss")]
    assert_clean_failure(run_reader("dict", "lookup", "zzzz"), "no dictionary entry for zzzz")
    empty = json.loads(run_reader("dict", "lookup", "zzzz", "--json").stdout)
    assert empty["entries"] == []


def test_hostile_gloss_is_printed_inert() -> None:
    run_reader("dict", "install", str(KENGDIC_TSV))
    result = run_reader("dict", "lookup", "악성")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "    1. malignant red <script>x</script>" in result.stdout.splitlines()


def test_malformed_file_gives_one_line_and_keeps_installed(tmp_path: Path) -> None:
    run_reader("dict", "install", str(KRDICT_XML))
    truncated = tmp_path / "krdict.xml"
    truncated.write_bytes(KRDICT_XML.read_bytes()[:3000])
    assert_clean_failure(run_reader("dict", "install", str(truncated)), "krdict.xml: malformed XML")
    bad_zip = tmp_path / "dict.zip"
    bad_zip.write_bytes(b"PK\x03\x04broken")
    assert_clean_failure(run_reader("dict", "install", str(bad_zip)), "not a readable zip file")
    wrong = tmp_path / "kengdic.tsv"
    wrong.write_text("id\tsurface\thanja\tgloss\n1\t사과\n", encoding="utf-8")
    assert_clean_failure(run_reader("dict", "install", str(wrong)), "line 2: 2 columns")
    missing = tmp_path / "none.xml"
    assert_clean_failure(run_reader("dict", "install", str(missing)), f"{missing}: cannot read")
    assert installed_names() == [("krdict", 13)]


def test_usage_errors_and_nothing_installed() -> None:
    assert_clean_failure(run_reader("dict"), "required", code=2)
    assert_clean_failure(run_reader("dict", "lookup", "x", "--limit", "0"), "positive", code=2)
    assert_clean_failure(run_reader("dict", "lookup", "먹다"), "no dictionaries installed")
    assert run_reader("dict", "list").stdout.startswith("no dictionaries installed")
    run_reader("dict", "install", str(KENGDIC_TSV))
    assert_clean_failure(run_reader("dict", "lookup", " \x1b[2J "), "nothing to look up")
    assert_clean_failure(run_reader("dict", "lookup", "가" * 201), "too long to look up")


def test_progress_bar_on_a_terminal_ends_its_line_before_an_error(tmp_path: Path) -> None:
    """stderr is a real pseudo-terminal here, as in a shell."""
    import os
    import pty
    import subprocess
    import sys

    header, *rows = KENGDIC_TSV.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = tmp_path / "kengdic.tsv"  # a bad row half-way: the bar stops at about 50 %
    broken.write_text(
        header + "".join(rows[:10]) * 1000 + "1\t사과\n" + "".join(rows[:10]) * 1000,
        encoding="utf-8",
    )
    for path, code in ((KRDICT_XML, 0), (broken, 1)):
        controller, terminal = pty.openpty()
        process = subprocess.run(
            [sys.executable, "-m", "reader", "dict", "install", str(path)],
            stdout=subprocess.PIPE,
            stderr=terminal,
            timeout=60,
            env=os.environ.copy(),
        )
        os.close(terminal)
        shown = os.read(controller, 65536).decode("utf-8")
        os.close(controller)
        assert process.returncode == code
        lines = shown.replace("\r\n", "\n").split("\n")
        assert lines[-1] == ""
        if code:
            assert "%" in lines[-3] and "100%" not in lines[-3]
            assert (
                lines[-2] == f"reader: {broken}: line 10002: 2 columns where kengdic has at least 4"
            )
        else:
            assert "importing [" in lines[-2] and lines[-2].endswith("100%")
