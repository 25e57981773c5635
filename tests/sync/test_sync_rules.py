"""Sync rules against the tests' own small Fever server: refused pushes, feeds gone from
the server, a server turning into a web page or a 500, and kill -9 during a sync."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from reader.core.store import Store
from tests.conftest import run_reader

from .mini_fever import PASSWORD, USER, MiniFever


@pytest.fixture
def fever(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[MiniFever]:
    server = MiniFever()
    server.add_items(1, 3)
    httpserver.expect_request("/fever/").respond_with_handler(server.handler)
    monkeypatch.setenv("READER_ACCOUNT_PASSWORD", PASSWORD)
    done = run_reader("accounts", "add", "fever", httpserver.url_for("/fever/"), "--user", USER)
    assert done.returncode == 0, done.stderr
    yield server


def sync() -> dict[str, object]:
    done = run_reader("accounts", "sync", "--json")
    results = json.loads(done.stdout)
    assert len(results) == 1
    result: dict[str, object] = results[0]
    return result


def articles() -> dict[str, dict[str, object]]:
    listed = json.loads(run_reader("list", "--json").stdout)
    return {article["title"]: article for article in listed}


def test_a_refused_push_stays_queued_and_is_retried(fever: MiniFever) -> None:
    sync()
    fever.mode = "refuse-marks"
    run_reader("star", str(articles()["Item 2"]["id"]))
    result = sync()
    assert result["error"] and "HTTP 500" in str(result["error"])
    assert result["pending"] == 1 and 2 not in fever.saved
    assert articles()["Item 2"]["starred"] is True  # the pull did not undo the local star
    fever.mode = "ok"
    result = sync()
    assert result["pushed"] == 1 and result["pending"] == 0
    assert 2 in fever.saved


def test_the_servers_change_is_taken_when_nothing_local_is_queued(fever: MiniFever) -> None:
    sync()
    fever.unread.discard(1)
    fever.saved.add(3)
    result = sync()
    assert result["flags_pulled"] == 2
    listed = articles()
    assert listed["Item 1"]["read"] is True and listed["Item 3"]["starred"] is True


def test_a_feed_gone_from_the_server_keeps_its_starred_articles(fever: MiniFever) -> None:
    fever.add_items(2, 2)
    sync()
    assert len(articles()) == 5
    run_reader("star", str(articles()["Item 4"]["id"]))
    sync()
    del fever.feeds[2]
    result = sync()
    assert result["feeds"] == 1
    assert sorted(articles()) == ["Item 1", "Item 2", "Item 3", "Item 4"]


@pytest.mark.parametrize(
    ("mode", "message"), [("html", "a web page, not the Fever API"), ("500", "HTTP 500")]
)
def test_a_server_turned_web_page_or_500_is_one_line(
    fever: MiniFever, mode: str, message: str
) -> None:
    sync()
    fever.mode = mode
    done = run_reader("accounts", "sync")
    assert done.returncode == 3
    assert message in done.stdout and len(done.stdout.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    listing = run_reader("accounts", "list")
    assert message in listing.stdout
    assert len(articles()) == 3


def test_adding_an_account_at_a_web_page_is_refused(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/").respond_with_data("<html>hi</html>", content_type="text/html")
    monkeypatch.setenv("READER_ACCOUNT_PASSWORD", "pw")
    done = run_reader("accounts", "add", "fever", httpserver.url_for("/"), "--user", "u")
    assert done.returncode == 1
    assert "not the Fever API" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def stored_everything(database: Path) -> bool:
    with closing(sqlite3.connect(database)) as connection:
        return bool(connection.execute("SELECT count(*) FROM account_items").fetchone()[0] > 3)


def test_kill_9_during_a_sync_leaves_the_store_whole_and_the_queue_intact(
    fever: MiniFever, reader_home: Path
) -> None:
    """Killed at many points of a large first sync, the database stays consistent, the
    queued change survives, and a last sync completes it."""
    sync()
    run_reader("read", str(articles()["Item 1"]["id"]))
    fever.add_items(1, 3000, html="<p>" + "Long body {n}. " * 200 + "</p>")
    database = next(reader_home.rglob("reader.sqlite3"))
    kills = 0
    delay = 0.6
    while kills < 25 and not stored_everything(database):
        kills += 1
        delay += 0.15
        process = subprocess.Popen(
            [sys.executable, "-m", "reader", "accounts", "sync"],
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        store = Store(database)
        assert store.integrity_check() == "ok"
        queued = store.query("SELECT remote_id, flag, value FROM account_push")
        delivered = 1 not in fever.unread
        assert [tuple(row) for row in queued] == ([] if delivered else [(1, "read", 1)])
        counts = store.query(
            "SELECT (SELECT count(*) FROM account_items),"
            " (SELECT since_id FROM accounts),"
            " (SELECT max(remote_id) FROM account_items)"
        )[0]
        assert counts[1] == counts[2]  # the last item id moves with the items, never ahead
        store.close()
    assert kills > 3  # the sync was interrupted at several points before it completed
    result = sync()
    assert result["error"] is None and result["pending"] == 0
    assert 1 not in fever.unread
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("SELECT count(*) FROM account_items").fetchone()[0] == 3003


def test_account_feeds_are_managed_by_the_server(fever: MiniFever) -> None:
    sync()
    listing = run_reader("accounts", "list").stdout.splitlines()
    assert listing[1].endswith("localhost/News/Feed 1")
    feed_id = listing[1].split()[0]
    removed = run_reader("remove", feed_id)
    assert removed.returncode == 1 and "unsubscribe on the server" in removed.stderr
    refreshed = run_reader("refresh", feed_id)
    assert refreshed.returncode == 1 and "reader accounts sync" in refreshed.stderr
    assert run_reader("feeds").stdout.strip() == ""  # `feeds` lists only your own
    assert len(articles()) == 3


def test_an_account_name_is_used_once(httpserver: HTTPServer, fever: MiniFever) -> None:
    done = run_reader("accounts", "add", "fever", httpserver.url_for("/fever/"), "--user", USER)
    assert done.returncode == 1 and "already an account named localhost" in done.stderr


def test_the_password_can_be_typed_at_the_prompt(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = MiniFever()
    httpserver.expect_request("/fever/").respond_with_handler(server.handler)
    monkeypatch.delenv("READER_ACCOUNT_PASSWORD", raising=False)
    url = httpserver.url_for("/fever/")
    done = run_reader("accounts", "add", "fever", url, "--user", USER, input=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr


def test_a_key_file_others_can_read_is_refused(fever: MiniFever, reader_home: Path) -> None:
    key_file = next(reader_home.rglob("account-keys/*.key"))
    key_file.chmod(0o644)
    done = run_reader("accounts", "sync")
    assert done.returncode == 3 and "readable by other users" in done.stdout
    key_file.chmod(0o600)
    assert run_reader("accounts", "sync").returncode == 0


def test_retention_applies_to_account_articles_as_to_feeds(
    httpserver: HTTPServer,
) -> None:
    from reader.config import Config, RefreshConfig
    from reader.service import ReaderService

    server = MiniFever()
    server.add_items(1, 3)  # dated November 2023
    httpserver.expect_request("/fever/").respond_with_handler(server.handler)
    service = ReaderService(config=Config(refresh=RefreshConfig(retention_days=30)))
    try:
        service.account_add("fever", httpserver.url_for("/fever/"), USER, PASSWORD)
        service.account_sync()
        server.unread -= {1, 2}
        server.saved.add(2)
        service.account_sync()
        assert sorted(a.title for a in service.list_articles()) == ["Item 2", "Item 3"]
        service.account_sync()  # what retention removed is not fetched again
        assert len(service.list_articles()) == 2
    finally:
        service.close()


def test_a_change_can_be_pushed_at_once_without_a_pull(httpserver: HTTPServer) -> None:
    from reader.service import ReaderService

    server = MiniFever()
    server.add_items(1, 2)
    httpserver.expect_request("/fever/").respond_with_handler(server.handler)
    service = ReaderService()
    try:
        service.account_add("fever", httpserver.url_for("/fever/"), USER, PASSWORD)
        service.account_sync()
        assert service.account_push() == []  # nothing queued: no request at all
        first = next(a for a in service.list_articles() if a.title == "Item 1")
        service.set_read([first.id])
        server.calls.clear()
        results = service.account_push()
        assert [(r.pushed, r.pending, r.error) for r in results] == [(1, 0, None)]
        assert 1 not in server.unread
        assert not any("items" in call or "unread_item_ids" in call for call in server.calls)
        server.mode = "500"
        service.set_starred([first.id])
        results = service.account_push()
        assert results[0].pending == 1 and results[0].error is not None
    finally:
        service.close()


def test_the_first_sync_takes_unread_and_saved_items_newest_first(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    from reader.core.sync import engine
    from reader.core.sync.fever import FeverClient

    server = MiniFever()
    server.add_items(1, 120)
    server.unread -= set(range(1, 101))  # 1-100 read on the phone long ago
    server.saved.add(7)
    httpserver.expect_request("/fever/").respond_with_handler(server.handler)
    store = Store(tmp_path / "reader.sqlite3")
    account = engine.insert_account(
        store, "a", "fever", httpserver.url_for("/fever/"), USER, "file"
    )
    client = FeverClient(account.url, server.key)
    try:
        first = engine.sync_account(store, account, client, item_limit=15)
        titles = {a.title for a in store.articles()}
        assert first.new == 15 and titles == {f"Item {n}" for n in range(106, 121)}
        account = engine.account_by_name(store, "a")  # type: ignore[assignment]
        server.add_items(1, 2)
        later = engine.sync_account(store, account, client)
        assert later.new == 2 and {"Item 121", "Item 122"} <= {a.title for a in store.articles()}
    finally:
        client.close()
        store.close()
