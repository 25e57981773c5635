"""Vocabulary: an article's content words, candidate key terms ranked by TF-IDF, and its
difficulty (the share of its words the reader knows)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from reader.core.terms.english import STOPWORDS_EN
from reader.core.terms.glossary import KNOWN_STATUSES
from reader.core.terms.tokens import Analysis, is_functional

_CONTENT_TAGS_KO = frozenset({"NNG", "NNP", "VV", "VA", "MAG", "XR"})
_NOUN_TAGS_KO = frozenset({"NNG", "NNP"})


def _is_content_word(analysis: Analysis, index: int) -> bool:
    tag = analysis.tags[index]
    if analysis.lang == "ko":
        return tag in _CONTENT_TAGS_KO
    lemma = analysis.lemmas[index]
    return tag == "W" and len(lemma) > 1 and lemma not in STOPWORDS_EN


def content_word_indexes(analysis: Analysis) -> list[int]:
    """Indexes of the tokens that are content words (what :func:`content_words` counts),
    for callers that need to know where each one is (sentence mining)."""
    return [index for index in range(len(analysis.keys)) if _is_content_word(analysis, index)]


def content_words(analyses: Iterable[Analysis]) -> Counter[str]:
    """Keys of content words (nouns, verbs, adjectives, adverbs; English non-stopwords)."""
    counts: Counter[str] = Counter()
    for analysis in analyses:
        counts.update(
            analysis.keys[index]
            for index in range(len(analysis.keys))
            if _is_content_word(analysis, index)
        )
    return counts


def other_words(analyses: Iterable[Analysis]) -> Counter[str]:
    """Keys of the remaining words (not content words, particles, endings or symbols):
    with :func:`content_words`, every key a term pattern can start a match with."""
    counts: Counter[str] = Counter()
    for analysis in analyses:
        counts.update(
            analysis.keys[index]
            for index in range(len(analysis.keys))
            if not is_functional(analysis, index) and not _is_content_word(analysis, index)
        )
    return counts


def word_keys(pattern: str) -> list[str]:
    """The keys of a pattern that name words (particles and endings left out)."""
    return [key for key in pattern.split() if not key.startswith("/")]


@dataclass(frozen=True)
class Occurrence:
    """Where a term occurs: an article, a paragraph, the offsets and the sentence."""

    article_id: int
    title: str
    paragraph: int
    start: int
    end: int
    sentence: str


@dataclass
class Candidate:
    """A candidate key term: its pattern, how often it occurs, the surfaces seen."""

    pattern: str
    count: int = 0
    surfaces: Counter[str] = field(default_factory=Counter)


_MAX_PHRASE_WORDS = 3


def _runs(
    analysis: Analysis, is_part: Callable[[Analysis, int], bool]
) -> Iterable[tuple[int, int]]:
    """Maximal runs of consecutive tokens satisfying ``is_part(analysis, index)``."""
    start = None
    for index in range(len(analysis.keys) + 1):
        inside = index < len(analysis.keys) and is_part(analysis, index)
        if inside and start is None:
            start = index
        elif not inside and start is not None:
            yield start, index
            start = None


_WEAK_NOUNS_KO_TEXT = """
오전 오후 앞 뒤 때 중 등 이후 이전 당시 이날 올해 지난해 내년 최근 이번 현재 관련 경우
가운데 이상 이하 정도 가량 측 씨 일부 전체 각각 모두 자신 우리 여러
"""
_WEAK_NOUNS_KO = frozenset(_WEAK_NOUNS_KO_TEXT.split())
"""Common nouns of time, place and quantity: never key terms, and they end phrases."""


def _korean_noun(analysis: Analysis, index: int) -> bool:
    """A noun that can be (part of) a key term: not a weak noun, and not the stem of a
    predicate written solid (``순수`` in ``순수했던``)."""
    if analysis.tags[index] not in _NOUN_TAGS_KO or analysis.lemmas[index] in _WEAK_NOUNS_KO:
        return False
    following = index + 1
    return not (
        following < len(analysis.tags)
        and analysis.tags[following] in ("XSV", "XSA")
        and _glued(analysis, index)
    )


def _english_noun(analysis: Analysis, index: int) -> bool:
    """A small rule-based chunker: words that are not stopwords, numbers or -ly adverbs."""
    lemma = analysis.lemmas[index]
    return (
        analysis.tags[index] == "W"
        and len(lemma) > 2
        and lemma not in STOPWORDS_EN
        and not lemma.endswith("ly")
    )


def _glued(analysis: Analysis, left: int) -> bool:
    """Whether token ``left`` and the next one are written without a space between."""
    return analysis.starts[left + 1] <= analysis.ends[left]


def _whole_words(analysis: Analysis, start: int, end: int, first: int, last: int) -> bool:
    """A span that does not cut a compound written solid (``정상`` of ``정상회담``);
    Korean single-syllable nouns are left out as noise."""
    if analysis.lang != "ko":
        return True
    if start > first and _glued(analysis, start - 1):
        return False
    if end < last and _glued(analysis, end - 1):
        return False
    return end - start > 1 or analysis.ends[start] - analysis.starts[start] >= 2


def candidate_phrases(analyses: Iterable[Analysis]) -> dict[str, Candidate]:
    """Nouns and noun phrases: Korean NNG/NNP sequences, English runs of content words
    (every span of up to three words of a run)."""
    found: dict[str, Candidate] = {}

    def add(analysis: Analysis, first: int, last: int) -> None:
        pattern = " ".join(analysis.keys[first:last])
        candidate = found.setdefault(pattern, Candidate(pattern))
        candidate.count += 1
        candidate.surfaces[analysis.text[analysis.starts[first] : analysis.ends[last - 1]]] += 1

    for analysis in analyses:
        is_noun = _korean_noun if analysis.lang == "ko" else _english_noun
        for first, last in _runs(analysis, is_noun):
            for start in range(first, last):
                for end in range(start + 1, min(last, start + _MAX_PHRASE_WORDS) + 1):
                    if _whole_words(analysis, start, end, first, last):
                        add(analysis, start, end)
    return found


@dataclass(frozen=True)
class Suggestion:
    """A candidate key term for an article, best first."""

    text: str
    pattern: str
    lang: str
    count: int
    score: float
    term_id: int | None = None
    status: str | None = None
    level: str = ""
    """The dictionary's word level (초급, 중급, 고급), when one gives it."""


