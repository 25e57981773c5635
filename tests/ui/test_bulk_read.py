"""`A` marks exactly the articles shown, after asking; `u` undoes it; refresh keeps the cursor."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from reader.core.models import EntryData, FeedKind
from reader.service import ReaderService
from reader.ui.dialogs.confirm import ConfirmDialog
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.collections import CollectionTree
from tests.ui.conftest import FROZEN_NOW, entries, make_app, settle


def feed_xml(titles: list[str]) -> str:
    items = "".join(
        f"<item><title>{title}</title><guid>{title}</guid><description>Body of {title}."
        f"</description><pubDate>Fri, 01 Mar 2030 1{number}:00:00 GMT</pubDate></item>"
        for number, title in enumerate(titles)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Live</title>'
        f"<link>http://127.0.0.1/</link>{items}</channel></rss>"
    )


@pytest.fixture
def feed_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def unread_of(service: ReaderService, kind: FeedKind | None = None) -> int:
    return service.count_articles(unread=True, kind=kind)


async def test_a_in_welcome_marks_only_welcome_after_asking_and_u_restores_it(
    service: ReaderService,
) -> None:
    service.ensure_demo()
    demo_ids = service.article_ids(kind=FeedKind.DEMO)
    service.set_read([demo_ids[0]], True)  # read before: must stay read after the undo
    feed_unread = unread_of(service, FeedKind.FEED)
    app = make_app(service, show_demo=True)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        assert app.screen.sub_title == "Welcome"
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question == f"Mark {len(demo_ids) - 1} articles read?"
        await pilot.press("y")
        await settle(pilot)
        assert unread_of(service, FeedKind.DEMO) == 0
        assert unread_of(service, FeedKind.FEED) == feed_unread, "other feeds untouched"
        assert any(n.title.startswith("Undo") for n in app._notifications)
        await pilot.press("u")
        await settle(pilot)
        assert unread_of(service, FeedKind.DEMO) == len(demo_ids) - 1
        assert service.article(demo_ids[0]).read, "only what the change altered is restored"
        assert app.screen.query_one(ArticleList).total == len(demo_ids)


async def test_a_then_n_changes_nothing(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        before = unread_of(service)
        await pilot.press("A")
        await settle(pilot)
        assert app.screen.question == f"Mark {before} articles read?"  # type: ignore[attr-defined]
        await pilot.press("n")
        await settle(pilot)
        assert unread_of(service) == before
        assert not isinstance(app.screen, ConfirmDialog)


async def test_a_in_search_results_marks_only_the_results(service: ReaderService) -> None:
    other, _ = service.store.add_feed("https://other.example.org/feed.xml", "Other")
    service.store.upsert_entries(other.id, entries(4, start=100))
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        total_before = unread_of(service)
        await pilot.press("slash", *"고양", "enter")
        await settle(pilot)
        results = app.screen.query_one(ArticleList).total
        assert 0 < results < total_before
        await pilot.press("A")
        await settle(pilot)
        assert app.screen.question == f"Mark {results} articles read?"  # type: ignore[attr-defined]
        await pilot.press("y")
        await settle(pilot)
        assert unread_of(service) == total_before - results
        await pilot.press("u")
        await settle(pilot)
        assert unread_of(service) == total_before


async def test_u_undoes_only_the_last_bulk_change(service: ReaderService) -> None:
    second, _ = service.store.add_feed("https://second.example.org/feed.xml", "Second")
    service.store.upsert_entries(second.id, entries(2, start=50))
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        others = unread_of(service) - 2
        tree = app.screen.query_one(CollectionTree)
        tree.select_key(f"feed:{second.id}")
        await settle(pilot)
        await pilot.press("A", "y")
        await settle(pilot)
        tree.select_key("unread")
        await settle(pilot)
        await pilot.press("A", "y")
        await settle(pilot)
        assert unread_of(service) == 0
        await pilot.press("u")
        await settle(pilot)
        assert unread_of(service) == others, "all but Second's 2 are back: those stay read"
        await pilot.press("u")
        await settle(pilot)
        assert unread_of(service) == others, "a second u has nothing left to undo"


async def test_refresh_keeps_the_cursor_on_the_same_article(
    service: ReaderService, feed_server: HTTPServer
) -> None:
    titles = [f"Story {n}" for n in range(6)]
    feed_server.expect_request("/live.xml").respond_with_data(
        feed_xml(titles), content_type="application/rss+xml"
    )
    live, _ = service.store.add_feed(feed_server.url_for("/live.xml"), "Live")
    service.refresh(feed_ids=[live.id])
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        await pilot.press("j", "j", "j", "j", "j")
        await settle(pilot)
        chosen = article_list.highlighted
        assert chosen is not None and article_list.cursor == 5
        feed_server.clear()
        newer = [f"Fresh {n}" for n in range(3)]
        feed_server.expect_request("/live.xml").respond_with_data(
            feed_xml([*titles, *newer]), content_type="application/rss+xml"
        )
        await pilot.press("r")  # All unread: refreshes the highlighted article's feed
        await settle(pilot)
        assert live.id == chosen.feed_id
        assert any(row.title == "Fresh 2" for _, row in article_list.loaded_rows())
        assert article_list.highlighted is not None
        assert article_list.highlighted.id == chosen.id
        assert article_list.cursor > 5
        feed = service.store.feed(live.id)
        assert feed is not None and feed.last_checked is not None


async def test_r_in_all_unread_refreshes_only_the_highlighted_articles_feed(
    service: ReaderService, feed_server: HTTPServer
) -> None:
    feed_server.expect_request("/live.xml").respond_with_data(
        feed_xml(["Only one"]), content_type="application/rss+xml"
    )
    feed_server.expect_request("/other.xml").respond_with_data(
        feed_xml(["Other one"]), content_type="application/rss+xml"
    )
    live, _ = service.store.add_feed(feed_server.url_for("/live.xml"), "Live")
    other, _ = service.store.add_feed(feed_server.url_for("/other.xml"), "Other")
    service.store.upsert_entries(
        live.id,
        [EntryData(guid="top", title="Top", paragraphs=["x"], published=FROZEN_NOW.isoformat())],
    )
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        highlighted = app.screen.query_one(ArticleList).highlighted
        assert highlighted is not None and highlighted.feed_id == live.id
        await pilot.press("r")
        await settle(pilot)
        assert service.store.feed(live.id).last_checked is not None  # type: ignore[union-attr]
        assert service.store.feed(other.id).last_checked is None  # type: ignore[union-attr]
