"""English and other Latin-script languages: a light stemmer that maps regular
inflections to one key, case-insensitive tokens, and dictionary forms of terms."""

from __future__ import annotations

import re
from sys import intern

from reader.core.terms.tokens import Analysis, pattern_bounds

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


def analyse_latin(text: str, lang: str) -> Analysis:
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


def latin_lemma(analysis: Analysis) -> str:
    """Lowercase words, the last one without its plural or regular verb ending."""
    first, last = pattern_bounds(analysis)
    if first >= last:
        return analysis.text.strip().lower()
    text = analysis.text[analysis.starts[first] : analysis.starts[last - 1]].lower()
    final = analysis.lemmas[last - 1]
    if analysis.lang == "en" and analysis.tags[last - 1] == "W":
        stripped = _strip_inflection(final)
        final = stripped if len(stripped) >= 4 or stripped == final else final
    return text + final
