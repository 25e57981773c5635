"""The SQLite store: schema, migrations, search, read state and the translation cache."""

from __future__ import annotations

import hashlib
import sqlite3
import unicodedata
from pathlib import Path

import pytest

from reader.core.filters import ArticleFilter
from reader.core.models import EntryData, FeedKind, Term
from reader.core.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError


def entry(
    guid: str, title: str = "title", paragraphs: list[str] | None = None, **extra: str
) -> EntryData:
    return EntryData(guid=guid, title=title, paragraphs=paragraphs or ["body"], **extra)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "reader.sqlite3")


def database_at_version(path: Path, version: int) -> None:
    """Build a database as an older reader left it: migrations 1..version applied."""
    connection = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:version], start=1):
        connection.executescript(script)
        connection.execute(f"PRAGMA user_version = {number}")
    connection.commit()
    connection.close()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_wal_with_foreign_keys_and_current_schema(store: Store) -> None:
    assert store.schema_version() == SCHEMA_VERSION
    assert store.query("PRAGMA journal_mode")[0][0] == "wal"
    assert store.query("PRAGMA foreign_keys")[0][0] == 1
    assert store.query("PRAGMA busy_timeout")[0][0] >= 5000


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_upgrade_from_every_earlier_version_keeps_rows_and_backs_up(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "old.sqlite3"
    database_at_version(path, version)
    connection = sqlite3.connect(path)
    connection.execute(
        "INSERT INTO feeds (id, url, title, kind, created) VALUES (1, 'http://x/feed', 'X', 'feed', 'now')"
    )
    connection.execute(
        "INSERT INTO articles (feed_id, guid, title, fetched, content, read, starred)"
        " VALUES (1, 'g', '실용외교', 'now', '[\"본문\"]', 1, 1)"
    )
    if version >= 4:  # from migration 4 on, the store itself indexes what it inserts
        connection.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (1, '실용외교', '본문')"
        )
    connection.execute(
        "INSERT INTO terms (lang, text, lemma, created, updated) VALUES ('ko', '외교', '외교', 'now', 'now')"
    )
    connection.commit()
    connection.close()

    store = Store(path)

    assert store.schema_version() == SCHEMA_VERSION
    article = store.articles()[0]
    assert (article.title, article.read, article.starred) == ("실용외교", True, True)
    assert store.query("SELECT text FROM terms")[0][0] == "외교"
    assert path.with_name(f"old.sqlite3.v{version}.bak").exists()
    store.upsert_entries(1, [entry("new", title="새 외교 기사", paragraphs=["회담이 열렸다."])])
    assert sorted(a.title for a in store.search("외교")) == ["새 외교 기사", "실용외교"]
    assert [a.title for a in store.search("회담이")] == ["새 외교 기사"]


def test_upgrade_from_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    assert Store(path).schema_version() == SCHEMA_VERSION


def test_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    database_at_version(path, SCHEMA_VERSION)
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    before = file_digest(path)

    with pytest.raises(StoreError, match="newer reader"):
        Store(path)

    assert file_digest(path) == before


def test_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(bytes(range(256)) * 10)
    before = file_digest(path)

    with pytest.raises(StoreError, match="left untouched"):
        Store(path)

    assert file_digest(path) == before


def test_updated_entry_keeps_read_and_starred_state(store: Store) -> None:
    feed, created = store.add_feed("http://example.test/feed", "Example")
    assert created
    store.upsert_entries(feed.id, [entry("a", paragraphs=["old"])])
    article_id = store.articles()[0].id
    store.set_flag([article_id], "read", True)
    store.set_flag([article_id], "starred", True)

    new, updated = store.upsert_entries(feed.id, [entry("a", title="changed", paragraphs=["new"])])

    assert (new, updated) == (0, 1)
    article = store.article(article_id)
    assert article is not None
    assert (article.title, article.paragraphs, article.read, article.starred) == (
        "changed",
        ["new"],
        True,
        True,
    )


def test_unchanged_entry_is_not_rewritten(store: Store) -> None:
    feed, _ = store.add_feed("http://example.test/feed")
    store.upsert_entries(feed.id, [entry("a")])
    assert store.upsert_entries(feed.id, [entry("a")]) == (0, 0)


def test_add_feed_twice_does_not_duplicate(store: Store) -> None:
    store.add_feed("http://example.test/feed")
    _, created = store.add_feed("http://example.test/feed")
    assert not created
    assert len(store.feeds(FeedKind.FEED)) == 1


def test_removed_feed_keeps_starred_articles(store: Store) -> None:
    feed, _ = store.add_feed("http://example.test/feed", "Example")
    store.upsert_entries(feed.id, [entry("keep", title="kept"), entry("drop", title="dropped")])
    kept = next(a for a in store.articles() if a.title == "kept")
    store.set_flag([kept.id], "starred", True)

    store.remove_feed(feed.id)

    remaining = store.articles()
    assert [a.title for a in remaining] == ["kept"]
    assert remaining[0].feed_title == "Example"


