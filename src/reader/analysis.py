"""Where text is analysed: in this process, or in a helper process that keeps the TUI live.

Term highlights, lemmas, patterns, suggestions, occurrences and sentence splitting all
need an analysis of the text; for Korean that is kiwipiepy, whose loading holds the GIL
for seconds (a worker thread of the TUI would still freeze the screen). The service
asks an :class:`Analyser` for every analysis it needs, so no caller has to prepare
one: the CLI's service analyses here (:class:`InProcessAnalyser`), the TUI's in one
spawned helper process for as long as kiwipiepy is not loaded here
(:class:`HelperProcessAnalyser`).

Bulk jobs (analysing many articles, searching them) run whole on the analyser's side
through :meth:`Analyser.run_whole`, a typed call of a module-level function with a
service over the same files, so that thousands of analyses never cross processes.

This module imports nothing from Textual; the helper process imports it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, Protocol, TypeVar

from reader.core.processes import silence_terminal_output

if TYPE_CHECKING:
    from reader.core.models import Sentence
    from reader.core.terms import Analysis
    from reader.paths import Paths
    from reader.service import ReaderService

T = TypeVar("T")
P = ParamSpec("P")

HELPER_TIMEOUT_SECONDS = 300.0
"""Longest wait for one answer of the helper process (loading kiwipiepy takes a few
seconds, a bulk job over a large library a few minutes at most)."""


class AnalysisTimeoutError(Exception):
    """The helper process did not answer in time; it is stopped (the next call starts a
    new one). Not an ``OSError``: splitting must not fall back to loading kiwipiepy here."""


class Analyser(Protocol):
    """What the service needs analysed, wherever that happens."""

    def analyse_many(self, texts: Sequence[str], lang: str, *, keep: bool = True) -> list[Analysis]:
        """Analyses of ``texts``; ``keep=False`` leaves this process's cache alone."""
        ...

    def lemma_for(self, surface: str, lang: str) -> str:
        """The dictionary form of a selected word or phrase."""
        ...

    def split(self, paragraphs: Sequence[str], lang: str) -> list[list[Sentence]]:
        """The sentences of each paragraph, by the rules of ``lang``."""
        ...

    def warm_up(self, lang: str) -> None:
        """Start getting ready for ``lang`` in the background (returns at once)."""
        ...

    def run_whole(
        self,
        service: ReaderService,
        job: Callable[Concatenate[ReaderService, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``job(service, *args)``, or the same job on a service over the same files where
        heavy work does not hold up this process. ``job`` is a module-level function."""
        ...


# -- in this process ------------------------------------------------------------------------


class InProcessAnalyser:
    """Analysis here, by the core modules (the CLI, tests, and the helper process itself)."""

    def analyse_many(self, texts: Sequence[str], lang: str, *, keep: bool = True) -> list[Analysis]:
        from reader.core import terms

        return terms.analyse_many(texts, lang, keep=keep)

    def lemma_for(self, surface: str, lang: str) -> str:
        from reader.core import terms

        return terms.lemma_for(surface, lang)

    def split(self, paragraphs: Sequence[str], lang: str) -> list[list[Sentence]]:
        return split_here(list(paragraphs), lang)

    def warm_up(self, lang: str) -> None:
        """Nothing to prepare ahead: the first analysis loads what it needs."""

    def run_whole(
        self,
        service: ReaderService,
        job: Callable[Concatenate[ReaderService, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        return job(service, *args, **kwargs)


def split_here(paragraphs: list[str], lang: str) -> list[list[Sentence]]:
    """Sentences of each paragraph, split in this process."""
    from reader.core.sentences import split_sentences

    return [split_sentences(paragraph, lang) for paragraph in paragraphs]


# -- in the helper process ------------------------------------------------------------------


class HelperProcessAnalyser:
    """Korean analysis in the helper process until kiwipiepy is loaded here (the TUI).

    Analyses made in the helper are put into this process's analysis cache (unless
    ``keep`` is false), so matching here finds them made. Call every method from a
    worker thread: waiting on the helper releases the GIL.
    """

    def __init__(self, timeout: float = HELPER_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self._warmed: set[str] = set()
        self._warm_lock = threading.Lock()

    def analyse_many(self, texts: Sequence[str], lang: str, *, keep: bool = True) -> list[Analysis]:
        from reader.core import terms

        lang = terms.normalize_lang(lang)
        if not _in_helper(lang, texts):
            return terms.analyse_many(texts, lang, keep=keep)
        analyses = run_in_helper(self.timeout, _analyse_in_helper, list(texts), lang, keep)
        if keep:
            terms.cache_analyses(analyses)
        return analyses

    def lemma_for(self, surface: str, lang: str) -> str:
        from reader.core import terms

        lang = terms.normalize_lang(lang)
        if not needs_helper(lang):
            return terms.lemma_for(surface, lang)
        found, analyses = run_in_helper(self.timeout, _lemma_in_helper, surface, lang)
        terms.cache_analyses(analyses)  # saving the term needs its analysis too
        return found

    def split(self, paragraphs: Sequence[str], lang: str) -> list[list[Sentence]]:
        """Split in the helper; should it fail to start or answer with an error, here
        (slow, but the article opens)."""
        if _in_helper(lang, paragraphs):
            with contextlib.suppress(OSError, RuntimeError, ValueError):
                return run_in_helper(self.timeout, split_here, list(paragraphs), lang)
        return split_here(list(paragraphs), lang)

    def warm_up(self, lang: str) -> None:
        """Start the helper and its splitter for ``lang`` in a thread (the first call per
        language only); errors are left for the real work to report."""
        with self._warm_lock:
            if lang in self._warmed or not needs_helper(lang):
                return
            self._warmed.add(lang)

        def warm() -> None:
            with contextlib.suppress(OSError, RuntimeError, ValueError, AnalysisTimeoutError):
                run_in_helper(self.timeout, split_here, ["준비."], lang)

        threading.Thread(target=warm, name="reader-analyser-warm-up", daemon=True).start()

    def run_whole(
        self,
        service: ReaderService,
        job: Callable[Concatenate[ReaderService, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """In the helper, whatever the language: a bulk job would hold this process's GIL
        for seconds even where it loads nothing (counting the words of a long English
        article)."""
        result: T = run_in_helper(
            self.timeout, _run_job_in_helper, service.paths, job, args, kwargs
        )
        return result


def for_interactive(analyser: Analyser) -> Analyser:
    """``analyser`` if it keeps kiwipiepy out of this process, else one that does (what
    an interactive program must use)."""
    return analyser if isinstance(analyser, HelperProcessAnalyser) else HelperProcessAnalyser()


def needs_helper(lang: str) -> bool:
    """Korean, and kiwipiepy not loaded in this process yet."""
    return lang == "ko" and "kiwipiepy" not in sys.modules


BULK_CHARACTERS = 10_000
"""Texts longer than this together are analysed or split in the helper whatever their
language: English analysis is pure Python, and a long article's parts would hold this
process's GIL (and so the screen) for seconds; a word or a few paragraphs are quicker
here than a round trip."""


def _in_helper(lang: str, texts: Sequence[str]) -> bool:
    return needs_helper(lang) or sum(map(len, texts)) > BULK_CHARACTERS


# -- what the helper process runs -----------------------------------------------------------

_helper_services: dict[Paths, ReaderService] = {}
"""In the helper process: one service per READER_HOME it was asked about."""


def _analyse_in_helper(texts: list[str], lang: str, keep: bool) -> list[Analysis]:
    from reader.core import terms

    return terms.analyse_many(texts, lang, keep=keep)


def _lemma_in_helper(surface: str, lang: str) -> tuple[str, list[Analysis]]:
    from reader.core import terms

    return terms.lemma_for(surface, lang), terms.analyse_many([surface.strip()], lang)


def _run_job_in_helper(
    paths: Paths,
    job: Callable[..., T],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> T:
    """``job`` on the helper's own service over ``paths`` (analysing in this process)."""
    from reader.service import ReaderService

    service = _helper_services.get(paths)
    if service is None:
        service = _helper_services[paths] = ReaderService(paths, analyser=InProcessAnalyser())
    return job(service, *args, **kwargs)


# -- the helper process itself --------------------------------------------------------------

_pool: Any = None
_pool_lock = threading.Lock()


def run_in_helper(timeout: float, function: Callable[..., T], *args: Any) -> T:
    """Run a module-level ``function(*args)`` in the helper process and return its result.

    Raises :class:`AnalysisTimeoutError` when no answer came within ``timeout``
    seconds (the helper is then stopped); errors raised in the helper are raised here.
    """
    import multiprocessing

    pending = _helper_pool().apply_async(function, args)
    try:
        result: T = pending.get(timeout)
    except multiprocessing.TimeoutError:
        _stop_pool()
        raise AnalysisTimeoutError(
            f"the analysis helper process did not answer within {timeout:g} s"
            " (it was stopped; the next analysis starts a new one)"
        ) from None
    return result


def _helper_pool() -> Any:
    """The session's one helper process (started on first use)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = _start_pool()
            atexit.register(_stop_pool)
        return _pool


def _start_pool() -> Any:
    """One spawned helper process, silent, terminated (not awaited) at exit.

    multiprocessing hands ``sys.stderr``'s file descriptor to its resource tracker;
    inside the app Textual has replaced ``sys.stderr`` with an object without a real
    one, so a null device stands in while the processes start.
    """
    import multiprocessing

    saved = sys.stderr
    with open(os.devnull, "w") as null:
        sys.stderr = null
        try:
            return multiprocessing.get_context("spawn").Pool(
                processes=1, initializer=silence_terminal_output
            )
        finally:
            sys.stderr = saved


def _stop_pool() -> None:
    """Terminate the helper before the interpreter tears modules down (which would make
    the pool's own finalizer print an ignored exception)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.terminate()
            _pool = None
