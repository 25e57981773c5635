"""Hostile input to glossary steering: sentences full of sentinel-like text, model
output full of sentinels, glosses with escape sequences, very many terms — every
pass linear (n against 4n, ratio ≤ 5), nothing raises."""

from __future__ import annotations

import time
from collections.abc import Callable

from reader.core.confidence import ModelNumbers, assess
from reader.core.models import Term
from reader.core.steering import Glossary, SteerTerm, restore, steer_term
from reader.core.terms import term_pattern

WORDS = ["cat", "school", "apple", "friend", "book", "water", "house", "sky"]


def _english_glossary() -> Glossary:
    return Glossary(
        "en",
        "ko",
        [
            (SteerTerm(i, word, f"고양이{i}", keep=False), term_pattern(word, "en"))
            for i, word in enumerate(WORDS)
        ],
    )


def _seconds(run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def _linear(make: Callable[[int], Callable[[], object]], n: int) -> None:
    small, large = _seconds(make(n)), _seconds(make(4 * n))
    assert large <= 5 * 4 * max(small, 1e-4), (small, large)


def test_a_sentence_made_of_terms_is_protected_and_restored_in_linear_time() -> None:
    glossary = _english_glossary()

    def make(n: int) -> Callable[[], object]:
        sentence = " ".join(WORDS[i % len(WORDS)] for i in range(n)) + "."

        def run() -> object:
            [protected] = glossary.protect_many([sentence])
            assert len(protected.slots) == n
            return restore(protected, protected.text)

        return run

    _linear(make, 500)


def test_every_number_already_in_the_sentence() -> None:
    """A sentence that writes [1] … [9999] leaves no sentinel free: the term stays as
    it is, nothing raises, the sentence's own brackets pass through."""
    sentence = " ".join(f"[{n}]" for n in range(1, 10_000)) + " cat."
    [protected] = _english_glossary().protect_many([sentence])
    assert protected.slots == ()
    assert protected.text == sentence


def test_model_output_full_of_sentinels_is_refused_quickly() -> None:
    [protected] = _english_glossary().protect_many(["The cat sleeps."])

    def make(n: int) -> Callable[[], object]:
        output = "[1] " * n
        return lambda: restore(protected, output)

    assert restore(protected, "[1] " * 1000) is None
    _linear(make, 20_000)


def test_a_gloss_with_escape_sequences_and_lines_is_cleaned() -> None:
    term = Term(1, "en", "cat", "cat", gloss="\x1b[2J고양이\n\x07; 괭이", status="1")
    entry = steer_term(term, "ko", keep=False)
    assert entry is not None and entry.gloss == "고양이"
    huge = Term(2, "en", "cat", "cat", gloss="고" * 10_000, status="1")
    assert steer_term(huge, "ko", keep=False) is None  # a note, not a translation


def test_confidence_of_a_long_repetitive_output_is_linear() -> None:
    def make(n: int) -> Callable[[], object]:
        source = "고양이 " * n
        target = "the cat " * n + "일" * n
        return lambda: assess(
            source, target, ("ko", "en"), ModelNumbers(0.9, None, (target,), (0.5,))
        )

    _linear(make, 2_000)
