"""What an analysis is: tokens with match keys, and which tokens are functional
(particles, endings, symbols) and so never start or end a term's pattern."""

from __future__ import annotations

from dataclasses import dataclass

ANALYSER_VERSION = "3"
"""Bump when keys change, so that stored patterns and vocabularies are recomputed."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """A text cut into tokens (parallel tuples, for speed), with match keys.

    ``span_ends[i]`` is where a highlight that ends on token ``i`` should stop
    (Korean: after the particles and endings attached to that word).
    """

    text: str
    lang: str
    keys: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    span_ends: tuple[int, ...]
    tags: tuple[str, ...]
    lemmas: tuple[str, ...]


SYMBOL_TAGS = frozenset({"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW", "SB"})
PLURAL_TAG = "XSN:PL"
"""The plural suffix ``들`` written onto a noun (``시민들의``): kiwipiepy tags it XSN, a
derivational suffix, but for a learner it is an inflection like a particle: ``시민`` is
the word, and it matches ``시민들의``."""


def is_functional_ko(tag: str) -> bool:
    """Particles, endings, the copula, the plural suffix and symbols: never the head of
    a term."""
    return tag[0] in "JEZ" or tag == "VCP" or tag == PLURAL_TAG or tag in SYMBOL_TAGS


def normalize_lang(lang: str | None) -> str:
    """``ko``, ``en`` or another lowercase code; region suffixes dropped (``en-US``)."""
    return (lang or "en").lower().replace("_", "-").split("-", 1)[0] or "en"


def is_functional(analysis: Analysis, index: int) -> bool:
    """Whether token ``index`` is a particle, ending or symbol (punctuation in Latin
    script): the tokens trimmed from the ends of a pattern."""
    tag = analysis.tags[index]
    if analysis.lang == "ko":
        return is_functional_ko(tag)
    return tag == "SP"


def pattern_bounds(analysis: Analysis) -> tuple[int, int]:
    """Token range of a term's text without leading symbols and trailing particles,
    endings and punctuation."""
    first, last = 0, len(analysis.keys)
    while first < last and analysis.tags[first] in SYMBOL_TAGS:
        first += 1
    while last > first and is_functional(analysis, last - 1):
        last -= 1
    return first, last
