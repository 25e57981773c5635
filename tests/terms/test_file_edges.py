"""Glossary files at their edges: header detection and fields longer than csv's default."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.exports import read_terms
from reader.service import ReaderService
from tests.conftest import run_reader


@pytest.fixture
def service() -> Iterator[ReaderService]:
    reader = ReaderService()
    yield reader
    reader.close()


@pytest.mark.parametrize(
    "first_row",
    ["word,a unit of language", "term,a condition or limit", "Translation,번역", "note,메모,x"],
)
def test_a_first_row_is_data_unless_every_cell_is_a_column_name(
    tmp_path: Path, first_row: str
) -> None:
    path = tmp_path / "glossary.csv"
    path.write_text(f"{first_row}\n외교,diplomacy\n", encoding="utf-8")
    terms = read_terms(path)
    assert [t.text for t in terms] == [first_row.split(",")[0], "외교"]
    assert terms[0].gloss == first_row.split(",")[1]


@pytest.mark.parametrize("header", ["term,gloss", "Word,Meaning,Notes", "front,back"])
def test_a_header_of_known_names_is_a_header(tmp_path: Path, header: str) -> None:
    path = tmp_path / "glossary.csv"
    path.write_text(f"{header}\n외교,diplomacy\n", encoding="utf-8")
    assert [(t.text, t.gloss) for t in read_terms(path)] == [("외교", "diplomacy")]


def test_a_note_over_128_kb_survives_export_and_import(
    service: ReaderService, tmp_path: Path
) -> None:
    note = ('긴 메모, with "quotes"\n' * 12_000).strip()
    sentence = "s" * 300_000
    assert len(note.encode()) > 128 * 1024
    service.add_term("외교", gloss="diplomacy", note=note, sentence=sentence)
    path = tmp_path / "long.csv"
    service.export_terms("csv", path)
    service.delete_term(service.list_terms()[0].id)
    imported = run_reader("terms", "import", str(path))
    assert imported.returncode == 0, imported.stderr
    [term] = service.list_terms()
    assert (term.note, term.sentence) == (note, sentence)
