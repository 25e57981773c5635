"""Translating articles before they are opened: the next unread ones, new ones of a refresh.

A :class:`Prefetcher` holds the articles wanted next and translates them one at a time
on the background queue at :data:`~reader.core.translation_queue.BACKGROUND` priority,
below every article the reader has open. It starts an article only when nothing more
urgent is queued and ``idle()`` agrees (the TUI: the open article is translated), and
its jobs go to the model :data:`~reader.core.translation_queue.BACKGROUND_CHUNK`
sentences at a time, so a newly opened article waits for one small model call at most
and then overtakes it. Two lists are kept: the reading list, replaced as the reader
moves (an article in flight that is no longer on it is cancelled), and the background
list (new articles of a refresh), worked through after it and kept until done.

Preparing an article (reading it, splitting its sentences, choosing each paragraph's
direction) is :func:`prepare_article` (core/prefetch_work.py), given the splitter to
use: the TUI's keeps its splits, so opening a prefetched article splits nothing
either. Which articles are ready or new is SQL in core/prefetch_queries.py. This
module re-exports their names.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reader.core.paragraph_split import Splitter as Splitter
from reader.core.paragraph_split import split_by_language as split_by_language
from reader.core.prefetch_queries import articles_after as articles_after
from reader.core.prefetch_queries import last_article_id as last_article_id
from reader.core.prefetch_queries import ready_among as ready_among
from reader.core.prefetch_queries import with_sentences as with_sentences
from reader.core.prefetch_work import ArticleSource as ArticleSource
from reader.core.prefetch_work import ArticleWork as ArticleWork
from reader.core.prefetch_work import prepare_article as prepare_article
from reader.core.translation_queue import (
    BACKGROUND,
    BACKGROUND_CHUNK,
    JobFailed,
    JobProgress,
    TranslationEvent,
    TranslationQueue,
)

log = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 0.1
"""How often a waiting prefetcher asks whether the reader's own work is done."""


@dataclass(frozen=True)
class PrefetchDone:
    """One article the prefetcher finished: translated whole, or why not (``error``)."""

    article_id: int
    title: str
    sentences: int
    error: str | None = None


