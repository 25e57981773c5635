"""Glossary terms: lemmas, lemma-aware matching, suggestions and difficulty.

Text is turned into an :class:`Analysis` — a sequence of tokens, each with a *match
key* — and a term is the key sequence of its own text (its *pattern*). A term
matches wherever its pattern occurs as consecutive tokens of a paragraph.

Korean is analysed with kiwipiepy. A token's key is its dictionary form and word
class (``외교/N``, ``먹다/V``); particles and endings are keyed by their tag alone
(``/JKO``) so allomorphs such as 을/를 compare equal, and they are trimmed from the
end of a pattern. So ``외교`` matches ``외교를`` and ``외교는``, ``먹다`` matches
``먹었다`` and ``먹고``, and the phrase ``실용 외교`` matches both ``실용 외교를``
and ``실용외교`` (Korean spacing of compounds varies; both spellings are one term)
but not ``실용적인 외교`` or ``실용의 외교``.

English is case-insensitive and keyed by a light stemmer that maps regular
inflections to one key (``summit``/``summits``, ``deflect``/``deflected``,
``bake``/``baked``/``baking``); other Latin-script languages are only lowercased.

All text is normalised to NFC first, so decomposed Hangul (NFD jamo) matches too;
offsets in results refer to the NFC text (stored paragraphs already are NFC).

Matching never loops over terms: a :class:`TermIndex` maps each pattern's first
key to its patterns, so the cost is one dict lookup per token.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from sys import intern
from typing import Any

from reader.core.models import TERM_STATUSES, Term

ANALYSER_VERSION = "3"
"""Bump when keys change, so that stored patterns and vocabularies are recomputed."""

KNOWN_STATUSES = frozenset({"known", "ignored"})

_ANALYSIS_CACHE_SIZE = 2048
"""Paragraph analyses kept in memory (a long article has about a hundred; a news
paragraph of 50 words takes about 9 KB, its strings being interned)."""

# -- Korean ------------------------------------------------------------------------------

_SYMBOL_TAGS = frozenset({"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW", "SB"})
_CONTENT_TAGS_KO = frozenset({"NNG", "NNP", "VV", "VA", "MAG", "XR"})
_NOUN_TAGS_KO = frozenset({"NNG", "NNP"})
_PREDICATE_TAGS = frozenset({"VV", "VA", "VX", "VCN", "XSV", "XSA"})


def _kiwi_instance() -> tuple[Any, threading.Lock]:
    """The process's one Kiwi and the lock that serialises calls into it, both shared
    with sentence splitting (building a Kiwi takes seconds; Textual workers are threads)."""
    from reader.core import sentences

    return sentences._get_kiwi(), sentences._analysis_lock


def _base_tag(tag: str) -> str:
    """``VA-I`` → ``VA``: irregular-conjugation marks do not change the word."""
    return tag.split("-", 1)[0]


_PLURAL_TAG = "XSN:PL"
"""The plural suffix ``들`` written onto a noun (``시민들의``): kiwipiepy tags it XSN, a
derivational suffix, but for a learner it is an inflection like a particle: ``시민`` is
the word, and it matches ``시민들의``."""


def _is_functional_ko(tag: str) -> bool:
    """Particles, endings, the copula, the plural suffix and symbols: never the head of
    a term."""
    return tag[0] in "JEZ" or tag == "VCP" or tag == _PLURAL_TAG or tag in _SYMBOL_TAGS


def _korean_tag(token: Any, previous_end: int | None) -> str:
    tag = _base_tag(token.tag)
    if tag == "XSN" and token.form == "들" and previous_end == token.start:
        return _PLURAL_TAG
    return tag


def _korean_key(form: str, lemma: str, tag: str) -> str:
    if _is_functional_ko(tag):
        return "/" + tag
    if tag[0] == "V":
        return f"{lemma}/V"
    if tag[0] in "NM":
        return f"{form}/{tag[0]}"
    if tag == "SL":
        return english_key(form)
    return f"{form}/{tag}"


def _analyse_korean_batch(texts: Sequence[str]) -> list[Analysis]:
    kiwi, lock = _kiwi_instance()
    with lock:
        results = list(kiwi.tokenize(list(texts)))
    return [_korean_analysis(text, tokens) for text, tokens in zip(texts, results, strict=True)]


def _korean_analysis(text: str, tokens: Sequence[Any]) -> Analysis:
    keys: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    tags: list[str] = []
    lemmas: list[str] = []
    for token in tokens:
        tag = intern(_korean_tag(token, ends[-1] if ends else None))
        keys.append(intern(_korean_key(token.form, token.lemma, tag)))
        starts.append(token.start)
        ends.append(token.start + token.len)
        tags.append(tag)
        lemmas.append(intern(token.lemma if tag[0] == "V" else token.form))
    return Analysis(
        text=text,
        lang="ko",
        keys=tuple(keys),
        starts=tuple(starts),
        ends=tuple(ends),
        span_ends=_korean_span_ends(starts, ends, tags),
        tags=tuple(tags),
        lemmas=tuple(lemmas),
    )


def _korean_span_ends(starts: list[int], ends: list[int], tags: list[str]) -> tuple[int, ...]:
    """For each token, where a highlight ending on it stops: particles and endings
    attached to the same word are included (``외교를``, ``먹었다``)."""
    span_ends = list(ends)
    for index in range(len(tags) - 2, -1, -1):
        following = index + 1
        if (
            _is_functional_ko(tags[following])
            and tags[following] not in _SYMBOL_TAGS
            and starts[following] <= ends[index]
        ):
            span_ends[index] = max(ends[index], span_ends[following])
    return tuple(span_ends)


def _korean_lemma(analysis: Analysis) -> str:
    """The dictionary form of a Korean term: its pattern's morphemes joined, ``다`` added
    to a predicate (``강화했다`` → ``강화하다``), the original spacing kept."""
    first, last = _pattern_bounds(analysis)
    if first >= last:
        return analysis.text.strip()
    morphemes: list[tuple[str, str, bool]] = []
    for index in range(first, last):
        tag = analysis.tags[index]
        form = analysis.lemmas[index]
        if tag[0] == "V":
            form = form.removesuffix("다") or form
        spaced = index > first and analysis.starts[index] > analysis.ends[index - 1]
        morphemes.append((form, "XSN" if tag == _PLURAL_TAG else tag, spaced))
    if analysis.tags[last - 1] in _PREDICATE_TAGS:
        morphemes.append(("다", "EF", False))
    kiwi, lock = _kiwi_instance()
    try:
        with lock:
            joined: str = kiwi.join(morphemes)
    except (ValueError, RuntimeError):  # a tag join() does not know: keep the text as written
        return analysis.text[analysis.starts[first] : analysis.ends[last - 1]]
    return joined


# -- English and other Latin-script languages ---------------------------------------------

_LATIN_TOKEN = re.compile(r"[^\W\d_]++(?:['’][^\W\d_]++)*+|\d++(?:[.,]\d++)*+|[^\w\s]")
_NO_INFLECTION = frozenset(
    {"news", "series", "species", "this", "his", "has", "was", "does", "goes", "is", "us", "its"}
)
_VOWELS = frozenset("aeiouy")

_STOPWORDS_EN_TEXT = """
a about above after again against all almost also although always am among an and
another any are around as at be became because been before being below between both but by
can could did do does doing done down during each either else even ever every few for from
further had has have having he her here hers herself him himself his how however i if in
into is it its itself just least less like made make many may me might more most much must
my myself neither never no nor not now of off often on once one only or other our ours
ourselves out over own per perhaps quite rather really said same say says see seen she
should since so some still such than that the their theirs them themselves then there
these they this those though through thus to too under until up upon us very was we well
were what when where whether which while who whom whose why will with within without would
yet you your yours yourself yourselves mr mrs ms told tell according new also two three
first last year years week day days time today yesterday
"""
STOPWORDS_EN = frozenset(_STOPWORDS_EN_TEXT.split())


def _undouble(word: str) -> str:
    if (
        len(word) >= 3
        and word[-1] == word[-2]
        and word[-1] not in _VOWELS
        and word[-1] not in "lsz"
    ):
        return word[:-1]
    return word


def _strip_inflection(word: str) -> str:
    """Remove one regular English inflection (plural, -ed, -ing) from a lowercase word."""
    if word in _NO_INFLECTION or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    if word.endswith("ied") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ed") and len(word) >= 5:
        return _undouble(word[:-2])
    if word.endswith("ing") and len(word) >= 6 and _VOWELS & set(word[:-3]):
        return _undouble(word[:-3])
    return word


def _lower_word(word: str) -> str:
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        return word[:-2]
    return word.removesuffix("'")


def english_key(word: str) -> str:
    """The match key of an English word: lowercase, inflection and final ``e`` removed.

    Crude on purpose (no dictionary): it only has to map a word and its regular
    inflections to the same key; a rare collision merely over-highlights.
    """
    stem = _strip_inflection(_lower_word(word))
    if len(stem) > 3 and stem.endswith("e"):
        stem = stem[:-1]
    return _undouble(stem)


def _analyse_latin(text: str, lang: str) -> Analysis:
    keys, starts, ends, tags, lemmas = [], [], [], [], []
    for found in _LATIN_TOKEN.finditer(text):
        token = found.group()
        if token[0].isdigit():
            tag, key = "SN", token
        elif not token[0].isalnum():
            tag, key = "SP", "/SP"
        else:
            tag = "W"
            key = english_key(token) if lang == "en" else _lower_word(token)
        keys.append(intern(key))
        starts.append(found.start())
        ends.append(found.end())
        tags.append(tag)
        lemmas.append(intern(_lower_word(token) if tag == "W" else token))
    return Analysis(
        text=text,
        lang=lang,
        keys=tuple(keys),
        starts=tuple(starts),
        ends=tuple(ends),
        span_ends=tuple(ends),
        tags=tuple(tags),
        lemmas=tuple(lemmas),
    )


def _latin_lemma(analysis: Analysis) -> str:
    """Lowercase words, the last one without its plural or regular verb ending."""
    first, last = _pattern_bounds(analysis)
    if first >= last:
        return analysis.text.strip().lower()
    text = analysis.text[analysis.starts[first] : analysis.starts[last - 1]].lower()
    final = analysis.lemmas[last - 1]
    if analysis.lang == "en" and analysis.tags[last - 1] == "W":
        stripped = _strip_inflection(final)
        final = stripped if len(stripped) >= 4 or stripped == final else final
    return text + final


# -- analyses ----------------------------------------------------------------------------


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


class _AnalysisCache:
    """A small thread-safe LRU of paragraph analyses keyed by (lang, NFC text)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, str], Analysis] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> Analysis | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, analysis: Analysis) -> None:
        with self._lock:
            self._items[(analysis.lang, analysis.text)] = analysis
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_cache = _AnalysisCache(_ANALYSIS_CACHE_SIZE)


