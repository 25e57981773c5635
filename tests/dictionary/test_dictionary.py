"""Dictionaries installed into a real SQLite file from real fixture files, and looked up."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest

from reader.core.dictionary import (
    SCHEMA_VERSION,
    DictionaryError,
    DictionaryStore,
    LookupResult,
    lemma_of,
    word_language,
)
from tests.dictionary.conftest import KENGDIC_TSV, KRDICT_XML


def lookup(store: DictionaryStore, word: str) -> LookupResult:
    return store.lookup(word, lemma_of(word), english=word_language(word) == "en")


def headwords(result: LookupResult) -> list[tuple[str, str, str]]:
    return [(entry.headword, entry.match, entry.dictionary) for entry in result.entries]


def test_krdict_entries_keep_level_part_of_speech_hanja_and_every_sense(
    store: DictionaryStore,
) -> None:
    installed = store.install(KRDICT_XML)
    assert (installed.name, installed.format, installed.entry_count) == ("krdict", "krdict", 13)
    assert installed.licence == "CC BY-SA 2.0 KR"
    assert "National Institute of Korean Language" in installed.attribution

    eat = lookup(store, "먹다").entries[0]
    assert (eat.headword, eat.pos, eat.level, eat.reading) == ("먹다", "동사", "초급", "먹따")
    assert [sense.gloss for sense in eat.senses] == ["eat", "take", "make up one's mind"]
    assert eat.senses[0].definition == "To put food into the stomach through the mouth."
    assert eat.senses[0].native == "음식 등을 입을 통하여 배 속에 들여보내다."

    diplomacy = lookup(store, "외교").entries[0]
    assert (diplomacy.hanja, diplomacy.level) == ("外交", "중급")
    # 없음 ("none") is KRDict's way of saying the word has no level.
    assert next(e for e in lookup(store, "외교적").entries if e.headword == "외교적").level == ""


def test_homographs_are_separate_entries_in_file_order(store: DictionaryStore) -> None:
    store.install(KRDICT_XML)
    result = lookup(store, "배")
    assert [entry.senses[0].gloss for entry in result.entries] == [
        "belly; stomach",
        "ship; boat",
        "pear",
    ]


def test_kengdic_rows_with_header_and_nulls(store: DictionaryStore) -> None:
    installed = store.install(KENGDIC_TSV)
    # 13 rows: the one without a surface is skipped; the hanja-only row (gloss \N) is kept.
    assert (installed.name, installed.entry_count) == ("kengdic", 12)
    assert installed.licence == "MPL 2.0 or LGPL 2.0+"
    hurried = lookup(store, "급조").entries[0]
    assert (hurried.hanja, hurried.senses) == ("急造", ())
    assert [e.senses[0].gloss for e in lookup(store, "배").entries] == [
        "stomach, belly",
        "boat, ship",
        "pear",
        "times, -fold",
    ]


def test_kengdic_without_header_uses_kengdic_column_order(
    store: DictionaryStore, tmp_path: Path
) -> None:
    lines = KENGDIC_TSV.read_text(encoding="utf-8").splitlines(keepends=True)
    headerless = tmp_path / "kengdic_2011.tsv"
    headerless.write_text("".join(lines[1:]), encoding="utf-8")
    assert store.install(headerless).entry_count == 12
    assert lookup(store, "외교").entries[0].senses[0].gloss == "diplomacy"


def test_yomitan_zip_with_structured_content(store: DictionaryStore, yomitan_zip: Path) -> None:
    installed = store.install(yomitan_zip)
    assert (installed.name, installed.format, installed.revision) == (
        "test-korean-yomitan",
        "yomitan",
        "2026.12.01",
    )
    assert installed.attribution.startswith("Written for reader's tests; CC0")
    assert installed.entry_count == 14  # twelve in the first bank, two in the second
    diplomacy = lookup(store, "외교").entries[0]
    # Blocks become "; ", ruby readings go in parentheses, the image is left out.
    assert diplomacy.senses[0].gloss == "diplomacy; e.g. 外交(외교) policy"
    assert diplomacy.reading == "外交"
    assert diplomacy.level == "중급"
    summit = lookup(store, "정상회담").entries[0]
    assert summit.senses[0].gloss == "summit; summit talks; (between heads of state)"
    ministry = next(e for e in lookup(store, "외교부").entries if e.headword == "외교부")
    assert ministry.senses[0].gloss == "Ministry of Foreign Affairs"
    assert lookup(store, "먹이다").entries[0].senses[0].gloss == "to feed"


def test_krdict_download_zip_of_several_volumes(store: DictionaryStore, tmp_path: Path) -> None:
    text = KRDICT_XML.read_text(encoding="utf-8")
    head, _, rest = text.partition("    <LexicalEntry")
    first_entry, _, others = rest.partition("</LexicalEntry>")
    volume_one = (
        head
        + "    <LexicalEntry"
        + first_entry
        + "</LexicalEntry>\n  </Lexicon>\n</LexicalResource>\n"
    )
    volume_two = head + others.lstrip("\n")
    archive_path = tmp_path / "krdict_download.zip"
    with zipfile.ZipFile(archive_path, "w", zipfile.ZIP_DEFLATED) as archive:
        # Stored out of order, and numbered as the download numbers its volumes.
        archive.writestr("10_5000_20260101.xml", volume_two)
        archive.writestr("2_5000_20260101.xml", volume_one)
    installed = store.install(archive_path)
    assert (installed.name, installed.entry_count) == ("krdict", 13)
    assert lookup(store, "사람").entries[0].senses[0].gloss == "person; human"
    connection = sqlite3.connect(store.path)
    first = connection.execute("SELECT headword FROM entries ORDER BY id LIMIT 2").fetchall()
    connection.close()
    assert first == [("사람",), ("먹다",)]  # volume 2 before volume 10


@pytest.mark.parametrize(
    ("written", "lemma", "headword"),
    [
        ("먹었다", "먹다", "먹다"),
        ("외교를", "외교", "외교"),
        ("아름다웠다", "아름답다", "아름답다"),
        ("공부했어요", "공부하다", "공부하다"),
        ("정상회담을", "정상회담", "정상회담"),
    ],
)
def test_korean_words_are_found_by_their_kiwipiepy_lemma(
    store: DictionaryStore, written: str, lemma: str, headword: str
) -> None:
    store.install(KRDICT_XML)
    result = lookup(store, written)
    assert result.lemma == lemma
    assert result.entries[0].headword == headword
    assert result.entries[0].match == "exact"


def test_a_headword_kiwipiepy_would_misread_is_still_found_first(
    store: DictionaryStore, yomitan_zip: Path
) -> None:
    """kiwipiepy reads 먹이다 as the noun 먹이 plus the copula: the word as written is
    looked up first, so the verb comes before the noun (shorter, and scored higher)."""
    store.install(KRDICT_XML)
    store.install(yomitan_zip)
    result = lookup(store, "먹이다")
    assert result.lemma == "먹이"
    assert headwords(result)[:3] == [
        ("먹이다", "exact", "krdict"),
        ("먹이다", "exact", "test-korean-yomitan"),
        ("먹이", "exact", "test-korean-yomitan"),
    ]


def test_ranking_exact_lemma_first_then_compounds(store: DictionaryStore) -> None:
    store.install(KRDICT_XML)
    store.install(KENGDIC_TSV)
    result = lookup(store, "외교를")
    assert headwords(result) == [
        ("외교", "exact", "krdict"),
        ("외교", "exact", "kengdic"),
        ("외교관", "compound", "krdict"),
        ("외교적", "compound", "krdict"),
        ("외교관", "compound", "kengdic"),
    ]
    assert set(result.dictionaries) == {"krdict", "kengdic"}
    assert result.dictionaries["kengdic"].attribution.startswith("kengdic, by Joe Speigle")


def test_english_words_by_base_form_headwords_and_glosses(
    store: DictionaryStore, yomitan_zip: Path
) -> None:
    store.install(KRDICT_XML)
    store.install(yomitan_zip)
    summits = lookup(store, "Summits")
    assert summits.lemma == "summit"
    assert headwords(summits) == [
        ("summit", "exact", "test-korean-yomitan"),
        ("정상회담", "gloss", "krdict"),
        ("정상회담", "gloss", "test-korean-yomitan"),
    ]
    assert headwords(lookup(store, "diplomats")) == [
        ("diplomat", "exact", "test-korean-yomitan"),
        ("외교관", "gloss", "krdict"),
    ]


def test_english_lookup_does_not_load_kiwipiepy(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = (
        "import sys; from pathlib import Path;"
        "from reader.core.dictionary import DictionaryStore, lemma_of;"
        f"s = DictionaryStore(Path({str(tmp_path / 'd.sqlite')!r}));"
        f"s.install(Path({str(KRDICT_XML)!r}));"
        "print(len(s.lookup('diplomacy', lemma_of('diplomacy'), english=True).entries));"
        "print('kiwipiepy' in sys.modules)"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    ).stdout.split()
    assert output == ["1", "False"]


def test_reinstalling_replaces_the_dictionary(store: DictionaryStore) -> None:
    store.install(KRDICT_XML)
    store.install(KRDICT_XML)
    assert [d.name for d in store.dictionaries()] == ["krdict"]
    connection = sqlite3.connect(store.path)
    assert connection.execute("SELECT count(*) FROM entries").fetchone() == (13,)
    assert len(lookup(store, "배").entries) == 3
    connection.close()


def test_remove_drops_entries_and_gloss_keys(store: DictionaryStore) -> None:
    store.install(KRDICT_XML)
    store.install(KENGDIC_TSV)
    removed = store.remove("KRDICT")
    assert removed.name == "krdict"
    assert [d.name for d in store.dictionaries()] == ["kengdic"]
    connection = sqlite3.connect(store.path)
    remaining = connection.execute(
        "SELECT count(*) FROM entries e JOIN dictionaries d ON d.id = e.dictionary_id"
        " WHERE d.name = 'kengdic'"
    ).fetchone()
    assert connection.execute("SELECT count(*) FROM entries").fetchone() == remaining
    orphans = connection.execute(
        "SELECT count(*) FROM gloss_keys WHERE entry_id NOT IN (SELECT id FROM entries)"
    ).fetchone()
    assert orphans == (0,)
    connection.close()
    with pytest.raises(DictionaryError, match="no dictionary named 'krdict'"):
        store.remove("krdict")


def test_database_has_its_own_schema_version_wal_and_foreign_keys(
    store: DictionaryStore,
) -> None:
    store.install(KENGDIC_TSV)
    connection = sqlite3.connect(store.path)
    assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()
    assert store.connection.execute("PRAGMA foreign_keys").fetchone() == (1,)


def test_a_newer_schema_is_refused_without_touching_it(tmp_path: Path) -> None:
    path = tmp_path / "dictionaries.sqlite"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(DictionaryError, match="newer reader"):
        DictionaryStore(path).dictionaries()


def test_yomitan_banks_are_read_row_by_row_across_any_read_boundary(
    tmp_path: Path, yomitan_zip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reads of 7 bytes split rows, strings and Hangul's multi-byte characters anywhere."""
    whole = DictionaryStore(tmp_path / "whole.sqlite")
    whole.install(yomitan_zip)
    expected = [lookup(whole, word).entries for word in ("외교", "배", "악성", "summit")]
    from reader.core import dictionary_yomitan

    monkeypatch.setattr(dictionary_yomitan, "_READ_CHARS", 7)
    pieces = DictionaryStore(tmp_path / "pieces.sqlite")
    assert pieces.install(yomitan_zip).entry_count == 14
    assert [lookup(pieces, word).entries for word in ("외교", "배", "악성", "summit")] == expected


def test_progress_rises_to_the_whole_file_in_each_format(
    store: DictionaryStore, yomitan_zip: Path, tmp_path: Path
) -> None:
    many = tmp_path / "kengdic.tsv"
    header, *rows = KENGDIC_TSV.read_text(encoding="utf-8").splitlines(keepends=True)
    many.write_text(header + "".join(rows[:10]) * 500, encoding="utf-8")
    calls: list[tuple[int, int]] = []
    for path in (KRDICT_XML, many, yomitan_zip):
        calls.clear()
        store.install(path, progress=lambda done, total: calls.append((done, total)))
        assert calls, path
        assert [done for done, _ in calls] == sorted(done for done, _ in calls)
        assert calls[-1][0] == calls[-1][1] > 0
