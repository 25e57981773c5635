"""Refreshing feeds: the pipeline, and the pure decision of what one fetch changes.

One refresh runs every feed as its own task. Each task holds a per-host slot
and a global slot while it downloads, has a total deadline, streams the body
into a size cap, then parses in a worker thread and writes its results in one
transaction on the single writer thread. A feed that fails, hangs or is huge
only ever produces its own error result.

The pure half, what one fetch changes in a feed's row (:func:`decide_feed_update`,
:func:`backoff_until`) and the writes that apply it, live in core/feed_update.py;
the results in core/refresh_results.py. This module runs the pipeline and re-exports
their names, so ``from reader.core.refresh import …`` keeps working.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

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
from reader.core.feed_update import BACKOFF_AFTER_FAILURES as BACKOFF_AFTER_FAILURES
from reader.core.feed_update import BACKOFF_BASE as BACKOFF_BASE
from reader.core.feed_update import BACKOFF_MAX as BACKOFF_MAX
from reader.core.feed_update import ETAG_LIMIT as ETAG_LIMIT
from reader.core.feed_update import LAST_MODIFIED_LIMIT as LAST_MODIFIED_LIMIT
from reader.core.feed_update import backoff_until as backoff_until
from reader.core.feed_update import decide_feed_update as decide_feed_update
from reader.core.feed_update import move_feed as move_feed
from reader.core.feed_update import record_checks as record_checks
from reader.core.feed_update import store_parsed as store_parsed
from reader.core.feedparse import FeedParseError, ParsedFeed
from reader.core.fetch import FetchResult, FetchSettings, HostClients, fetch, run_sync
from reader.core.models import Feed, FeedKind
from reader.core.parse_pool import ParserPool
from reader.core.refresh_results import FeedRefreshResult as FeedRefreshResult
from reader.core.refresh_results import RefreshResults as RefreshResults
from reader.core.store import StoreError
from reader.core.text import error_line
from reader.core.urls import url_host

if TYPE_CHECKING:
    from reader.core.store import Store

RESOLVER_THREADS = 32
"""Host name lookups at once: asyncio resolves names in its default executor, whose
few threads (6 on 2 cores) would make 128 feeds on 128 hosts queue for DNS."""

T = TypeVar("T")


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