def normalize_lang(lang: str | None) -> str:
    """``ko``, ``en`` or another lowercase code; region suffixes dropped (``en-US``)."""
    return (lang or "en").lower().replace("_", "-").split("-", 1)[0] or "en"


def analyse(text: str, lang: str) -> Analysis:
    """The analysis of one text (cached)."""
    return analyse_many([text], lang)[0]


def analyse_many(texts: Sequence[str], lang: str, keep: bool = True) -> list[Analysis]:
    """Analyses of several texts, the uncached ones in one kiwipiepy batch.

    ``keep=False`` leaves the cache as it was (background analysis of many articles
    must not push out the paragraphs on screen).
    """
    lang = normalize_lang(lang)
    normalized = [unicodedata.normalize("NFC", text) for text in texts]
    found: dict[str, Analysis] = {}
    missing: list[str] = []
    for text in normalized:
        cached = _cache.get((lang, text))
        if cached is not None:
            found[text] = cached
        elif text not in found:
            missing.append(text)
    missing = list(dict.fromkeys(missing))
    if missing:
        fresh = (
            _analyse_korean_batch(missing)
            if lang == "ko"
            else [_analyse_latin(text, lang) for text in missing]
        )
        for analysis in fresh:
            if keep:
                _cache.put(analysis)
            found[analysis.text] = analysis
    return [found[text] for text in normalized]


