"""Glossary steering in core/steering.py: sentinels, their check, and Korean particles."""

from __future__ import annotations

import pytest

from reader.core.models import Term
from reader.core.steering import (
    Glossary,
    SteerTerm,
    agree_particle,
    final_consonant,
    first_meaning,
    is_predicate,
    restore,
    steer_term,
)
from reader.core.terms import term_pattern

# gloss → (은/는, 이/가, 을/를, 와/과, (으)로, 이나/나)
PARTICLE_TABLE = {
    "외교": ("는", "가", "를", "와", "로", "나"),  # vowel-final
    "정책": ("은", "이", "을", "과", "으로", "이나"),  # consonant-final (ㄱ)
    "서울": ("은", "이", "을", "과", "로", "이나"),  # ㄹ-final: 로, not 으로
    "집": ("은", "이", "을", "과", "으로", "이나"),  # ㅂ
    "사람": ("은", "이", "을", "과", "으로", "이나"),  # ㅁ
    "나라": ("는", "가", "를", "와", "로", "나"),
    "물.": ("은", "이", "을", "과", "로", "이나"),  # trailing punctuation is skipped
}
WRITTEN = ("은", "이", "을", "과", "으로", "이나")
"""What the model might have written (the consonant forms); the vowel forms are tried too."""


@pytest.mark.parametrize("gloss", sorted(PARTICLE_TABLE))
@pytest.mark.parametrize("column", range(6))
def test_particle_agrees_with_the_last_syllable_of_the_gloss(gloss: str, column: int) -> None:
    wanted = PARTICLE_TABLE[gloss][column]
    vowel_forms = ("는", "가", "를", "와", "로", "나")
    assert agree_particle(gloss, WRITTEN[column]) == wanted
    assert agree_particle(gloss, vowel_forms[column]) == wanted


@pytest.mark.parametrize(
    ("gloss", "attached", "wanted"),
    [
        ("정책", "로는", "으로는"),
        ("외교", "으로서", "로서"),
        ("서울", "으로부터", "로부터"),
        ("정책", "와의", "과의"),
        ("외교", "과도", "와도"),
        ("외교", "에서", "에서"),  # not an alternating particle: unchanged
        ("외교", "이다", "이다"),  # the copula is not the subject particle
        ("정책", "가다", "가다"),  # a verb, not 가
        ("AI", "를", "를"),  # a gloss not ending in Hangul: left as the model wrote it
        ("정책", "", ""),
    ],
)
def test_particle_chains_and_what_is_left_alone(gloss: str, attached: str, wanted: str) -> None:
    assert agree_particle(gloss, attached) == wanted


def test_final_consonant() -> None:
    assert final_consonant("외교") == 0
    assert final_consonant("서울") == 8
    assert final_consonant("cat") is None
    assert final_consonant("") is None


def test_first_meaning_of_a_gloss() -> None:
    assert first_meaning("diplomacy; foreign affairs") == "diplomacy"
    assert first_meaning("  외교, 외무 ") == "외교"
    assert first_meaning("a\x1b[31m red") == "a red"  # escape sequences go
    assert first_meaning(" ; ") == ""


def _term(term_id: int, text: str, gloss: str, status: str = "1", lang: str = "ko") -> Term:
    return Term(term_id, lang, text, text, gloss=gloss, status=status)


def test_which_terms_steer() -> None:
    assert steer_term(_term(1, "외교", "diplomacy"), "en", keep=False) is not None
    assert steer_term(_term(1, "외교", "diplomacy", "known"), "en", keep=False) is not None
    assert steer_term(_term(1, "외교", "외국과의 관계"), "en", keep=False) is None  # not English
    assert steer_term(_term(1, "외교", ""), "en", keep=False) is None
    kept = steer_term(_term(1, "삼성", "", "ignored"), "en", keep=False)
    assert kept is not None and kept.keep
    flagged = steer_term(_term(1, "삼성", "Samsung"), "en", keep=True)
    assert flagged is not None and flagged.keep


def _glossary(source: str, target: str, *entries: tuple[int, str, str, bool]) -> Glossary:
    return Glossary(
        source,
        target,
        [
            (SteerTerm(term_id, text, gloss, keep), term_pattern(text, source))
            for term_id, text, gloss, keep in entries
        ],
    )


KO_GLOSSARY = ((1, "외교", "diplomacy", False), (2, "삼성", "", True))


