"""Sentence splitting: Korean through kiwipiepy, English through rules, offsets kept."""

from __future__ import annotations

import pytest

from reader.core.models import Sentence
from reader.core.sentences import split_long_sentence, split_sentences


def texts(paragraph: str, lang: str | None) -> list[str]:
    return [sentence.text for sentence in split_sentences(paragraph, lang)]


def assert_offsets(paragraph: str, sentences: list[Sentence]) -> None:
    for sentence in sentences:
        assert paragraph[sentence.start : sentence.end] == sentence.text
    covered = "".join(sentence.text for sentence in sentences)
    assert covered.replace(" ", "") == paragraph.replace(" ", "")


class TestKorean:
    def test_endings_quotes_and_missing_space(self) -> None:
        paragraph = '그는 "정말 좋다."라고 말했다.그리고 떠났다. 금리는 1.5% 올랐다! 왜요? 좋아요.'
        assert texts(paragraph, "ko") == [
            '그는 "정말 좋다."라고 말했다.',
            "그리고 떠났다.",
            "금리는 1.5% 올랐다!",
            "왜요?",
            "좋아요.",
        ]
        assert_offsets(paragraph, split_sentences(paragraph, "ko"))

    def test_mixed_paragraph_with_english_names(self) -> None:
        paragraph = "삼성전자의 Mr. Lee 회장이 말했다. U.S.–China 무역 분쟁이 계속됐다."
        assert texts(paragraph, "ko") == [
            "삼성전자의 Mr. Lee 회장이 말했다.",
            "U.S.–China 무역 분쟁이 계속됐다.",
        ]

    def test_language_is_detected_when_not_given(self) -> None:
        assert texts("오늘은 맑다.그리고 내일은 흐리다.", None) == [
            "오늘은 맑다.",
            "그리고 내일은 흐리다.",
        ]


class TestEnglish:
    @pytest.mark.parametrize(
        "paragraph",
        [
            "Talks are set for Jan. 13–14 in Seoul.",
            "U.S.–China trade talks resumed on Monday.",
            "Mr. Kim met Dr. Park at No. 1 Sejong Street.",
            "Growth slowed to 1.5% in the third quarter.",
            "The novel by J. R. R. Tolkien sold well.",
            "U.S. President Joe Biden spoke, e.g. about chips.",
        ],
    )
    def test_one_sentence(self, paragraph: str) -> None:
        assert texts(paragraph, "en") == [paragraph]

    def test_several_sentences_with_quotes(self) -> None:
        paragraph = 'He said "It works." Then he left! Did she stay? Yes… She did.'
        assert texts(paragraph, "en") == [
            'He said "It works."',
            "Then he left!",
            "Did she stay?",
            "Yes…",
            "She did.",
        ]
        assert_offsets(paragraph, split_sentences(paragraph, "en"))

    def test_lower_case_after_period_continues(self) -> None:
        assert texts("It rose 3 pct. in May.", "en") == ["It rose 3 pct. in May."]

    def test_offsets_skip_surrounding_spaces(self) -> None:
        sentences = split_sentences("  One.   Two.  ", "en")
        assert sentences == [Sentence("One.", 2, 6), Sentence("Two.", 9, 13)]

    def test_empty(self) -> None:
        assert split_sentences("   ", "en") == []


class TestLongSentences:
    def test_split_at_clause_boundaries(self) -> None:
        sentence = Sentence("first part, second part; third part", 10, 45)
        pieces = split_long_sentence(sentence, lambda text: len(text) <= 12)
        assert [p.text for p in pieces] == ["first part,", "second part;", "third part"]
        assert [(p.start, p.end) for p in pieces] == [(10, 21), (22, 34), (35, 45)]

    def test_korean_connective(self) -> None:
        sentence = Sentence("비가 오고 바람이 불었지만 우리는 떠났다.", 0, 23)
        pieces = split_long_sentence(sentence, lambda text: len(text) <= 10)
        assert "".join(p.text for p in pieces).replace(" ", "") == sentence.text.replace(" ", "")
        assert all(len(p.text) <= 10 for p in pieces)

    def test_no_boundary_is_cut_not_dropped(self) -> None:
        sentence = Sentence("abcdefghij", 0, 10)
        pieces = split_long_sentence(sentence, lambda text: len(text) <= 3)
        assert "".join(p.text for p in pieces) == "abcdefghij"

    def test_a_sentence_longer_than_any_real_one_is_cut_in_one_pass_then_halved(self) -> None:
        """Past 4,000 characters the sentence is first cut at clause boundaries into
        stretches of at most 4,000 (linear on hostile input); every piece still fits,
        sits at its own offsets, and nothing is dropped."""
        clause = "정부는 오늘 새로운 외교 정책을 발표했고, "
        text = (clause * 400).strip()
        sentence = Sentence(text, 7, 7 + len(text))
        pieces = split_long_sentence(sentence, lambda piece: len(piece) <= 120)
        assert len(text) > 4_000
        assert all(len(p.text) <= 120 for p in pieces)
        assert all(text[p.start - 7 : p.end - 7] == p.text for p in pieces)
        assert "".join(p.text for p in pieces).replace(" ", "") == text.replace(" ", "")
        assert all(p.text.endswith((",", "다.", "고")) or p is pieces[-1] for p in pieces)
