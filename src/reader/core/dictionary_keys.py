"""The keys dictionary entries are stored and looked up under.

A *lemma key* (:func:`lemma_key`) is a headword in NFC, lowercase, without spaces or
the ``^``/``-`` markers of Korean dictionaries; English headwords go through the
English stemmer (:func:`headword_keys`), short English glosses are keys too
(:func:`gloss_parts`), and a looked-up word is turned into its lemma with reader's own
analysis (:func:`lemma_of`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from reader.core.dictionary_formats import (
    DictionaryInfo,
    Sense,
)

_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3131-\u318e]")
_LATIN = re.compile("[A-Za-z]")
_KOREAN_MARKERS = re.compile(r"[\s^\-·]+|\d+$")
_GLOSS_SPLIT = re.compile(r"[;,/]|\bor\b")
_GLOSS_ARTICLE = re.compile(r"^(?:to|a|an|the)\s+", re.IGNORECASE)
_MAX_GLOSS_KEY_WORDS = 3


def lemma_key(text: str) -> str:
    """The key a headword (or a looked-up lemma) is stored under."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    if _HANGUL.search(text):
        return _KOREAN_MARKERS.sub("", text) or text
    return " ".join(text.split())


def _is_english(headword: str) -> bool:
    return bool(_LATIN.search(headword)) and not _HANGUL.search(headword)


def headword_keys(headwords: list[str]) -> list[str]:
    """Headwords' lemma keys; English headwords go through the English stemmer (in one
    batch), so that a dictionary's ``summits`` and a reader's ``summit`` meet."""
    keys = [lemma_key(headword) for headword in headwords]
    english = [index for index, headword in enumerate(headwords) if _is_english(headword)]
    if english:
        from reader.core.terms import lemmas_for

        lemmas = lemmas_for([headwords[index] for index in english], "en")
        for index, lemma in zip(english, lemmas, strict=True):
            keys[index] = lemma_key(lemma) or keys[index]
    return keys


def gloss_parts(senses: Iterable[Sense]) -> list[str]:
    """An entry's short English glosses (``to eat; to have`` → ``eat``, ``have``): the
    words an English lookup finds the Korean entry by."""
    parts: list[str] = []
    for sense in senses:
        for part in _GLOSS_SPLIT.split(sense.gloss):
            part = _GLOSS_ARTICLE.sub("", part.strip().strip(".()[]\"'"))
            if 0 < len(part.split()) <= _MAX_GLOSS_KEY_WORDS and _LATIN.search(part):
                parts.append(part)
    return list(dict.fromkeys(parts))


def dictionary_name(info: DictionaryInfo) -> str:
    """The short name ``dict remove`` takes: KRDict and kengdic have fixed ones, a
    Yomitan dictionary its title in lowercase with dashes."""
    if info.format != "yomitan":
        return info.name
    slug = re.sub(r"[^\w]+", "-", unicodedata.normalize("NFC", info.name).lower()).strip("-")
    return slug[:80] or "yomitan"


def word_language(word: str) -> str:
    """``ko`` for a word with Hangul, ``en`` for one with Latin letters, else ``other``."""
    if _HANGUL.search(word):
        return "ko"
    return "en" if _LATIN.search(word) else "other"


def lemma_of(word: str) -> str:
    """The lemma a looked-up word is found under: kiwipiepy's for Korean (loaded only
    here), the English stemmer's for English, the word itself otherwise."""
    language = word_language(word)
    if language == "other":
        return unicodedata.normalize("NFC", word).strip()
    from reader.core.terms import lemma_for

    return lemma_for(word, language) or word
