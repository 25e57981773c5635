"""Translating ahead in the app, with the tiny models: opening an article translates the
next unread ones without a key, leaving the list or choosing another collection drops
them, the list marks ready articles, and opening one is a cache hit."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from pytest_httpserver import HTTPServer
from textual.pilot import Pilot

from reader.core.models import EntryData, Sentence
from reader.core.translation_queue import TranslationEvent
from reader.service import ReaderService
from reader.ui.screens.article import ArticleScreen
from reader.ui.screens.main import MainScreen
from reader.ui.widgets.article_list import READY_MARK, ArticleList
from reader.ui.widgets.collections import CollectionTree
from tests.ui.conftest import FROZEN_NOW, make_app, settle, translation_settled

TIMEOUT = 60
KO = ["고양이 가 잔다. 오늘 비.", "친구 는 책 을 읽는다.", "사과 를 먹는다! 학교 간다."]


def distinct_entries(prefix: str, count: int, hours: int = 0) -> list[EntryData]:
    """Korean articles whose sentences differ from one article to the next, an hour
    apart from ``hours`` before now."""
    return [
        EntryData(
            guid=f"{prefix}-{number}",
            title=f"{prefix} 기사 {number}",
            paragraphs=[f"{prefix}{number} {text}" for text in KO],
            url=f"https://news.example.org/{prefix}/{number}",
            published=(FROZEN_NOW - timedelta(hours=hours + number + 1)).isoformat(),
            language="ko",
        )
        for number in range(count)
    ]


@pytest.fixture
def service(installed_tiny_models: object) -> Iterator[ReaderService]:
    service = ReaderService()
    feed, _ = service.store.add_feed("https://news.example.org/a.xml", "A News")
    service.store.upsert_entries(feed.id, distinct_entries("a", 8))
    other, _ = service.store.add_feed("https://news.example.org/b.xml", "B News")
    service.store.upsert_entries(other.id, distinct_entries("b", 3, hours=100))
    yield service
    service.close()


def all_cached(service: ReaderService, article_id: int) -> bool:
    work = service.prepare_article(article_id)
    texts = [sentence.text for paragraph in work.paragraphs for sentence in paragraph]
    outcomes = service.translations.translate(texts, *work.direction, should_stop=lambda: True)
    return all(outcome is not None and outcome.cached for outcome in outcomes)


def list_ids(pilot: Pilot[None]) -> list[int]:
    main = next(s for s in pilot.app.screen_stack if isinstance(s, MainScreen))
    return [row.id for _, row in main.query_one(ArticleList).loaded_rows()]


def main_screen(pilot: Pilot[None]) -> MainScreen:
    return next(s for s in pilot.app.screen_stack if isinstance(s, MainScreen))


async def wait_until(pilot: Pilot[None], condition: object, what: str) -> None:
    assert callable(condition)
    for _ in range(int(TIMEOUT / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"still not {what} after {TIMEOUT} s")


class HeldQueue:
    """The reader's own work, held: a job on the real queue whose callback waits, so
    that nothing at background priority can start until :meth:`release`. Hold it before
    the app starts: on a loaded machine the first settle can outlast the list cursor's
    rest, and translating ahead would finish the next articles before the test looks."""

    def __init__(self, service: ReaderService) -> None:
        self.gate = threading.Event()
        service.translation_queue.submit(
            [[Sentence("책 을 읽는다.", 0, 8)]], "ko", "en", self._held, priority=0
        )

    def _held(self, event: TranslationEvent) -> None:
        self.gate.wait(TIMEOUT)

    def release(self) -> None:
        self.gate.set()


async def test_opening_an_article_translates_the_next_three_unread_without_a_key(
    service: ReaderService,
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        first, second, third, fourth, fifth, *_ = list_ids(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen) and app.screen.article_id == first
        await translation_settled(pilot)
        prefetch = main_screen(pilot).prefetch
        await wait_until(
            pilot,
            lambda: (
                not prefetch.pending()
                and all(all_cached(service, a) for a in (second, third, fourth))
            ),
            "cached",
        )
        assert not all_cached(service, fifth)
        await pilot.press("escape")
        await settle(pilot)
        article_list = main_screen(pilot).query_one(ArticleList)
        await wait_until(pilot, lambda: {second, third, fourth} <= article_list.ready, "marked")
        rows = {row.id: row for _, row in article_list.loaded_rows()}
        assert READY_MARK in article_list.row_text(rows[second], 100).plain
        assert READY_MARK not in article_list.row_text(rows[fifth], 100).plain


async def test_a_prefetched_article_opens_translated_from_the_cache(
    service: ReaderService,
) -> None:
    """`n` on a prefetched article: every sentence comes from the cache (the header says
    translated as soon as the queue reports), and the mark is still there next time."""
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        _, second, *_ = list_ids(pilot)
        await pilot.press("enter")
        await translation_settled(pilot)
        prefetch = main_screen(pilot).prefetch
        await wait_until(pilot, lambda: all_cached(service, second), "cached")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen) and app.screen.article_id == second
        await translation_settled(pilot)
        assert app.screen.status == "translated"
        assert app.screen.done == app.screen.total == 5
        await wait_until(pilot, lambda: not prefetch.pending(), "done prefetching")
    marked_again = service.translation_ready([second])
    assert marked_again == {second}


@asynccontextmanager
async def back_from_the_first_article(
    service: ReaderService,
) -> AsyncIterator[tuple[Pilot[None], list[int], HeldQueue]]:
    """The queue held, the first article opened (the next three are then what is
    translated ahead) and left again for the list: the app, the list's ids, the hold."""
    held = HeldQueue(service)  # before the list's cursor can rest (see HeldQueue)
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        ids = list_ids(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert main_screen(pilot).prefetch.pending() == ids[1:4]
        await pilot.press("escape")
        await settle(pilot)
        yield pilot, ids, held


async def test_leaving_for_another_screen_drops_what_was_next(service: ReaderService) -> None:
    async with back_from_the_first_article(service) as (pilot, ids, held):
        prefetch = main_screen(pilot).prefetch
        await pilot.press("g")  # the glossary: no longer reading the list
        await settle(pilot)
        assert prefetch.pending() == []
        held.release()
        await wait_until(pilot, lambda: service.translation_queue.pending_jobs() == 0, "idle")
        await pilot.pause(0.5)
        assert not any(all_cached(service, article_id) for article_id in ids[1:4])


async def test_choosing_another_collection_replaces_what_is_next(service: ReaderService) -> None:
    async with back_from_the_first_article(service) as (pilot, ids, held):
        prefetch = main_screen(pilot).prefetch
        tree = main_screen(pilot).query_one(CollectionTree)
        feed_b = next(f for f in service.feeds() if f.title == "B News")
        tree.select_key(f"feed:{feed_b.id}")
        await settle(pilot)
        assert not set(prefetch.pending()) & set(ids[1:4])
        b_ids = list_ids(pilot)
        await wait_until(pilot, lambda: prefetch.pending() == b_ids[:3], "following B News")
        held.release()
        await wait_until(pilot, lambda: not prefetch.pending(), "done prefetching")
        assert all(all_cached(service, article_id) for article_id in b_ids)
        assert not any(all_cached(service, article_id) for article_id in ids[1:4])


async def test_prefetch_zero_turns_it_off(service: ReaderService) -> None:
    service.config.translation.prefetch = 0
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        ids = list_ids(pilot)
        await pilot.press("enter")
        await translation_settled(pilot)
        await pilot.pause(1.5)
        assert main_screen(pilot).prefetch.pending() == []
        assert not all_cached(service, ids[1])


def feed_xml(name: str, numbers: range) -> str:
    """Korean items, ``numbers[0]`` the newest."""
    items = "".join(
        f"<item><title>{name} {number}</title><guid>{name}-{number}</guid>"
        f"<description>{name}{number} {KO[number % 3]}</description>"
        f"<pubDate>Fri, 01 Mar 2030 {20 - number:02d}:00:00 GMT</pubDate></item>"
        for number in numbers
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>'
        f"<link>http://127.0.0.1/</link>{items}</channel></rss>"
    )


async def test_a_refresh_translates_the_new_articles_of_auto_feeds_newest_first(
    installed_tiny_models: object, httpserver: HTTPServer
) -> None:
    """After R, the new articles of the feed set to translate = "auto" (newest first, at
    most per_refresh) wait on the background list and end up translated; the other
    feed's new articles do not."""
    httpserver.expect_request("/auto.xml").respond_with_data(feed_xml("자동", range(1)))
    httpserver.expect_request("/other.xml").respond_with_data(feed_xml("수동", range(1)))
    service = ReaderService()
    service.config.translation.prefetch = 0  # only the refresh's list
    service.config.translation.per_refresh = 2
    try:
        auto = service.add_feed(httpserver.url_for("/auto.xml")).feed
        service.add_feed(httpserver.url_for("/other.xml"))
        service.set_feed_settings(str(auto.id), ["translate=auto"])
        httpserver.clear()
        httpserver.expect_request("/auto.xml").respond_with_data(feed_xml("자동", range(1, 4)))
        httpserver.expect_request("/other.xml").respond_with_data(feed_xml("수동", range(1, 4)))
        app = make_app(service)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            held = HeldQueue(service)
            await pilot.press("R")
            prefetch = main_screen(pilot).prefetch
            await wait_until(pilot, lambda: bool(prefetch.pending()), "queued")
            titles = {s.id: s.title for s in service.list_articles(limit=100)}
            assert [titles[a] for a in prefetch.pending()] == ["자동 1", "자동 2"]
            held.release()
            await wait_until(pilot, lambda: not prefetch.pending(), "translated")
            ready = {titles[a] for a in titles if all_cached(service, a)}
            assert ready == {"자동 1", "자동 2"}
    finally:
        service.close()
