"""Term analysis for the TUI in the helper process that splits Korean sentences.

Highlighting, lemmas, suggestions, occurrences and difficulty all need a kiwipiepy
analysis of Korean text. Loading kiwipiepy holds the GIL for seconds, so while it is
not loaded in this process the analysis is made in the helper process of
:mod:`reader.ui.split_worker` and handed to the service's analysis cache; the
service then finds every analysis it needs already made. Work that cannot be fed
from the cache (occurrences split sentences; vocabulary indexing analyses many
articles) runs as a whole in the helper, on its own service over the same files.

Call everything here from worker threads: waiting on the helper releases the GIL.
This module imports nothing from Textual: the helper process imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reader.ui import split_worker

if TYPE_CHECKING:
    from reader.core.terms import Analysis
    from reader.paths import Paths
    from reader.service import ReaderService

HELPER_METHODS = frozenset(
    {
        "term_occurrences",
        "index_vocabulary",
        "article_difficulty",
        "refresh_term_patterns",
        "mine_sentences",
    }
)
"""Service methods that may be run whole in the helper process."""

_helper_services: dict[Paths, ReaderService] = {}
"""In the helper process: one service per READER_HOME it was asked about."""


# -- what the helper process runs ----------------------------------------------------------


def analyse_in_this_process(texts: list[str], lang: str) -> list[Analysis]:
    """Analyses of ``texts`` (the helper's side; also the fallback here)."""
    from reader.core import terms

    return terms.analyse_many(texts, lang)


def lemma_in_this_process(surface: str, lang: str) -> tuple[str, list[Analysis]]:
    """The lemma of a selected word or phrase, with the analysis it was made from."""
    from reader.core import terms

    return terms.lemma_for(surface, lang), terms.analyse_many([surface.strip()], lang)


def service_call_in_this_process(paths: Paths, method: str, args: tuple[Any, ...]) -> Any:
    """Run one of :data:`HELPER_METHODS` on a service over ``paths``."""
    from reader.service import ReaderService

    if method not in HELPER_METHODS:
        raise ValueError(f"{method} does not run in the helper process")
    service = _helper_services.get(paths)
    if service is None:
        service = _helper_services[paths] = ReaderService(paths)
    return getattr(service, method)(*args)


# -- the app's side ------------------------------------------------------------------------


def _in_helper(function: Any, *args: Any) -> Any:
    """Run ``function(*args)`` in the helper process and wait for the result."""
    return split_worker.run_in_helper(function, *args)


def analyse(service: ReaderService, texts: list[str], lang: str) -> list[Analysis]:
    """Analyse ``texts`` where it does not freeze the screen and keep the analyses in the
    service's cache, so that matching and suggestions find them made."""
    from reader.core.terms import normalize_lang

    lang = normalize_lang(lang)
    if not split_worker.needs_helper(lang):
        return analyse_in_this_process(texts, lang)
    analyses: list[Analysis] = _in_helper(analyse_in_this_process, texts, lang)
    service.cache_analyses(analyses)
    return analyses


def lemma(service: ReaderService, surface: str, lang: str) -> str:
    """The lemma of ``surface``; its analysis is cached too (saving the term needs it)."""
    from reader.core.terms import normalize_lang

    lang = normalize_lang(lang)
    if not split_worker.needs_helper(lang):
        return service.lemma_for(surface, lang)
    found, analyses = _in_helper(lemma_in_this_process, surface, lang)
    service.cache_analyses(analyses)
    return str(found)


def call(service: ReaderService, lang: str, method: str, *args: Any) -> Any:
    """``service.method(*args)``, run in the helper when it would load kiwipiepy here."""
    from reader.core.terms import normalize_lang

    if not split_worker.needs_helper(normalize_lang(lang)):
        return getattr(service, method)(*args)
    return _in_helper(service_call_in_this_process, service.paths, method, args)
