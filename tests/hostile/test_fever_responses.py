"""Hostile Fever servers: wrong credentials, web pages, errors, bombs, bad JSON, slow answers."""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from reader.core.sync.account import AuthError, SyncError
from reader.core.sync.fever import FeverClient, fever_api_key, item_entry, parse_id_list
from tests.conftest import run_reader
from tests.sync.mini_fever import PASSWORD, USER, MiniFever

from .test_injection import ESCAPES, FORBIDDEN, MARKUP, assert_clean, nasty

KEY = fever_api_key("me", "secret-password")


@pytest.fixture
def client(httpserver: HTTPServer) -> Iterator[FeverClient]:
    fever = FeverClient(httpserver.url_for("/fever/"), KEY, timeout=3)
    yield fever
    fever.close()


def answer(httpserver: HTTPServer, body: object, status: int = 200, **headers: str) -> None:
    text = body if isinstance(body, bytes | str) else json.dumps(body)
    httpserver.expect_request("/fever/").respond_with_data(
        text,
        status=status,
        headers=headers,
        content_type=headers.pop("content_type", "application/json"),
    )


def test_the_api_key_is_md5_of_user_colon_password() -> None:
    assert fever_api_key("me", "pw") == hashlib.md5(b"me:pw").hexdigest()


def test_requests_post_the_key_with_the_command_in_the_query(
    httpserver: HTTPServer, client: FeverClient
) -> None:
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return Response(json.dumps({"auth": 1, "unread_item_ids": "3,1,2"}))

    httpserver.expect_request("/fever/", method="POST").respond_with_handler(handler)
    assert client.unread_ids() == {1, 2, 3}
    assert seen[0].query_string == b"api&unread_item_ids"
    assert seen[0].form["api_key"] == KEY


def test_wrong_credentials_are_one_auth_error(httpserver: HTTPServer, client: FeverClient) -> None:
    answer(httpserver, {"api_version": 3, "auth": 0})
    with pytest.raises(AuthError, match="refused the user name or password"):
        client.check()


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ("<!doctype html><html><body>Login</body></html>", 200, "a web page, not the Fever API"),
        ("Internal error", 500, "HTTP 500"),
        ("not json at all", 200, "not JSON"),
        ("[1, 2, 3]", 200, "not a Fever API answer"),
        ('{"auth": "yes"}', 200, "not a Fever API answer"),
        ("[" * 100_000 + "]" * 100_000, 200, "not JSON"),
        ("", 302, "HTTP 302"),
    ],
)
def test_a_server_that_is_not_fever_is_one_line(
    httpserver: HTTPServer, client: FeverClient, body: str, status: int, message: str
) -> None:
    answer(httpserver, body, status=status)
    with pytest.raises(SyncError, match=message) as caught:
        client.check()
    assert "\n" not in str(caught.value)


