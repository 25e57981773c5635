"""Sentence and cloze cards, and the --status/--tag/--since export filters (issue 15)."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core import anki, sentence_cards
from reader.core.exports import read_terms, term_filter
from reader.core.models import EntryData
from reader.service import ReaderService, ServiceError
from tests.conftest import run_reader

HOSTILE_SENTENCE = 'A <script>alert(1)</script> summit [sound:x.mp3] \\(x\\) {{c2::no}} "q".'


@pytest.fixture
def service() -> Iterator[ReaderService]:
    reader = ReaderService()
    yield reader
    reader.close()


def _article(service: ReaderService, url: str = "https://news.example/a/1") -> int:
    feed, _ = service.store.add_feed("https://news.example/feed.xml", "Example News")
    service.store.upsert_entries(
        feed.id,
        [EntryData(guid="a1", title="정상회담 <b>소식</b>", paragraphs=["x"], url=url)],
    )
    return service.store.articles()[0].id


def _fill(service: ReaderService) -> None:
    article_id = _article(service)
    service.add_term(
        "외교",
        gloss="diplomacy",
        status="2",
        tags=["politics"],
        sentence="정부는 실용 외교를 내세웠다.",
        sentence_translation="The government put forward pragmatic diplomacy.",
        article_id=article_id,
    )
    service.add_term(
        "summit",
        gloss="<i>정상회담</i>",
        lang="en",
        status="known",
        sentence=HOSTILE_SENTENCE,
        sentence_translation="<img src=x onerror=alert(1)>",
        article_id=article_id,
    )
    service.add_term("먹다", gloss="to eat", status="1", tags=["food"])  # no sentence


def _notes(path: Path, tmp_path: Path) -> list[sqlite3.Row]:
    with zipfile.ZipFile(path) as archive:
        archive.extract("collection.anki2", tmp_path / path.stem)
    connection = sqlite3.connect(tmp_path / path.stem / "collection.anki2")
    connection.row_factory = sqlite3.Row
    rows = connection.execute("SELECT guid, mid, flds, tags FROM notes ORDER BY id").fetchall()
    connection.close()
    return rows


def _fields(note: sqlite3.Row) -> dict[str, str]:
    names = sentence_cards.SENTENCE_FIELDS[1:]
    values = str(note["flds"]).split("\x1f")
    return {"Front": values[0], **dict(zip(names, values[1:], strict=True))}


def _by_term(path: Path, tmp_path: Path) -> dict[str, dict[str, str]]:
    return {_fields(note)["Term"]: _fields(note) for note in _notes(path, tmp_path)}


def test_sentence_cards_mark_the_term_and_carry_the_back(
    service: ReaderService, tmp_path: Path
) -> None:
    _fill(service)
    deck = tmp_path / "sentences.apkg"
    assert service.export_terms("anki", deck, cards="sentence") == 2  # 먹다 has no sentence
    notes = _notes(deck, tmp_path)
    assert {note["mid"] for note in notes} == {sentence_cards.SENTENCE_MODEL_ID}
    cards = _by_term(deck, tmp_path)
    diplomacy = cards["외교"]
    assert diplomacy["Front"] == '정부는 실용 <b class="term">외교를</b> 내세웠다.'
    assert diplomacy["Translation"] == "The government put forward pragmatic diplomacy."
    assert diplomacy["Gloss"] == "diplomacy"
    assert diplomacy["Source"] == "정상회담 &lt;b&gt;소식&lt;/b&gt;"
    assert diplomacy["Link"] == "https://news.example/a/1"


def test_guids_stay_the_same_across_exports(service: ReaderService, tmp_path: Path) -> None:
    _fill(service)
    service.export_terms("anki", tmp_path / "one.apkg", cards="sentence")
    service.export_terms("anki", tmp_path / "cloze1.apkg", cards="cloze")
    term = service.list_terms(text="외교")[0]
    term.gloss = "diplomacy; foreign policy"
    service.update_term(term)
    service.export_terms("anki", tmp_path / "two.apkg", cards="sentence")
    service.export_terms("anki", tmp_path / "cloze2.apkg", cards="cloze")

    def guids(name: str) -> set[str]:
        return {str(note["guid"]) for note in _notes(tmp_path / name, tmp_path)}

    assert guids("one.apkg") == guids("two.apkg")
    assert guids("cloze1.apkg") == guids("cloze2.apkg")
    assert not guids("one.apkg") & guids("cloze1.apkg")  # the two kinds never collide
    assert len(guids("one.apkg")) == 2


def test_dictionary_entry_on_the_back(service: ReaderService, tmp_path: Path) -> None:
    kengdic = tmp_path / "kengdic.tsv"
    kengdic.write_text(
        "id\tsurface\thanja\tgloss\tlevel\tcreated\tsource\n1\t외교\t外交\tdiplomacy\t\t\t\n",
        encoding="utf-8",
    )
    service.dict_install(kengdic)
    _fill(service)
    deck = tmp_path / "sentences.apkg"
    service.export_terms("anki", deck, cards="sentence")
    entry = _by_term(deck, tmp_path)["외교"]["Dictionary"]
    assert entry.startswith("외교 (外交)") and "diplomacy" in entry
    assert "MPL" in entry or "kengdic" in entry.lower()


@pytest.mark.parametrize("format_name", ["csv", "tsv", "anki"])
def test_filters_apply_to_every_format(
    service: ReaderService, tmp_path: Path, format_name: str
) -> None:
    _fill(service)
    target = tmp_path / f"out.{format_name}"
    learning = term_filter(statuses=["learning"])
    assert service.export_terms(format_name, target, selection=learning) == 2
    if format_name != "anki":
        assert {term.text for term in read_terms(target)} == {"외교", "먹다"}
    else:
        fields = {str(n["flds"]).split("\x1f")[0] for n in _notes(target, tmp_path)}
        assert fields == {"외교", "먹다"}
    tagged = term_filter(tags=["food", "politics"], statuses=["2"])
    assert service.export_terms(format_name, target, selection=tagged) == 1
    assert service.export_terms(format_name, target, selection=term_filter(since="2999-01-01")) == 0
    everything = term_filter(since="2000-01-01T00:00+09:00")
    assert service.export_terms(format_name, target, selection=everything) == 3


def test_term_filter_refuses_bad_values() -> None:
    with pytest.raises(ValueError, match="unknown status"):
        term_filter(statuses=["great"])
    with pytest.raises(ValueError, match="--since 'yesterday'"):
        term_filter(since="yesterday")


def test_cards_need_the_anki_format(service: ReaderService, tmp_path: Path) -> None:
    with pytest.raises(ServiceError, match="--format anki"):
        service.export_terms("csv", tmp_path / "x.csv", cards="cloze")


def test_cli_export_options(tmp_path: Path) -> None:
    for text, status in (("외교", "3"), ("summit", "known")):
        assert run_reader("terms", "add", text, "--gloss", "g", "--status", status).returncode == 0
    out = tmp_path / "learning.csv"
    done = run_reader("terms", "export", "--format", "csv", "-o", str(out), "--status", "learning")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"exported 1 term to {out}"
    assert [term.text for term in read_terms(out)] == ["외교"]
    deck = tmp_path / "c.apkg"
    done = run_reader("terms", "export", "--format", "anki", "--cards", "cloze", "-o", str(deck))
    assert done.returncode == 0 and "exported 0 cloze cards" in done.stdout  # no sentences
    bad = run_reader("terms", "export", "--format", "csv", "-o", str(out), "--since", "soon")
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "--since" in bad.stderr
    wrong = run_reader("terms", "export", "--format", "tsv", "--cards", "cloze", "-o", str(out))
    assert wrong.returncode == 1 and "--format anki" in wrong.stderr
    assert anki.MODEL_ID != sentence_cards.SENTENCE_MODEL_ID != sentence_cards.CLOZE_MODEL_ID