def test_search_finds_korean_substrings_of_any_length(store: Store) -> None:
    feed, _ = store.add_feed("http://example.test/feed")
    store.upsert_entries(
        feed.id,
        [
            entry("1", title="정부, 실용외교를 강조", paragraphs=["대통령은 어제 회견을 열었다."]),
            entry("2", title="Markets", paragraphs=["Stocks rose 50% on Tuesday."]),
        ],
    )
    assert [a.title for a in store.search("외교")] == ["정부, 실용외교를 강조"]
    assert [a.title for a in store.search("실용외교")] == ["정부, 실용외교를 강조"]
    assert [a.title for a in store.search("회견을")] == ["정부, 실용외교를 강조"]
    assert [a.title for a in store.search("stocks")] == ["Markets"]
    assert [a.title for a in store.search("50%")] == ["Markets"]
    assert store.search('"') == []
    assert store.search("없는말") == []


def test_search_finds_decomposed_hangul_and_stray_invisible_characters(store: Store) -> None:
    """A query in NFD (macOS, some input methods) finds what its NFC form finds."""
    feed, _ = store.add_feed("http://example.test/feed")
    store.upsert_entries(feed.id, [entry("1", title="정부, 실용외교를 강조", paragraphs=["본문"])])
    for query in ("실용외교", "외교", "외"):
        decomposed = unicodedata.normalize("NFD", query)
        assert decomposed != query
        assert len(store.search(decomposed)) == len(store.search(query)) == 1
    assert len(store.search("  실용\x1b[31m외교\n")) == 1


def test_search_follows_updated_text(store: Store) -> None:
    feed, _ = store.add_feed("http://example.test/feed")
    store.upsert_entries(feed.id, [entry("1", paragraphs=["첫 번째 본문"])])
    store.upsert_entries(feed.id, [entry("1", paragraphs=["두 번째 본문"])])
    assert store.search("첫 번째") == []
    assert len(store.search("두 번째")) == 1


def test_default_fts_tokenizer_would_miss_korean_substring(tmp_path: Path) -> None:
    """Why the trigram tokenizer: unicode61 indexes whole words, so 외교 is not found in 실용외교를."""
    connection = sqlite3.connect(tmp_path / "plain.sqlite3")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5 (body)")
    connection.execute("INSERT INTO t VALUES ('정부는 실용외교를 강조했다')")
    assert connection.execute("SELECT count(*) FROM t WHERE t MATCH '외교'").fetchone()[0] == 0


def test_translation_cache_round_trip_and_invalidation(store: Store) -> None:
    store.cache_translations("ko_en@1.0", "ko", "en", "beam=2", {"h1": "Hello", "h2": "World"})
    store.cache_translations("en_ko@1.0", "en", "ko", "beam=2", {"h1": "안녕"})

    assert store.cached_translations("ko_en@1.0", "ko", "en", "beam=2", ["h1", "h3"]) == {
        "h1": "Hello"
    }
    assert store.cached_translations("ko_en@1.0", "ko", "en", "beam=4", ["h1"]) == {}

    assert store.drop_translations("ko_en") == 2
    assert store.cached_translations("ko_en@1.0", "ko", "en", "beam=2", ["h1"]) == {}
    assert store.cached_translations("en_ko@1.0", "en", "ko", "beam=2", ["h1"]) == {"h1": "안녕"}


def test_mark_all_read_per_feed(store: Store) -> None:
    first, _ = store.add_feed("http://a.test/feed")
    second, _ = store.add_feed("http://b.test/feed")
    store.upsert_entries(first.id, [entry("1"), entry("2")])
    store.upsert_entries(second.id, [entry("3")])

    assert store.mark_all_read(first.id) == 2
    assert store.count_articles(ArticleFilter(unread=True)) == 1
    assert [f.unread for f in store.feeds(FeedKind.FEED)] == [0, 1]


def test_retention_spares_starred_and_unread(store: Store) -> None:
    feed, _ = store.add_feed("http://a.test/feed")
    store.upsert_entries(
        feed.id,
        [
            entry("old-read", published="2020-01-01T00:00:00+00:00"),
            entry("old-starred", published="2020-01-01T00:00:00+00:00"),
            entry("old-unread", published="2020-01-01T00:00:00+00:00"),
            entry("new-read", published="2026-01-01T00:00:00+00:00"),
        ],
    )
    ids = {row["guid"]: row["id"] for row in store.query("SELECT guid, id FROM articles")}
    store.set_flag([ids["old-read"], ids["old-starred"], ids["new-read"]], "read", True)
    store.set_flag([ids["old-starred"]], "starred", True)

    assert store.delete_old_read("2025-01-01T00:00:00+00:00") == 1
    assert sorted(r[0] for r in store.query("SELECT guid FROM articles")) == [
        "new-read",
        "old-starred",
        "old-unread",
    ]


