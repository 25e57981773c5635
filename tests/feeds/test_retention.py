"""Retention: old read articles go after a refresh; starred, unread and recent ones stay."""

from __future__ import annotations

from reader.config import Config, RefreshConfig
from reader.core.models import EntryData
from reader.service import ReaderService


def entry(guid: str, published: str) -> EntryData:
    return EntryData(guid=guid, title=guid, paragraphs=["text"], published=published)


def test_retention_deletes_only_old_read_unstarred_articles() -> None:
    service = ReaderService(config=Config(refresh=RefreshConfig(retention_days=30)))
    feed, _created = service.store.add_feed("http://127.0.0.1:9/feed")
    service.store.upsert_entries(
        feed.id,
        [
            entry("old-read", "2001-01-01T00:00:00+00:00"),
            entry("old-starred", "2001-01-01T00:00:00+00:00"),
            entry("old-unread", "2001-01-01T00:00:00+00:00"),
            entry("new-read", "2999-01-01T00:00:00+00:00"),
        ],
    )
    ids = {a.title: a.id for a in service.list_articles()}
    service.set_read([ids["old-read"], ids["old-starred"], ids["new-read"]])
    service.set_starred([ids["old-starred"]])
    results = service.refresh()  # the feed cannot be reached; retention runs anyway
    assert results[0].error
    assert {a.title for a in service.list_articles()} == {"old-starred", "old-unread", "new-read"}
    service.close()


def test_retention_zero_keeps_everything() -> None:
    service = ReaderService()
    assert service.config.refresh.retention_days == 0
    assert service.retention() == 0
    service.close()
