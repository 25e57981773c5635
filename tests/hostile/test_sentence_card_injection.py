"""Sentence and cloze cards built from hostile text: nothing becomes markup, media,
MathJax or a second cloze (issue 15)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core import sentence_cards
from reader.service import ReaderService
from tests.terms.test_sentence_cards import _by_term, _fill, _notes


@pytest.fixture
def service() -> Iterator[ReaderService]:
    reader = ReaderService()
    yield reader
    reader.close()


def test_sentence_card_fields_are_escaped(service: ReaderService, tmp_path: Path) -> None:
    _fill(service)
    deck = tmp_path / "sentences.apkg"
    service.export_terms("anki", deck, cards="sentence")
    summit = _by_term(deck, tmp_path)["summit"]
    front = summit["Front"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in front
    assert "<script" not in front and "[sound:" not in front and "{{c2::" not in front
    assert '<b class="term">summit</b>' in front
    assert "\\(" not in front  # MathJax's delimiter split by an element
    assert summit["Translation"] == "&lt;img src=x onerror=alert(1)&gt;"
    assert summit["Gloss"] == "&lt;i&gt;정상회담&lt;/i&gt;"
    for value in summit.values():
        assert "<script" not in value and "<img" not in value and "<i>" not in value


def test_cloze_cards_have_one_deletion_and_braces_cannot_break_it(
    service: ReaderService, tmp_path: Path
) -> None:
    _fill(service)
    service.add_term(
        "x}}y::z",
        gloss="hostile",
        lang="en",
        sentence="before x}}y::z after {{c3::also}}",
    )
    deck = tmp_path / "cloze.apkg"
    assert service.export_terms("anki", deck, cards="cloze") == 3
    notes = _notes(deck, tmp_path)
    assert {note["mid"] for note in notes} == {sentence_cards.CLOZE_MODEL_ID}
    cards = _by_term(deck, tmp_path)
    assert cards["외교"]["Front"] == "정부는 실용 {{c1::외교를}} 내세웠다."
    hostile = cards["x&#125;&#125;y::z"]["Front"]
    assert (
        hostile == "before {{c1::x&#125;&#125;y&#58;&#58;z}} after &#123;&#123;c3::also&#125;&#125;"
    )
    for card in cards.values():
        clozes = re.findall(r"\{\{c(\d+)::(.*?)\}\}", card["Front"])
        assert [number for number, _ in clozes] == ["1"]
        assert "::" not in clozes[0][1] and "}" not in clozes[0][1]
