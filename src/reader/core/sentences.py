"""Sentence splitting with character offsets, for Korean and English paragraphs.

Korean goes through kiwipiepy (it knows ``다.``/``요.`` endings, quotes, ``다.그리고``
without a space and numbers such as ``1.5%``); it is imported on first use and the
analyser is kept for the life of the process, because building it takes seconds.
English uses rules: a sentence ends at ``.``, ``!``, ``?`` or ``…`` (plus closing
quotes or brackets) followed by a space and a word that does not start in lower
case, unless the word before is a known abbreviation, an initial or an acronym.

Every sentence keeps its ``start``/``end`` offsets in the paragraph, and together
the sentences cover every non-space character of the paragraph, so the UI can
highlight any of them and nothing is lost when they are joined again.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from reader.core import kiwi as shared_kiwi
from reader.core.models import Sentence
from reader.core.text import detect_language

# Abbreviations that never end a sentence when followed by a space (case-insensitive).
_TITLES = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sr",
    "jr",
    "st",
    "mt",
    "ft",
    "gen",
    "lt",
    "col",
    "capt",
    "sgt",
    "gov",
    "sen",
    "rep",
    "rev",
    "hon",
    "pres",
    "messrs",
    "mme",
    "mlle",
    "vs",
    "v",
    "e.g",
    "i.e",
    "cf",
    "approx",
    "dept",
    "est",
    "fig",
    "vol",
    "ch",
    "sec",
    "art",
    "ed",
    "inc",
    "co",
    "corp",
    "ltd",
    "bros",
}
# Abbreviations that do not end a sentence when a number follows (``No. 1``, ``Jan. 13``).
_BEFORE_NUMBERS = {
    "no",
    "nos",
    "p",
    "pp",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "art",
    "vol",
    "ch",
    "fig",
    "sec",
    "op",
}
_CANDIDATE = re.compile(r"(?:(?<![.!?])[.!?]++|…)[\"'”’)\]»」』]*+(?=\s++(\S))")
"""Linear: a run of ``.!?`` is tried once, from its first character, and never given
back (``'Hi' + '!' * 40000`` was tried from every ``!``, each to the end: 17.7 s)."""
_WORD_WINDOW = 64
"""How far back the word before a full stop is looked for; longer words are no
abbreviation, initial or acronym."""
_ACRONYM = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_INITIAL = re.compile(r"^[A-Z]$")

# Clause boundaries for splitting an over-long sentence: punctuation followed by a
# space, then Korean connective endings followed by a space.
_CLAUSE_PUNCTUATION = re.compile(r"[,;:–—)]\s++|(?<!\s)\s++[–—(]\s*+")
_KOREAN_CONNECTIVES = re.compile(
    r"(?:고|며|면서|지만|는데|은데|니까|어서|아서|해서|으며|는가 하면|거나|든지|도록|자)\s+"
)
_CLAUSE_BOUNDARIES = (_CLAUSE_PUNCTUATION, _KOREAN_CONNECTIVES, re.compile(r"\s+"))
"""Where an over-long sentence is split, in order of preference."""
_EXACT_SPLIT_CHARS = 4_000
"""A sentence longer than this (no real one is) is first cut into pieces of at most
this many characters in one pass (:func:`_chunks`), and each is then split in halves:
halving rescans a piece at every level, which alone is n log n on a hostile sentence
of any length. A shorter sentence splits exactly as it always has, so cached and
edited translations of its clauses still apply."""


def split_sentences(paragraph: str, lang: str | None = None) -> list[Sentence]:
    """Split one paragraph into sentences; ``lang`` is ``ko``, ``en`` or None to detect."""
    if not paragraph.strip():
        return []
    if lang not in ("ko", "en"):
        lang = detect_language(paragraph) or "en"
    return list(_split_cached(paragraph, lang))


@functools.lru_cache(maxsize=8192)
def _split_cached(paragraph: str, lang: str) -> tuple[Sentence, ...]:
    """Splits are remembered: Korean analysis costs milliseconds per paragraph, and an
    article is split again each time it is opened or translated."""
    spans = _korean_spans(paragraph) if lang == "ko" else _english_spans(paragraph)
    return tuple(_cover(paragraph, spans))


def _korean_spans(paragraph: str) -> list[int]:
    """Sentence start offsets from kiwipiepy (one call at a time: the UI and the
    translation worker share the analyser)."""
    kiwi, lock = shared_kiwi.kiwi_and_lock()
    with lock:
        return [int(sentence.start) for sentence in kiwi.split_into_sents(paragraph)]


def _english_spans(paragraph: str) -> list[int]:
    """Sentence start offsets from punctuation rules."""
    starts = [0]
    for match in _CANDIDATE.finditer(paragraph):
        next_char = match.group(1)
        if _is_boundary(paragraph, match.start(), match.group(0), next_char):
            starts.append(match.start(1))
    return starts


def _is_boundary(paragraph: str, position: int, punctuation: str, next_char: str) -> bool:
    if next_char[0].islower():
        return False
    if not punctuation.startswith("."):
        return True
    if punctuation.startswith("..."):
        return True
    word = _word_before(paragraph, position)
    if word is None:
        return True
    lowered = word.lower().rstrip(".")
    if lowered in _TITLES or _INITIAL.match(word):
        return False
    if lowered in _BEFORE_NUMBERS and next_char.isdigit():
        return False
    return not (_ACRONYM.match(word + ".") and next_char.isupper())


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char in "._"


def _word_before(paragraph: str, position: int) -> str | None:
    """The run of word characters and dots before ``position``, past any other characters.

    It looks back at most :data:`_WORD_WINDOW` characters: searching the whole text
    before every full stop (``paragraph[:position]``) made splitting quadratic
    (``'The cat sleeps on the mat. ' * 10000`` took 117 s). None when there is no word
    or it is longer than the window.
    """
    floor = max(0, position - _WORD_WINDOW)
    end = position
    while end > floor and not _is_word_char(paragraph[end - 1]):
        end -= 1
    start = end
    while start > floor and _is_word_char(paragraph[start - 1]):
        start -= 1
    if start == end or (start == floor and floor > 0):
        return None
    return paragraph[start:end]


def _cover(paragraph: str, starts: list[int]) -> list[Sentence]:
    """Turn start offsets into sentences that cover the whole paragraph, spaces trimmed."""
    bounds = sorted({0, *(s for s in starts if 0 < s < len(paragraph))})
    sentences = []
    for index, start in enumerate(bounds):
        end = bounds[index + 1] if index + 1 < len(bounds) else len(paragraph)
        sentence = _trimmed(paragraph, start, end)
        if sentence is not None:
            sentences.append(sentence)
    return sentences


def _trimmed(paragraph: str, start: int, end: int) -> Sentence | None:
    chunk = paragraph[start:end]
    stripped = chunk.strip()
    if not stripped:
        return None
    start += len(chunk) - len(chunk.lstrip())
    end = start + len(stripped)
    return Sentence(stripped, start, end)


def split_long_sentence(sentence: Sentence, fits: Callable[[str], bool]) -> list[Sentence]:
    """Split a sentence that is too long for the model into clauses that fit.

    Clause boundaries are tried in order (punctuation, Korean connective endings,
    then any space); a piece with no boundary left is cut at the middle character
    as a last resort, so nothing is ever dropped. ``fits`` tells whether a text
    is short enough (usually: its token count is within the model's limit).
    """
    if fits(sentence.text) or len(sentence.text) < 2:
        return [sentence]
    if len(sentence.text) > _EXACT_SPLIT_CHARS:
        return [piece for chunk in _chunks(sentence) for piece in split_long_sentence(chunk, fits)]
    for pattern in _CLAUSE_BOUNDARIES:
        cut = _middle_boundary(sentence.text, pattern)
        if cut is not None:
            break
    else:
        cut = len(sentence.text) // 2
    pieces = [
        piece
        for piece in (
            _trimmed(sentence.text, 0, cut),
            _trimmed(sentence.text, cut, len(sentence.text)),
        )
        if piece is not None
    ]
    result: list[Sentence] = []
    for piece in pieces:
        shifted = Sentence(piece.text, sentence.start + piece.start, sentence.start + piece.end)
        result.extend(split_long_sentence(shifted, fits))
    return result


def _chunks(sentence: Sentence) -> list[Sentence]:
    """``sentence`` cut at the last clause boundary (see :data:`_CLAUSE_BOUNDARIES`) of
    each stretch of :data:`_EXACT_SPLIT_CHARS` characters, or at its end when it has
    none: one pass, every piece at most that long."""
    text = sentence.text
    chunks: list[Sentence] = []
    position = 0
    while position < len(text):
        limit = min(position + _EXACT_SPLIT_CHARS, len(text))
        cut = limit if limit == len(text) else _last_boundary(text, position, limit) or limit
        piece = _trimmed(text, position, cut)
        if piece is not None:
            start = sentence.start + piece.start
            chunks.append(Sentence(piece.text, start, start + len(piece.text)))
        position = cut
    return chunks


def _last_boundary(text: str, start: int, end: int) -> int | None:
    """The last boundary end strictly inside ``text[start:end]`` of the first kind of
    :data:`_CLAUSE_BOUNDARIES` that has one there."""
    for pattern in _CLAUSE_BOUNDARIES:
        ends = _boundary_ends(text, pattern, start, end)
        if ends:
            return ends[-1]
    return None


def _boundary_ends(text: str, pattern: re.Pattern[str], start: int, end: int) -> list[int]:
    """Where the boundaries of ``pattern`` in ``text[start:end]`` end, strictly inside."""
    return [m.end() for m in pattern.finditer(text, start, end) if start < m.end() < end]


def _middle_boundary(text: str, pattern: re.Pattern[str]) -> int | None:
    """The boundary of ``pattern`` closest to the middle of ``text`` (an end offset)."""
    middle = len(text) / 2
    ends = _boundary_ends(text, pattern, 0, len(text))
    if not ends:
        return None
    return min(ends, key=lambda end: abs(end - middle))
