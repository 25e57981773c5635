"""The background queue: cache first, visible paragraphs first, priorities, cancellation."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from reader.core.models import Sentence
from reader.core.translation_queue import (
    JobFailed,
    JobProgress,
    SentenceDone,
    TranslationEvent,
    TranslationQueue,
)
from reader.service import ReaderService

TIMEOUT = 30


class Recorder:
    """Collects events; ``wait`` returns when a job has finished or failed."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.events: list[TranslationEvent] = []
        self.finished = threading.Event()
        self.gate = gate

    def __call__(self, event: TranslationEvent) -> None:
        if self.gate is not None:
            assert self.gate.wait(TIMEOUT)
        self.events.append(event)
        done = isinstance(event, JobProgress) and event.done == event.total
        if done or isinstance(event, JobFailed):
            self.finished.set()

    def wait(self) -> list[TranslationEvent]:
        assert self.finished.wait(TIMEOUT), self.events
        return self.events

    def sentences(self) -> list[SentenceDone]:
        return [e for e in self.events if isinstance(e, SentenceDone)]


def paragraphs_of(service: ReaderService, texts: list[str], lang: str) -> list[list[Sentence]]:
    return [service.split_sentences(text, lang) for text in texts]


@pytest.fixture
def service(installed_tiny_models: object, no_network: object) -> Iterator[ReaderService]:
    service = ReaderService()
    yield service
    service.close()


KO = ["고양이 가 잔다. 오늘 비.", "친구 는 책 을 읽는다.", "사과 를 먹는다! 학교 간다."]


def test_events_for_every_sentence_and_progress(service: ReaderService) -> None:
    recorder = Recorder()
    job = service.translation_queue.submit(
        paragraphs_of(service, KO, "ko"), "ko", "en", recorder, article_id=7
    )
    events = recorder.wait()
    done = recorder.sentences()
    assert {(e.paragraph, e.sentence) for e in done} == {(0, 0), (0, 1), (1, 0), (2, 0), (2, 1)}
    assert all(e.job_id == job and e.article_id == 7 and e.error is None for e in done)
    by_position = {(e.paragraph, e.sentence): e.target for e in done}
    assert by_position[(0, 0)] == "cat 가 잔다."
    assert by_position[(2, 1)] == "school 간다."
    progress = [e for e in events if isinstance(e, JobProgress)]
    assert progress[-1] == JobProgress(job, 5, 5)


def test_cached_sentences_come_before_any_model_work(service: ReaderService) -> None:
    service.translations.translate(["친구 는 책 을 읽는다."], "ko", "en")
    recorder = Recorder()
    service.translation_queue.submit(paragraphs_of(service, KO, "ko"), "ko", "en", recorder)
    events = recorder.wait()
    assert isinstance(events[0], SentenceDone)
    assert (events[0].paragraph, events[0].target) == (1, "friend 는 book 을 읽는다.")
    assert events[1] == JobProgress(events[0].job_id, 1, 5)


def test_visible_paragraphs_are_translated_first(service: ReaderService) -> None:
    recorder = Recorder()
    service.translation_queue.submit(
        paragraphs_of(service, KO, "ko"), "ko", "en", recorder, first_paragraphs=[2]
    )
    recorder.wait()
    assert [e.paragraph for e in recorder.sentences()] == [2, 2, 0, 0, 1]


def test_a_more_urgent_job_overtakes(service: ReaderService) -> None:
    order: list[str] = []
    gate = threading.Event()
    prefetch, urgent = Recorder(gate), Recorder()
    for name, recorder in (("prefetch", prefetch), ("urgent", urgent)):
        recorder.events = _Logged(order, name)
    many = [[Sentence(f"고양이 {i} 잔다.", 0, 9)] for i in range(40)]
    queue = service.translation_queue
    queue.submit(many, "ko", "en", prefetch, priority=10)
    queue.submit(paragraphs_of(service, KO, "ko"), "ko", "en", urgent, priority=0)
    gate.set()  # the prefetch job's first step (its cache lookup) may now report
    urgent.wait()
    prefetch.wait()
    assert len(prefetch.sentences()) == 40
    first_prefetch_sentence = order.index("prefetch:SentenceDone")
    assert "urgent:SentenceDone" not in order[first_prefetch_sentence:]


class _Logged(list[TranslationEvent]):
    """An event list that also writes ``name:EventType`` into a shared order log."""

    def __init__(self, order: list[str], name: str) -> None:
        super().__init__()
        self.order, self.name = order, name

    def append(self, event: TranslationEvent) -> None:
        self.order.append(f"{self.name}:{type(event).__name__}")
        super().append(event)


