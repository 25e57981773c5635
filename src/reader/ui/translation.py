"""The UI's side of translation: sentence splitting and events from the background queue.

Everything here that may import a heavy library (the sentence splitter loads
kiwipiepy, the queue loads CTranslate2) is called from worker threads only.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message

from reader.core.models import Sentence
from reader.ui.split_worker import needs_helper, split_in_helper

if TYPE_CHECKING:
    from reader.core.translation_queue import TranslationEvent as QueueEvent
    from reader.service import ReaderService


_SPLIT_CACHE: OrderedDict[tuple[str, int], list[list[Sentence]]] = OrderedDict()
_SPLIT_CACHE_SIZE = 32
_split_lock = threading.Lock()


def split_paragraphs(
    service: ReaderService, paragraphs: list[str], lang: str
) -> list[list[Sentence]]:
    """Sentences of each paragraph, with offsets; never an empty list for a paragraph.

    The last few articles' splits are kept, so going back to an article does not
    split it again (Korean splitting is the slowest step of opening one).
    """
    key = (lang, hash(tuple(paragraphs)))
    with _split_lock:
        if key in _SPLIT_CACHE:
            _SPLIT_CACHE.move_to_end(key)
            return _SPLIT_CACHE[key]
    result = _split(service, paragraphs, lang)
    with _split_lock:
        _SPLIT_CACHE[key] = result
        while len(_SPLIT_CACHE) > _SPLIT_CACHE_SIZE:
            _SPLIT_CACHE.popitem(last=False)
    return result


def _split(service: ReaderService, paragraphs: list[str], lang: str) -> list[list[Sentence]]:
    if needs_helper(lang):
        try:
            split = split_in_helper(paragraphs, lang)
        except (OSError, RuntimeError, ValueError):
            split = [service.split_sentences(paragraph, lang) for paragraph in paragraphs]
    else:
        split = [service.split_sentences(paragraph, lang) for paragraph in paragraphs]
    return [
        sentences or [Sentence(paragraph, 0, len(paragraph))]
        for paragraph, sentences in zip(paragraphs, split, strict=True)
    ]


def translation_plan(
    service: ReaderService,
    paragraphs: list[str],
    direction: tuple[str, str],
    forced: bool = False,
) -> tuple[set[int], dict[int, tuple[str, str]]]:
    """(paragraphs shown as they are, paragraphs translated in their own direction).

    A paragraph in the target language goes the other way when both directions have a
    model and ``[translation] per_paragraph`` is on; a ``forced`` direction (``x``)
    applies to every paragraph, those already in the target language kept as they are.
    """
    directions = service.paragraph_directions(
        paragraphs, direction, per_paragraph=False if forced else None
    )
    skip = {index for index, way in enumerate(directions) if way is None}
    own = {
        index: way for index, way in enumerate(directions) if way is not None and way != direction
    }
    return skip, own


def to_submit(sentences: list[list[Sentence]], skip: set[int]) -> list[list[Sentence]]:
    """The job's paragraphs: skipped ones are empty, so paragraph numbers stay the same."""
    return [[] if index in skip else split for index, split in enumerate(sentences)]


def passthrough_results(
    sentences: list[list[Sentence]], skip: set[int]
) -> list[tuple[int, int, str | None, bool]]:
    """``set_translations`` rows that show skipped paragraphs' sentences as their own."""
    return [
        (paragraph, number, sentence.text, False)
        for paragraph in sorted(skip)
        for number, sentence in enumerate(sentences[paragraph])
    ]


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
