"""What one fetch changes in a feed's row — the pure decisions — and the writes that
apply them.

:func:`decide_feed_update` says which columns to write, given the feed's row, what its
fetch returned and what parsing found, and :func:`backoff_until` when a failing feed
may be tried again; neither touches the network, the store or the clock.
:func:`store_parsed`, :func:`record_checks` and :func:`move_feed` write the result.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from reader.core.feedparse import ParsedFeed
from reader.core.fetch import FetchResult
from reader.core.models import Feed
from reader.core.store import utc_now
from reader.core.text import clean_line, error_line

if TYPE_CHECKING:
    from reader.core.store import Store

BACKOFF_BASE = timedelta(minutes=15)
BACKOFF_MAX = timedelta(hours=24)
BACKOFF_AFTER_FAILURES = 2
"""A single failure is retried at the next refresh; from the second one, waits grow."""


def backoff_until(feed: Feed, now: datetime | None = None) -> datetime | None:
    """When a feed that keeps failing may be tried again; None when it may be tried now
    (``now``: the current time, read from the clock when not given)."""
    if feed.failure_count < BACKOFF_AFTER_FAILURES or not feed.last_checked:
        return None
    try:
        checked = datetime.fromisoformat(feed.last_checked)
    except ValueError:
        return None
    exponent = min(feed.failure_count - BACKOFF_AFTER_FAILURES, 16)
    delay = min(BACKOFF_BASE * (2**exponent), BACKOFF_MAX)
    until = checked + delay
    return until if until > (now or datetime.now(UTC)) else None


def store_parsed(
    store: Store, feed: Feed, fetched: FetchResult, parsed: ParsedFeed
) -> tuple[int, int]:
    """Entries and feed state in one transaction; returns (new, updated)."""
    with store.transaction():
        new, updated = store.upsert_entries(feed.id, parsed.entries)
        store.update_feed(feed.id, **decide_feed_update(feed, fetched, parsed, utc_now()))
    return new, updated


def record_checks(store: Store, checks: Sequence[tuple[Feed, FetchResult]]) -> None:
    """304s and failures: only the feeds' state changes, all in one transaction."""
    with store.transaction():
        for feed, fetched in checks:
            store.update_feed(feed.id, **decide_feed_update(feed, fetched, None, utc_now()))


ETAG_LIMIT = 500
LAST_MODIFIED_LIMIT = 100
"""Characters of a server's validators kept (they are sent back as they are)."""


def decide_feed_update(
    feed: Feed, fetched: FetchResult, parsed: ParsedFeed | None, now: str
) -> dict[str, Any]:
    """The columns of ``feed``'s row to write after one fetch, by name.

    Pure: no network, store or clock (``now`` is the check's time as the store writes
    it). ``parsed`` is what the fetched body parsed to, or None when there was no body
    to store: a 304, or a failure (``fetched.error``, which also covers a body that did
    not parse or could not be stored).

    - Every check records its time, HTTP status and error (one clean line, or none).
    - A failure adds one to ``failure_count`` and leaves the validators as they were.
    - A 304 resets ``failure_count`` and keeps the stored validators where the server
      did not repeat them.
    - A stored body resets ``failure_count``, takes the server's validators (or none),
      gives an untitled feed the document's title and takes its site address.
    """
    values: dict[str, Any] = {
        "last_checked": now,
        "last_status": fetched.status,
        "last_error": error_line(fetched.error) or None,
        "failure_count": 0,
    }
    if fetched.error is not None:
        values["failure_count"] = feed.failure_count + 1
        return values
    etag = clean_line(fetched.etag)[:ETAG_LIMIT] or None
    last_modified = clean_line(fetched.last_modified)[:LAST_MODIFIED_LIMIT] or None
    if parsed is None:  # a 304 need not repeat the validators
        values["etag"] = etag or feed.etag
        values["last_modified"] = last_modified or feed.last_modified
        return values
    values["etag"] = etag
    values["last_modified"] = last_modified
    if not feed.title and parsed.title:
        values["title"] = parsed.title
    if parsed.site_url:
        values["site_url"] = parsed.site_url
    return values


def move_feed(store: Store, feed: Feed, new_url: str | None) -> str:
    """Follow a permanent redirect; a URL already subscribed keeps the old one."""
    if not new_url or new_url == feed.url:
        return feed.url
    try:
        store.update_feed(feed.id, url=new_url)
    except sqlite3.IntegrityError:
        return feed.url
    return new_url