def test_a_gzip_bomb_is_refused_after_decompression(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(gzip.compress(b'{"auth": 1, "x": "' + b"a" * 50_000_000 + b'"}'))
    answer(httpserver, bomb, 200, **{"Content-Encoding": "gzip, gzip"})
    fever = FeverClient(httpserver.url_for("/fever/"), KEY, max_bytes=1024 * 1024)
    try:
        with pytest.raises(SyncError, match="larger than 1 MB once decompressed"):
            fever.check()
    finally:
        fever.close()


def test_a_server_that_trickles_is_cut_off() -> None:
    """A body sent a byte at a time is stopped at the time limit, not read forever."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
        while not stop.is_set():
            try:
                connection.sendall(b" ")
            except OSError:
                break
            time.sleep(0.05)
        connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    fever = FeverClient(f"http://127.0.0.1:{port}/fever/", KEY, timeout=1)
    started = time.monotonic()
    try:
        with pytest.raises(SyncError, match=r"too slow|in time"):
            fever.check()
    finally:
        stop.set()
        fever.close()
        listener.close()
    assert time.monotonic() - started < 10


def test_nothing_listening_is_one_line() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fever = FeverClient(f"http://127.0.0.1:{port}/fever/", KEY, timeout=2)
    try:
        with pytest.raises(SyncError, match="cannot reach the server"):
            fever.check()
    finally:
        fever.close()


@pytest.mark.parametrize(
    "ids", ["1,2,x", "1,-2", "1,99999999999999999999", [1, True], [1.5], {"a": 1}, "0"]
)
def test_malformed_id_lists_are_refused_whole(ids: object) -> None:
    with pytest.raises(SyncError, match="malformed"):
        parse_id_list(ids, "item")


def test_ids_as_strings_or_numbers_are_accepted() -> None:
    assert parse_id_list(["7", 8], "item") == {7, 8}
    assert parse_id_list("", "item") == set()
    assert parse_id_list(None, "item") == set()


def test_malformed_items_are_refused(httpserver: HTTPServer, client: FeverClient) -> None:
    answer(httpserver, {"auth": 1, "items": [{"id": "seven", "feed_id": 1}]})
    with pytest.raises(SyncError, match="malformed item id"):
        client.items_since(0, 10)


def test_a_wrong_shape_is_refused(httpserver: HTTPServer, client: FeverClient) -> None:
    answer(httpserver, {"auth": 1, "items": {"id": 1}})
    with pytest.raises(SyncError, match="malformed 'items' list"):
        client.items_since(0, 10)


def test_items_with_wrong_field_types_still_clean() -> None:
    entry = item_entry({"id": 5, "title": ["x"], "html": 42, "url": None, "author": {"a": 1}})
    assert entry.guid == "fever:5"
    assert entry.title == "(untitled)"
    assert entry.url is None and entry.author is None


def test_hostile_item_content_is_cleaned_like_feed_entries() -> None:
    entry = item_entry(
        {
            "id": 9,
            "feed_id": 1,
            "title": nasty("title"),
            "author": nasty("author"),
            "html": f"<p>{nasty('body')}</p><script>alert(1)</script>"
            '<p><a href="javascript:alert(1)">js link</a></p>',
            "url": "javascript:alert(1)",
            "created_on_time": 1700000000,
        }
    )
    for text in [entry.title, entry.author or "", *entry.paragraphs]:
        assert not FORBIDDEN.search(text), repr(text)
        assert all(escape not in text for escape in ESCAPES.values() if escape.strip())
    assert MARKUP in entry.title  # markup stays literal text, shown as such
    assert entry.url is None
    assert not any("alert(1)" in p for p in entry.paragraphs)
    assert not any("javascript:" in p for p in entry.paragraphs)
    assert entry.published == "2023-11-14T22:13:20+00:00"


def test_paging_stops_at_the_limit_and_on_a_page_with_nothing_new(
    httpserver: HTTPServer, client: FeverClient
) -> None:
    def handler(request: Request) -> Response:
        since = int(request.args["since_id"])
        ids = [i for i in range(since + 1, since + 51) if i <= 120]
        items = [{"id": i, "feed_id": 1, "title": f"t{i}", "html": "x"} for i in ids]
        return Response(json.dumps({"auth": 1, "items": items}))

    httpserver.expect_request("/fever/").respond_with_handler(handler)
    assert [item.id for item in client.items_since(0, 1000)] == list(range(1, 121))
    assert client.requests == 4  # 50 + 50 + 20 + an empty page
    assert len(client.items_since(0, 60)) == 60

    httpserver.clear()

    def stuck(request: Request) -> Response:  # a server that ignores since_id
        items = [{"id": i, "feed_id": 1, "title": "t", "html": "x"} for i in range(1, 51)]
        return Response(json.dumps({"auth": 1, "items": items}))

    httpserver.expect_request("/fever/").respond_with_handler(stuck)
    assert len(client.items_since(0, 1000)) == 50


def test_the_key_never_appears_in_errors_or_repr(
    httpserver: HTTPServer, client: FeverClient
) -> None:
    answer(httpserver, "oops", status=500)
    with pytest.raises(SyncError) as caught:
        client.check()
    assert KEY not in str(caught.value) and KEY not in repr(client)


def test_hostile_server_items_reach_no_output_but_as_literal_text(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole way: a server's escapes, markup and javascript: links, synced by the
    CLI, then listed and shown: only clean, literal text comes out."""
    server = MiniFever()
    server.groups = {1: nasty("group")}
    server.add_items(1, 2, html="<p>" + nasty("body") + '</p><a href="javascript:alert(1)">x</a>')
    server.feeds[1] = nasty("feed")
    for item in server.items.values():
        item["title"], item["author"], item["url"] = nasty("title"), nasty("author"), "javascript:x"
    httpserver.expect_request("/fever/").respond_with_handler(server.handler)
    monkeypatch.setenv("READER_ACCOUNT_PASSWORD", PASSWORD)
    assert (
        run_reader(
            "accounts", "add", "fever", httpserver.url_for("/fever/"), "--user", USER
        ).returncode
        == 0
    )
    synced = run_reader("accounts", "sync")
    assert synced.returncode == 0, synced.stdout + synced.stderr
    listed = run_reader("list")
    article_id = json.loads(run_reader("list", "--json").stdout)[0]["id"]
    shown = run_reader("show", str(article_id))
    accounts = run_reader("accounts", "list")
    for output in (synced.stdout, listed.stdout, shown.stdout, accounts.stdout):
        assert_clean(output)
    assert "[bold red]x[/]" in shown.stdout  # markup shown literally, not interpreted
    assert "javascript:" not in shown.stdout


def test_with_ids_asks_50_at_a_time_and_keeps_only_what_was_asked(
    httpserver: HTTPServer, client: FeverClient
) -> None:
    asked: list[str] = []

    def handler(request: Request) -> Response:
        asked.append(request.args["with_ids"])
        ids = [int(i) for i in request.args["with_ids"].split(",")] + [999]  # one extra
        items = [{"id": i, "feed_id": 1, "title": f"t{i}", "html": "x"} for i in ids]
        return Response(json.dumps({"auth": 1, "items": items}))

    httpserver.expect_request("/fever/").respond_with_handler(handler)
    items = client.items_with_ids(list(range(1, 121)))
    assert sorted(item.id for item in items) == list(range(1, 121))
    assert [len(a.split(",")) for a in asked] == [50, 50, 20]


def test_a_page_of_far_more_items_than_asked_is_cut(
    httpserver: HTTPServer, client: FeverClient
) -> None:
    items = [{"id": i, "feed_id": 1, "title": "t", "html": "x"} for i in range(1, 20_001)]
    answer(httpserver, {"auth": 1, "items": items})
    started = time.monotonic()
    assert len(client.items_since(0, 100)) == 100
    assert time.monotonic() - started < 20


def test_an_endless_feed_list_is_refused(httpserver: HTTPServer, client: FeverClient) -> None:
    feeds = [{"id": i, "title": "f"} for i in range(1, 20_002)]
    answer(httpserver, {"auth": 1, "groups": [], "feeds": feeds, "feeds_groups": []})
    with pytest.raises(SyncError, match="more than 20,000 feeds"):
        client.list_groups_and_feeds()
