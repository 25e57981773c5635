"""Feeds: subscriptions and the built-in collections."""

from __future__ import annotations

import sqlite3
from typing import Any

from reader.core.feed_settings import FeedSettings, settings_from_row
from reader.core.models import DEMO_FEED_URL, LOCAL_FEED_URL, Feed, FeedKind
from reader.core.store.base import StoreBase
from reader.core.store.sql import utc_now


class FeedsMixin(StoreBase):
    """Adding, changing, removing and listing feeds."""

    def ensure_collection(self, kind: FeedKind) -> Feed:
        """The built-in Local or Welcome collection, created when first needed."""
        url, title = {
            FeedKind.LOCAL: (LOCAL_FEED_URL, "Local"),
            FeedKind.DEMO: (DEMO_FEED_URL, "Welcome"),
        }[kind]
        with self.transaction() as connection:
            connection.execute(
                "INSERT OR IGNORE INTO feeds (url, title, kind, created) VALUES (?, ?, ?, ?)",
                (url, title, kind.value, utc_now()),
            )
        feed = self.feed_by_url(url)
        assert feed is not None
        return feed

    def add_feed(self, url: str, title: str = "", folder: str | None = None) -> tuple[Feed, bool]:
        """Subscribe to ``url``; returns the feed and whether it was new."""
        with self.transaction() as connection:
            cursor = connection.execute(
                "INSERT OR IGNORE INTO feeds (url, title, folder, kind, created) "
                "VALUES (?, ?, ?, 'feed', ?)",
                (url, title, folder, utc_now()),
            )
            created = cursor.rowcount == 1
        feed = self.feed_by_url(url)
        assert feed is not None
        return feed, created

    def update_feed(self, feed_id: int, **values: Any) -> None:
        """Set columns of one feed (names come from code, never from input)."""
        if not values:
            return
        allowed = {
            "url",
            "title",
            "site_url",
            "folder",
            "etag",
            "last_modified",
            "last_checked",
            "last_status",
            "last_error",
            "failure_count",
        }
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"unknown feed columns: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        with self.transaction() as connection:
            connection.execute(
                f"UPDATE feeds SET {assignments} WHERE id = :feed_id",
                {**values, "feed_id": feed_id},
            )

    def remove_feed(self, feed_id: int) -> None:
        """Delete a feed and its articles, except starred or annotated ones, which stay readable."""
        with self.transaction() as connection:
            connection.execute(
                "DELETE FROM articles WHERE feed_id = ? AND starred = 0 "
                "AND id NOT IN (SELECT article_id FROM terms WHERE article_id IS NOT NULL)",
                (feed_id,),
            )
            connection.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    _FEED_SELECT = """
        SELECT feeds.*,
               (SELECT count(*) FROM articles WHERE feed_id = feeds.id AND read = 0) AS unread
        FROM feeds
    """

    def feeds(self, kind: FeedKind | None = None) -> list[Feed]:
        if kind is None:
            rows = self.query(self._FEED_SELECT + " ORDER BY kind DESC, lower(title), id")
        else:
            rows = self.query(
                self._FEED_SELECT + " WHERE kind = ? ORDER BY lower(title), id", (kind.value,)
            )
        return [feed_from_row(row) for row in rows]

    def feed(self, feed_id: int) -> Feed | None:
        rows = self.query(self._FEED_SELECT + " WHERE id = ?", (feed_id,))
        return feed_from_row(rows[0]) if rows else None

    def feed_by_url(self, url: str) -> Feed | None:
        rows = self.query(self._FEED_SELECT + " WHERE url = ?", (url,))
        return feed_from_row(rows[0]) if rows else None

    def set_feed_settings(self, feed_id: int, settings: FeedSettings) -> None:
        """Store one feed's own settings (validated by reader.core.feed_settings)."""
        with self.transaction() as connection:
            connection.execute(
                "UPDATE feeds SET full_text = ?, translate = ?, direction = ?,"
                " refresh_minutes = ?, retention_days = ? WHERE id = ?",
                (
                    settings.full_text,
                    settings.translate,
                    settings.direction,
                    settings.refresh_minutes,
                    settings.retention_days,
                    feed_id,
                ),
            )


def feed_from_row(row: sqlite3.Row) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        kind=FeedKind(row["kind"]),
        site_url=row["site_url"],
        folder=row["folder"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_checked=row["last_checked"],
        last_status=row["last_status"],
        last_error=row["last_error"],
        failure_count=row["failure_count"],
        unread=row["unread"],
        settings=settings_from_row(row),
    )
