"""Stories: one story carried by several feeds, stored once per feed, listed once.

Every article has a row in ``article_stories`` (migration 9) naming its story: the id
of the story's first stored copy. Linking happens when articles are stored
(:func:`link_articles`, in the same transaction) and, for articles stored
before migration 9, when the store opens (:meth:`StoriesMixin.link_stories`). What is a
copy is decided by :mod:`reader.core.duplicates`.

Read and starred state belong to the story: the migration's triggers carry a change
of either flag to every copy, and a copy joining a story takes the story's flags
(read if any copy was read, starred if any was starred: no star and no reading is
lost). Lists show one row per story (:func:`first_copy_only`), counts count it once.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from reader.core import duplicates
from reader.core.models import ArticleSummary
from reader.core.store.base import StoreBase
from reader.core.store.sql import in_chunks

LINK_BATCH = 500
"""Articles linked per write transaction when catching up on older articles."""
CANDIDATES = 20
"""Most earlier articles compared with a new one per key."""
DEDUPLICATED_KINDS = ("feed", "account")
"""Feeds whose articles may be copies; local documents and the Welcome articles never are."""

STORY_JOIN = " LEFT JOIN article_stories story ON story.article_id = articles.id"

_ARTICLE_ROW = (
    "SELECT articles.id, articles.feed_id, articles.url, articles.title, articles.content,"
    " articles.fetched, feeds.kind FROM articles LEFT JOIN feeds ON feeds.id = articles.feed_id"
)


def first_copy_only(from_sql: str, where_sql: str) -> str:
    """A condition keeping, of the articles matching ``where_sql`` (over ``from_sql``,
    which starts ``FROM articles``), one per story: its first stored copy among them.

    The query it goes in joins :data:`STORY_JOIN`, and its parameters are
    ``where_sql``'s twice (the condition asks again whether an earlier copy matches,
    by its id: one look-up per earlier copy). An article that is its story's first
    copy, as nearly all are, is kept without that question; a copy is kept when no
    earlier copy matches, so a copy the filter leaves out does not hide one it keeps
    (a feed's list shows its own copy).
    """
    return (
        f"({where_sql}) AND (story.story_id IS NULL OR story.story_id = articles.id"
        " OR NOT EXISTS (SELECT 1 FROM article_stories earlier"
        " WHERE earlier.story_id = story.story_id AND earlier.article_id < articles.id"
        f" AND EXISTS (SELECT 1 {from_sql.strip()}"
        f" WHERE articles.id = earlier.article_id AND ({where_sql}))))"
    )


class StoriesMixin(StoreBase):
    """Linking copies into stories, and naming a story's copies and sources."""

    def link_stories(self) -> int:
        """Link every article not linked yet (stored before migration 9, or by a writer
        that does not link), oldest first, in batches; returns how many were linked.
        Only reads when every article is linked (as on every open but the first)."""
        linked = 0
        unlinked = (
            "SELECT articles.id FROM articles WHERE NOT EXISTS"
            " (SELECT 1 FROM article_stories WHERE article_id = articles.id)"
            " ORDER BY articles.id LIMIT ?"
        )
        while self.query(unlinked, (1,)):
            with self.transaction() as connection:
                rows = connection.execute(unlinked, (LINK_BATCH,)).fetchall()
                link_articles(connection, [int(row[0]) for row in rows])
            linked += len(rows)
        return linked

    def story_copies(self, article_id: int) -> list[int]:
        """The other stored copies of an article's story, oldest first."""
        rows = self.query(
            "SELECT copy.article_id FROM article_stories mine JOIN article_stories copy"
            " ON copy.story_id = mine.story_id AND copy.article_id != mine.article_id"
            " WHERE mine.article_id = ? ORDER BY copy.article_id",
            (article_id,),
        )
        return [int(row[0]) for row in rows]


def with_sources(
    connection: sqlite3.Connection, summaries: list[ArticleSummary]
) -> list[ArticleSummary]:
    """Fill ``copies`` and ``sources`` of the summaries whose story has other copies
    (one query per 500 rows); returns the same list."""
    by_id = {summary.id: summary for summary in summaries}
    for chunk, marks in in_chunks(list(by_id)):
        rows = connection.execute(
            "SELECT mine.article_id, copy.article_id,"
            " coalesce(feeds.title, articles.feed_title) AS source"
            " FROM article_stories mine JOIN article_stories copy"
            " ON copy.story_id = mine.story_id AND copy.article_id != mine.article_id"
            " JOIN articles ON articles.id = copy.article_id"
            " LEFT JOIN feeds ON feeds.id = articles.feed_id"
            f" WHERE mine.article_id IN ({marks}) ORDER BY copy.article_id",
            chunk,
        )
        for row in rows:
            summary = by_id[int(row[0])]
            if not summary.copies:
                summary.sources = [summary.feed_title]
            summary.copies.append(int(row[1]))
            source = row["source"] or ""
            if source not in summary.sources:
                summary.sources.append(source)
    return summaries


def link_articles(connection: sqlite3.Connection, article_ids: Sequence[int]) -> None:
    """Link newly stored articles to the stories they copy (inside the caller's write
    transaction), oldest first: per 500 articles, one query for them, one per key for
    their candidates (at most :data:`CANDIDATES` per key) and one insert."""
    for chunk, marks in in_chunks(list(article_ids)):
        rows = connection.execute(
            f"{_ARTICLE_ROW} WHERE articles.id IN ({marks}) ORDER BY articles.id", chunk
        ).fetchall()
        articles = [_Stored.from_row(row) for row in rows]
        known = _Known.load(connection, articles)
        links: list[tuple[int, int, str | None, str | None, str]] = []
        joined: set[int] = set()
        for article in articles:
            story_id = known.story_of(article) if article.deduplicated else None
            if story_id is not None:
                joined.add(story_id)
            story_id = story_id or article.id
            known.add(article, story_id)
            links.append((article.id, story_id, article.link, article.title, article.stored))
        connection.executemany(
            "INSERT OR IGNORE INTO article_stories"
            " (article_id, story_id, link_key, title_key, stored) VALUES (?, ?, ?, ?, ?)",
            links,
        )
        for story_id in sorted(joined):
            _share_flags(connection, story_id)


@dataclass(frozen=True)
class _Stored:
    """A newly stored article, with its keys."""

    id: int
    feed_id: int | None
    link: str | None
    title: str | None
    content: str
    stored: str
    deduplicated: bool

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> _Stored:
        deduplicated = row["kind"] in DEDUPLICATED_KINDS
        return cls(
            id=int(row["id"]),
            feed_id=row["feed_id"],
            link=duplicates.link_key(row["url"]) if deduplicated else None,
            title=duplicates.title_key(row["title"] or "") if deduplicated else None,
            content=row["content"],
            stored=row["fetched"],
            deduplicated=deduplicated,
        )


@dataclass(frozen=True)
class _Linked:
    """An earlier article as linking compares it: its story, feed, title key and time."""

    story_id: int
    feed_id: int | None
    title_key: str | None
    stored: str


class _Known:
    """The earlier articles sharing a key with a batch of new ones, by key, newest
    first; the batch's own articles join them as they are linked."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.by_link: dict[str, list[_Linked]] = {}
        self.by_title: dict[str, list[_Linked]] = {}
        self.texts: dict[int, frozenset[str]] = {}
        """The shingles of each story's first copy, once read."""
        self.batch_texts: dict[int, str] = {}
        """The stored text of the stories this batch starts, by story."""

    @classmethod
    def load(cls, connection: sqlite3.Connection, articles: Sequence[_Stored]) -> _Known:
        known = cls(connection)
        since = min((duplicates.window_start(a.stored) for a in articles), default="")
        known.by_link = known._candidates("link_key", {a.link for a in articles}, since)
        known.by_title = known._candidates("title_key", {a.title for a in articles}, since)
        return known

    def _candidates(
        self, column: str, keys: set[str | None], since: str
    ) -> dict[str, list[_Linked]]:
        """Linked articles stored since ``since`` with one of these keys, newest first,
        at most :data:`CANDIDATES` per key. ``column`` comes from code, never input."""
        wanted = sorted(key for key in keys if key is not None)
        found: dict[str, list[_Linked]] = {}
        if not wanted:
            return found
        marks = ",".join("?" * len(wanted))
        rows = self.connection.execute(
            "SELECT story_id, feed_id, title_key, stored, key FROM (SELECT"
            f" s.story_id, articles.feed_id, s.title_key, s.stored, s.{column} AS key,"
            f" row_number() OVER (PARTITION BY s.{column} ORDER BY s.stored DESC) AS rank"
            " FROM article_stories s JOIN articles ON articles.id = s.article_id"
            f" WHERE s.{column} IN ({marks}) AND s.stored >= ?) WHERE rank <= ?"
            " ORDER BY stored DESC",
            [*wanted, since, CANDIDATES],
        ).fetchall()
        for row in rows:
            found.setdefault(row["key"], []).append(_Linked(*tuple(row)[:4]))
        return found

    def add(self, article: _Stored, story_id: int) -> None:
        linked = _Linked(story_id, article.feed_id, article.title, article.stored)
        if article.link is not None:
            self.by_link.setdefault(article.link, []).insert(0, linked)
        if article.title is not None:
            self.by_title.setdefault(article.title, []).insert(0, linked)
        if story_id == article.id:
            self.batch_texts[story_id] = article.content

    def story_of(self, article: _Stored) -> int | None:
        """The story ``article`` copies, or None (see :mod:`reader.core.duplicates`)."""
        since = duplicates.window_start(article.stored)
        if article.link is not None:
            for earlier in self.by_link.get(article.link, [])[:CANDIDATES]:
                if earlier.stored >= since and (
                    earlier.feed_id != article.feed_id
                    or (article.title is not None and earlier.title_key == article.title)
                ):
                    return earlier.story_id
        if article.title is None:
            return None
        mine: frozenset[str] | None = None
        for earlier in self.by_title.get(article.title, [])[:CANDIDATES]:
            if earlier.stored < since or earlier.feed_id == article.feed_id:
                continue
            mine = mine if mine is not None else duplicates.shingles(_paragraphs(article.content))
            if duplicates.same_text(mine, self._text(earlier.story_id)):
                return earlier.story_id
        return None

    def _text(self, story_id: int) -> frozenset[str]:
        if story_id in self.batch_texts:
            self.texts[story_id] = duplicates.shingles(_paragraphs(self.batch_texts.pop(story_id)))
        if story_id not in self.texts:
            rows = self.connection.execute(
                "SELECT articles.content FROM article_stories JOIN articles"
                " ON articles.id = article_stories.article_id"
                " WHERE article_stories.story_id = ? ORDER BY articles.id LIMIT 1",
                (story_id,),
            ).fetchall()
            self.texts[story_id] = (
                duplicates.shingles(_paragraphs(rows[0][0])) if rows else frozenset()
            )
        return self.texts[story_id]


def _paragraphs(content: str) -> list[str]:
    try:
        value = json.loads(content)
    except (TypeError, ValueError):
        return []
    return [str(item) for item in value] if isinstance(value, list) else []


def _share_flags(connection: sqlite3.Connection, story_id: int) -> None:
    """Every copy of the story takes its flags: read if any copy is read, starred if
    any is starred (the triggers of migration 9 queue the pushes of account copies).
    The copies are found by the story index, and updated by id."""
    rows = connection.execute(
        "SELECT articles.id, articles.read, articles.starred FROM article_stories"
        " JOIN articles ON articles.id = article_stories.article_id"
        " WHERE article_stories.story_id = ?",
        (story_id,),
    ).fetchall()
    for flag in ("read", "starred"):
        behind = [int(row["id"]) for row in rows if not row[flag]]
        if behind and len(behind) < len(rows):
            marks = ",".join("?" * len(behind))
            connection.execute(f"UPDATE articles SET {flag} = 1 WHERE id IN ({marks})", behind)
