"""Refreshing feeds: the pipeline, and the pure decision of what one fetch changes.

One refresh runs every feed as its own task. Each task holds a per-host slot
and a global slot while it downloads, has a total deadline, streams the body
into a size cap, then parses in a worker thread and writes its results in one
transaction on the single writer thread. A feed that fails, hangs or is huge
only ever produces its own error result.

:func:`decide_feed_update` is the pure half: given a feed's row, what its fetch
returned and what parsing found, it says which columns to write, without touching
the network, the store or the clock. Everything else here runs the pipeline.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import sqlite3
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from reader.core.auto_full_text import (
    FullTextProgress,
    NewArticle,
    PageFetcher,
    known_guids,
    new_full_text_articles,
    store_outcome,
)
from reader.core.download_slots import HostLimiter
from reader.core.feed_settings import AUTO, not_due_until
from reader.core.feedparse import FeedParseError, ParsedFeed
from reader.core.fetch import FetchResult, FetchSettings, HostClients, fetch, run_sync
from reader.core.models import Feed, FeedKind
from reader.core.parse_pool import ParserPool
from reader.core.store import StoreError, utc_now
from reader.core.text import clean_line, error_line
from reader.core.urls import url_host

if TYPE_CHECKING:
    from reader.core.store import Store

BACKOFF_BASE = timedelta(minutes=15)
BACKOFF_MAX = timedelta(hours=24)
RESOLVER_THREADS = 32
"""Host name lookups at once: asyncio resolves names in its default executor, whose
few threads (6 on 2 cores) would make 128 feeds on 128 hosts queue for DNS."""
BACKOFF_AFTER_FAILURES = 2
"""A single failure is retried at the next refresh; from the second one, waits grow."""

T = TypeVar("T")


@dataclass
class FeedRefreshResult:
    """What refreshing one feed did; the CLI prints it, the UI shows progress with it."""

    feed_id: int
    feed: str
    url: str
    status: int | None = None
    new: int = 0
    updated: int = 0
    error: str | None = None
    skipped: bool = False
    """The feed kept failing and is backing off, or is not due; nothing was fetched."""
    not_due: str | None = None
    """When skipped because the feed's own refresh interval has not passed: when it is due."""
    full_text: int = 0
    """New articles whose page's main text replaced the summary (``full_text = "auto"``)."""
    full_text_kept: int = 0
    """New articles of such a feed that kept the summary (the page failed or was shorter)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "feed": self.feed_id,
            "title": self.feed,
            "url": self.url,
            "status": self.status,
            "new": self.new,
            "updated": self.updated,
            "error": self.error,
            "not_due": self.not_due,
            "full_text": self.full_text,
            "full_text_kept": self.full_text_kept,
        }


class RefreshResults(list[FeedRefreshResult]):
    """The results of one refresh, in feed order, with a one-line summary."""

    def summary(self) -> str:
        fetched = [r for r in self if not r.skipped]
        failed = sum(1 for r in fetched if r.error)
        new = sum(r.new for r in self)
        updated = sum(r.updated for r in self)
        parts = [f"{len(fetched)} feed{'s' if len(fetched) != 1 else ''} refreshed", f"{new} new"]
        if updated:
            parts.append(f"{updated} updated")
        if failed:
            parts.append(f"{failed} failed")
        not_due = sum(1 for r in self if r.not_due)
        skipped = len(self) - len(fetched) - not_due
        if skipped:
            parts.append(f"{skipped} backing off")
        if not_due:
            parts.append(f"{not_due} not due")
        full_text = sum(r.full_text for r in self)
        kept = sum(r.full_text_kept for r in self)
        if full_text or kept:
            plural = "" if full_text == 1 else "s"
            note = f" ({kept} kept the summary)" if kept else ""
            parts.append(f"{full_text} full text{plural}{note}")
        return ", ".join(parts)


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


# -- refreshing ----------------------------------------------------------------------


ProgressCallback = Callable[[FeedRefreshResult], None]


@dataclass
class _Refresh:
    """The shared parts of one refresh run."""

    store: Store
    settings: FetchSettings
    limiter: HostLimiter
    clients: HostClients
    downloads: asyncio.Semaphore
    writer: concurrent.futures.ThreadPoolExecutor
    parser: ParserPool
    progress: ProgressCallback | None
    pages: PageFetcher | None = None
    """Fetches the new articles' pages of feeds with ``full_text = "auto"``."""
    page_tasks: list[asyncio.Task[None]] = field(default_factory=list)
    checks: list[tuple[Feed, FetchResult]] = field(default_factory=list)
    """304s and failures: only the feeds' state changes, written together at the end."""

    async def write(self, function: Callable[[], T]) -> T:
        """Run a store write on the single writer thread (one connection, no lock fights)."""
        return await asyncio.get_running_loop().run_in_executor(self.writer, function)


