"""The remaining keys: full text, mark all read, refresh one feed, re-translate, palette, panes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from textual.command import CommandPalette

from reader.core.models import EntryData
from reader.service import ReaderService
from reader.ui.screens.article import ArticleScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.bilingual import BilingualView
from reader.ui.widgets.collections import CollectionTree
from tests.ui.conftest import focused, make_app, settle, translation_settled

PAGE = """<html><head><title>Full story</title></head><body><article>
<h1>Full story</h1>
<p>The whole text of the story is much longer than the summary in the feed was.</p>
<p>It has a second paragraph, which the feed never carried at all, and a third one too.</p>
<p>Reading it in full is what the f key is for, one keypress away from the list.</p>
</article></body></html>"""


@pytest.fixture
def page_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    server.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    yield server
    server.clear()
    server.stop()


async def test_f_fetches_the_full_text(service: ReaderService, page_server: HTTPServer) -> None:
    feed, _ = service.store.add_feed("https://summaries.example/feed.xml", "Summaries")
    service.store.upsert_entries(
        feed.id,
        [
            EntryData(
                guid="s",
                title="Only a summary",
                paragraphs=["Just the summary."],
                url=page_server.url_for("/story"),
                published="2030-01-01T00:00:00+00:00",
                summary_only=True,
            )
        ],
    )
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        summary = app.screen.query_one(ArticleList).highlighted
        assert summary is not None and summary.title == "Only a summary"
        await pilot.press("f")
        await settle(pilot)
        article = service.article(summary.id)
        assert len(article.paragraphs) >= 2
        preview = app.screen.query_one("#preview", BilingualView)
        assert any(unit.source.startswith("The whole text") for unit in preview.units)


async def test_capital_a_marks_the_collection_read(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert service.count_articles(unread=True) == 0
        assert app.screen.query_one(ArticleList).total == 0


async def test_r_refreshes_only_the_chosen_feed(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CollectionTree)
        feed_key = next(key for key in tree._collection_nodes if key.startswith("feed:"))
        tree.select_key(feed_key)
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        feed = service.store.feed(int(feed_key.split(":")[1]))
        assert feed is not None and feed.last_checked is not None
        assert app.is_running


async def test_ctrl_r_translates_again(service: ReaderService, installed_tiny_models: Path) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        await translation_settled(pilot)
        first_job = screen.job_id
        await pilot.press("ctrl+r")
        for _ in range(600):
            if screen.job_id != first_job and screen.done >= screen.total:
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert screen.job_id != first_job
        assert all(t for unit in screen.query_one(BilingualView).units for t in unit.targets)


async def test_palette_opens_and_tab_moves_between_panes(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, ArticleList)
        await pilot.press("tab")
        assert not isinstance(focused(app), ArticleList)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, CommandPalette)