def cache_analyses(analyses: Iterable[Analysis]) -> None:
    """Keep analyses made elsewhere — in a helper process, say, so that this process
    never pays kiwipiepy's load time — as if they had been made here."""
    for analysis in analyses:
        _cache.put(analysis)


def clear_analysis_cache() -> None:
    _cache.clear()


def _is_functional(analysis: Analysis, index: int) -> bool:
    tag = analysis.tags[index]
    if analysis.lang == "ko":
        return _is_functional_ko(tag)
    return tag == "SP"


def _pattern_bounds(analysis: Analysis) -> tuple[int, int]:
    """Token range of a term's text without leading symbols and trailing particles,
    endings and punctuation."""
    first, last = 0, len(analysis.keys)
    while first < last and analysis.tags[first] in _SYMBOL_TAGS:
        first += 1
    while last > first and _is_functional(analysis, last - 1):
        last -= 1
    return first, last


def pattern_of(analysis: Analysis) -> str:
    """The pattern of an analysed term text: its match keys, space-separated."""
    first, last = _pattern_bounds(analysis)
    return " ".join(analysis.keys[first:last])


def term_pattern(text: str, lang: str) -> str:
    """The pattern of a term's text."""
    return pattern_of(analyse(text, lang))


def term_patterns(texts: Sequence[str], lang: str) -> list[str]:
    """Patterns of many term texts, analysed in one batch without filling the cache."""
    return [pattern_of(analysis) for analysis in analyse_many(texts, lang, keep=False)]


