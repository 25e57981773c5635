"""Background translation: a priority queue served by one worker thread.

The UI submits an article's sentences (visible paragraphs first), prefetches the
next unread articles at a lower priority, and cancels an article's jobs when the
reader leaves it. The worker works in small steps — the cache lookup of a job,
then chunks of sentences — and picks the most urgent job again after each step,
so a newly opened article overtakes a prefetch within one chunk. Every job
shares the one engine per direction held by :class:`Translations`.

Callbacks run on the worker thread; a UI hands them to its own thread (Textual:
``call_from_thread``). An exception raised by a callback is logged and ignored.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from reader.core.models import Sentence
from reader.core.steering import AppliedTerm, Glossary
from reader.core.translation import NoModelError, Outcome, Translations

log = logging.getLogger(__name__)

FIRST_CHUNK = 1
"""Sentences in a job's first model call: one, so the first translation shows fast."""
CHUNK = 48
"""Sentences per model call after the first."""
BACKGROUND = 100
"""The priority of translating articles nobody has open yet (prefetch, new articles of a
refresh): below every article the reader opened (priority 0)."""
BACKGROUND_CHUNK = 4
"""Sentences per model call of a background job: few, because a newly opened article
waits for the model call under way. On the benchmark-size model one call of 1, 2, 4,
8 or 16 sentences took 1.0, 1.2, 1.7, 2.3 and 3.9 times as long as one of 1, at 1.0,
0.6, 0.43, 0.29 and 0.24 of its time per sentence: 4 keeps the wait under twice a
one-sentence call and the background within 1.8 times the best throughput."""


@dataclass(frozen=True)
class SentenceDone:
    """One sentence translated (or failed: ``error`` says why)."""

    job_id: int
    article_id: int | None
    paragraph: int
    sentence: int
    source: str
    target: str
    error: str | None = None
    confidence: float | None = None
    """0–1, see core/confidence.py (None: not measured)."""
    reason: str = ""
    alternatives: tuple[str, ...] = ()
    """The model's n-best alternatives from the same decode."""
    user: str = ""
    """``edit`` or ``alternative`` when the translation is the reader's own."""
    terms: tuple[AppliedTerm, ...] = ()
    """The glossary terms of the sentence, and whether each was applied."""


@dataclass(frozen=True)
class JobProgress:
    job_id: int
    done: int
    total: int


@dataclass(frozen=True)
class JobFailed:
    """The whole job cannot run, e.g. no model for the direction; one line for the user."""

    job_id: int
    message: str


TranslationEvent = SentenceDone | JobProgress | JobFailed
EventCallback = Callable[[TranslationEvent], None]


@dataclass
class _Job:
    job_id: int
    article_id: int | None
    priority: int
    order: int
    source_lang: str
    target_lang: str
    callback: EventCallback
    positions: list[tuple[int, int]]
    """(paragraph, sentence) of each sentence, in the order they are translated."""
    texts: list[str]
    directions: list[tuple[str, str]] = field(default_factory=list)
    """(source, target) of each sentence: the job's, or its paragraph's own."""
    glossaries: Mapping[tuple[str, str], Glossary | None] = field(default_factory=dict)
    """The glossary steering each direction (none: unsteered)."""
    pending: list[int] = field(default_factory=list)
    cache_checked: bool = False
    done: int = 0
    cancelled: bool = False
    chunks_run: int = 0
    chunk: int = CHUNK
    """Sentences per model call after the first."""


