"""A screen's translation on the background queue: its jobs, their events, cancelling.

The article screen and the translator both submit sentences to the one
:class:`~reader.core.translation_queue.TranslationQueue` and apply what comes back;
:class:`TranslationJob` is that client once: the jobs a screen started and how far
each got, the cancelled ones whose late events are dropped, and the batching that
turns hundreds of events into one message.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from textual.message import Message

from reader.core.translation_queue import JobFailed, JobProgress, SentenceDone
from reader.ui.widgets.paragraphs import SentenceDetails, SentenceTranslation

if TYPE_CHECKING:
    from reader.core.models import Sentence
    from reader.core.steering import Glossary
    from reader.core.translation_queue import TranslationEvent as QueueEvent
    from reader.core.translation_queue import TranslationQueue


class TranslationEvents(Message):
    """Translation events are waiting in a screen's :class:`EventBatch`."""


class EventBatch:
    """Collects the queue's events on its thread; the screen drains them once per message.

    A cached article reports hundreds of sentences within milliseconds; posting and
    handling a message (and a repaint) for each would keep the event loop busy for
    seconds, so only the first event of a batch posts a message.
    """

    def __init__(self, notify: Callable[[], object]) -> None:
        self._notify = notify
        self._events: list[QueueEvent] = []
        self._lock = threading.Lock()
        self._scheduled = False

    def add(self, event: QueueEvent) -> None:
        with self._lock:
            self._events.append(event)
            if self._scheduled:
                return
            self._scheduled = True
        self._notify()

    def drain(self) -> list[QueueEvent]:
        with self._lock:
            events, self._events = self._events, []
            self._scheduled = False
        return events


class JobCount(NamedTuple):
    """How many of a job's sentences are translated, of how many."""

    done: int
    total: int


@dataclass
class TranslationUpdate:
    """What the queue reported since the last drain, for the screen to show."""

    sentences: list[SentenceTranslation] = field(default_factory=list)
    progressed: bool = False
    """A job's count changed (see :attr:`TranslationJob.counts`)."""
    failures: list[str] = field(default_factory=list)
    """Why jobs could not run at all (no model), in the order they came."""


class TranslationJob:
    """The jobs one screen has on the queue, and their events.

    ``queue`` gives the service's queue when asked (the screen's service is only
    there once it is mounted); ``notify`` is called from the queue's thread when a
    batch of events starts waiting, and should post :class:`TranslationEvents`.
    """

    def __init__(self, queue: Callable[[], TranslationQueue], notify: Callable[[], object]) -> None:
        self._queue = queue
        self._jobs: dict[int, JobCount | None] = {}
        """The running jobs and their counts (None until the queue reports one)."""
        self._stale: set[int] = set()
        """Cancelled jobs: events of theirs still in flight are dropped."""
        self._batch = EventBatch(notify)
        self._registering = threading.Lock()
        """Held from submitting a job until it is registered, so that a drain never
        sees the first events of a job it does not know yet (submits may come from
        worker threads)."""

    @property
    def newest(self) -> int | None:
        """The newest job, None when none runs."""
        return max(self._jobs, default=None)

    @property
    def ids(self) -> tuple[int, ...]:
        """Every job since the last cancel, finished ones included."""
        return tuple(self._jobs)

    @property
    def counts(self) -> list[JobCount]:
        """The counts the queue reported so far, one per job that reported."""
        return [count for count in self._jobs.values() if count is not None]

    def __bool__(self) -> bool:
        return bool(self._jobs)

    def all_done(self) -> bool:
        """Every job reported and translated all its sentences (True with no job)."""
        return all(count is not None and count.done >= count.total for count in self._jobs.values())

    def submit(
        self,
        paragraphs: list[list[Sentence]],
        direction: tuple[str, str],
        *,
        article_id: int | None = None,
        first_paragraphs: Sequence[int] = (),
        paragraph_directions: Mapping[int, tuple[str, str]] | None = None,
        glossaries: Mapping[tuple[str, str], Glossary | None] | None = None,
    ) -> int:
        """Queue the sentences of ``paragraphs`` (empty ones are skipped); the job id.
        ``glossaries`` steer the directions (see :func:`reader.ui.translation.glossaries_for`)."""
        with self._registering:
            job_id = self._queue().submit(
                paragraphs,
                direction[0],
                direction[1],
                self._batch.add,
                article_id=article_id,
                priority=0,
                first_paragraphs=first_paragraphs,
                paragraph_directions=paragraph_directions,
                glossaries=glossaries,
            )
            self._jobs[job_id] = None
        return job_id

    def drain(self) -> TranslationUpdate:
        """Everything the queue reported since the last drain (call on the UI thread)."""
        with self._registering:
            events = self._batch.drain()
        update = TranslationUpdate()
        for event in events:
            if event.job_id in self._stale or event.job_id not in self._jobs:
                continue
            if isinstance(event, SentenceDone):
                update.sentences.append(
                    SentenceTranslation(
                        event.paragraph,
                        event.sentence,
                        event.target,
                        bool(event.error),
                        details_of(event),
                    )
                )
            elif isinstance(event, JobProgress):
                self._jobs[event.job_id] = JobCount(event.done, event.total)
                update.progressed = True
            elif isinstance(event, JobFailed):
                update.failures.append(event.message)
        return update

    def cancel(self) -> None:
        """Cancel every job; their events still in flight are dropped."""
        for job_id in self._jobs:
            self._stale.add(job_id)
            self._queue().cancel(job_id)
        self._jobs.clear()


def details_of(event: SentenceDone) -> SentenceDetails:
    """What the view shows of a sentence beyond its text: its confidence, whether it is
    the reader's own, its n-best, and the glossary terms applied in it (by term id)."""
    return SentenceDetails(
        confidence=event.confidence,
        reason=event.reason,
        alternatives=event.alternatives,
        user=event.user,
        glosses=tuple((term.term_id, term.gloss) for term in event.terms if term.applied),
    )
