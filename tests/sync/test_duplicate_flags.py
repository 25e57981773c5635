"""Duplicates across feeds with a feed-server account (issue 14, item 6): a flag that
follows to a copy on the server is pushed like any other flag change, whether the
reader or a sync made the first change."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from reader.service import ReaderService

from .mini_fever import PASSWORD, USER, MiniFever

RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}


def rss_copy_of(link: str) -> str:
    """A feed of the user's own whose one entry links to the server's item 1."""
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Own feed</title>"
        "<link>http://127.0.0.1/</link><item><guid>own-1</guid><title>Own title</title>"
        f"<link>{link}?utm_source=rss&amp;utm_campaign=x</link>"
        "<description>The same story, told by the user's own feed.</description>"
        "</item></channel></rss>"
    )


@pytest.fixture
def fever(httpserver: HTTPServer) -> Iterator[MiniFever]:
    server = MiniFever()
    server.add_items(1, 2)
    httpserver.expect_request("/fever/").respond_with_handler(server.handler)
    httpserver.expect_request("/own.xml").respond_with_data(
        rss_copy_of(server.items[1]["url"]), headers=RSS
    )
    yield server


@pytest.fixture
def service(httpserver: HTTPServer, fever: MiniFever) -> Iterator[ReaderService]:
    reader = ReaderService()
    reader.account_add("fever", httpserver.url_for("/fever/"), USER, PASSWORD, name="home")
    yield reader
    reader.close()


def article_ids(service: ReaderService) -> dict[str, int]:
    rows = service.store.query("SELECT title, id FROM articles")
    return {str(row[0]): int(row[1]) for row in rows}


def test_reading_the_own_copy_pushes_the_servers_copy(
    httpserver: HTTPServer, fever: MiniFever, service: ReaderService
) -> None:
    service.account_sync()
    service.add_feed(httpserver.url_for("/own.xml"))
    ids = article_ids(service)
    assert len(service.list_articles()) == 2  # item 1 and its copy are one story
    service.mark_read([ids["Own title"]])
    assert service.article(ids["Item 1"]).read is True
    [result] = service.account_push()
    assert result.error is None and result.pushed == 1
    assert 1 not in fever.unread and 2 in fever.unread


def test_a_server_item_joining_a_read_story_is_pushed_read(
    httpserver: HTTPServer, fever: MiniFever, service: ReaderService
) -> None:
    service.add_feed(httpserver.url_for("/own.xml"))
    ids = article_ids(service)
    service.set_read([ids["Own title"]])
    service.set_starred([ids["Own title"]])
    [result] = service.account_sync()
    assert result.error is None
    item = service.article(article_ids(service)["Item 1"])
    assert (item.read, item.starred) == (True, True)  # the story's state, not the server's
    assert 1 not in fever.unread and 1 in fever.saved  # and the server was told
    assert service.article(ids["Own title"]).read is True


def test_a_server_change_follows_to_the_copies_and_to_the_servers_other_copy(
    httpserver: HTTPServer, fever: MiniFever, service: ReaderService
) -> None:
    fever.add_items(2, 1)  # item 3, in the server's second feed: the same page as item 1
    fever.items[3]["url"] = fever.items[1]["url"] + "?fbclid=xyz"
    service.account_sync()
    service.add_feed(httpserver.url_for("/own.xml"))
    ids = article_ids(service)
    assert len(service.list_articles()) == 2
    fever.unread.discard(1)  # read on the phone
    [result] = service.account_sync()
    assert result.error is None and result.flags_pulled == 1
    assert service.article(ids["Own title"]).read is True
    assert service.article(ids["Item 3"]).read is True
    assert 3 not in fever.unread  # the follow was pushed to the server's other copy
    assert result.pending == 0
