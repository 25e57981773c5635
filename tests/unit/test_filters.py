"""ArticleFilter: the one value that says which articles a list, count or bulk change
covers, from the CLI's keywords or a collection of the main screen down to the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reader.core.filters import EVERY_ARTICLE, ArticleFilter
from reader.core.models import EntryData, FeedKind
from reader.core.store import Store
from reader.service import ReaderService


@pytest.mark.parametrize(
    "keywords",
    [
        {"feed_id": "3"},
        {"feed_id": True},
        {"folder": 7},
        {"unread": 1},
        {"starred": None},
        {"kind": "local"},
    ],
)
def test_a_filter_of_values_of_the_wrong_type_is_refused_when_made(
    keywords: dict[str, Any],
) -> None:
    with pytest.raises(TypeError):
        ArticleFilter(**keywords)


def test_a_filter_is_given_as_an_object_or_as_keywords_not_both() -> None:
    unread = ArticleFilter(unread=True)
    assert ArticleFilter.of() == EVERY_ARTICLE
    assert ArticleFilter.of(unread) is unread
    assert ArticleFilter.of(starred=True) == ArticleFilter(starred=True)
    with pytest.raises(TypeError):
        ArticleFilter.of(unread, starred=True)


def test_only_unread_keeps_the_rest_of_the_filter() -> None:
    folder = ArticleFilter(kind=FeedKind.FEED, folder="News")
    assert folder.only_unread() == ArticleFilter(kind=FeedKind.FEED, folder="News", unread=True)
    assert not folder.unread  # frozen: the original is unchanged


def test_the_service_lists_counts_and_collects_ids_with_the_same_filter() -> None:
    service = ReaderService()  # over the test's own READER_HOME
    try:
        news, _ = service.store.add_feed("http://a.test/feed", folder="News")
        other, _ = service.store.add_feed("http://b.test/feed")
        for feed, guid in [(news, "1"), (news, "2"), (other, "3")]:
            entry = EntryData(guid=guid, title=f"t{guid}", paragraphs=["p"])
            service.store.upsert_entries(feed.id, [entry])
        service.set_read([service.article_ids(ArticleFilter(feed_id=news.id))[0]])

        in_news = ArticleFilter(kind=FeedKind.FEED, folder="News")
        listed = [summary.id for summary in service.list_articles(in_news.only_unread())]
        assert service.count_articles(in_news.only_unread()) == len(listed) == 1
        assert service.article_ids(in_news.only_unread()) == listed
        assert service.count_articles(unread=True) == service.count_articles(
            ArticleFilter(unread=True)
        )
        with pytest.raises(TypeError):
            service.list_articles(in_news, unread=True)
    finally:
        service.close()


def test_the_store_keeps_every_article_without_a_filter(tmp_path: Path) -> None:
    store = Store(tmp_path / "reader.db")
    try:
        feed, _ = store.add_feed("http://a.test/feed")
        store.upsert_entries(feed.id, [EntryData(guid="1", title="t", paragraphs=["p"])])
        assert store.count_articles() == store.count_articles(EVERY_ARTICLE) == 1
    finally:
        store.close()
