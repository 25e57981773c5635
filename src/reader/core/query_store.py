"""The tables behind the query language: per-article statistics, sentence hashes and
saved searches, with the SQL that reads and writes them (each function takes a
connection; writes are meant to run inside :meth:`reader.core.store.Store.transaction`).

``article_stats`` holds, for every article, its length in words and, once it has
been analysed, its language, its distinct content words and how many of those are
known or ignored. Triggers keep it right whatever code path writes: storing an
article counts its words; storing its vocabulary (``article_vocab`` and
``article_words``) counts its content words and the known ones; adding, removing or
changing the status or pattern of a term moves the known count of exactly the
articles that contain the term's pattern. So ``known>80%`` over 20,000 articles is
one scan of a small table instead of joining millions of word rows to the glossary.

``article_sentences`` holds the hash of each sentence an analysed article is
translated by (see :func:`replace_sentences`), for ``translated``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from reader.core.models import ArticleSummary
from reader.core.query import Compiled

_WORDS_OF = (
    "(SELECT coalesce(sum(length(value) - length(replace(value, ' ', '')) + 1), 0)"
    " FROM json_each({content}) WHERE trim(value) != '')"
)
"""Words of a stored ``content`` (a JSON list of paragraphs whose spaces are single)."""

_KNOWN = "('known', 'ignored')"

_ARTICLES_WITH_KEY = (
    "article_id IN (SELECT w.article_id FROM article_words w WHERE w.kind = 'w' AND w.key = {key})"
    " AND lang = {lang}"
)

MIGRATION = f"""
CREATE TABLE article_stats (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    words INTEGER NOT NULL DEFAULT 0,
    lang TEXT,
    content_words INTEGER,
    known_words INTEGER,
    sentences INTEGER
);

CREATE TABLE article_sentences (
    article_id INTEGER NOT NULL REFERENCES article_vocab(article_id) ON DELETE CASCADE,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (article_id, source_lang, target_lang, hash)
) WITHOUT ROWID;

CREATE TABLE saved_searches (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    query TEXT NOT NULL,
    created TEXT NOT NULL
);

INSERT INTO article_stats (article_id, words)
SELECT id, {_WORDS_OF.format(content="articles.content")} FROM articles;

UPDATE article_stats SET
    lang = (SELECT v.lang FROM article_vocab v WHERE v.article_id = article_stats.article_id),
    content_words = (SELECT count(*) FROM article_words w
                     WHERE w.article_id = article_stats.article_id AND w.kind = 'w'),
    known_words = (SELECT count(*) FROM article_words w JOIN article_vocab v USING (article_id)
                   WHERE w.article_id = article_stats.article_id AND w.kind = 'w'
                   AND EXISTS (SELECT 1 FROM terms t WHERE t.lang = v.lang
                               AND t.pattern = w.key AND t.status IN {_KNOWN}))
WHERE article_id IN (SELECT article_id FROM article_vocab);

CREATE TRIGGER article_stats_insert AFTER INSERT ON articles BEGIN
    INSERT OR REPLACE INTO article_stats (article_id, words)
    VALUES (new.id, {_WORDS_OF.format(content="new.content")});
END;

CREATE TRIGGER article_stats_content AFTER UPDATE OF content ON articles BEGIN
    UPDATE article_stats SET words = {_WORDS_OF.format(content="new.content")}
    WHERE article_id = new.id;
END;

CREATE TRIGGER article_stats_vocab_insert AFTER INSERT ON article_vocab BEGIN
    UPDATE article_stats SET lang = new.lang, content_words = 0, known_words = 0, sentences = NULL
    WHERE article_id = new.article_id;
END;

CREATE TRIGGER article_stats_vocab_delete AFTER DELETE ON article_vocab BEGIN
    UPDATE article_stats SET lang = NULL, content_words = NULL, known_words = NULL,
        sentences = NULL
    WHERE article_id = old.article_id;
END;

CREATE TRIGGER article_stats_word_insert AFTER INSERT ON article_words
WHEN new.kind = 'w' BEGIN
    UPDATE article_stats SET content_words = content_words + 1,
        known_words = known_words + EXISTS (SELECT 1 FROM terms t
            WHERE t.lang = article_stats.lang AND t.pattern = new.key AND t.status IN {_KNOWN})
    WHERE article_id = new.article_id;
END;

CREATE TRIGGER article_stats_term_insert AFTER INSERT ON terms
WHEN new.status IN {_KNOWN} AND new.pattern != '' BEGIN
    UPDATE article_stats SET known_words = known_words + 1
    WHERE NOT EXISTS (SELECT 1 FROM terms t WHERE t.lang = new.lang AND t.pattern = new.pattern
                      AND t.status IN {_KNOWN} AND t.id != new.id)
    AND {_ARTICLES_WITH_KEY.format(key="new.pattern", lang="new.lang")};
