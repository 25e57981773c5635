"""Articles: storing a feed's entries, listing and filtering them, flags and retention."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from reader.core.filters import EVERY_ARTICLE, ArticleFilter
from reader.core.folders import SEPARATOR
from reader.core.models import Article, ArticleSummary, EntryData
from reader.core.store.base import StoreBase
from reader.core.store.sql import in_chunks, utc_now
from reader.core.store.stories import (
    STORY_JOIN,
    first_copy_only,
    link_articles,
    with_sources,
)

SEARCH_SEPARATOR = "\n"
"""Between an article's paragraphs in the search index (the update trigger uses char(10))."""

SUMMARY_COLUMNS = (
    "articles.id, articles.feed_id, articles.title, articles.url, articles.published,"
    " articles.read, articles.starred, articles.language,"
    " coalesce(feeds.title, articles.feed_title) AS feed_title"
)
"""The columns :func:`article_summary` reads (``articles`` left-joined to ``feeds``)."""


class ArticlesMixin(StoreBase):
    """Articles of every feed, their read and starred flags, and retention."""

    def upsert_entries(self, feed_id: int, entries: Sequence[EntryData]) -> tuple[int, int]:
        """Store entries of one feed in one transaction; returns (new, updated).

        An entry already stored (same guid) keeps its read and starred state and its
        annotations; only its text and metadata change, and only if they changed.
        New entries that copy a story already stored (from another feed) are linked
        to it (:mod:`~reader.core.store.stories`).
        """
        new = updated = 0
        now = utc_now()
        search_rows: list[tuple[int | None, str, str]] = []
        with self.transaction() as connection:
            feed_title_row = connection.execute(
                "SELECT title FROM feeds WHERE id = ?", (feed_id,)
            ).fetchone()
            feed_title = feed_title_row[0] if feed_title_row else ""
            for entry in entries:
                content = json.dumps(entry.paragraphs, ensure_ascii=False)
                existing = connection.execute(
                    "SELECT id, title, content, url, author, published, summary_only FROM articles "
                    "WHERE feed_id = ? AND guid = ?",
                    (feed_id, entry.guid),
                ).fetchone()
                if existing is None:
                    cursor = connection.execute(
                        "INSERT INTO articles (feed_id, guid, url, title, author, published, updated,"
                        " fetched, language, content, summary_only, feed_title)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            feed_id,
                            entry.guid,
                            entry.url,
                            entry.title,
                            entry.author,
                            entry.published,
                            entry.updated,
                            now,
                            entry.language,
                            content,
                            int(entry.summary_only),
                            feed_title,
                        ),
                    )
                    search_rows.append(
                        (cursor.lastrowid, entry.title, SEARCH_SEPARATOR.join(entry.paragraphs))
                    )
                    new += 1
                    continue
                if _entry_changed(existing, entry, content):
                    # A full text fetched earlier is not replaced by the feed's summary again.
                    keep_full_text = entry.summary_only and not existing["summary_only"]
                    connection.execute(
                        "UPDATE articles SET title = ?, url = ?, author = ?, published = ?,"
                        " updated = ?, language = ?, content = ?, summary_only = ? WHERE id = ?",
                        (
                            entry.title,
                            entry.url,
                            entry.author,
                            entry.published,
                            entry.updated,
                            entry.language,
                            existing["content"] if keep_full_text else content,
                            0 if keep_full_text else int(entry.summary_only),
                            existing["id"],
                        ),
                    )
                    updated += 1
            connection.executemany(
                "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)", search_rows
            )
            link_articles(connection, [int(row[0]) for row in search_rows if row[0] is not None])
        return new, updated

    def set_article_content(
        self, article_id: int, paragraphs: list[str], summary_only: bool = False
    ) -> None:
        with self.transaction() as connection:
            connection.execute(
                "UPDATE articles SET content = ?, summary_only = ? WHERE id = ?",
                (json.dumps(paragraphs, ensure_ascii=False), int(summary_only), article_id),
            )

    _SUMMARY_COLUMNS = SUMMARY_COLUMNS

    def articles(
        self, which: ArticleFilter = EVERY_ARTICLE, *, limit: int | None = None, offset: int = 0
    ) -> list[ArticleSummary]:
        """Summaries of the articles ``which`` keeps, newest first, one per story (its
        copies and sources named)."""
        where, params = _article_filter(which)
        sql = (
            f"SELECT {self._SUMMARY_COLUMNS}{_FROM}{STORY_JOIN}"
            f" WHERE {first_copy_only(_FROM, where)}"
            " ORDER BY coalesce(articles.published, articles.fetched) DESC, articles.id DESC"
            " LIMIT ? OFFSET ?"
        )
        params += [*params, -1 if limit is None else limit, offset]
        summaries = [article_summary(row) for row in self.query(sql, params)]
        return with_sources(self.connection, summaries)

    def article(self, article_id: int) -> Article | None:
        rows = self.query(
            f"SELECT {self._SUMMARY_COLUMNS}, articles.author, articles.content, articles.guid,"
            " articles.summary_only"
            " FROM articles LEFT JOIN feeds ON feeds.id = articles.feed_id WHERE articles.id = ?",
            (article_id,),
        )
        if not rows:
            return None
        row = rows[0]
        article = Article(
            **article_summary(row).__dict__,
            author=row["author"],
            paragraphs=json.loads(row["content"]),
            guid=row["guid"],
            summary_only=bool(row["summary_only"]),
        )
        with_sources(self.connection, [article])
        return article

    def missing_articles(self, article_ids: Sequence[int]) -> list[int]:
        """The ids among ``article_ids`` that no stored article has, in the order given."""
        found: set[int] = set()
        unique = list(dict.fromkeys(article_ids))
        for chunk, marks in in_chunks(unique):
            rows = self.query(f"SELECT id FROM articles WHERE id IN ({marks})", chunk)
            found.update(int(row[0]) for row in rows)
        return [article_id for article_id in unique if article_id not in found]

    def article_id_by_guid(self, feed_id: int, guid: str) -> int | None:
        rows = self.query("SELECT id FROM articles WHERE feed_id = ? AND guid = ?", (feed_id, guid))
        return int(rows[0][0]) if rows else None

    def set_flag(self, article_ids: Sequence[int], flag: str, value: bool) -> int:
        """Set ``read`` or ``starred`` on articles; returns how many exist."""
        if flag not in ("read", "starred"):
            raise ValueError(flag)
        with self.transaction() as connection:
            changed = 0
            for article_id in article_ids:
                cursor = connection.execute(
                    f"UPDATE articles SET {flag} = ? WHERE id = ?", (int(value), article_id)
                )
                changed += cursor.rowcount
        return changed

    def set_read_returning(self, article_ids: Sequence[int], read: bool) -> list[int]:
        """Set ``read`` on articles and return the ids whose state actually changed.

        Those ids are exactly what an undo must flip back: articles that already had
        the state (or no longer exist) are left out, so undoing never touches them.
        """
        changed: list[int] = []
        with self.transaction() as connection:
            for chunk, marks in in_chunks(list(dict.fromkeys(article_ids))):
                rows = connection.execute(
                    f"SELECT id FROM articles WHERE read = ? AND id IN ({marks})",
                    [int(not read), *chunk],
                ).fetchall()
                ids = [int(row[0]) for row in rows]
                if not ids:
                    continue
                id_marks = ",".join("?" * len(ids))
                connection.execute(
                    f"UPDATE articles SET read = ? WHERE id IN ({id_marks})", [int(read), *ids]
                )
                changed.extend(ids)
        return changed

    def article_ids(self, which: ArticleFilter = EVERY_ARTICLE) -> list[int]:
        """The ids of every article :meth:`articles` would list with the same filter
        (one per story: changing its flags changes its copies')."""
        where, params = _article_filter(which)
        rows = self.query(
            f"SELECT articles.id{_FROM}{STORY_JOIN} WHERE {first_copy_only(_FROM, where)}",
            params * 2,
        )
        return [int(row[0]) for row in rows]

    def unread_among(self, article_ids: Sequence[int]) -> list[int]:
        """The ids among ``article_ids`` of articles still unread, in the order given."""
        unread: set[int] = set()
        unique = list(dict.fromkeys(article_ids))
        for chunk, marks in in_chunks(unique):
            rows = self.query(f"SELECT id FROM articles WHERE read = 0 AND id IN ({marks})", chunk)
            unread.update(int(row[0]) for row in rows)
        return [article_id for article_id in unique if article_id in unread]

    def mark_all_read(self, feed_id: int | None = None) -> int:
        with self.transaction() as connection:
            if feed_id is None:
                cursor = connection.execute("UPDATE articles SET read = 1 WHERE read = 0")
            else:
                cursor = connection.execute(
                    "UPDATE articles SET read = 1 WHERE read = 0 AND feed_id = ?", (feed_id,)
                )
        return cursor.rowcount

    def count_articles(self, which: ArticleFilter = EVERY_ARTICLE) -> int:
        """How many stories :meth:`articles` would list with the same filter (copies
        count once)."""
        where, params = _article_filter(which)
        row = self.query(
            f"SELECT count(*){_FROM}{STORY_JOIN} WHERE {first_copy_only(_FROM, where)}",
            params * 2,
        )[0]
        return int(row[0])

    def delete_old_read(self, before: str) -> int:
        """Retention: delete read articles older than ``before`` unless starred or annotated
        (feeds with their own ``retention_days`` excepted)."""
        with self.transaction() as connection:
            cursor = connection.execute(
                "DELETE FROM articles WHERE read = 1 AND starred = 0"
                " AND coalesce(published, fetched) < ?"
                " AND id NOT IN (SELECT article_id FROM terms WHERE article_id IS NOT NULL)"
                " AND feed_id IN (SELECT id FROM feeds WHERE kind IN ('feed', 'account')"
                " AND retention_days IS NULL)",
                (before,),
            )
        return cursor.rowcount

    def delete_old_read_of_feed(self, feed_id: int, before: str) -> int:
        """Retention of a feed with its own ``retention_days``: as :meth:`delete_old_read`,
        for that feed's articles only."""
        with self.transaction() as connection:
            cursor = connection.execute(
                "DELETE FROM articles WHERE read = 1 AND starred = 0 AND feed_id = ?"
                " AND coalesce(published, fetched) < ?"
                " AND id NOT IN (SELECT article_id FROM terms WHERE article_id IS NOT NULL)",
                (feed_id, before),
            )
        return cursor.rowcount