class TestProtect:
    def test_the_particle_goes_inside_the_sentinel(self) -> None:
        [protected] = _glossary("ko", "en", *KO_GLOSSARY).protect_many(["외교를 좋다."])
        assert protected.text == "[1] 좋다."
        assert restore(protected, "[1] 좋다.") == "diplomacy 좋다."

    def test_a_longer_word_does_not_match(self) -> None:
        glossary = _glossary("ko", "en", *KO_GLOSSARY)
        [inside, compound] = glossary.protect_many(["외교부가 크다.", "실용외교를 한다."])
        assert inside.slots == () and inside.text == "외교부가 크다."
        assert compound.slots == ()

    def test_the_same_term_twice_and_several_terms(self) -> None:
        [protected] = _glossary("ko", "en", *KO_GLOSSARY).protect_many(["외교는 삼성의 외교다."])
        assert [slot.replacement for slot in protected.slots] == ["diplomacy", "삼성", "diplomacy"]
        numbers = [slot.number for slot in protected.slots]
        assert len(set(numbers)) == 3
        output = protected.text  # the copy model
        assert restore(protected, output) == "diplomacy 삼성 diplomacy."
        assert [t.term for t in protected.terms(True)] == ["외교", "삼성"]

    def test_footnote_numbers_are_not_used_and_pass_through(self) -> None:
        [protected] = _glossary("ko", "en", *KO_GLOSSARY).protect_many(["[1] 외교를 한다."])
        assert protected.text == "[1] [2] 한다."
        assert restore(protected, protected.text) == "[1] diplomacy 한다."
        assert restore(protected, "[1] 한다.") is None

    def test_a_gloss_that_looks_like_a_sentinel_is_put_in_as_it_is(self) -> None:
        glossary = _glossary(
            "ko", "en", (1, "외교", "[2] diplomacy", False), (2, "책", "book", False)
        )
        [protected] = glossary.protect_many(["외교 책 좋다."])
        assert restore(protected, protected.text) == "[2] diplomacy book 좋다."

    @pytest.mark.parametrize("damaged", ["diplomacy 좋다.", "[1] [1] 좋다.", "[1 좋다."])
    def test_a_damaged_sentinel_is_refused(self, damaged: str) -> None:
        [protected] = _glossary("ko", "en", *KO_GLOSSARY).protect_many(["외교를 좋다."])
        assert restore(protected, damaged) is None

    def test_reordered_sentinels_are_fine(self) -> None:
        glossary = _glossary("ko", "en", (1, "외교", "diplomacy", False), (2, "책", "book", False))
        [protected] = glossary.protect_many(["외교 책 좋다."])
        assert restore(protected, "good [2] of [1].") == "good book of diplomacy."

    def test_into_english_a_particle_left_by_the_model_goes(self) -> None:
        [protected] = _glossary("ko", "en", *KO_GLOSSARY).protect_many(["외교를 좋다."])
        assert restore(protected, "I like [1]를.") == "I like diplomacy."

    def test_into_korean_the_particle_agrees_with_the_gloss(self) -> None:
        glossary = _glossary("en", "ko", (1, "policy", "정책", False), (2, "Seoul", "서울", False))
        [protected] = glossary.protect_many(["The policy goes to Seoul."])
        assert protected.text == "The [1] goes to [2]."
        assert restore(protected, "[1]는 [2]으로 간다.") == "정책은 서울로 간다."

    def test_a_sentence_without_terms_is_unchanged(self) -> None:
        [protected] = _glossary("ko", "en", *KO_GLOSSARY).protect_many(["고양이 가 간다."])
        assert (protected.text, protected.slots, protected.signature) == ("고양이 가 간다.", (), "")
        assert restore(protected, "cat goes.") == "cat goes."

    def test_the_signature_changes_with_the_gloss(self) -> None:
        first = _glossary("ko", "en", (1, "외교", "diplomacy", False)).protect_many(["외교 좋다."])
        second = _glossary("ko", "en", (1, "외교", "statecraft", False)).protect_many(
            ["외교 좋다."]
        )
        assert first[0].signature != second[0].signature


def test_verbs_and_adjectives_are_left_to_the_model() -> None:
    assert is_predicate(term_pattern("먹다", "ko"), "eat")
    assert is_predicate(term_pattern("decide", "en"), "결정하다")
    assert not is_predicate(term_pattern("sea", "en"), "바다")
    assert not is_predicate(term_pattern("외교", "ko"), "diplomacy")
    assert not is_predicate(term_pattern("policy", "en"), "정책")
    verb = Term(
        1, "ko", "먹다", "먹다", gloss="eat", status="1", pattern=term_pattern("먹다", "ko")
    )
    assert len(Glossary.from_terms([verb], "ko", "en", frozenset())) == 0
    assert len(Glossary.from_terms([verb], "ko", "en", frozenset({1}))) == 1  # kept as is
