"""Translating ahead (core/prefetch.py) with the real queue and the tiny models: articles
end up whole in the cache, lists replaced drop what is no longer next, and an article the
reader opens is never held up by background work for more than one small model call."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from reader.core.models import EntryData, Sentence
from reader.core.prefetch import PrefetchDone, Prefetcher
from reader.core.translation_queue import (
    BACKGROUND,
    BACKGROUND_CHUNK,
    JobProgress,
    SentenceDone,
    TranslationEvent,
    TranslationQueue,
    _Job,
)
from reader.service import ReaderService

TIMEOUT = 60
KO = ["고양이 가 잔다. 오늘 비.", "친구 는 책 을 읽는다.", "사과 를 먹는다! 학교 간다."]
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def entry(number: int, paragraphs: list[str] | None = None) -> EntryData:
    return EntryData(
        guid=f"e-{number}",
        title=f"기사 {number}",
        paragraphs=paragraphs or [f"{number} {text}" for text in KO],
        url=f"https://news.example.org/{number}",
        published=(NOW - timedelta(hours=number)).isoformat(),
        language="ko",
    )


@pytest.fixture
def service(installed_tiny_models: object, no_network: object) -> Iterator[ReaderService]:
    service = ReaderService()
    feed, _ = service.store.add_feed("https://news.example.org/feed.xml", "News")
    service.store.upsert_entries(feed.id, [entry(number) for number in range(1, 7)])
    yield service
    service.close()


def ids(service: ReaderService) -> list[int]:
    """The stored articles, newest first (article 1 first)."""
    return [summary.id for summary in service.list_articles(limit=100)]


def all_cached(service: ReaderService, article_id: int) -> bool:
    """Every sentence of the article is answered by the cache (no model call)."""
    work = service.prepare_article(article_id)
    texts = [sentence.text for paragraph in work.paragraphs for sentence in paragraph]
    outcomes = service.translations.translate(texts, *work.direction, should_stop=lambda: True)
    return all(outcome is not None and outcome.cached for outcome in outcomes)


def test_translate_articles_fills_the_cache_and_the_ready_query(service: ReaderService) -> None:
    first, second, *rest = ids(service)
    assert service.translation_ready([first, second]) == set()
    done = service.translate_articles([first, second])
    assert [result.article_id for result in done] == [first, second]
    assert all(result.error is None and result.sentences == 5 for result in done), done
    assert all_cached(service, first) and all_cached(service, second)
    assert not all_cached(service, rest[0])
    assert service.translation_ready([first, second, *rest]) == {first, second}


def test_what_is_translated_ahead_is_steered_like_the_article_screen(
    service: ReaderService,
) -> None:
    """With a glossary term in the articles, the sentences translated ahead carry the
    glossary's cache key, so opening the article (which steers) finds them all."""
    service.add_term("친구", gloss="pal", lang="ko", status="1")
    first, *_ = ids(service)
    [done] = service.translate_articles([first])
    assert done.error is None
    work = service.prepare_article(first)
    texts = [sentence.text for paragraph in work.paragraphs for sentence in paragraph]
    glossary = service.glossary_for(work.direction)
    assert glossary is not None and len(glossary) == 1
    steered = service.translations.translate(
        texts, *work.direction, glossary=glossary, should_stop=lambda: True
    )
    assert all(outcome is not None and outcome.cached for outcome in steered), steered


def test_the_prepared_sentences_are_those_the_article_screen_submits(
    service: ReaderService,
) -> None:
    """The same sentences, directions and kept paragraphs as the article screen's own
    plan (ui/translation.py): an English paragraph of a Korean article goes the other
    way (per_paragraph), control characters are dropped before splitting."""
    from reader.ui.format import plain
    from reader.ui.translation import split_paragraphs, to_submit, translation_plan

    feed, _ = service.store.add_feed("https://other.example.org/feed.xml", "Other")
    paragraphs = [
        "고양이 가 잔다.\x1b[31m 오늘 비.",
        "친구 는 책 을 읽는다.",
        "The cat sleeps. It rains.",
    ]
    service.store.upsert_entries(feed.id, [entry(40, paragraphs)])
    article_id = next(s.id for s in service.list_articles(limit=100) if s.title == "기사 40")
    work = service.prepare_article(article_id)
    shown = [plain(paragraph) for paragraph in paragraphs]
    skip, own = translation_plan(service, shown, ("ko", "en"))
    expected = to_submit(split_paragraphs(service, shown, "ko"), skip)
    assert work.direction == ("ko", "en")
    assert work.paragraphs == expected
    assert work.own == own == {2: ("en", "ko")}
    assert "\x1b" not in work.paragraphs[0][0].text