_FROM = " FROM articles LEFT JOIN feeds ON feeds.id = articles.feed_id"


def _article_filter(which: ArticleFilter) -> tuple[str, list[Any]]:
    """The WHERE clause (over ``articles`` joined to ``feeds``) and its parameters."""
    where, params = ["1"], list[Any]()
    if which.feed_id is not None:
        where.append("articles.feed_id = ?")
        params.append(which.feed_id)
    if which.unread:
        where.append("articles.read = 0")
    if which.starred:
        where.append("articles.starred = 1")
    if which.kind is not None:
        where.append("feeds.kind = ?")
        params.append(which.kind.value)
    if which.folder is not None:  # the folder and the folders inside it
        folder = which.folder
        where.append("(feeds.folder = ? OR substr(feeds.folder, 1, ?) = ?)")
        params.extend([folder, len(folder) + 1, folder + SEPARATOR])
    return " AND ".join(where), params


def _entry_changed(existing: sqlite3.Row, entry: EntryData, content: str) -> bool:
    return bool(
        existing["title"] != entry.title
        or existing["content"] != content
        or existing["url"] != entry.url
        or existing["author"] != entry.author
        or existing["published"] != entry.published
    )


def article_summary(row: sqlite3.Row) -> ArticleSummary:
    return ArticleSummary(
        id=row["id"],
        feed_id=row["feed_id"],
        title=row["title"],
        url=row["url"],
        published=row["published"],
        read=bool(row["read"]),
        starred=bool(row["starred"]),
        feed_title=row["feed_title"] or "",
        language=row["language"],
    )