def lemma_for(surface: str, lang: str) -> str:
    """The dictionary form of a word or phrase as it appears in text.

    ``외교를`` → ``외교``, ``먹었다`` → ``먹다``, ``Summits`` → ``summit``.
    """
    analysis = analyse(surface.strip(), lang)
    if analysis.lang == "ko":
        return _korean_lemma(analysis)
    return _latin_lemma(analysis)


def lemmas_for(surfaces: Sequence[str], lang: str) -> list[str]:
    """Dictionary forms of many words or phrases, analysed in one batch without filling
    the analysis cache (dictionary imports key tens of thousands of glosses)."""
    analyses = analyse_many([surface.strip() for surface in surfaces], lang, keep=False)
    return [
        _korean_lemma(analysis) if analysis.lang == "ko" else _latin_lemma(analysis)
        for analysis in analyses
    ]


class TermTextError(ValueError):
    """A term text that is no word or phrase; the message is one line for the user."""


_TERM_JOINERS = frozenset("-'’.·&/,()[]~\"“”‘’«»")
"""Punctuation a word or phrase can hold inside it: ``U.S.``, ``don't``, ``AT&T``,
``(으)ㄹ 수 있다``, ``~에 대해``. Anything else (``* + $ ^ | \\ = < > @ # %``) makes the
text a pattern or a formula, not a term."""


def check_term_text(text: str) -> None:
    """Refuse a term text that has no letter of its own, or holds symbols no word has.

    ``.*(a+)+$`` was stored with the lemma ``a`` and highlighted every ``a``; ``...`` or
    ``50%`` match nothing useful. Raises TermTextError.
    """
    inner = text.strip(_EDGE_PUNCTUATION + " ")
    shown = text if len(text) <= 40 else text[:39] + "…"
    if not any(char.isalpha() for char in inner):
        raise TermTextError(f"{shown!r} is not a word or phrase: it has no letters")
    symbols = sorted(
        {
            char
            for char in inner
            if not (char.isalnum() or char.isspace() or char in _TERM_JOINERS)
            and not unicodedata.category(char).startswith("M")
        }
    )
    if symbols:
        listed = " ".join(symbols[:8])
        raise TermTextError(f"{shown!r} is not a word or phrase: it holds {listed}")