def test_a_replaced_list_drops_what_is_no_longer_next(service: ReaderService) -> None:
    first, second, third, *_ = ids(service)
    idle = threading.Event()
    finished: list[PrefetchDone] = []
    prefetcher = Prefetcher(
        service.translation_queue,
        service.prepare_article,
        idle=idle.is_set,
        on_done=finished.append,
    )
    try:
        prefetcher.want([first, second])
        prefetcher.want([third])
        assert prefetcher.pending() == [third]
        idle.set()
        assert prefetcher.wait(TIMEOUT)
    finally:
        prefetcher.close()
    assert [done.article_id for done in finished] == [third]
    assert all_cached(service, third) and not all_cached(service, first)


def test_the_article_in_flight_is_cancelled_when_it_stops_being_next(
    service: ReaderService,
) -> None:
    """The prefetch job is queued behind a job the reader opened (its callback held):
    moving on cancels it, and it never reaches the model."""
    first, second, *_ = ids(service)
    queue = service.translation_queue
    gate, submitted = threading.Event(), threading.Event()

    def held(event: TranslationEvent) -> None:
        assert gate.wait(TIMEOUT)

    def prepare(article_id: int) -> object:
        work = service.prepare_article(article_id)
        if article_id == first:  # the reader opens something just as the prefetch starts
            queue.submit([[Sentence("책 을 읽는다.", 0, 8)]], "ko", "en", held)
            submitted.set()
        return work

    finished: list[PrefetchDone] = []
    prefetcher = Prefetcher(queue, prepare, on_done=finished.append)  # type: ignore[arg-type]
    try:
        prefetcher.want([first])
        assert submitted.wait(TIMEOUT)
        for _ in range(200):  # until its job is on the queue, behind the held one
            if queue.pending_jobs() == 2:
                break
            threading.Event().wait(0.01)
        assert queue.pending_jobs() == 2
        prefetcher.want([second])
        gate.set()
        assert prefetcher.wait(TIMEOUT)
    finally:
        prefetcher.close()
    assert [done.article_id for done in finished] == [second]
    assert not all_cached(service, first)


class OpeningQueue(TranslationQueue):
    """The real queue, writing down every event it sends, (priority, event); as the
    first sentence of the background job's second model call is reported, the reader
    opens an article (its visible paragraph: the third)."""

    def __init__(self, service: ReaderService) -> None:
        super().__init__(service.translations)
        self.log: list[tuple[int, TranslationEvent]] = []
        self.opened_at: int | None = None
        self.opened_done = threading.Event()
        self.paragraphs = [service.split_sentences(text, "ko") for text in KO]

    def _emit(self, job: _Job, event: TranslationEvent) -> None:
        if not job.cancelled:
            self.log.append((job.priority, event))
        background = [e for p, e in self.log if p == BACKGROUND and isinstance(e, SentenceDone)]
        if self.opened_at is None and len(background) == 2:
            self.opened_at = len(self.log)
            self.submit(self.paragraphs, "ko", "en", self._opened, first_paragraphs=[2])
        super()._emit(job, event)

    def _opened(self, event: TranslationEvent) -> None:
        if isinstance(event, JobProgress) and event.done == event.total:
            self.opened_done.set()


def test_an_opened_article_waits_for_one_background_chunk_at_most(
    service: ReaderService,
) -> None:
    """With a long article prefetching, the reader opens another: at most the rest of
    the background model call under way comes first, then every sentence of the opened
    article (visible paragraph first), and only then the prefetch goes on."""
    feed, _ = service.store.add_feed("https://long.example.org/feed.xml", "Long")
    long_text = [f"고양이 {i} 가 잔다." for i in range(80)]
    service.store.upsert_entries(feed.id, [entry(50, long_text)])
    long_id = next(s.id for s in service.list_articles(limit=100) if s.title == "기사 50")
    queue = OpeningQueue(service)
    prefetcher = Prefetcher(queue, service.prepare_article)
    try:
        prefetcher.want([long_id])
        assert prefetcher.wait(TIMEOUT)
        assert queue.opened_done.wait(TIMEOUT)
    finally:
        prefetcher.close()
        queue.close()
    assert queue.opened_at is not None
    after = [(p, e) for p, e in queue.log[queue.opened_at :] if isinstance(e, SentenceDone)]
    first_opened = next(i for i, (priority, _) in enumerate(after) if priority == 0)
    assert first_opened <= BACKGROUND_CHUNK - 1
    assert after[first_opened][1].paragraph == 2
    assert [priority for priority, _ in after[first_opened : first_opened + 5]] == [0] * 5
    assert all(priority == BACKGROUND for priority, _ in after[first_opened + 5 :])
    assert len(after) == 5 + 78  # every background sentence after the second too