END;

CREATE TRIGGER article_stats_term_delete AFTER DELETE ON terms
WHEN old.status IN {_KNOWN} AND old.pattern != '' BEGIN
    UPDATE article_stats SET known_words = known_words - 1
    WHERE NOT EXISTS (SELECT 1 FROM terms t WHERE t.lang = old.lang AND t.pattern = old.pattern
                      AND t.status IN {_KNOWN})
    AND {_ARTICLES_WITH_KEY.format(key="old.pattern", lang="old.lang")};
END;

CREATE TRIGGER article_stats_term_update AFTER UPDATE OF lang, pattern, status ON terms
WHEN (old.status IN {_KNOWN}) != (new.status IN {_KNOWN})
    OR old.pattern != new.pattern OR old.lang != new.lang BEGIN
    UPDATE article_stats SET known_words = known_words - 1
    WHERE old.status IN {_KNOWN} AND old.pattern != ''
    AND NOT EXISTS (SELECT 1 FROM terms t WHERE t.lang = old.lang AND t.pattern = old.pattern
                    AND t.status IN {_KNOWN})
    AND {_ARTICLES_WITH_KEY.format(key="old.pattern", lang="old.lang")};
    UPDATE article_stats SET known_words = known_words + 1
    WHERE new.status IN {_KNOWN} AND new.pattern != ''
    AND NOT (old.status IN {_KNOWN} AND old.lang = new.lang AND old.pattern = new.pattern)
    AND NOT EXISTS (SELECT 1 FROM terms t WHERE t.lang = new.lang AND t.pattern = new.pattern
                    AND t.status IN {_KNOWN} AND t.id != new.id)
    AND {_ARTICLES_WITH_KEY.format(key="new.pattern", lang="new.lang")};
END;
"""
"""The migration adding these tables (filled from the data already stored) and triggers."""


# -- running queries ---------------------------------------------------------------------

SUMMARY_COLUMNS = (
    "articles.id, articles.feed_id, articles.title, articles.url, articles.published,"
    " articles.read, articles.starred, articles.language,"
    " coalesce(feeds.title, articles.feed_title) AS feed_title"
)
_FROM = (
    " FROM articles LEFT JOIN feeds ON feeds.id = articles.feed_id"
    " LEFT JOIN article_stats stats ON stats.article_id = articles.id"
)
_NEWEST_FIRST = " ORDER BY coalesce(articles.published, articles.fetched) DESC, articles.id DESC"


def _where(compiled: Compiled, unread: bool, starred: bool) -> tuple[str, list[Any]]:
    conditions = [compiled.sql]
    if unread:
        conditions.append("articles.read = 0")
    if starred:
        conditions.append("articles.starred = 1")
    return " WHERE " + " AND ".join(conditions), list(compiled.params)


def select_articles(
    connection: sqlite3.Connection,
    compiled: Compiled,
    *,
    unread: bool = False,
    starred: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[ArticleSummary]:
    """The articles matching, newest first, one per story (copies and sources named)."""
    from reader.core.store import stories  # the store's schema imports this module

    where, params = _where(compiled, unread, starred)
    sql = f"SELECT {SUMMARY_COLUMNS}{_one_per_story(where)}{_NEWEST_FIRST} LIMIT ? OFFSET ?"
    rows = connection.execute(sql, [*params, *params, -1 if limit is None else limit, offset])
    return stories.with_sources(connection, [_summary(row) for row in rows])


def _one_per_story(where: str) -> str:
    """FROM and WHERE listing the matches one per story; the parameters go in twice."""
    from reader.core.store import stories

    condition = stories.first_copy_only(_FROM, where.removeprefix(" WHERE "))
    return f"{_FROM}{stories.STORY_JOIN} WHERE {condition}"


def _summary(row: sqlite3.Row) -> ArticleSummary:
    (article_id, feed_id, title, url, published, read, starred, language, feed_title) = tuple(row)
    return ArticleSummary(
        id=article_id,
        feed_id=feed_id,
        title=title,
        url=url,
        published=published,
        read=bool(read),
        starred=bool(starred),
        feed_title=feed_title or "",
        language=language,
    )


def count_articles(
    connection: sqlite3.Connection, compiled: Compiled, *, unread: bool = False
) -> int:
    """How many stories match (copies count once)."""
    where, params = _where(compiled, unread, False)
    sql = f"SELECT count(*){_one_per_story(where)}"
    return int(connection.execute(sql, params * 2).fetchone()[0])


def article_ids(
    connection: sqlite3.Connection, compiled: Compiled, *, unread: bool = False
) -> list[int]:
    where, params = _where(compiled, unread, False)
    sql = f"SELECT articles.id{_one_per_story(where)}{_NEWEST_FIRST}"
    rows = connection.execute(sql, params * 2)
    return [int(row[0]) for row in rows]


# -- per-article statistics --------------------------------------------------------------


@dataclass(frozen=True)
class ArticleStats:
    article_id: int
    words: int
    lang: str | None
    content_words: int | None
    known_words: int | None
    sentences: int | None


def article_stats(connection: sqlite3.Connection, article_id: int) -> ArticleStats | None:
    row = connection.execute(
        "SELECT article_id, words, lang, content_words, known_words, sentences"
        " FROM article_stats WHERE article_id = ?",
        (article_id,),
    ).fetchone()
    return ArticleStats(*tuple(row)) if row is not None else None


def needs_sentences(connection: sqlite3.Connection, article_id: int) -> bool:
    """Whether the analysed article's sentences were not stored yet."""
    row = connection.execute(
        "SELECT 1 FROM article_stats WHERE article_id = ? AND content_words IS NOT NULL"
        " AND sentences IS NULL",
        (article_id,),
    ).fetchone()
    return row is not None


