"""The glossary's part in a translation: sentences with sentinels translated, their
glosses put back (from an n-best alternative when the best damaged a sentinel, else
the plain translation), each outcome rated, and the cache key that names the entries used."""

from __future__ import annotations

import logging
from dataclasses import replace

from reader.core.confidence import ModelNumbers, assess
from reader.core.steering import Protected, restore
from reader.core.translation.outcomes import Outcome, Translator, sentence_hash

log = logging.getLogger(__name__)


def steered_outcomes(
    engine: Translator,
    items: list[Protected],
    direction: tuple[str, str],
    length_tolerance: float,
) -> list[Outcome]:
    """Translate protected sentences, restore their glosses, fall back to the plain
    translation of any whose sentinels the model damaged, and rate each (a length
    ratio more than ``length_tolerance`` times away from the pair's norm lowers the
    rating, see core/confidence.py)."""
    outcomes = engine.translate([item.text for item in items])
    restored: list[Outcome] = []
    damaged: list[int] = []
    for index, (item, outcome) in enumerate(zip(items, outcomes, strict=True)):
        if not item.slots:
            restored.append(_plain(outcome))
            continue
        if outcome.error is not None:
            restored.append(_without_terms(outcome, item))
            continue
        text = restore(item, outcome.target)
        chosen: Outcome | None = outcome
        if text is None:
            chosen = _kept_alternative(outcome, item)
            text = None if chosen is None else restore(item, chosen.target)
        if chosen is None or text is None:
            damaged.append(index)
            restored.append(outcome)
            continue
        restored.append(_restored(chosen, item, text))
    if damaged:
        log.info("glossary: %d sentences fell back to the plain translation", len(damaged))
        plain = engine.translate([items[i].source for i in damaged])
        for index, outcome in zip(damaged, plain, strict=True):
            restored[index] = _without_terms(outcome, items[index])
    return [
        _rated(item, outcome, direction, length_tolerance)
        for item, outcome in zip(items, restored, strict=True)
    ]


def _rated(
    item: Protected, outcome: Outcome, direction: tuple[str, str], length_tolerance: float
) -> Outcome:
    if outcome.error is not None:
        return outcome
    numbers = outcome.numbers or ModelNumbers()
    kept = [term.gloss for term in outcome.terms if term.applied]
    missing = [term.term for term in outcome.terms if not term.applied]
    rated = assess(
        item.source,
        outcome.target,
        direction,
        numbers,
        kept=kept,
        not_applied=missing,
        length_tolerance=length_tolerance,
    )
    return replace(outcome, confidence=rated.value, reason=rated.reason)


def cache_key(item: Protected) -> str:
    """The cache hash of a sentence: of its text, plus the glossary entries it used."""
    if not item.slots:
        return sentence_hash(item.source)
    return sentence_hash(item.source + "\x00" + item.signature)


def _restored(outcome: Outcome, item: Protected, text: str) -> Outcome:
    """A steered outcome with its glosses put in (alternatives too, those that kept
    every sentinel; the others are dropped: a sentinel never reaches the reader)."""
    alternatives: dict[str, float] = {}
    numbers = outcome.numbers or ModelNumbers()
    shares = numbers.shares or (0.0,) * len(numbers.alternatives)
    for alternative, share in zip(numbers.alternatives, shares, strict=True):
        put = restore(item, alternative)
        if put is not None and put != text:
            alternatives.setdefault(put, share)
    return replace(
        outcome,
        target=text,
        terms=item.terms(applied=True),
        alternatives=tuple(alternatives),
        numbers=replace(
            numbers, alternatives=tuple(alternatives), shares=tuple(alternatives.values())
        ),
    )


def _kept_alternative(outcome: Outcome, item: Protected) -> Outcome | None:
    """When the best hypothesis damaged a sentinel, the first n-best alternative that
    kept them all, as the outcome (the others after it); None when none did — then
    the sentence is decoded again without the glossary."""
    numbers = outcome.numbers or ModelNumbers()
    for position, alternative in enumerate(numbers.alternatives):
        if restore(item, alternative) is not None:
            rest = numbers.alternatives[position + 1 :]
            shares = numbers.shares[position + 1 :] if numbers.shares else ()
            return replace(
                outcome,
                target=alternative,
                numbers=replace(numbers, alternatives=rest, shares=shares),
            )
    return None


def _plain(outcome: Outcome) -> Outcome:
    """An unsteered outcome, its n-best alternatives as the decode gave them."""
    numbers = outcome.numbers or ModelNumbers()
    return replace(outcome, alternatives=numbers.alternatives)


def _without_terms(outcome: Outcome, item: Protected) -> Outcome:
    """The plain translation of a sentence whose terms could not be applied."""
    numbers = outcome.numbers or ModelNumbers()
    return replace(outcome, terms=item.terms(applied=False), alternatives=numbers.alternatives)
