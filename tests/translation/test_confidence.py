"""Confidence per sentence: the signals of core/confidence.py, and real tiny models —
the copy model scores high, a random-weight one low, an ambiguous one gives n-best
alternatives from its one decode."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from reader.core.confidence import (
    ModelNumbers,
    alternative_share,
    assess,
    mean_probability,
    repeats_itself,
)
from reader.core.packages import install_file
from reader.core.translation import CTranslate2Engine
from reader.paths import get_paths
from reader.service import ReaderService
from tests.conftest import run_reader

SURE = ModelNumbers(probability=0.95)


class TestSignals:
    def test_mean_probability_undoes_the_length_penalty(self) -> None:
        # 4 tokens of probability 0.5 each: sum of logs / 4 ** 0.2 is CTranslate2's score
        score = 4 * math.log(0.5) / 4**0.2
        assert mean_probability(score, 4, 0.2) == pytest.approx(0.5)

    def test_a_sure_clean_translation_is_high(self) -> None:
        rated = assess("고양이 가 학교 간다.", "The cat goes to school.", ("ko", "en"), SURE)
        assert rated.value == pytest.approx(0.95)
        assert rated.reason == "model probability 0.95"

    def test_leftover_hangul_is_flagged(self) -> None:
        rated = assess("고양이 가 학교 간다.", "The cat 가 school.", ("ko", "en"), SURE)
        assert rated.value == 0.25 and "Hangul left" in rated.reason

    def test_a_kept_korean_term_is_not_leftover_hangul(self) -> None:
        rated = assess("삼성 은 크다.", "삼성 is big.", ("ko", "en"), SURE, kept=["삼성"])
        assert rated.value == pytest.approx(0.95)

    def test_english_left_in_korean_beyond_names(self) -> None:
        source = "Samsung and NASA read the book."
        assert assess(source, "Samsung 과 NASA 가 책을 읽었다.", ("en", "ko"), SURE).value > 0.9
        left = assess(source, "Samsung 과 NASA 가 book 을 read.", ("en", "ko"), SURE)
        assert left.value == 0.35 and "book, read" in left.reason

    def test_a_length_far_from_the_norm(self) -> None:
        rated = assess(
            "고양이가 학교에 간다.", "The cat.", ("ko", "en"), SURE, length_tolerance=1.5
        )
        assert rated.value == 0.3 and "length" in rated.reason
        assert (
            assess("고양이가 학교에 간다.", "The cat goes to school.", ("ko", "en"), SURE).value
            > 0.9
        )

    @pytest.mark.parametrize(
        ("text", "repeats"),
        [
            ("the cat the cat the cat the cat", True),
            ("school school school school", True),
            ("를다IIIIIIII?", True),
            ("the cat sat on the mat with the cat", False),
        ],
    )
    def test_repeated_ngrams(self, text: str, repeats: bool) -> None:
        assert repeats_itself(text) is repeats

    def test_the_lowest_signal_gives_the_reason_and_other_signs_follow(self) -> None:
        rated = assess("외교 가 간다.", "diplomacy 가", ("ko", "en"), SURE, not_applied=["외교"])
        assert rated.value == 0.25
        assert rated.reason == "Hangul left in the English; glossary term not applied: 외교"

    def test_an_almost_as_likely_different_hypothesis_lowers_it(self) -> None:
        likely = ModelNumbers(0.95, None, ("dogs sleep indoors",), (0.5,))
        unlikely = ModelNumbers(0.95, None, ("dogs sleep indoors",), (0.001,))
        best = "the cat reads a book"
        assert assess("고양이", best, ("ko", "en"), likely).value == pytest.approx(0.3, abs=0.05)
        assert assess("고양이", best, ("ko", "en"), unlikely).value > 0.9
        assert alternative_share(-1.0, -1.0) == 0.5
        assert alternative_share(0.0, -40.0) < 1e-9

    def test_no_model_numbers_and_no_signs(self) -> None:
        rated = assess("고양이", "cat", ("ko", "en"), ModelNumbers())
        assert rated.value == 1.0 and "no model scores" in rated.reason

    def test_an_empty_translation_is_zero(self) -> None:
        assert assess("고양이", " ", ("ko", "en"), SURE).value == 0.0


def _install(package: Path) -> None:
    install_file(package, get_paths().effective_models_dir())


def _pair(text: str, **options: Any) -> dict[str, Any]:
    [pair] = ReaderService().translate_text(text, "ko", "en", **options)["pairs"]
    return dict(pair)


@pytest.mark.usefixtures("no_network")
class TestModels:
    def test_the_copy_model_scores_high(self, installed_tiny_models: Path) -> None:
        pair = _pair("고양이 학교 친구 책.")
        assert pair["target"] == "cat school friend book."
        assert pair["confidence"] >= 0.9
        assert pair["reason"].startswith("model probability")

    def test_the_copy_model_with_korean_left_is_flagged(self, installed_tiny_models: Path) -> None:
        pair = _pair("고양이 가 학교 간다.")
        assert pair["target"] == "cat 가 school 간다."
        assert pair["confidence"] < 0.5 and "Hangul left" in pair["reason"]

    def test_a_random_weight_model_scores_low(self, random_package: Path) -> None:
        _install(random_package)
        outcome = ReaderService().translations.translate(["비 바다 물 사과 내일."], "ko", "en")[0]
        assert outcome is not None and outcome.confidence is not None
        assert outcome.numbers is not None and outcome.numbers.probability is not None
        assert outcome.numbers.probability < 0.5
        assert outcome.confidence < 0.5

    def test_n_best_alternatives_come_from_the_one_decode(self, ambiguous_package: Path) -> None:
        _install(ambiguous_package)
        service = ReaderService()
        engine = service.translations.engine("ko", "en")
        assert isinstance(engine, CTranslate2Engine)
        engine.load()
        calls = _count_calls(engine)
        outcome = service.translations.translate(["고양이 학교 책."], "ko", "en")[0]
        assert outcome is not None
        assert calls == {"translate_batch": 1}  # no second decode, no scoring pass
        assert {outcome.target, *outcome.alternatives} == {
            "cat school book.",
            "friend school book.",
        }
        assert outcome.confidence is not None and outcome.confidence < 0.9
        assert "almost as likely" in outcome.reason
        again = service.translations.translate(["고양이 학교 책."], "ko", "en")[0]
        assert again is not None and again.cached and again.alternatives == outcome.alternatives

    def test_token_scores_measure_the_weakest_word(self, installed_tiny_models: Path) -> None:
        service = ReaderService()
        service.config.translation.token_scores = True
        outcome = service.translations.translate(["고양이 학교 친구 책."], "ko", "en")[0]
        assert outcome is not None and outcome.numbers is not None
        assert outcome.numbers.weakest is not None and 0.5 < outcome.numbers.weakest <= 1.0

    def test_min_confidence_marks_the_rest(self, installed_tiny_models: Path) -> None:
        text = "고양이 학교 친구 책. 고양이 가 학교 간다."
        done = run_reader("translate", "--json", "--min-confidence", "0.6", "-", input=text)
        assert done.returncode == 0, done.stderr
        pairs = json.loads(done.stdout)["pairs"]
        assert [pair.get("unsure", False) for pair in pairs] == [False, True]
        plain = run_reader("translate", "--min-confidence", "0.6", "-", input=text)
        assert plain.stdout.strip() == "cat school friend book. (?) cat 가 school 간다."
        assert "1 sentence below confidence 0.6" in plain.stderr
        wrong = run_reader("translate", "--min-confidence", "2", "-", input=text)
        assert wrong.returncode == 2 and "not between 0 and 1" in wrong.stderr


def _count_calls(engine: CTranslate2Engine) -> dict[str, int]:
    """Count the calls into the engine's real CTranslate2 translator (they still run)."""
    calls: dict[str, int] = {}
    real = engine._translator

    class Counting:
        def __getattr__(self, name: str) -> Any:
            attribute = getattr(real, name)
            if not callable(attribute):
                return attribute

            def counted(*args: Any, **kwargs: Any) -> Any:
                calls[name] = calls.get(name, 0) + 1
                return attribute(*args, **kwargs)

            return counted

    engine._translator = Counting()
    return calls