def articles_without_sentences(connection: sqlite3.Connection, limit: int) -> list[int]:
    """Analysed articles whose sentences were never stored (analysed before they were
    kept), newest first."""
    rows = connection.execute(
        "SELECT stats.article_id FROM article_stats stats"
        " JOIN articles ON articles.id = stats.article_id"
        " WHERE stats.content_words IS NOT NULL AND stats.sentences IS NULL"
        " ORDER BY coalesce(articles.published, articles.fetched) DESC LIMIT ?",
        (limit,),
    )
    return [int(row[0]) for row in rows]


def replace_sentences(
    connection: sqlite3.Connection, article_id: int, sentences: Iterable[tuple[str, str, str]]
) -> None:
    """Store the (source language, target language, hash) of each sentence the
    analysed article is translated by; nothing when it has no vocabulary (any more)."""
    if (
        connection.execute(
            "SELECT 1 FROM article_vocab WHERE article_id = ?", (article_id,)
        ).fetchone()
        is None
    ):
        return
    rows = sorted(set(sentences))
    connection.execute("DELETE FROM article_sentences WHERE article_id = ?", (article_id,))
    connection.executemany(
        "INSERT INTO article_sentences VALUES (?, ?, ?, ?)",
        [(article_id, source, target, digest) for source, target, digest in rows],
    )
    connection.execute(
        "UPDATE article_stats SET sentences = ? WHERE article_id = ?", (len(rows), article_id)
    )


# -- saved searches ----------------------------------------------------------------------


@dataclass(frozen=True)
class SavedSearch:
    name: str
    query: str
    created: str


def saved_searches(connection: sqlite3.Connection) -> list[SavedSearch]:
    """Every saved search, by name (case-insensitive)."""
    rows = connection.execute(
        "SELECT name, query, created FROM saved_searches ORDER BY name COLLATE NOCASE, name"
    )
    return [SavedSearch(str(row[0]), str(row[1]), str(row[2])) for row in rows]


def saved_search(connection: sqlite3.Connection, name: str) -> SavedSearch | None:
    row = connection.execute(
        "SELECT name, query, created FROM saved_searches WHERE name = ?", (name,)
    ).fetchone()
    return SavedSearch(str(row[0]), str(row[1]), str(row[2])) if row is not None else None


def add_saved_search(
    connection: sqlite3.Connection, name: str, query: str, created: str, replace: bool = False
) -> bool:
    """Save a search; returns False when the name is taken (and ``replace`` is false)."""
    verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
    cursor = connection.execute(
        f"{verb} INTO saved_searches (name, query, created) VALUES (?, ?, ?)",
        (name, query, created),
    )
    return cursor.rowcount == 1


def remove_saved_search(connection: sqlite3.Connection, name: str) -> bool:
    cursor = connection.execute("DELETE FROM saved_searches WHERE name = ?", (name,))
    return cursor.rowcount == 1


def known_counts(
    connection: sqlite3.Connection, article_ids: Sequence[int]
) -> dict[int, tuple[int, int]]:
    """(distinct content words, of which known or ignored) of the analysed articles
    among ``article_ids``, from the statistics (what ``known>`` compares)."""
    found: dict[int, tuple[int, int]] = {}
    for start in range(0, len(article_ids), 500):
        chunk = list(article_ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        rows = connection.execute(
            "SELECT article_id, content_words, known_words FROM article_stats"
            f" WHERE content_words IS NOT NULL AND article_id IN ({marks})",
            chunk,
        )
        found.update((int(row[0]), (int(row[1]), int(row[2]))) for row in rows)
    return found