def test_set_read_returning_reports_only_the_articles_that_changed(store: Store) -> None:
    feed, _ = store.add_feed("http://a.test/feed")
    store.upsert_entries(feed.id, [entry("1"), entry("2"), entry("3")])
    ids = {row["guid"]: row["id"] for row in store.query("SELECT guid, id FROM articles")}
    store.set_flag([ids["2"]], "read", True)

    changed = store.set_read_returning([ids["1"], ids["2"], 999_999], True)

    assert changed == [ids["1"]]
    assert store.unread_among(list(ids.values())) == [ids["3"]]
    store.set_read_returning(changed, False)  # the undo: 2 stays read, as it was before
    assert sorted(store.unread_among(list(ids.values()))) == sorted([ids["1"], ids["3"]])


def test_articles_of_a_folder_are_those_of_its_feeds(store: Store) -> None:
    news, _ = store.add_feed("http://a.test/feed", folder="News")
    more, _ = store.add_feed("http://b.test/feed", folder="News")
    other, _ = store.add_feed("http://c.test/feed")
    store.upsert_entries(news.id, [entry("1")])
    store.upsert_entries(more.id, [entry("2")])
    store.upsert_entries(other.id, [entry("3")])

    assert store.count_articles(ArticleFilter(folder="News")) == 2
    assert sorted(
        a.guid or ""
        for a in map(store.article, store.article_ids(ArticleFilter(folder="News")))
        if a
    ) == [
        "1",
        "2",
    ]
    assert [
        row.feed_id for row in store.articles(ArticleFilter(folder="News", feed_id=more.id))
    ] == [more.id]


def test_dropping_a_model_with_a_backslash_and_underscore_in_its_name_drops_only_it(
    store: Store,
) -> None:
    """Model names come from installed packages: ``\\`` and ``_`` in one are literal, so
    ``dir\\_x`` does not also drop ``dir\\ax`` (the prefix's backslash was not escaped,
    which left its ``_`` a wildcard)."""
    store.cache_translations("dir\\_x@1.0", "ko", "en", "", {"h1": "kept apart"})
    store.cache_translations("dir\\ax@1.0", "ko", "en", "", {"h1": "another model"})

    assert store.drop_translations("dir\\_x") == 1
    assert store.cached_translations("dir\\_x@1.0", "ko", "en", "", ["h1"]) == {}
    assert store.cached_translations("dir\\ax@1.0", "ko", "en", "", ["h1"]) == {
        "h1": "another model"
    }


def test_term_and_search_filters_take_backslash_percent_and_underscore_literally(
    store: Store,
) -> None:
    for text in ("a\\_b", "a\\xb", "a\\%b"):
        store.insert_term(Term(id=0, lang="en", text=text, lemma=text))
    assert [term.text for term in store.terms(text="a\\_")] == ["a\\_b"]
    assert [term.text for term in store.terms(text="\\%")] == ["a\\%b"]

    feed, _ = store.add_feed("http://example.test/feed")
    store.upsert_entries(feed.id, [entry("1", title="x\\%y"), entry("2", title="x\\zy")])
    assert [article.title for article in store.search("\\%")] == ["x\\%y"]


def test_migration_9_links_the_stories_already_stored_and_keeps_the_data(
    tmp_path: Path,
) -> None:
    """A database from before migration 9 (at 8) gains the stories: copies already
    stored are linked, every article and flag stays, the backup is written."""
    path = tmp_path / "reader.db"
    store = Store(path)
    first, _ = store.add_feed("http://127.0.0.1:1/a.xml", "A")
    second, _ = store.add_feed("http://127.0.0.1:1/b.xml", "B")
    store.upsert_entries(
        first.id, [EntryData("a1", "Story", ["x"], url="http://n.example/s?utm_source=a")]
    )
    store.upsert_entries(second.id, [EntryData("b1", "Story", ["y"], url="http://n.example/s")])
    store.upsert_entries(second.id, [EntryData("b2", "Other", ["z"], url="http://n.example/o")])
    ids = {row[0]: int(row[1]) for row in store.query("SELECT guid, id FROM articles")}
    store.close()
    connection = sqlite3.connect(path)
    connection.execute("DROP TRIGGER story_read_follows")
    connection.execute("DROP TRIGGER story_starred_follows")
    connection.execute("DROP TABLE article_stories")
    connection.execute("UPDATE articles SET read = 1 WHERE guid = 'b1'")
    connection.execute("UPDATE articles SET starred = 1 WHERE guid = 'a1'")
    connection.execute("PRAGMA user_version = 8")
    connection.commit()
    connection.close()
    store = Store(path)
    assert store.schema_version() == 9
    assert (tmp_path / "reader.db.v8.bak").exists()
    assert store.count_articles() == 2 and len(store.query("SELECT id FROM articles")) == 3
    assert store.story_copies(ids["a1"]) == [ids["b1"]]
    for guid in ("a1", "b1"):  # read on one copy and starred on the other: both, on both
        article = store.article(ids[guid])
        assert article is not None and (article.read, article.starred) == (True, True)
    other = store.article(ids["b2"])
    assert other is not None and (other.read, other.starred, other.copies) == (False, False, [])
    store.set_flag([ids["a1"]], "read", False)
    assert store.article(ids["b1"]).read is False  # type: ignore[union-attr]
    store.close()
