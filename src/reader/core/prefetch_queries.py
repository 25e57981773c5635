"""Which articles to translate ahead and which are ready: SQL over the store's
connection."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from reader.core.query import Compiled


def ready_among(
    connection: sqlite3.Connection, translated: Compiled, article_ids: Sequence[int]
) -> set[int]:
    """The articles among ``article_ids`` that match ``translated`` (the query language's
    flag, compiled): every sentence in the cache. One query per 500 ids."""
    ready: set[int] = set()
    ids = list(dict.fromkeys(article_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = connection.execute(
            "SELECT articles.id FROM articles"
            " LEFT JOIN article_stats stats ON stats.article_id = articles.id"
            f" WHERE articles.id IN ({marks}) AND ({translated.sql})",
            [*chunk, *translated.params],
        )
        ready.update(int(row[0]) for row in rows)
    return ready


def with_sentences(connection: sqlite3.Connection, article_ids: Sequence[int]) -> list[int]:
    """The articles among ``article_ids`` whose sentences are stored (analysed ones):
    the only ones :func:`ready_among` can find ready, asked first so that a list of
    articles never analysed costs no look at the installed models."""
    found: list[int] = []
    ids = list(dict.fromkeys(article_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = connection.execute(
            "SELECT article_id FROM article_stats WHERE sentences IS NOT NULL"
            f" AND article_id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        found += [int(row[0]) for row in rows]
    return found


def last_article_id(connection: sqlite3.Connection) -> int:
    """The newest article's id (0 for none): what a refresh adds comes after it."""
    return int(connection.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])


def articles_after(
    connection: sqlite3.Connection,
    after: int,
    limit: int,
    feed_ids: Sequence[int] | None = None,
) -> list[int]:
    """Unread articles added after article ``after`` (of ``feed_ids`` only, when given),
    newest first, at most ``limit``."""
    where, params = "id > ? AND read = 0", [after]
    if feed_ids is not None:
        where += f" AND feed_id IN ({','.join('?' * len(feed_ids))})"
        params += list(feed_ids)
    rows = connection.execute(
        f"SELECT id FROM articles WHERE {where}"
        " ORDER BY coalesce(published, fetched) DESC, id DESC LIMIT ?",
        [*params, limit],
    )
    return [int(row[0]) for row in rows]