def _by_direction(job: _Job, indexes: Iterable[int]) -> list[tuple[tuple[str, str], list[int]]]:
    """The job's sentences at ``indexes``, grouped by direction (in order of first use)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for index in indexes:
        direction = job.directions[index] if job.directions else (job.source_lang, job.target_lang)
        groups.setdefault(direction, []).append(index)
    return list(groups.items())


class TranslationQueue:
    """Translate submitted articles in the background, most urgent first."""

    def __init__(self, translations: Translations) -> None:
        self._translations = translations
        self._jobs: dict[int, _Job] = {}
        self._ids = itertools.count(1)
        self._condition = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None

    def submit(
        self,
        paragraphs: list[list[Sentence]],
        source_lang: str,
        target_lang: str,
        callback: EventCallback,
        *,
        article_id: int | None = None,
        priority: int = 0,
        first_paragraphs: Sequence[int] = (),
        paragraph_directions: Mapping[int, tuple[str, str]] | None = None,
        glossaries: Mapping[tuple[str, str], Glossary | None] | None = None,
        chunk: int = CHUNK,
    ) -> int:
        """Queue sentences for translation; returns the job id.

        Lower ``priority`` runs first (ties: first submitted). The sentences of
        ``first_paragraphs`` (the visible ones) are translated before the rest.
        ``paragraph_directions`` gives some paragraphs their own (source, target), e.g.
        a Korean paragraph of an English article. ``glossaries`` gives the glossary that
        steers each direction (core/steering.py); a direction without one is unsteered.
        ``chunk`` is how many sentences go
        to the model at a time after the first (background jobs: fewer, see
        :data:`BACKGROUND_CHUNK`).
        """
        first = [p for p in dict.fromkeys(first_paragraphs) if 0 <= p < len(paragraphs)]
        order = first + [p for p in range(len(paragraphs)) if p not in set(first)]
        positions = [(p, s) for p in order for s in range(len(paragraphs[p]))]
        own = paragraph_directions or {}
        directions = [own.get(p, (source_lang, target_lang)) for p, _ in positions]
        with self._condition:
            if self._closed:
                raise RuntimeError("the translation queue is closed")
            job_id = next(self._ids)
            self._jobs[job_id] = _Job(
                job_id=job_id,
                article_id=article_id,
                priority=priority,
                order=job_id,
                source_lang=source_lang,
                target_lang=target_lang,
                callback=callback,
                positions=positions,
                texts=[paragraphs[p][s].text for p, s in positions],
                directions=directions,
                glossaries=dict(glossaries or {}),
                chunk=max(1, chunk),
            )
            self._ensure_worker()
            self._condition.notify()
        return job_id

    def preload(self, source_lang: str, target_lang: str) -> None:
        """Load a direction's model in the background (e.g. when the app starts), so the
        first sentence of the first article does not wait for it. Errors are ignored:
        the first real job reports them."""

        def load() -> None:
            try:
                self._translations.engine(source_lang, target_lang).load()
            except Exception as error:
                log.info("preload of %s→%s skipped: %s", source_lang, target_lang, error)

        threading.Thread(target=load, name="reader-translation-preload", daemon=True).start()

    def cancel(self, job_id: int) -> None:
        """Stop a job; sentences already being translated are cached but not reported."""
        with self._condition:
            job = self._jobs.pop(job_id, None)
            if job is not None:
                job.cancelled = True

    def cancel_article(self, article_id: int) -> None:
        with self._condition:
            for job_id in [j.job_id for j in self._jobs.values() if j.article_id == article_id]:
                self._jobs.pop(job_id).cancelled = True

    def pending_jobs(self) -> int:
        with self._condition:
            return len(self._jobs)

    def is_closed(self) -> bool:
        """The queue was closed: submitting raises, queued jobs report nothing more."""
        return self._closed

    def has_jobs_before(self, priority: int) -> bool:
        """Whether a job more urgent than ``priority`` is queued or running (background
        work waits until none is)."""
        with self._condition:
            return any(job.priority < priority for job in self._jobs.values())

    def close(self, timeout: float | None = 10.0) -> None:
        """Cancel everything and stop the worker (after its current model call)."""
        with self._condition:
            self._closed = True
            for job in self._jobs.values():
                job.cancelled = True
            self._jobs.clear()
            self._condition.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    # -- worker --------------------------------------------------------------------------

    def _ensure_worker(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="reader-translation", daemon=True
            )
            self._thread.start()

    def _next_job(self) -> _Job | None:
        with self._condition:
            while not self._jobs and not self._closed:
                self._condition.wait()
            if self._closed:
                return None
            return min(self._jobs.values(), key=lambda job: (job.priority, job.order))

    def _run(self) -> None:
        while True:
            job = self._next_job()
            if job is None:
                return
            try:
                self._step(job)
            except NoModelError as error:
                self._finish(job)
                self._emit(job, JobFailed(job.job_id, str(error)))
            except Exception as error:
                log.exception("translation job %s failed", job.job_id)
                self._finish(job)
                self._emit(job, JobFailed(job.job_id, f"translation failed: {error}"))

    def _step(self, job: _Job) -> None:
        """One unit of work: the cache lookup, or one chunk of sentences."""
        if not job.cache_checked:
            self._check_cache(job)
        elif job.pending:
            self._translate_chunk(job)
        if not job.pending:
            self._finish(job)

    def _check_cache(self, job: _Job) -> None:
        pending: list[int] = []
        for (source, target), indexes in _by_direction(job, range(len(job.texts))):

            def report(index: int, outcome: Outcome, indexes: list[int] = indexes) -> None:
                self._report(job, indexes[index], outcome)

            results = self._translations.translate(
                [job.texts[i] for i in indexes],
                source,
                target,
                on_result=report,
                should_stop=lambda: True,
                glossary=job.glossaries.get((source, target)),
            )
            pending += [indexes[i] for i, outcome in enumerate(results) if outcome is None]
        job.pending = sorted(pending)
        job.cache_checked = True
        self._emit(job, JobProgress(job.job_id, job.done, len(job.texts)))

    def _translate_chunk(self, job: _Job) -> None:
        size = FIRST_CHUNK if job.chunks_run == 0 else job.chunk
        chunk, job.pending = job.pending[:size], job.pending[size:]
        job.chunks_run += 1
        for (source, target), indexes in _by_direction(job, chunk):
            outcomes = self._translations.translate(
                [job.texts[i] for i in indexes],
                source,
                target,
                glossary=job.glossaries.get((source, target)),
            )
            for index, outcome in zip(indexes, outcomes, strict=True):
                assert outcome is not None
                self._report(job, index, outcome)
        self._emit(job, JobProgress(job.job_id, job.done, len(job.texts)))

    def _report(self, job: _Job, index: int, outcome: Outcome) -> None:
        job.done += 1
        paragraph, sentence = job.positions[index]
        self._emit(
            job,
            SentenceDone(
                job_id=job.job_id,
                article_id=job.article_id,
                paragraph=paragraph,
                sentence=sentence,
                source=job.texts[index],
                target=outcome.target,
                error=outcome.error,
                confidence=outcome.confidence,
                reason=outcome.reason,
                alternatives=outcome.alternatives,
                user=outcome.user,
                terms=outcome.terms,
            ),
        )

    def _finish(self, job: _Job) -> None:
        with self._condition:
            self._jobs.pop(job.job_id, None)

    def _emit(self, job: _Job, event: TranslationEvent) -> None:
        if job.cancelled:
            return
        try:
            job.callback(event)
        except Exception:
            log.exception("translation callback failed for job %s", job.job_id)
