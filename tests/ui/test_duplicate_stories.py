"""A story carried by two feeds is one row of the article list, naming both feeds, and
the keys that change its state change both copies (issue 14, item 6)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Static

from reader.core.models import EntryData
from reader.service import ReaderService
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.collections import CollectionTree
from tests.ui.conftest import FROZEN_NOW, make_app, settle

STORY = ["정부는 오늘 새로운 외교 정책을 발표했다. 주변국과의 협력을 강화한다는 내용이다."]


@pytest.fixture
def two_feeds() -> Iterator[ReaderService]:
    service = ReaderService()
    published = FROZEN_NOW.isoformat()
    for url, title in (
        ("https://hani.example/rss", "한겨레"),
        ("https://yna.example/rss", "연합뉴스"),
    ):
        feed, _ = service.store.add_feed(url, title)
        service.store.upsert_entries(
            feed.id,
            [
                EntryData(
                    f"{title}-1", "외교 정책 발표", STORY, url=url + "/story", published=published
                ),
                EntryData(
                    f"{title}-2",
                    f"{title} 단독",
                    [f"{title}만의 기사입니다."],
                    url=f"https://news.example/{title}?utm_source=rss",
                    published=published,
                ),
            ],
        )
    yield service
    service.close()


async def test_the_story_is_one_row_naming_both_feeds(two_feeds: ReaderService) -> None:
    app = make_app(two_feeds)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        rows = [row for _, row in article_list.loaded_rows()]
        stored = len(two_feeds.store.query("SELECT id FROM articles"))
        assert article_list.total == two_feeds.count_articles(unread=True) == stored - 1
        assert [row.title for row in rows].count("외교 정책 발표") == 1
        story_index = next(i for i, row in enumerate(rows) if row.title == "외교 정책 발표")
        line = article_list.row_text(rows[story_index], 120).plain
        assert "한겨레 · 연합뉴스" in line
        article_list.cursor = story_index
        await settle(pilot)
        meta = app.screen.query_one("#preview-meta", Static)
        assert "한겨레 · 연합뉴스" in str(meta.render())
        await pilot.press("m", "s")
        await settle(pilot)
        copies = [rows[story_index].id, *rows[story_index].copies]
        assert len(copies) == 2
        for article_id in copies:
            article = two_feeds.article(article_id)
            assert article.read and article.starred


async def test_a_folder_counts_the_story_once_as_its_list_shows_it(
    two_feeds: ReaderService,
) -> None:
    """Both feeds filed in one folder: the folder's list has three stories, and its
    count says three (the sum of its feeds' counts, four, would count the story twice)."""
    for feed in two_feeds.feeds():
        two_feeds.set_feed_settings(str(feed.id), ["folder=뉴스"])
    app = make_app(two_feeds)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CollectionTree)
        folder = [feed for feed in two_feeds.feeds() if feed.folder == "뉴스"]
        assert sum(feed.unread for feed in folder) == 4
        assert str(tree._collection_nodes["folder:뉴스"].label) == "뉴스 3"
        tree.select_key("folder:뉴스")
        await settle(pilot)
        assert app.screen.query_one(ArticleList).total == 3