_WORD = re.compile(r"\S+")
_EDGE_PUNCTUATION = "\"'“”‘’«»「」『』()[]{}<>.,!?;:…·—–-"


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word of a sentence, for a word cursor: whitespace-separated
    words (a Korean word keeps its particles: ``외교를``) without surrounding punctuation."""
    spans = []
    for found in _WORD.finditer(text):
        start, end = found.span()
        while start < end and text[start] in _EDGE_PUNCTUATION:
            start += 1
        while end > start and text[end - 1] in _EDGE_PUNCTUATION:
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


# -- matching ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TermMatch:
    """An occurrence of a term in a paragraph: ``text[start:end]`` is highlighted."""

    start: int
    end: int
    term_id: int
    status: str


@dataclass(frozen=True, slots=True)
class IndexedTerm:
    """What matching needs of a term."""

    term_id: int
    lang: str
    pattern: str
    status: str


class TermIndex:
    """Terms indexed by the first key of their pattern, longest pattern first."""

    def __init__(self, terms: Iterable[IndexedTerm] = ()) -> None:
        self._by_lang: dict[str, dict[str, list[tuple[tuple[str, ...], int, str]]]] = {}
        self._known: dict[str, set[str]] = {}
        self.size = 0
        for term in terms:
            self._add(term)
        for by_first in self._by_lang.values():
            for candidates in by_first.values():
                candidates.sort(key=lambda candidate: -len(candidate[0]))

    def _add(self, term: IndexedTerm) -> None:
        keys = tuple(term.pattern.split())
        if not keys:
            return
        lang = normalize_lang(term.lang)
        self._by_lang.setdefault(lang, {}).setdefault(keys[0], []).append(
            (keys, term.term_id, term.status)
        )
        if term.status in KNOWN_STATUSES:
            self._known.setdefault(lang, set()).add(term.pattern)
        self.size += 1

    def known_patterns(self, lang: str) -> set[str]:
        """Patterns of the known and ignored terms of a language."""
        return self._known.get(normalize_lang(lang), set())

    def match(self, analysis: Analysis) -> list[TermMatch]:
        """Non-overlapping occurrences, leftmost first and longest at each place."""
        by_first = self._by_lang.get(analysis.lang)
        if not by_first:
            return []
        keys = analysis.keys
        count = len(keys)
        matches: list[TermMatch] = []
        index = 0
        while index < count:
            candidates = by_first.get(keys[index])
            found = None
            if candidates is not None:
                for pattern, term_id, status in candidates:
                    end = index + len(pattern)
                    if end <= count and (len(pattern) == 1 or keys[index:end] == pattern):
                        found = (end, term_id, status)
                        break
            if found is None:
                index += 1
                continue
            end, term_id, status = found
            matches.append(
                TermMatch(analysis.starts[index], analysis.span_ends[end - 1], term_id, status)
            )
            index = end
        return matches


def match_terms(text: str, lang: str, index: TermIndex) -> list[TermMatch]:
    """Occurrences of the indexed terms in one paragraph (its analysis is cached)."""
    return index.match(analyse(text, lang))


# -- vocabulary: content words and candidate phrases ---------------------------------------


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
            if not _is_functional(analysis, index) and not _is_content_word(analysis, index)
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


# -- term values -------------------------------------------------------------------------


def normalize_status(status: str | None) -> str:
    """``1``–``5``, ``known`` or ``ignored`` (``K``/``I`` and Lute's 99/98 accepted);
    ValueError otherwise."""
    value = (status or "1").strip().lower()
    value = {"k": "known", "i": "ignored", "99": "known", "98": "ignored"}.get(value, value)
    if value not in TERM_STATUSES:
        raise ValueError(f"unknown status {status!r}; use 1-5, known or ignored")
    return value


def normalize_tags(tags: Iterable[str]) -> list[str]:
    """Tags without spaces (Anki cannot store them), deduplicated, order kept."""
    cleaned = (re.sub(r"\s+", "_", unicodedata.normalize("NFC", tag).strip()) for tag in tags)
    return list(dict.fromkeys(tag for tag in cleaned if tag))


def _merge_text(old: str, new: str, separator: str) -> str:
    if not new or new == old:
        return old
    if not old:
        return new
    if new in old.split(separator):
        return old
    return old + separator + new


def merge_terms(existing: Term, incoming: Term, incoming_status: bool = True) -> Term:
    """One term from two records of the same lemma: glosses and notes combined, tags
    united, the earliest creation time kept, the incoming status taken if given."""
    return Term(
        id=existing.id,
        lang=existing.lang,
        text=existing.text,
        lemma=existing.lemma,
        gloss=_merge_text(existing.gloss, incoming.gloss, "; "),
        note=_merge_text(existing.note, incoming.note, "\n"),
        status=incoming.status if incoming_status else existing.status,
        tags=normalize_tags([*existing.tags, *incoming.tags]),
        sentence=existing.sentence or incoming.sentence,
        sentence_translation=existing.sentence_translation or incoming.sentence_translation,
        article_id=existing.article_id if existing.article_id is not None else incoming.article_id,
        created=min(filter(None, (existing.created, incoming.created)), default=existing.created),
        updated=existing.updated,
        pattern=existing.pattern or incoming.pattern,
    )


# -- difficulty --------------------------------------------------------------------------


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
