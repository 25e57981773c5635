"""decide_feed_update: what one fetch writes to a feed's row, as a table of cases.

The decider is pure (no network, store or clock), so each case is plain values in and
the columns to write out; the refresh tests in test_fetch.py cover the pipeline that
calls it against real servers and a real database.
"""

from __future__ import annotations

from typing import Any

import pytest

from reader.core.feedparse import ParsedFeed
from reader.core.fetch import FetchResult
from reader.core.models import Feed
from reader.core.refresh import decide_feed_update

NOW = "2026-01-02T03:04:05+00:00"
URL = "https://news.example/feed.xml"


def stored_feed(**values: Any) -> Feed:
    """A feed row as the store returns it: checked before, with validators."""
    row: dict[str, Any] = {
        "id": 7,
        "url": URL,
        "title": "News",
        "etag": '"old"',
        "last_modified": "Mon, 01 Jan 2026 00:00:00 GMT",
        "failure_count": 0,
    }
    row.update(values)
    return Feed(**row)


def fetched(**values: Any) -> FetchResult:
    return FetchResult(url=URL, final_url=URL, **values)


def parsed(title: str = "The document's title", site_url: str | None = None) -> ParsedFeed:
    return ParsedFeed(title=title, site_url=site_url, language="ko", encoding="utf-8")


CASES: list[tuple[str, Feed, FetchResult, ParsedFeed | None, dict[str, Any]]] = [
    (
        "a stored body takes the server's validators and resets the failures",
        stored_feed(failure_count=3),
        fetched(status=200, body=b"<rss/>", etag='"new"', last_modified="Tue"),
        parsed(),
        {"last_status": 200, "last_error": None, "failure_count": 0, "etag": '"new"',
         "last_modified": "Tue"},
    ),
    (
        "a stored body without validators clears the old ones",
        stored_feed(),
        fetched(status=200, body=b"<rss/>"),
        parsed(),
        {"last_status": 200, "last_error": None, "failure_count": 0, "etag": None,
         "last_modified": None},
    ),
    (
        "an untitled feed takes the document's title and site address",
        stored_feed(title=""),
        fetched(status=200, body=b"<rss/>"),
        parsed(title="한겨레", site_url="https://news.example/"),
        {"last_status": 200, "last_error": None, "failure_count": 0, "etag": None,
         "last_modified": None, "title": "한겨레", "site_url": "https://news.example/"},
    ),
    (
        "a titled feed keeps its title (the user may have named it)",
        stored_feed(title="Mine"),
        fetched(status=200, body=b"<rss/>"),
        parsed(title="Theirs"),
        {"last_status": 200, "last_error": None, "failure_count": 0, "etag": None,
         "last_modified": None},
    ),
    (
        "a 304 keeps the stored validators the server did not repeat",
        stored_feed(failure_count=1),
        fetched(status=304),
        None,
        {"last_status": 304, "last_error": None, "failure_count": 0, "etag": '"old"',
         "last_modified": "Mon, 01 Jan 2026 00:00:00 GMT"},
    ),
    (
        "a 304 with new validators takes them",
        stored_feed(),
        fetched(status=304, etag='"newer"'),
        None,
        {"last_status": 304, "last_error": None, "failure_count": 0, "etag": '"newer"',
         "last_modified": "Mon, 01 Jan 2026 00:00:00 GMT"},
    ),
    (
        "a failure counts one more and leaves the validators alone",
        stored_feed(failure_count=2),
        fetched(status=500, error="HTTP 500 Internal Server Error"),
        None,
        {"last_status": 500, "last_error": "HTTP 500 Internal Server Error", "failure_count": 3},
    ),
    (
        "a failure's text is written as one clean line",
        stored_feed(),
        fetched(error="cannot\x1b[2J connect:\nrefused"),
        None,
        {"last_status": None, "last_error": "cannot connect: refused", "failure_count": 1},
    ),
    (
        "a body that parsed but could not be stored is a failure",
        stored_feed(),
        fetched(status=200, body=b"<rss/>", etag='"new"', error="disk full"),
        parsed(),
        {"last_status": 200, "last_error": "disk full", "failure_count": 1},
    ),
    (
        "hostile validators are cleaned and capped",
        stored_feed(),
        fetched(status=200, body=b"<rss/>", etag="\x1b]0;x\x07" + "e" * 900,
                last_modified="m" * 300),
        parsed(),
        {"last_status": 200, "last_error": None, "failure_count": 0, "etag": "e" * 500,
         "last_modified": "m" * 100},
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("feed", "result", "document", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_decide_feed_update(
    feed: Feed, result: FetchResult, document: ParsedFeed | None, expected: dict[str, Any]
) -> None:
    assert decide_feed_update(feed, result, document, NOW) == {"last_checked": NOW, **expected}


def test_deciding_changes_none_of_its_inputs() -> None:
    feed, result, document = stored_feed(title=""), fetched(status=304), parsed()
    before = (repr(feed), repr(result), repr(document))
    decide_feed_update(feed, result, document, NOW)
    decide_feed_update(feed, result, None, NOW)
    assert (repr(feed), repr(result), repr(document)) == before
