"""What a translation is: an Outcome per sentence, the engine protocol, the settings the
cache key names, and the error for a direction no model serves."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from reader.core.confidence import ModelNumbers
from reader.core.packages import InstalledModel
from reader.core.steering import AppliedTerm
from reader.core.text import clean_line

LENGTH_PENALTY = 0.2
"""argostranslate's length penalty; kept so that outputs match it."""
CACHE_FORMAT = 1
"""Bumped when the way targets are produced changes, which invalidates the cache."""


class NoModelError(Exception):
    """No package can translate a direction; the message names the install command."""


MAX_ALTERNATIVES = 3
"""Hypotheses asked of the decode (at most the beam size): the best and its n-best."""
LARGEST_BEAM = 16


def larger_beam(beam: int) -> int:
    """The beam of a re-translation "with a larger beam": twice the setting, at least 8
    and at most :data:`LARGEST_BEAM`."""
    return min(LARGEST_BEAM, max(8, 2 * beam))


@dataclass(frozen=True)
class Outcome:
    """The translation of one sentence, or why it failed."""

    target: str
    error: str | None = None
    cached: bool = False
    terms: tuple[AppliedTerm, ...] = ()
    """The glossary terms found in the sentence, and whether each was applied."""
    # Measurements about the translation, not the translation: outcomes that say the
    # same thing compare equal whatever their scores.
    confidence: float | None = field(default=None, compare=False)
    """0–1 (see core/confidence.py); None when not measured (an older cache entry)."""
    reason: str = field(default="", compare=False)
    alternatives: tuple[str, ...] = field(default=(), compare=False)
    """The model's other hypotheses from the same decode, best first."""
    numbers: ModelNumbers | None = field(default=None, compare=False)
    """What the decode said (engine outcomes only; not cached)."""
    user: str = ""
    """``edit`` or ``alternative`` when the translation is the reader's own."""


class Translator(Protocol):
    """Something that translates sentences for one direction."""

    model: InstalledModel
    options: str
    """The decoding options, as stored in the cache key."""

    def load(self) -> None:
        """Load the model now rather than on the first sentence."""
        ...

    def translate(self, sentences: Sequence[str]) -> list[Outcome]:
        """Translate each sentence; a failure is an Outcome with ``error`` set."""
        ...


def sentence_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def one_line(error: BaseException) -> str:
    """An exception as a short line for the UI (control characters gone, at most 200 chars)."""
    return (clean_line(str(error)) or type(error).__name__)[:200]
