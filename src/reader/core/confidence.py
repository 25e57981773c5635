"""How sure a translation is: one number from 0 to 1 per sentence, and why.

The number is the *lowest* of the signals below, and the reason is what that lowest
signal says — so the reason always names what pulled the number down — followed by
any other hard signal that fired. Each signal is a value from 0 to 1:

From the model's own numbers (the same decode; nothing is run again):

* **model probability** — the geometric mean of the output tokens' probabilities,
  ``exp(log-probability / tokens)``, from CTranslate2's ``return_scores`` (the score is
  divided by ``length ** length_penalty``; that is undone, then divided by the length).
  The copy test model gives about 0.99, a random-weight model about 1/vocabulary.
* **weakest token** — the least probable output token, when the caller measured it
  (``score_batch``); its square root is the signal (one unsure word in a long sentence
  should not count as much as an unsure sentence).
* **n-best agreement** — with beam > 1, whether the second hypothesis says something
  else *and* is almost as likely: ``1 - 0.7 × (1 - alike) × min(1, 2 × share)``, where
  ``alike`` is the difflib ratio of their words and ``share`` the second's probability
  against the best's (0.5 when as likely). An unlikely alternative costs nothing; two
  equally likely, unrelated hypotheses give 0.3. Alternatives that repeat themselves
  (a decode running on to its length limit) are not kept.

Hard signals, each a cap:

* Hangul left in English output (outside kept terms): 0.25.
* Latin words in Korean output that are not names (not capitalised or all capitals
  in the source) and not kept terms: 0.35.
* A length ratio (output characters / source characters) more than
  ``length_tolerance`` times away from the pair's norm (2.4 for ko→en, 0.42 for
  en→ko), for sources of at least 8 characters: 0.3.
* Repeated n-grams — a word four times in a row, a three-word run three times, or a
  few characters six times in a row: 0.2.
* A glossary term that could not be applied (its sentinel was damaged): 0.6.

A sentence below ``low_confidence`` (``[translation] low_confidence``, 0.5 by default)
is *low*: the bilingual view colours it and ``reader translate --min-confidence``
marks it. Without model numbers (argostranslate's own path) only the hard signals
count, and with none of them firing the confidence is 1.0 and the reason says the
model gave no scores.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise

LENGTH_NORMS = {("ko", "en"): 2.4, ("en", "ko"): 0.42}
"""Output characters per source character (spaces not counted), measured on the
demo articles and their reference translations."""
HANGUL_LEFT_CAP = 0.25
LATIN_LEFT_CAP = 0.35
LENGTH_CAP = 0.3
REPEAT_CAP = 0.2
TERM_NOT_APPLIED_CAP = 0.6
NBEST_WEIGHT = 0.7
"""Two equally likely hypotheses with nothing in common give 1 - 0.7 = 0.3."""
MIN_SOURCE_CHARS_FOR_LENGTH = 8
AGREEMENT_WORDS = 200

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class ModelNumbers:
    """What the decode said about its output."""

    probability: float | None = None
    """Geometric mean token probability of the best hypothesis."""
    weakest: float | None = None
    """Probability of its least probable token, when measured."""
    alternatives: tuple[str, ...] = ()
    """The other hypotheses of the n-best list, best first (their text)."""
    shares: tuple[float, ...] = ()
    """For each alternative, ``P(alternative) / (P(best) + P(alternative))``."""


@dataclass(frozen=True)
class Confidence:
    value: float
    reason: str


def mean_probability(score: float, length: int, length_penalty: float) -> float:
    """The geometric mean token probability from a CTranslate2 hypothesis score.

    The score is the sum of the token log-probabilities divided by
    ``length ** length_penalty``; ``length`` counts the end token.
    """
    length = max(length, 1)
    total = score * length**length_penalty
    return math.exp(min(0.0, total / length))


def assess(
    source: str,
    target: str,
    direction: tuple[str, str],
    numbers: ModelNumbers,
    kept: Sequence[str] = (),
    not_applied: Sequence[str] = (),
    length_tolerance: float = 3.0,
) -> Confidence:
    """The confidence of ``target`` as a translation of ``source``.

    ``kept`` are texts put in on purpose (glosses and kept terms: a kept Korean name in
    English output is not leftover Hangul); ``not_applied`` are glossary terms whose
    gloss could not be put in.
    """
    if not target.strip():
        return Confidence(0.0, "empty translation")
    signals: list[tuple[float, str]] = []
    if numbers.probability is not None:
        p = numbers.probability
        signals.append((p, f"model probability {p:.2f}"))
    if numbers.weakest is not None:
        w = numbers.weakest
        signals.append((math.sqrt(max(w, 0.0)), f"least sure word has probability {w:.2f}"))
    if numbers.alternatives:
        share = numbers.shares[0] if numbers.shares else 0.5
        ratio = _agreement(target, numbers.alternatives[0])
        value = 1.0 - NBEST_WEIGHT * (1.0 - ratio) * min(1.0, 2.0 * share)
        signals.append((value, f"an almost as likely hypothesis differs ({ratio:.0%} alike)"))
    hard = _hard_signals(source, target, direction, kept, not_applied, length_tolerance)
    signals.extend(hard)
    if not signals:
        return Confidence(1.0, "no model scores (argostranslate's own path); no warning signs")
    lowest = min(signals, key=lambda signal: signal[0])
    reasons = [lowest[1], *(reason for _, reason in hard if reason != lowest[1])]
    return Confidence(round(max(0.0, min(1.0, lowest[0])), 3), "; ".join(reasons))


def alternative_share(best_log_probability: float, other_log_probability: float) -> float:
    """How likely an alternative is against the best hypothesis, from their total
    log-probabilities: 0.5 when both are as likely, near 0 when the best is far ahead."""
    difference = max(-50.0, min(50.0, other_log_probability - best_log_probability))
    return 1.0 / (1.0 + math.exp(-difference))


def _agreement(best: str, other: str) -> float:
    """How alike two hypotheses are (0–1), over their first words: difflib is quadratic
    on repetitive text, and a decode is at most a few hundred tokens anyway."""
    first, second = best.split()[:AGREEMENT_WORDS], other.split()[:AGREEMENT_WORDS]
    return SequenceMatcher(None, first, second, autojunk=False).ratio()


def _hard_signals(
    source: str,
    target: str,
    direction: tuple[str, str],
    kept: Sequence[str],
    not_applied: Sequence[str],
    length_tolerance: float,
) -> list[tuple[float, str]]:
    signals: list[tuple[float, str]] = []
    own = target
    for text in sorted(kept, key=len, reverse=True):
        if text:
            own = own.replace(text, " ")
    target_lang = direction[1]
    if target_lang == "en" and _HANGUL.search(own):
        signals.append((HANGUL_LEFT_CAP, "Hangul left in the English"))
    if target_lang == "ko":
        left = _untranslated_latin(source, own)
        if left:
            shown = ", ".join(left[:3])
            signals.append((LATIN_LEFT_CAP, f"English words left untranslated: {shown}"))
    ratio_signal = _length_signal(source, target, direction, length_tolerance)
    if ratio_signal is not None:
        signals.append(ratio_signal)
    if repeats_itself(target):
        signals.append((REPEAT_CAP, "the translation repeats itself"))
    if not_applied:
        shown = ", ".join(not_applied[:3])
        signals.append((TERM_NOT_APPLIED_CAP, f"glossary term not applied: {shown}"))
    return signals


def _untranslated_latin(source: str, target: str) -> list[str]:
    """Latin words of a Korean output that are not names: names are written with a
    capital (or in capitals) in the source; anything else is English left behind."""
    names = {word for word in _LATIN_WORD.findall(source) if word[0].isupper()}
    left = []
    for word in _LATIN_WORD.findall(target):
        if len(word) < 2 or word in names or word[0].isupper():
            continue
        left.append(word)
    return list(dict.fromkeys(left))


def _length_signal(
    source: str, target: str, direction: tuple[str, str], tolerance: float
) -> tuple[float, str] | None:
    norm = LENGTH_NORMS.get(direction)
    source_chars = len("".join(source.split()))
    if norm is None or source_chars < MIN_SOURCE_CHARS_FOR_LENGTH:
        return None
    ratio = len("".join(target.split())) / source_chars / norm
    if 1 / tolerance <= ratio <= tolerance:
        return None
    return (LENGTH_CAP, f"length {ratio:.1f}× what the pair usually gives")


_REPEATED_RUN = re.compile(r"(\S{1,4}?)\1{5,}")
"""One to four characters six times in a row (``IIIIII``, ``일일일일일일``): text without
spaces that repeats itself."""


def repeats_itself(text: str) -> bool:
    """A word four times in a row, a run of three words three times, or a few
    characters six times in a row."""
    if _REPEATED_RUN.search(text):
        return True
    words = [word.lower() for word in _WORD.findall(text)]
    run = 1
    for previous, word in pairwise(words):
        run = run + 1 if word == previous else 1
        if run >= 4:
            return True
    trigrams = Counter(zip(words, words[1:], words[2:], strict=False))
    return any(count >= 3 for count in trigrams.values())
