"""Word levels from a dictionary (KRDict's 초급/중급/고급) and what they say about which
key terms to suggest.

A learner gains most from the words just above what they already know: a beginner
from 초급 words, someone who knows many 초급 words from 중급 ones. The reader's level is
read from their own glossary: the words marked known that a dictionary gives a level.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

LEVEL_RANKS = {"초급": 1, "중급": 2, "고급": 3}
"""KRDict's vocabulary levels (as stored by the importer, also from Yomitan tags)."""
LEVEL_NAMES = {rank: name for name, rank in LEVEL_RANKS.items()}
KNOWN_TO_PASS_LEVEL = 20
"""Known words of a level after which the next level is the one to learn."""
TARGET_WEIGHT = 1.5
"""Score factor for a suggestion at the level to learn now."""
WEIGHTS_BY_DISTANCE = {-1: 1.1, 1: 0.9}
"""Score factors for one level below (still worth it) and one above (a stretch)."""
FAR_WEIGHT = 0.7
"""Two or more levels from the target: probably known already, or too hard yet."""


def level_rank(level: str) -> int | None:
    """1, 2 or 3 for 초급, 중급, 고급; None for no level or one reader does not know."""
    return LEVEL_RANKS.get(level.strip())


def target_level(known_ranks: Iterable[int], known_to_pass: int = KNOWN_TO_PASS_LEVEL) -> int:
    """The level to learn next: one above the highest level at which the reader knows at
    least ``known_to_pass`` words (or the first level), at most the last level."""
    counts = Counter(known_ranks)
    passed = [rank for rank in LEVEL_NAMES if counts[rank] >= known_to_pass]
    return min(max(passed, default=0) + 1, max(LEVEL_NAMES))


def level_weight(rank: int | None, target: int) -> float:
    """How much a suggestion's score is raised or lowered for its word level."""
    if rank is None:
        return 1.0
    distance = rank - target
    if distance == 0:
        return TARGET_WEIGHT
    return WEIGHTS_BY_DISTANCE.get(distance, FAR_WEIGHT)


def pattern_lemma(pattern: str) -> str:
    """The dictionary headword of a Korean term pattern: its match keys (``외교/N``,
    ``먹다/V``, see :mod:`reader.core.terms`) without their tags, run together
    (``국제/N 사회/N`` → ``국제사회``, as KRDict writes compounds)."""
    return "".join(key.rsplit("/", 1)[0] for key in pattern.split() if not key.startswith("/"))
