"""Subscribing: a URL the user gives, resolved to a feed that parses (a web page that
advertises a feed leads to that feed)."""

from __future__ import annotations

from dataclasses import dataclass

from reader.core.feedparse import FeedParseError, ParsedFeed, decode_body, looks_like_html_page
from reader.core.fetch import FetchError, FetchResult, FetchSettings, fetch_one
from reader.core.parse_pool import parse_body


@dataclass
class ProbedFeed:
    """A URL the user gave, resolved to a feed that parses."""

    url: str
    fetched: FetchResult
    parsed: ParsedFeed


def probe_feed(url: str, settings: FetchSettings) -> ProbedFeed:
    """Fetch ``url``; a web page that advertises a feed leads to that feed.

    Raises FetchError with a message for the user when no feed is found.
    """
    from reader.core.html import feed_links

    fetched = fetch_one(url, settings)
    if fetched.error or fetched.body is None:
        raise FetchError(fetched.error or f"HTTP {fetched.status}: empty response")
    feed_url = fetched.permanent_url or url
    try:
        return ProbedFeed(feed_url, fetched, _parse(fetched))
    except FeedParseError as error:
        text = decode_body(fetched.body[:1_000_000], fetched.content_type).text
        links = feed_links(text, fetched.final_url) if looks_like_html_page(text) else []
        if not links:
            raise FetchError(str(error)) from None
    linked = fetch_one(links[0], settings)
    if linked.error or linked.body is None:
        raise FetchError(f"the page links to {links[0]}, but: {linked.error or 'empty response'}")
    try:
        return ProbedFeed(linked.permanent_url or links[0], linked, _parse(linked))
    except FeedParseError as error:
        raise FetchError(f"the page links to {links[0]}, but: {error}") from None


def _parse(fetched: FetchResult) -> ParsedFeed:
    assert fetched.body is not None
    return parse_body(fetched.body, fetched.final_url, fetched.content_type, fetched.deadline)