def rank_suggestions(
    candidates: Mapping[str, Candidate],
    lang: str,
    document_frequency: Mapping[str, int],
    documents: int,
    existing: Mapping[str, tuple[int, str]],
    limit: int = 30,
    level_ranks: Mapping[str, int] | None = None,
    target_level: int = 1,
) -> list[Suggestion]:
    """Candidates ranked by TF-IDF, known and ignored terms left out.

    ``document_frequency`` counts the stored articles containing each pattern and
    ``documents`` how many articles were counted; ``existing`` maps the patterns of
    glossary terms to (id, status) so that learning terms are shown as such;
    ``level_ranks`` gives patterns their dictionary word level, and words at
    ``target_level`` (the reader's next level) rise, see :mod:`reader.core.word_levels`.
    """
    from reader.core.word_levels import LEVEL_NAMES, level_weight

    levels = level_ranks or {}
    ranked: list[Suggestion] = []
    for pattern, candidate in candidates.items():
        term = existing.get(pattern)
        if term is not None and term[1] in KNOWN_STATUSES:
            continue
        frequency = document_frequency.get(pattern, 0)
        idf = math.log((1 + documents) / (1 + frequency)) + 1
        score = (1 + math.log(candidate.count)) * idf * (1 + 0.3 * pattern.count(" "))
        rank = levels.get(pattern)
        score *= level_weight(rank, target_level)
        surface = candidate.surfaces.most_common(1)[0][0]
        ranked.append(
            Suggestion(
                text=surface,
                pattern=pattern,
                lang=lang,
                count=candidate.count,
                score=round(score, 4),
                term_id=term[0] if term else None,
                status=term[1] if term else None,
                level=LEVEL_NAMES.get(rank, "") if rank else "",
            )
        )
    ranked.sort(key=lambda suggestion: (-suggestion.score, suggestion.text))
    return ranked[:limit]


@dataclass(frozen=True)
class Difficulty:
    """How much of an article the reader already knows."""

    article_id: int
    content_words: int
    """Distinct content words (nouns, verbs, adjectives, adverbs) of the article."""
    known_words: int
    """How many of those are glossary terms marked known or ignored."""

    @property
    def known_share(self) -> float:
        """Known share in 0–1 (1.0 for an article without content words)."""
        return self.known_words / self.content_words if self.content_words else 1.0


def difficulty(article_id: int, words: Iterable[str], known_patterns: set[str]) -> Difficulty:
    """The difficulty of an article from its distinct content-word keys."""
    distinct = set(words)
    return Difficulty(article_id, len(distinct), len(distinct & known_patterns))
