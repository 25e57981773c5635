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