def test_cancel_article_stops_reporting(service: ReaderService) -> None:
    """No event is delivered after cancel_article returns.

    The worker may already be inside the callback (held at the gate) when the job is
    cancelled; that one delivery cannot be taken back, so the test counts only the
    deliveries that start after the cancel.
    """
    gate = threading.Event()
    cancelled = threading.Event()
    started_after_cancel: list[TranslationEvent] = []

    def recorder(event: TranslationEvent) -> None:
        if cancelled.is_set():
            started_after_cancel.append(event)
        assert gate.wait(TIMEOUT)

    many = [[Sentence(f"책 {i}.", 0, 4)] for i in range(200)]
    queue = service.translation_queue
    queue.submit(many, "ko", "en", recorder, article_id=3)
    queue.cancel_article(3)
    cancelled.set()
    gate.set()
    follow = Recorder()
    queue.submit(paragraphs_of(service, KO[:1], "ko"), "ko", "en", follow)
    follow.wait()
    assert started_after_cancel == []
    assert queue.pending_jobs() == 0


def test_no_model_fails_the_job_with_the_install_command(service: ReaderService) -> None:
    service.models_remove("en-ko")
    recorder = Recorder()
    job = service.translation_queue.submit([[Sentence("The cat.", 0, 8)]], "en", "ko", recorder)
    events = recorder.wait()
    assert len(events) == 1
    assert isinstance(events[0], JobFailed)
    assert events[0].job_id == job
    assert "reader models install en-ko" in events[0].message
    assert "\n" not in events[0].message


def test_one_engine_per_direction_is_shared(service: ReaderService) -> None:
    first, second = Recorder(), Recorder()
    queue = service.translation_queue
    queue.submit(paragraphs_of(service, KO[:1], "ko"), "ko", "en", first)
    queue.submit(paragraphs_of(service, KO[1:], "ko"), "ko", "en", second)
    first.wait()
    second.wait()
    engine = service.translations.engine("ko", "en")
    assert engine is service.translations.engine("ko", "en")
    assert service.translate_text("오늘 비.")["pairs"][0]["target"] == "today 비."


def test_a_failing_callback_does_not_stop_the_queue(service: ReaderService) -> None:
    def broken(event: TranslationEvent) -> None:
        raise RuntimeError("callback bug")

    queue = service.translation_queue
    queue.submit(paragraphs_of(service, KO[:1], "ko"), "ko", "en", broken)
    recorder = Recorder()
    queue.submit(paragraphs_of(service, KO[1:2], "ko"), "ko", "en", recorder)
    assert recorder.wait()[-1] == JobProgress(2, 1, 1)


def test_close_stops_the_worker(service: ReaderService) -> None:
    queue: TranslationQueue = service.translation_queue
    recorder = Recorder()
    queue.submit(paragraphs_of(service, KO[:1], "ko"), "ko", "en", recorder)
    recorder.wait()
    queue.close()
    submit: Callable[[], int] = lambda: queue.submit([], "ko", "en", recorder)  # noqa: E731
    with pytest.raises(RuntimeError, match="closed"):
        submit()


def test_preload_loads_the_model_and_ignores_missing_ones(service: ReaderService) -> None:
    queue = service.translation_queue
    service.models_remove("en-ko")
    queue.preload("en", "ko")  # no model: nothing happens, the first job will say so
    queue.preload("ko", "en")
    engine = service.translations.engine("ko", "en")
    for _ in range(300):
        if getattr(engine, "_translator", None) is not None:
            break
        threading.Event().wait(0.05)
    assert getattr(engine, "_translator", None) is not None


def test_paragraphs_with_their_own_direction(service: ReaderService) -> None:
    texts = ["고양이 가 잔다.", "The cat sleeps.", "친구 는 책 을 읽는다."]
    paragraphs = paragraphs_of(service, texts, "ko")
    service.translations.translate(["친구 는 책 을 읽는다."], "ko", "en")  # one is cached
    recorder = Recorder()
    job = service.translation_queue.submit(
        paragraphs, "ko", "en", recorder, paragraph_directions={1: ("en", "ko")}
    )
    events = recorder.wait()
    by_paragraph = {e.paragraph: e.target for e in recorder.sentences()}
    assert by_paragraph == {
        0: "cat 가 잔다.",
        1: "The 고양이 sleeps.",
        2: "friend 는 book 을 읽는다.",
    }
    assert [e for e in events if isinstance(e, JobProgress)][-1] == JobProgress(job, 3, 3)


def test_sentences_carry_confidence_and_the_readers_own_translation(
    service: ReaderService,
) -> None:
    """What the bilingual view needs to colour unsure sentences and mark edited ones."""
    service.set_sentence_translation("오늘 비.", "ko", "en", "Rain today.")
    recorder = Recorder()
    service.translation_queue.submit(paragraphs_of(service, KO[:1], "ko"), "ko", "en", recorder)
    recorder.wait()
    by_sentence = {e.sentence: e for e in recorder.sentences()}
    assert (by_sentence[1].target, by_sentence[1].user) == ("Rain today.", "edit")
    assert by_sentence[1].confidence == 1.0
    model = by_sentence[0]
    assert (model.target, model.user) == ("cat 가 잔다.", "")
    assert model.confidence is not None and "Hangul left" in model.reason