class Prefetcher:
    """Translate wanted articles in the background, one at a time, when nothing more
    urgent runs. ``on_done`` is called on the prefetcher's thread for each article
    finished or failed; an exception it raises is logged and ignored."""

    def __init__(
        self,
        queue: TranslationQueue,
        prepare: Callable[[int], ArticleWork],
        *,
        idle: Callable[[], bool] = lambda: True,
        on_done: Callable[[PrefetchDone], None] = lambda done: None,
        priority: int = BACKGROUND,
    ) -> None:
        self._queue = queue
        self._prepare = prepare
        self._idle = idle
        self._on_done = on_done
        self._priority = priority
        self._reading: list[int] = []
        self._background: list[int] = []
        self._finished: set[int] = set()
        self._current: tuple[int, int] | None = None
        """(article id, job id) of the job on the queue."""
        self._job_over = threading.Event()
        self._job_error: str | None = None
        self._condition = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None

    # -- what is wanted (any thread) ---------------------------------------------------

    def want(self, article_ids: Sequence[int]) -> None:
        """The reading list is now ``article_ids`` (in order): an article in flight that
        is on neither list any more is cancelled."""
        with self._condition:
            self._reading = list(dict.fromkeys(article_ids))
            self._cancel_unwanted()
            self._start()

    def add(self, article_ids: Sequence[int]) -> None:
        """Add articles to the background list (after the reading list's)."""
        with self._condition:
            known = set(self._background)
            self._background += [a for a in dict.fromkeys(article_ids) if a not in known]
            self._start()

    def stop(self) -> None:
        """Forget both lists and cancel the article in flight."""
        with self._condition:
            self._reading, self._background = [], []
            self._cancel_unwanted()

    def pending(self) -> list[int]:
        """The wanted articles not finished yet, in the order they will be translated."""
        with self._condition:
            return self._pending()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every wanted article is finished (or the prefetcher or its queue is
        closed); False on timeout."""
        with self._condition:
            return self._condition.wait_for(lambda: self._closed or not self._pending(), timeout)

    def close(self, timeout: float | None = 5.0) -> None:
        """Stop: cancel the article in flight and end the thread."""
        with self._condition:
            self._closed = True
            self._reading, self._background = [], []
            self._cancel_unwanted()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _pending(self) -> list[int]:
        wanted = dict.fromkeys([*self._reading, *self._background])
        return [article_id for article_id in wanted if article_id not in self._finished]

    def _wanted(self, article_id: int) -> bool:
        return not self._closed and article_id in self._pending()

    def _cancel_unwanted(self) -> None:
        """(Under the lock.) Cancel the job in flight if its article is not wanted."""
        if self._current is not None and not self._wanted(self._current[0]):
            self._queue.cancel(self._current[1])
            self._current = None
            self._job_over.set()
        self._condition.notify_all()

    def _start(self) -> None:
        if self._thread is None and not self._closed:
            self._thread = threading.Thread(target=self._run, name="reader-prefetch", daemon=True)
            self._thread.start()

    # -- the worker --------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._closed or bool(self._pending()))
                if self._closed:
                    return
                article_id = self._pending()[0]
            if self._wait_until_idle(article_id):
                self._translate(article_id)

    def _wait_until_idle(self, article_id: int) -> bool:
        """Wait until nothing more urgent runs; False when the article stopped being wanted."""
        while True:
            with self._condition:
                if not self._wanted(article_id):
                    return False
            if self._quiet():
                return True
            with self._condition:
                self._condition.wait(IDLE_POLL_SECONDS)

    def _quiet(self) -> bool:
        try:
            idle = self._idle()
        except Exception:
            log.exception("prefetch: the idle check failed")
            idle = False
        return idle and not self._queue.has_jobs_before(self._priority)

    def _translate(self, article_id: int) -> None:
        try:
            work = self._prepare(article_id)
        except Exception as error:
            log.info("prefetch of article %s skipped: %s", article_id, error)
            self._finish(PrefetchDone(article_id, "", 0, str(error) or type(error).__name__))
            return
        if not work.sentences:
            self._finish(PrefetchDone(article_id, work.title, 0))
            return
        with self._condition:
            if not self._wanted(article_id) or self._queue.is_closed():
                return
            self._job_over.clear()
            self._job_error = None
            job_id = self._queue.submit(
                work.paragraphs,
                work.direction[0],
                work.direction[1],
                self._event,
                article_id=article_id,
                priority=self._priority,
                paragraph_directions=work.own,
                glossaries=work.glossaries,
                chunk=BACKGROUND_CHUNK,
            )
            self._current = (article_id, job_id)
        while not self._job_over.wait(IDLE_POLL_SECONDS * 10):
            if self._queue.is_closed():  # the app is closing: its jobs report nothing more
                with self._condition:
                    self._closed = True
                    self._condition.notify_all()
                return
        with self._condition:
            cancelled = self._current is None or self._current[1] != job_id
            self._current = None
        if not cancelled:
            self._finish(PrefetchDone(article_id, work.title, work.sentences, self._job_error))

    def _event(self, event: TranslationEvent) -> None:
        """The queue's events of the job in flight (on the queue's thread)."""
        if isinstance(event, JobFailed):
            self._job_error = event.message
            self._job_over.set()
        elif isinstance(event, JobProgress) and event.done >= event.total:
            self._job_over.set()

    def _finish(self, done: PrefetchDone) -> None:
        with self._condition:
            self._finished.add(done.article_id)
            self._condition.notify_all()
        try:
            self._on_done(done)
        except Exception:
            log.exception("prefetch: the callback for article %s failed", done.article_id)


def translate_articles(
    queue: TranslationQueue,
    prepare: Callable[[int], ArticleWork],
    article_ids: Sequence[int],
    on_done: Callable[[PrefetchDone], None] = lambda done: None,
) -> list[PrefetchDone]:
    """Translate these articles in order through the queue (into its cache) and wait;
    one result per article (``reader refresh --translate``)."""
    results: list[PrefetchDone] = []

    def record(done: PrefetchDone) -> None:
        results.append(done)
        on_done(done)

    prefetcher = Prefetcher(queue, prepare, on_done=record)
    try:
        prefetcher.add(article_ids)
        prefetcher.wait()
    finally:
        prefetcher.close()
    return results
