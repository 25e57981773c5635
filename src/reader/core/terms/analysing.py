"""Analysing texts: the cache of paragraph analyses, batches by language, and the
dictionary form (lemma) of a word or phrase as it appears in text."""

from __future__ import annotations

import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence

from reader.core.terms.english import analyse_latin, latin_lemma
from reader.core.terms.korean import analyse_korean_batch, korean_lemma
from reader.core.terms.tokens import Analysis, normalize_lang

_ANALYSIS_CACHE_SIZE = 2048
"""Paragraph analyses kept in memory (a long article has about a hundred; a news
paragraph of 50 words takes about 9 KB, its strings being interned)."""


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
            analyse_korean_batch(missing)
            if lang == "ko"
            else [analyse_latin(text, lang) for text in missing]
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


def lemma_for(surface: str, lang: str) -> str:
    """The dictionary form of a word or phrase as it appears in text.

    ``외교를`` → ``외교``, ``먹었다`` → ``먹다``, ``Summits`` → ``summit``.
    """
    analysis = analyse(surface.strip(), lang)
    if analysis.lang == "ko":
        return korean_lemma(analysis)
    return latin_lemma(analysis)


def lemmas_for(surfaces: Sequence[str], lang: str) -> list[str]:
    """Dictionary forms of many words or phrases, analysed in one batch without filling
    the analysis cache (dictionary imports key tens of thousands of glosses)."""
    analyses = analyse_many([surface.strip() for surface in surfaces], lang, keep=False)
    return [
        korean_lemma(analysis) if analysis.lang == "ko" else latin_lemma(analysis)
        for analysis in analyses
    ]