_writers: weakref.WeakKeyDictionary[Store, concurrent.futures.ThreadPoolExecutor] = (
    weakref.WeakKeyDictionary()
)
_writers_lock = threading.Lock()


def _writer_for(store: Store) -> concurrent.futures.ThreadPoolExecutor:
    """One long-lived writer thread per store: every refresh reuses its connection.

    The store opens a connection per thread; a new writer thread per refresh would
    leave one more open connection behind each time in a long TUI session.
    """
    with _writers_lock:
        writer = _writers.get(store)
        if writer is None:
            writer = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="reader-store")
            _writers[store] = writer
        return writer


def refresh_feeds(
    store: Store,
    feeds: Sequence[Feed],
    settings: FetchSettings,
    *,
    force: bool = False,
    progress: ProgressCallback | None = None,
    due_only: bool = False,
    full_text_progress: FullTextProgress | None = None,
) -> RefreshResults:
    """Fetch, parse and store ``feeds`` concurrently; one result per feed, in input order.

    ``force`` ignores the backoff of failing feeds; ``due_only`` skips the feeds whose
    own refresh interval has not passed yet. ``progress`` is called (on
    the calling thread's loop) after each feed finishes, and ``full_text_progress``
    after each page of a ``full_text = "auto"`` feed's new articles (those are
    fetched after their feed's result is reported, and done before this returns).
    Safe to call from any thread.
    """
    feeds = [feed for feed in feeds if feed.kind is FeedKind.FEED]
    waiting = {
        feed.id: _not_due(feed, progress)
        for feed in feeds
        if due_only and not_due_until(feed) is not None
    }
    due = [feed for feed in feeds if feed.id not in waiting]
    fetched = (
        run_sync(lambda: _refresh_all(store, due, settings, force, progress, full_text_progress))
        if due
        else []
    )
    done = {result.feed_id: result for result in fetched} | waiting
    return RefreshResults(done[feed.id] for feed in feeds)


def _not_due(feed: Feed, progress: ProgressCallback | None) -> FeedRefreshResult:
    """The result of a feed whose own refresh interval has not passed."""
    until = not_due_until(feed)
    shown = until.replace(microsecond=0).isoformat() if until else ""
    result = FeedRefreshResult(
        feed_id=feed.id, feed=feed.title or feed.url, url=feed.url, skipped=True, not_due=shown
    )
    if progress is not None:
        try:
            progress(result)
        except Exception:
            return result
    return result


async def _refresh_all(
    store: Store,
    feeds: Sequence[Feed],
    settings: FetchSettings,
    force: bool,
    progress: ProgressCallback | None,
    full_text_progress: FullTextProgress | None = None,
) -> list[FeedRefreshResult]:
    asyncio.get_running_loop().set_default_executor(
        concurrent.futures.ThreadPoolExecutor(RESOLVER_THREADS, thread_name_prefix="reader-dns")
    )
    clients = HostClients(settings)
    run = _Refresh(
        store=store,
        settings=settings,
        limiter=HostLimiter(settings.limits.concurrency, settings.limits.per_host),
        clients=clients,
        downloads=asyncio.Semaphore(settings.limits.downloads),
        writer=_writer_for(store),
        parser=ParserPool(len(feeds)),
        progress=progress,
    )
    if any(feed.settings.full_text == AUTO for feed in feeds):
        run.pages = PageFetcher(settings, full_text_progress)
    try:
        tasks = {
            feed.id: asyncio.create_task(_refresh_one(run, feed, force))
            for feed in interleave_hosts(feeds)
        }
        results = list(await asyncio.gather(*(tasks[feed.id] for feed in feeds)))
        await asyncio.gather(*run.page_tasks)
    finally:
        await clients.aclose()
        run.parser.close()
        if run.pages is not None:
            await run.pages.aclose()
    if run.checks:
        try:
            await run.write(lambda: record_checks(store, run.checks))
        except StoreError as error:
            # Even the feeds' states could not be saved (the disk is still full): every
            # feed whose state was lost says so.
            _lost_checks(results, run.checks, error_line(str(error)))
    return results


def _lost_checks(
    results: Sequence[FeedRefreshResult], checks: Sequence[tuple[Feed, FetchResult]], error: str
) -> None:
    lost = {feed.id for feed, _fetched in checks}
    for result in results:
        if result.feed_id in lost and result.error is None:
            result.error = error


