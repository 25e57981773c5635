"""Fixture dictionaries in the three formats, written for these tests (tests/dictionary/fixtures)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.dictionary import DictionaryStore

FIXTURES = Path(__file__).parent / "fixtures"
KRDICT_XML = FIXTURES / "krdict.xml"
KENGDIC_TSV = FIXTURES / "kengdic.tsv"
YOMITAN_DIR = FIXTURES / "yomitan"


def build_yomitan_zip(target: Path, source: Path = YOMITAN_DIR) -> Path:
    """The Yomitan fixture folder zipped, as Yomitan dictionaries are distributed."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in sorted(source.iterdir()):
            archive.write(member, member.name)
    return target


@pytest.fixture
def yomitan_zip(tmp_path: Path) -> Path:
    return build_yomitan_zip(tmp_path / "test-yomitan.zip")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DictionaryStore]:
    dictionaries = DictionaryStore(tmp_path / "data" / "dictionaries.sqlite")
    yield dictionaries
    dictionaries.close()


def krdict_xml(levels: dict[str, str], glosses: dict[str, str] | None = None) -> str:
    """A KRDict export of nouns, each with its level and one English equivalent
    (``glosses``, else ``WORD gloss``)."""
    chosen = glosses or {}
    entries = "".join(
        f'<LexicalEntry att="id" val="{number}"><feat att="partOfSpeech" val="명사"/>'
        f'<feat att="vocabularyLevel" val="{level}"/>'
        f'<Lemma><feat att="writtenForm" val="{word}"/></Lemma><Sense att="id" val="1">'
        f'<Equivalent><feat att="language" val="영어"/>'
        f'<feat att="lemma" val="{chosen.get(word, word + " gloss")}"/>'
        "</Equivalent></Sense></LexicalEntry>"
        for number, (word, level) in enumerate(levels.items(), 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><LexicalResource><GlobalInformation>'
        '<feat att="label" val="한국어기초사전 (test)"/></GlobalInformation>'
        f'<Lexicon><feat att="language" val="kor"/>{entries}</Lexicon></LexicalResource>'
    )
