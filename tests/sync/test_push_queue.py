"""The push queue is filled by the store itself, in the transaction of the flag change."""

from __future__ import annotations

from pathlib import Path

from reader.core.models import EntryData
from reader.core.store import Store
from reader.core.sync import engine


def store_with_server_article(tmp_path: Path) -> tuple[Store, int, int]:
    store = Store(tmp_path / "reader.sqlite3")
    account = engine.insert_account(store, "home", "fever", "http://127.0.0.1:1/", "me", "file")
    feed, _ = store.add_feed("http://127.0.0.1:1/local.xml")
    with store.transaction() as connection:
        connection.execute(
            "INSERT INTO feeds (url, title, kind, created) VALUES ('reader-account:1/7', 'S', 'account', 'now')"
        )
        server_feed = int(connection.execute("SELECT max(id) FROM feeds").fetchone()[0])
        connection.execute("INSERT INTO account_feeds VALUES (?, ?, 7)", (server_feed, account.id))
    store.upsert_entries(server_feed, [EntryData("fever:70", "server", ["x"])])
    store.upsert_entries(feed.id, [EntryData("local", "local", ["y"])])
    server_article = store.article_id_by_guid(server_feed, "fever:70")
    local_article = store.article_id_by_guid(feed.id, "local")
    assert server_article and local_article
    with store.transaction() as connection:
        connection.execute(
            "INSERT INTO account_items VALUES (?, ?, 70, 0, 0)", (server_article, account.id)
        )
    return store, server_article, local_article


def queue(store: Store) -> list[tuple[int, str, int]]:
    rows = store.query("SELECT remote_id, flag, value FROM account_push ORDER BY flag")
    return [(row[0], row[1], row[2]) for row in rows]


def test_every_flag_path_queues_server_articles_only(tmp_path: Path) -> None:
    store, server_article, local_article = store_with_server_article(tmp_path)
    store.set_flag([server_article, local_article], "starred", True)
    store.set_read_returning([server_article, local_article], True)
    assert queue(store) == [(70, "read", 1), (70, "starred", 1)]
    store.set_read_returning([server_article], False)
    assert queue(store) == [(70, "read", 0), (70, "starred", 1)]  # the latest change only
    store.mark_all_read()
    assert queue(store) == [(70, "read", 1), (70, "starred", 1)]
    store.set_flag([server_article], "starred", True)  # no change, nothing new queued
    assert len(queue(store)) == 2


def test_a_failed_flag_change_queues_nothing(tmp_path: Path) -> None:
    store, server_article, _ = store_with_server_article(tmp_path)
    try:
        with store.transaction() as connection:
            connection.execute("UPDATE articles SET read = 1 WHERE id = ?", (server_article,))
            raise RuntimeError("the process dies before commit")
    except RuntimeError:
        pass
    assert queue(store) == []
    assert store.article(server_article).read is False  # type: ignore[union-attr]


def test_applying_the_servers_flags_queues_nothing(tmp_path: Path) -> None:
    store, server_article, _ = store_with_server_article(tmp_path)
    with store.transaction() as connection:
        connection.execute("INSERT INTO account_applying VALUES (1)")
        connection.execute("UPDATE articles SET read = 1 WHERE id = ?", (server_article,))
        connection.execute("DELETE FROM account_applying")
    assert queue(store) == []
    store.set_flag([server_article], "read", False)
    assert queue(store) == [(70, "read", 0)]
