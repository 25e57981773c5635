"""Text extremes through cleaning, sentence splitting, storage, search and term matching."""

from __future__ import annotations

import json
import time
import unicodedata
from pathlib import Path

import pytest

from reader.core.sentences import split_sentences
from reader.core.terms import IndexedTerm, TermIndex, lemma_for, match_terms, term_pattern
from reader.core.text import clean_line, split_plain_text
from tests.conftest import run_reader

EMOJI_ZWJ = "👩‍👩‍👧‍👦 가족 🏳️‍🌈"
RTL = "مرحبا بالعالم שלום עולם"
FULL_WIDTH = "ＡＢＣ　１２３　（서울）"


def assert_covers(paragraph: str, lang: str) -> None:
    """Sentences are in order, non-overlapping, and their offsets point at their text."""
    sentences = split_sentences(paragraph, lang)
    assert sentences or not paragraph.strip()
    previous_end = 0
    for sentence in sentences:
        assert sentence.start >= previous_end
        assert paragraph[sentence.start : sentence.end] == sentence.text
        previous_end = sentence.end


@pytest.mark.parametrize("text", [EMOJI_ZWJ, RTL, FULL_WIDTH])
def test_meaningful_characters_survive_cleaning(text: str) -> None:
    assert clean_line(text) == unicodedata.normalize("NFC", text).replace("　", " ")


def test_zero_width_and_format_characters_go_but_emoji_joiners_stay() -> None:
    hidden = "\u200b\u200c\u2060\ufeff\u00ad\u2062\u180e"
    assert clean_line(f"외{hidden}교 sum{hidden}mit") == "외교 summit"
    assert clean_line(EMOJI_ZWJ) == EMOJI_ZWJ
    assert split_plain_text("a\u200bb\n\nc\ufeffd") == ["ab", "cd"]


def test_bidi_overrides_go_but_rtl_letters_stay() -> None:
    assert clean_line("\u202e" + RTL + "\u202c") == RTL


def test_nfd_hangul_is_stored_as_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "실용외교를 강조")
    assert decomposed != "실용외교를 강조"
    assert clean_line(decomposed) == "실용외교를 강조"


def test_terms_match_across_nfd_and_nfc() -> None:
    nfd_text = unicodedata.normalize("NFD", "정부는 외교를 강조했다.")
    for term_text, text in (
        ("외교", nfd_text),
        (unicodedata.normalize("NFD", "외교"), "외교를 강조했다."),
    ):
        index = TermIndex([IndexedTerm(1, "ko", term_pattern(term_text, "ko"), "1")])
        matches = match_terms(clean_line(text), "ko", index)
        assert [m.term_id for m in matches] == [1], term_text
    assert lemma_for(unicodedata.normalize("NFD", "외교"), "ko") == lemma_for("외교", "ko")


@pytest.mark.parametrize(
    ("paragraph", "lang"),
    [
        ("단어 " * 5000, "ko"),
        ("word " * 5000, "en"),
        (EMOJI_ZWJ * 50, "ko"),
        (RTL + ". " + RTL + ".", "en"),
        (FULL_WIDTH + "。" + FULL_WIDTH, "ko"),
        ("", "ko"),
        ("   ", "en"),
    ],
)
def test_sentence_offsets_hold_on_extreme_paragraphs(paragraph: str, lang: str) -> None:
    assert_covers(paragraph, lang)


def test_million_character_article(tmp_path: Path) -> None:
    sentence = "정부는 오늘 새로운 외교 정책을 발표했다. The plan was announced on Jan. 13. "
    body = "\n\n".join(sentence * 20 for _ in range(1_000_000 // (len(sentence) * 20) + 1))
    document = tmp_path / "million.txt"
    document.write_text("Million\n\n" + body, encoding="utf-8")
    assert len(body) >= 1_000_000

    start = time.perf_counter()
    opened = run_reader("open", str(document), "--json", timeout=120)
    assert opened.returncode == 0, opened.stderr
    article_id = json.loads(opened.stdout)["id"]
    shown = json.loads(run_reader("show", str(article_id), "--json").stdout)
    assert sum(len(p) for p in shown["paragraphs"]) >= 990_000
    assert json.loads(run_reader("search", "외교 정책", "--json").stdout)[0]["id"] == article_id
    assert time.perf_counter() - start < 60

    paragraphs = split_plain_text(body)
    start = time.perf_counter()
    for paragraph in paragraphs:
        assert_covers(paragraph, "ko")
    assert time.perf_counter() - start < 60


def test_empty_article_and_unpunctuated_paragraph(tmp_path: Path) -> None:
    empty = tmp_path / "empty-body.txt"
    empty.write_text("Only a title\n", encoding="utf-8")
    opened = json.loads(run_reader("open", str(empty), "--json").stdout)
    assert opened["paragraphs"] == 0
    shown = run_reader("show", str(opened["id"]))
    assert shown.returncode == 0 and shown.stdout.startswith("Only a title")

    flat = tmp_path / "flat.txt"
    flat.write_text("Flat\n\n" + "쉼표도 마침표도 없는 긴 문단 " * 500 + "\n", encoding="utf-8")
    opened = json.loads(run_reader("open", str(flat), "--json").stdout)
    assert opened["paragraphs"] == 1