def interleave_hosts(feeds: Sequence[Feed]) -> list[Feed]:
    """The feeds in the order they are started: the first feed of every host, then the
    second of every host, and so on.

    Started in subscription order, the feeds of one host would go out together, each
    on a new connection; interleaved, a host's next feed usually finds the connection
    of its previous one idle and reuses it (a new connection cost as much CPU as the
    request itself here, and costs a TLS handshake and round trips in the wild).
    """
    seen: dict[str, int] = {}
    ranked = []
    for position, feed in enumerate(feeds):
        host = url_host(feed.url)
        rank = seen.get(host, 0)
        seen[host] = rank + 1
        ranked.append((rank, position, feed))
    return [feed for _rank, _position, feed in sorted(ranked, key=lambda item: item[:2])]


async def _refresh_one(run: _Refresh, feed: Feed, force: bool) -> FeedRefreshResult:
    result = FeedRefreshResult(feed_id=feed.id, feed=feed.title or feed.url, url=feed.url)
    fresh: list[NewArticle] = []
    until = None if force else backoff_until(feed)
    if until is not None:
        result.skipped = True
        result.error = (
            f"skipped: failed {feed.failure_count} times in a row; next try after "
            f"{until.replace(microsecond=0).isoformat()}"
        )
    else:
        try:
            fresh = await _fetch_parse_store(run, feed, result)
        except StoreError as error:  # already one line for the user (a full disk …)
            result.error = error_line(str(error))
        except Exception as error:  # a bug or a database problem must not stop the others
            result.error = error_line(f"{type(error).__name__}: {error}")
    _report(run, result)
    if run.pages is not None and fresh:
        run.pages.queued += len(fresh)
        run.page_tasks.extend(asyncio.create_task(_full_text(run, result, a)) for a in fresh)
    return result


async def _full_text(run: _Refresh, result: FeedRefreshResult, article: NewArticle) -> None:
    """One new article's page: its main text over the summary, or the summary kept."""
    assert run.pages is not None
    stored = False
    try:
        outcome = await run.pages.page(article)
        stored = await run.write(lambda: store_outcome(run.store, outcome))
    except Exception:  # a page, its text or a full disk only ever keeps its summary
        stored = False
    if stored:
        result.full_text += 1
    else:
        result.full_text_kept += 1


def _report(run: _Refresh, result: FeedRefreshResult) -> None:
    """Tell the caller a feed is done; a failing callback (a closed UI) stops the reports only."""
    if run.progress is None:
        return
    try:
        run.progress(result)
    except Exception:
        run.progress = None


async def _fetch_parse_store(
    run: _Refresh, feed: Feed, result: FeedRefreshResult
) -> list[NewArticle]:
    """Fetch, parse and store one feed; the new articles whose pages are to be fetched."""
    fresh: list[NewArticle] = []
    async with run.limiter.slot(feed.url):
        client = run.clients.for_url(feed.url)
        fetched = await fetch(
            client,
            feed.url,
            run.settings,
            etag=feed.etag,
            last_modified=feed.last_modified,
            downloads=run.downloads,
        )
    result.status = fetched.status
    if fetched.error is None and fetched.body is not None:
        try:
            parsed = await run.parser.parse(fetched)
        except FeedParseError as error:
            fetched.error = str(error)
        else:
            try:
                (result.new, result.updated), fresh = await run.write(
                    lambda: _store_noting_new(run.store, feed, fetched, parsed)
                )
            except StoreError as error:  # a full disk: recorded with the feed's checks below
                fetched.error = error_line(str(error))
            else:
                result.feed = feed.title or parsed.title or feed.url
    if fetched.error is not None or fetched.not_modified:
        result.error = fetched.error
        run.checks.append((feed, fetched))
    if fetched.permanent_url and fetched.error is None:
        result.url = await run.write(lambda: move_feed(run.store, feed, fetched.permanent_url))
    return fresh


def _store_noting_new(
    store: Store, feed: Feed, fetched: FetchResult, parsed: ParsedFeed
) -> tuple[tuple[int, int], list[NewArticle]]:
    """:func:`store_parsed`, and for a ``full_text = "auto"`` feed its new articles."""
    if feed.settings.full_text != AUTO:
        return store_parsed(store, feed, fetched, parsed), []
    known = known_guids(store, feed.id)
    counts = store_parsed(store, feed, fetched, parsed)
    guids = [entry.guid for entry in parsed.entries]
    return counts, new_full_text_articles(store, feed, known, guids)


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
