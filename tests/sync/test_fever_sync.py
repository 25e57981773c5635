"""Two-way sync with a real Fever server (coldsweat on 127.0.0.1), through the real CLI."""

from __future__ import annotations

import json
import sqlite3
import stat
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import run_reader

from .conftest import PASSWORD, Coldsweat, FeedServer

pytestmark = pytest.mark.slow


@dataclass
class ServerAccount:
    email: str
    name: str
    feeds: dict[str, str]
    """Feed path on the feed server → its title."""


def entries(prefix: str, count: int, start: int = 0) -> list[tuple[str, str, str]]:
    return [
        (f"{prefix}-{n}", f"{prefix} story {n}", f"<p>Body of {prefix} story {n}.</p>")
        for n in range(start, start + count)
    ]


def reader_json(*args: str) -> object:
    done = run_reader(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def account(
    coldsweat: Coldsweat, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> ServerAccount:
    """A server user with two feeds (3 + 2 entries) fetched, added as a reader account."""
    tag = uuid.uuid4().hex[:8]
    email = coldsweat.new_user()
    feeds = {f"/{tag}/a.xml": f"Alpha {tag}", f"/{tag}/b.xml": f"Beta {tag}"}
    urls = {}
    for (path, title), count in zip(feeds.items(), (3, 2), strict=True):
        urls[title] = feed_server.atom(path, title, entries(f"{tag}{path[-5]}", count))
    coldsweat.subscribe(email, urls)
    coldsweat.fetch()
    monkeypatch.setenv("READER_ACCOUNT_PASSWORD", PASSWORD)
    done = run_reader("accounts", "add", "fever", coldsweat.url, "--user", email, "--name", "home")
    assert done.returncode == 0, done.stderr
    return ServerAccount(email, "home", feeds)


def articles() -> dict[str, dict[str, object]]:
    listed = reader_json("list")
    assert isinstance(listed, list)
    return {str(article["title"]): article for article in listed}


def server_items(coldsweat: Coldsweat, email: str) -> dict[str, int]:
    """Title → server item id, as a phone app sees them."""
    answer = coldsweat.phone(email, "items&since_id=0")
    items = answer["items"]
    assert isinstance(items, list)
    return {str(item["title"]): int(item["id"]) for item in items}


def server_ids(coldsweat: Coldsweat, email: str, which: str) -> set[int]:
    value = coldsweat.phone(email, f"{which}_item_ids")[f"{which}_item_ids"]
    assert isinstance(value, str)
    return {int(piece) for piece in value.split(",") if piece}


def test_first_sync_brings_feeds_folder_and_articles(
    account: ServerAccount, coldsweat: Coldsweat, feed_server: FeedServer, reader_home: Path
) -> None:
    results = reader_json("accounts", "sync")
    assert isinstance(results, list)
    assert results[0]["error"] is None
    assert results[0]["new"] == 5 and results[0]["feeds"] == 2
    listed = articles()
    assert len(listed) == 5 and all(not a["read"] for a in listed.values())
    done = run_reader("accounts", "list")
    assert "home/News/Alpha" in done.stdout and "5/5 unread" in done.stdout
    # coldsweat took each feed's icon from the local server, not an outside service
    assert "/icon.png" in feed_server.paths
    with sqlite3.connect(coldsweat.database) as connection:
        icons = [row[0] for row in connection.execute("SELECT icon_url FROM feeds")]
    assert icons and all(icon.startswith(feed_server.base + "/") for icon in icons)
    # only the API key is kept, in a file only the user can read; never printed
    key_files = list(reader_home.rglob("account-keys/*.key"))
    assert len(key_files) == 1
    assert stat.S_IMODE(key_files[0].stat().st_mode) == 0o600
    key = key_files[0].read_text()
    everything = done.stdout + json.dumps(reader_json("accounts", "list"))
    for log in reader_home.rglob("*.log"):
        everything += log.read_text(errors="replace")
    assert key not in everything and PASSWORD not in everything
    assert PASSWORD not in key_files[0].read_text()


def test_incremental_sync_fetches_only_new_items(
    account: ServerAccount, coldsweat: Coldsweat, feed_server: FeedServer
) -> None:
    reader_json("accounts", "sync")
    path = next(iter(account.feeds))
    tag = path.split("/")[1]
    feed_server.atom(path, account.feeds[path], entries(f"{tag}a", 5))  # 2 more
    coldsweat.fetch()
    results = reader_json("accounts", "sync")
    assert isinstance(results, list)
    assert results[0]["new"] == 2
    again = reader_json("accounts", "sync")
    assert isinstance(again, list)
    assert again[0]["new"] == 0 and again[0]["error"] is None
    assert len(articles()) == 7


def test_read_and_saved_on_the_phone_show_locally(
    account: ServerAccount, coldsweat: Coldsweat
) -> None:
    reader_json("accounts", "sync")
    ids = server_items(coldsweat, account.email)
    read_title, saved_title = sorted(ids)[:2]
    coldsweat.phone(account.email, "", mark="item", **{"as": "read"}, id=str(ids[read_title]))
    coldsweat.phone(account.email, "", mark="item", **{"as": "saved"}, id=str(ids[saved_title]))
    results = reader_json("accounts", "sync")
    assert isinstance(results, list)
    assert results[0]["flags_pulled"] == 2
    listed = articles()
    assert listed[read_title]["read"] is True
    assert listed[saved_title]["starred"] is True
    assert sum(bool(a["read"]) for a in listed.values()) == 1
    unread = run_reader("list", "--unread")
    assert read_title not in unread.stdout


def test_read_and_star_locally_reach_the_server(
    account: ServerAccount, coldsweat: Coldsweat
) -> None:
    reader_json("accounts", "sync")
    listed = articles()
    ids = server_items(coldsweat, account.email)
    first, second = sorted(listed)[:2]
    assert run_reader("read", str(listed[first]["id"])).returncode == 0
    assert run_reader("star", str(listed[second]["id"])).returncode == 0
    # sent right away, the server being up: nothing is left for the sync
    assert ids[first] not in server_ids(coldsweat, account.email, "unread")
    assert ids[second] in server_ids(coldsweat, account.email, "saved")
    pending = reader_json("accounts", "list")
    assert isinstance(pending, list) and pending[0]["pending"] == 0
    results = reader_json("accounts", "sync")
    assert isinstance(results, list)
    assert results[0]["pushed"] == 0 and results[0]["pending"] == 0
    assert ids[first] not in server_ids(coldsweat, account.email, "unread")
    # and back: unread and unstar travel too
    run_reader("unread", str(listed[first]["id"]))
    run_reader("unstar", str(listed[second]["id"]))
    assert ids[first] in server_ids(coldsweat, account.email, "unread")
    assert ids[second] not in server_ids(coldsweat, account.email, "saved")
    assert not articles()[first]["read"]


def test_a_push_made_while_the_server_is_down_is_delivered_later(
    coldsweat: Coldsweat, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .conftest import Switch

    tag = uuid.uuid4().hex[:8]
    email = coldsweat.new_user()
    url = feed_server.atom(f"/{tag}/c.xml", f"Gamma {tag}", entries(f"{tag}c", 2))
    coldsweat.subscribe(email, {f"Gamma {tag}": url})
    coldsweat.fetch()
    port = int(coldsweat.url.split(":")[2].split("/")[0])
    switch = Switch(port)
    try:
        monkeypatch.setenv("READER_ACCOUNT_PASSWORD", PASSWORD)
        address = f"http://127.0.0.1:{switch.port}/fever/"
        assert run_reader("accounts", "add", "fever", address, "--user", email).returncode == 0
        reader_json("accounts", "sync")
        listed = articles()
        title = sorted(listed)[0]
        switch.up = False
        marked = run_reader("read", str(listed[title]["id"]))
        assert marked.returncode == 0
        assert "the change stays queued" in marked.stderr
        assert len(marked.stderr.strip().splitlines()) == 1
        down = run_reader("accounts", "sync")
        assert down.returncode == 3
        assert "cannot reach the server" in down.stdout and "1 changes stay queued" in down.stdout
        assert len(down.stdout.strip().splitlines()) == 1
        listing = run_reader("accounts", "list")
        assert "1 to push" in listing.stdout and "! " in listing.stdout
        switch.up = True
        results = reader_json("accounts", "sync")
        assert isinstance(results, list)
        assert results[0]["pushed"] == 1 and results[0]["pending"] == 0
        ids = server_items(coldsweat, email)
        assert ids[title] not in server_ids(coldsweat, email, "unread")
    finally:
        switch.close()


def test_wrong_credentials_are_one_line(
    coldsweat: Coldsweat, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = coldsweat.new_user()
    monkeypatch.setenv("READER_ACCOUNT_PASSWORD", "not the password at all")
    done = run_reader("accounts", "add", "fever", coldsweat.url, "--user", email)
    assert done.returncode == 1
    assert "refused the user name or password" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "not the password" not in done.stderr
    assert json.loads(run_reader("accounts", "list", "--json").stdout) == []


def test_a_local_change_after_the_last_sync_wins_over_the_server(
    account: ServerAccount, coldsweat: Coldsweat
) -> None:
    """Both sides changed the same flag between two syncs: Fever does not date the
    server's change, so the local one (made after the previous sync) is kept."""
    reader_json("accounts", "sync")
    listed = articles()
    title = sorted(listed)[0]
    ids = server_items(coldsweat, account.email)
    coldsweat.phone(account.email, "", mark="item", **{"as": "read"}, id=str(ids[title]))
    run_reader("read", str(listed[title]["id"]))
    run_reader("unread", str(listed[title]["id"]))
    reader_json("accounts", "sync")
    assert articles()[title]["read"] is False
    assert ids[title] in server_ids(coldsweat, account.email, "unread")


def test_removing_the_account_keeps_starred_articles(account: ServerAccount) -> None:
    reader_json("accounts", "sync")
    listed = articles()
    kept = sorted(listed)[0]
    run_reader("star", str(listed[kept]["id"]))
    done = run_reader("accounts", "remove", "home")
    assert done.returncode == 0, done.stderr
    assert list(articles()) == [kept]
    assert json.loads(run_reader("accounts", "list", "--json").stdout) == []
