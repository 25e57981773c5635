"""Feed bytes to clean :class:`EntryData`: charset, safety, dates, identity.

feedparser does the parsing; this module prepares its input and repairs its
output for a Korean reader:

* the bytes are decoded here (HTTP charset, BOM, XML declaration, then
  detection with charset-normalizer), so undeclared EUC-KR becomes Hangul
  instead of windows-1252 mojibake, and feedparser always receives UTF-8;
* any DOCTYPE with an internal subset is removed first, so no entity is ever
  declared: billion-laughs cannot expand and external entities are never read;
* Korean date formats are parsed and dates without a time zone in a Korean
  feed are read as KST; every date is stored as an ISO 8601 UTC string;
* every string goes through :mod:`reader.core.text` before it leaves.

feedparser is imported inside functions: it is slow to import.

The parts: :mod:`~reader.core.feed_charsets` (bytes to text),
:mod:`~reader.core.feed_xml` (the XML made safe), :mod:`~reader.core.feed_dates` and
:mod:`~reader.core.feed_entries` (one entry to EntryData); this module runs them on a
whole feed (:func:`parse_feed`, with its time budget and entry cap) and re-exports
their names.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field
from typing import Any

from reader.core.feed_charsets import DETECTION_SAMPLE_BYTES as DETECTION_SAMPLE_BYTES
from reader.core.feed_charsets import DecodedBody as DecodedBody
from reader.core.feed_charsets import charset_from_content_type as charset_from_content_type
from reader.core.feed_charsets import decode_body as decode_body
from reader.core.feed_charsets import normalise_encoding as normalise_encoding
from reader.core.feed_dates import KST as KST
from reader.core.feed_dates import _entry_date, _register_date_handlers
from reader.core.feed_dates import has_timezone as has_timezone
from reader.core.feed_dates import to_utc_iso as to_utc_iso
from reader.core.feed_entries import LANGUAGE_SAMPLE_CHARS as LANGUAGE_SAMPLE_CHARS
from reader.core.feed_entries import MAX_GUID_CHARS as MAX_GUID_CHARS
from reader.core.feed_entries import MAX_TITLE_CHARS as MAX_TITLE_CHARS
from reader.core.feed_entries import UNTITLED as UNTITLED
from reader.core.feed_entries import _detail_text as _detail_text
from reader.core.feed_entries import _entry, _is_korean_feed, _joined
from reader.core.feed_entries import _http_url as _http_url
from reader.core.feed_entries import _paragraphs as _paragraphs
from reader.core.feed_entries import entry_identity as entry_identity
from reader.core.feed_xml import safe_xml as safe_xml
from reader.core.html import feed_links
from reader.core.models import EntryData
from reader.core.text import clean_line

MAX_ENTRIES = 200_000
"""Entries read from one feed document. No real feed comes near; a hostile one of a
million empty items would otherwise take minutes (100,000 entries take about 20 s)."""


_ENTRY_START = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)(?=[\s>/])")


class FeedParseError(Exception):
    """The bytes hold no feed; the message is one line for the user."""


@dataclass
class ParsedFeed:
    """What one feed document yielded."""

    title: str
    site_url: str | None
    language: str | None
    encoding: str
    entries: list[EntryData] = field(default_factory=list)
    warning: str | None = None
    """Why some of the document could not be read (the entries that could are kept)."""
    updated: str | None = None


def limit_entries(text: str, limit: int | None = None) -> tuple[str, bool]:
    """The document cut before its entry number ``limit + 1``, and whether it was cut.

    The parser reads the complete entries of a cut document, so cutting keeps the
    first ones.
    """
    limit = MAX_ENTRIES if limit is None else limit
    for count, match in enumerate(_ENTRY_START.finditer(text)):
        if count == limit:
            return text[: match.start()], True
    return text, False


def parse_feed(
    data: bytes,
    url: str | None = None,
    content_type: str | None = None,
    *,
    deadline: float | None = None,
) -> ParsedFeed:
    """Parse a feed document; raises FeedParseError when it holds no feed at all.

    ``url`` is where the document came from: relative links resolve against it
    (or against the document's own ``xml:base``). ``deadline`` (``time.monotonic()``)
    is the feed's time budget: past it, the feed is refused with a FeedParseError
    (checked between steps and between entries; every step is linear in the body).
    """
    budget = _Budget(deadline)
    import feedparser

    _register_date_handlers()
    decoded = decode_body(data, content_type)
    text, cut = limit_entries(safe_xml(decoded.text))
    budget.check()
    # No content-location: feedparser would resolve every link against it (a third
    # of its time); the few links kept are resolved here instead.
    headers = {"content-type": "application/xml; charset=utf-8"}
    # feedparser's sanitizer and link rewriting re-parse every HTML field; the text
    # is reduced to plain paragraphs below anyway, so both are skipped (4x faster).
    try:
        parsed = feedparser.parse(
            io.BytesIO(text.encode("utf-8", errors="replace")),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as error:  # feedparser has crash bugs on malformed input (found by fuzzing)
        raise FeedParseError(f"the feed could not be parsed ({type(error).__name__})") from None
    budget.check()
    # Plain dicts: feedparser's own ``get`` maps missing keys to others and warns.
    feed = dict(parsed.get("feed") or {})
    raw_entries = [dict(entry) for entry in parsed.get("entries") or []]
    if not raw_entries and not parsed.get("version"):
        raise FeedParseError(_not_a_feed_message(parsed, decoded.text, url))
    korean = _is_korean_feed(feed, raw_entries, decoded.encoding)
    feed_base = _joined(url, (feed.get("title_detail") or {}).get("base"))
    entries = _unique([budget.checked(_entry(entry, feed_base, korean)) for entry in raw_entries])
    feed_language = clean_line(feed.get("language")).lower()[:2] or None
    if feed_language is None and entries:
        languages = [entry.language for entry in entries]
        feed_language = max(set(languages), key=languages.count)
    warning = None
    if cut:
        warning = (
            f"the feed has more than {MAX_ENTRIES} entries; only the first {MAX_ENTRIES} were read"
        )
    elif parsed.get("bozo") and not _harmless(parsed.get("bozo_exception")):
        warning = clean_line(f"feed is not well-formed: {parsed.get('bozo_exception')}")[:300]
    return ParsedFeed(
        title=_detail_text(feed.get("title"), feed.get("title_detail"), url)[:MAX_TITLE_CHARS],
        site_url=_http_url(feed.get("link"), url),
        language=feed_language or ("ko" if korean else None),
        encoding=decoded.encoding,
        entries=entries,
        warning=warning,
        updated=_entry_date(feed, "updated", korean) or _entry_date(feed, "published", korean),
    )


class _Budget:
    """The feed's deadline, looked at between parsing steps."""

    def __init__(self, deadline: float | None) -> None:
        self._deadline = deadline
        self._started = time.monotonic()

    def check(self) -> None:
        if self._deadline is not None and time.monotonic() > self._deadline:
            spent = time.monotonic() - self._started
            raise FeedParseError(f"parsing the feed took too long (over {spent:.0f} s); refused")

    def checked(self, entry: EntryData) -> EntryData:
        self.check()
        return entry


def _harmless(error: object) -> bool:
    """feedparser complains about the encoding label we rewrote; that is not a feed problem."""
    name = type(error).__name__
    return name in {"CharacterEncodingOverride", "NonXMLContentType"}


def _unique(entries: list[EntryData]) -> list[EntryData]:
    """The first entry of each guid (a feed that repeats an item stores it once)."""
    seen: set[str] = set()
    unique = []
    for entry in entries:
        if entry.guid not in seen:
            seen.add(entry.guid)
            unique.append(entry)
    return unique


def _not_a_feed_message(parsed: Any, text: str, url: str | None) -> str:
    if looks_like_html_page(text):
        links = feed_links(text, url)
        if links:
            return f"this is a web page, not a feed; it links to the feed {links[0]}"
        return "this is a web page (HTML), not a feed"
    if not text.strip():
        return "the response is empty"
    reason = parsed.get("bozo_exception")
    detail = f": {reason}" if reason else ""
    return clean_line(f"not a feed (no RSS, Atom or RDF found){detail}")[:300]


def looks_like_html_page(text: str) -> bool:
    head = text[:4096].lower()
    return "<html" in head or "<!doctype html" in head or "<head" in head
