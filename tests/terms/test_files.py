"""Glossary files: CSV/TSV round trip, merging on import, the Anki deck, and the CLI."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core import anki
from reader.core.exports import read_terms, write_terms
from reader.core.models import Term
from reader.service import ReaderService, ServiceError
from tests.conftest import run_reader

NASTY_NOTE = "commas, \"quotes\", 'single'\nsecond line\n\nafter a blank line; 한글 메모"


@pytest.fixture
def service() -> Iterator[ReaderService]:
    reader = ReaderService()
    yield reader
    reader.close()


def _fill(service: ReaderService) -> None:
    service.add_term(
        "실용 외교",
        gloss='pragmatic diplomacy, "realism"',
        note=NASTY_NOTE,
        status="3",
        tags=["politics", "한국"],
        sentence="정부는 실용 외교를 내세웠다.",
        sentence_translation="The government put forward pragmatic diplomacy.",
    )
    service.add_term("먹었다", gloss="to eat", status="known")
    service.add_term("summit", gloss="정상회담\ttab", lang="en", status="ignored")


def _comparable(terms: list[Term]) -> list[tuple[object, ...]]:
    return sorted(
        (
            t.text,
            t.lemma,
            t.lang,
            t.gloss,
            t.note,
            t.status,
            tuple(t.tags),
            t.sentence,
            t.sentence_translation,
            t.created,
            t.updated,
            t.pattern,
        )
        for t in terms
    )


@pytest.mark.parametrize("format_name", ["csv", "tsv"])
def test_round_trip_keeps_everything(
    service: ReaderService, tmp_path: Path, format_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(service)
    original = service.list_terms()
    path = tmp_path / f"glossary.{format_name}"
    assert service.export_terms(format_name, path) == 3
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    other_home = tmp_path / "other"
    other_home.mkdir()
    monkeypatch.setenv("READER_HOME", str(other_home))
    fresh = ReaderService()
    result = fresh.import_terms(path)
    imported = fresh.list_terms()
    fresh.close()
    assert (result.added, result.merged) == (3, 0)
    assert _comparable(imported) == _comparable(original)


def test_reimport_merges_without_changes(service: ReaderService, tmp_path: Path) -> None:
    _fill(service)
    before = _comparable(service.list_terms())
    path = tmp_path / "glossary.csv"
    service.export_terms("csv", path)
    result = service.import_terms(path)
    assert (result.added, result.merged) == (0, 3)
    assert _comparable(service.list_terms()) == before


def test_duplicates_in_a_file_are_merged(service: ReaderService, tmp_path: Path) -> None:
    path = tmp_path / "dupes.csv"
    path.write_text(
        "term,gloss,tags,lang\n외교를,diplomacy,a,ko\n외교,foreign policy,b,\n외교는,diplomacy,,\n",
        encoding="utf-8",
    )
    result = service.import_terms(path)
    assert (result.added, result.merged) == (1, 2)
    [term] = service.list_terms()
    assert (term.lemma, term.gloss, term.tags) == ("외교", "diplomacy; foreign policy", ["a", "b"])


def test_rows_that_are_no_word_or_phrase_are_left_out(
    service: ReaderService, tmp_path: Path
) -> None:
    path = tmp_path / "patterns.csv"
    path.write_text("term,gloss\n.*(a+)+$,regex\n외교,diplomacy\n...,dots\n", encoding="utf-8")
    result = service.import_terms(path)
    assert (result.added, result.merged, result.refused) == (1, 0, 2)
    assert [term.text for term in service.list_terms()] == ["외교"]


def test_headerless_tsv_and_hostile_text(service: ReaderService, tmp_path: Path) -> None:
    path = tmp_path / "anki-style.txt"
    path.write_text(
        "정상회담\tsummit\t\x1b]8;;http://x\x07note\x1b[0m\nsummit\t\u202etop\t\n", "utf-8"
    )
    service.import_terms(path)
    terms = {t.text: t for t in service.list_terms()}
    assert terms["정상회담"].gloss == "summit"
    assert terms["정상회담"].note == "note"
    assert (terms["summit"].lang, terms["summit"].gloss) == ("en", "top")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("term,status\n외교,9\n", "status"),
        ("term,gloss\n,orphan\n", "empty"),
    ],
)
def test_bad_rows_name_the_line(
    service: ReaderService, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ServiceError, match=rf"bad.csv:2: .*{message}"):
        service.import_terms(path)
    assert service.list_terms() == []


def test_not_utf8_and_missing_files_are_refused(service: ReaderService, tmp_path: Path) -> None:
    path = tmp_path / "euc.csv"
    path.write_bytes("term\n외교\n".encode("euc-kr"))
    with pytest.raises(ServiceError, match="UTF-8"):
        service.import_terms(path)
    with pytest.raises(ServiceError, match="no such file"):
        service.import_terms(tmp_path / "absent.csv")


def test_writer_and_reader_directly(tmp_path: Path) -> None:
    term = Term(id=0, lang="ko", text="외교", lemma="외교", note=NASTY_NOTE, tags=["x"])
    path = tmp_path / "x.csv"
    with path.open("wb") as handle:
        write_terms([term], handle)
    [back] = read_terms(path)
    assert (back.note, back.tags, back.lemma) == (NASTY_NOTE, ["x"], "외교")


def _apkg_notes(path: Path, tmp_path: Path) -> list[sqlite3.Row]:
    with zipfile.ZipFile(path) as archive:
        assert "collection.anki2" in archive.namelist()
        archive.extract("collection.anki2", tmp_path / path.stem)
    connection = sqlite3.connect(tmp_path / path.stem / "collection.anki2")
    connection.row_factory = sqlite3.Row
    rows = connection.execute("SELECT guid, mid, flds, tags FROM notes ORDER BY sfld").fetchall()
    connection.close()
    return rows


def test_anki_deck_has_one_note_per_term(service: ReaderService, tmp_path: Path) -> None:
    _fill(service)
    path = tmp_path / "deck.apkg"
    assert service.export_terms("anki", path) == 3
    notes = _apkg_notes(path, tmp_path)
    assert len(notes) == 3
    fields = {note["flds"].split("\x1f")[0]: note["flds"].split("\x1f") for note in notes}
    phrase = fields["실용 외교"]
    assert phrase[2] == "pragmatic diplomacy, &quot;realism&quot;"
    assert phrase[3].startswith("commas, &quot;quotes&quot;, &#x27;single&#x27;<br>second line")
    assert phrase[4] == "정부는 실용 외교를 내세웠다."
    assert phrase[5] == "The government put forward pragmatic diplomacy."
    assert fields["먹었다"][1] == "먹다"
    assert {note["mid"] for note in notes} == {anki.MODEL_ID}
    assert any(" politics " in f" {note['tags']} " for note in notes)


def test_anki_reexport_keeps_note_ids(service: ReaderService, tmp_path: Path) -> None:
    _fill(service)
    service.export_terms("anki", tmp_path / "first.apkg")
    first = {note["guid"] for note in _apkg_notes(tmp_path / "first.apkg", tmp_path)}
    term = service.list_terms(text="summit")[0]
    term.gloss, term.text = "top meeting", "Summit"
    service.update_term(term)
    service.add_term("외교", gloss="diplomacy")
    service.export_terms("anki", tmp_path / "second.apkg")
    second = {note["guid"] for note in _apkg_notes(tmp_path / "second.apkg", tmp_path)}
    assert first < second and len(second) == 4


def test_cli_terms_commands(tmp_path: Path) -> None:
    added = run_reader(
        "terms", "add", "외교를", "--gloss", "diplomacy", "--tag", "politics", "--note", "a, b"
    )
    assert added.returncode == 0, added.stderr
    assert "외교" in added.stdout
    assert (
        run_reader("terms", "add", "summit", "--gloss", "정상회담", "--status", "known").returncode
        == 0
    )
    listed = run_reader("terms", "list", "--json")
    payload = json.loads(listed.stdout)
    assert [set(item) for item in payload] == [
        {"term", "lemma", "lang", "gloss", "note", "status", "tags", "created"}
    ] * 2
    by_term = {item["term"]: item for item in payload}
    assert by_term["외교를"]["lemma"] == "외교"
    assert by_term["외교를"]["tags"] == ["politics"]
    known = json.loads(run_reader("terms", "list", "--status", "known", "--json").stdout)
    assert [item["term"] for item in known] == ["summit"]

    for format_name, name in (("csv", "g.csv"), ("tsv", "g.tsv"), ("anki", "g.apkg")):
        exported = run_reader(
            "terms", "export", "--format", format_name, "-o", str(tmp_path / name)
        )
        assert exported.returncode == 0, exported.stderr
        assert "exported 2 terms" in exported.stdout
    assert run_reader("terms", "remove", "외교").returncode == 0
    missing = run_reader("terms", "remove", "외교")
    assert missing.returncode == 1
    assert "no term" in missing.stderr
    imported = run_reader("terms", "import", str(tmp_path / "g.tsv"))
    assert imported.returncode == 0, imported.stderr
    assert "imported 1 new, merged 1" in imported.stdout
    assert len(json.loads(run_reader("terms", "list", "--json").stdout)) == 2


def test_cli_usage_errors() -> None:
    assert run_reader("terms").returncode == 2
    assert run_reader("terms", "add", "외교").returncode == 2  # --gloss is required
    bad = run_reader("terms", "add", "외교", "--gloss", "x", "--status", "7")
    assert bad.returncode == 1
    assert "status" in bad.stderr


def test_lute_export_is_understood(service: ReaderService, tmp_path: Path) -> None:
    path = tmp_path / "lute.csv"
    path.write_text(
        "term,parent,translation,language,tags,added,status,link_status,pronunciation\n"
        '외교,,diplomacy,Korean,"politics",2024-03-01 10:00:00,99,,\n'
        "summits,,top meetings,English,,2024-03-02 10:00:00,98,,\n",
        encoding="utf-8",
    )
    assert service.import_terms(path).added == 2
    terms = {t.text: t for t in service.list_terms()}
    assert (terms["외교"].lang, terms["외교"].gloss, terms["외교"].status) == (
        "ko",
        "diplomacy",
        "known",
    )
    assert terms["외교"].created == "2024-03-01 10:00:00"
    assert (terms["summits"].lemma, terms["summits"].status) == ("summit", "ignored")
