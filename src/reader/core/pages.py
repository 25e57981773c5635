"""Web pages (``reader open URL``, full text): fetching one, and the content-type policy
that says what is a page (HTML, XHTML, plain text), what is a feed (subscribe to it
instead) and what is neither. Raises :class:`PageError` with a one-line message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from reader.core.fetch import FetchSettings

PAGE_CONTENT_TYPES = {"text/html", "application/xhtml+xml", "text/plain"}
"""The media types read as a web page."""

FEED_CONTENT_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}
"""The media types of feeds: refused as a page, with the command that subscribes."""


class PageError(Exception):
    """A page that cannot be fetched, or an answer that is no web page."""


class Page(NamedTuple):
    """A fetched page: its decoded HTML and the URL it came from after redirects."""

    html: str
    final_url: str


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type header, lower case; HTML when there is none."""
    return (content_type or "text/html").split(";")[0].strip().lower()


def check_page_type(url: str, content_type: str | None) -> None:
    """PageError unless ``content_type`` is a web page's (a feed's names ``reader add``)."""
    kind = media_type(content_type)
    if kind in FEED_CONTENT_TYPES:
        raise PageError(f"{url} is a feed; subscribe to it with `reader add {url}`")
    if kind not in PAGE_CONTENT_TYPES:
        raise PageError(f"{url} is not a web page ({kind})")


def fetch_page(url: str, settings: FetchSettings) -> Page:
    """A web page's decoded HTML and final URL (capped and timed out as feeds are);
    feeds and non-HTML files are refused."""
    from reader.core.feedparse import decode_body
    from reader.core.fetch import ACCEPT_PAGES, fetch_one

    fetched = fetch_one(url, settings, accept=ACCEPT_PAGES)
    if fetched.error or fetched.body is None:
        raise PageError(f"cannot fetch {url}: {fetched.error or 'empty response'}")
    check_page_type(url, fetched.content_type)
    return Page(decode_body(fetched.body, fetched.content_type).text, fetched.final_url)
