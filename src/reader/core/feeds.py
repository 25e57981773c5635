"""Fetching feeds: async httpx, conditional GET, caps, redirects, limits, backoff.

One refresh runs every feed as its own task. Each task holds a per-host slot
and a global slot while it downloads, has a total deadline, streams the body
into a size cap, then parses in a worker thread and writes its results in one
transaction on the single writer thread. A feed that fails, hangs or is huge
only ever produces its own error result.

httpx and feedparser are imported inside functions: this module is imported
by the service, which ``reader --version`` and the TUI load at start.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import os
import sqlite3
import sys
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from reader import __version__
from reader.core.feedparse import (
    FeedParseError,
    ParsedFeed,
    decode_body,
    looks_like_html_page,
    parse_feed,
)
from reader.core.models import Feed, FeedKind
from reader.core.store import StoreError
from reader.core.text import clean_line, error_line
from reader.core.urls import join_url, url_host, url_scheme

if TYPE_CHECKING:
    import ssl

    import httpx

    from reader.config import RefreshConfig
    from reader.core.store import Store

USER_AGENT = f"reader/{__version__} (bilingual terminal feed reader; httpx)"
ACCEPT_FEEDS = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9,"
    " text/xml;q=0.9, text/html;q=0.5, */*;q=0.1"
)
ACCEPT_PAGES = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5, */*;q=0.1"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
PERMANENT_REDIRECTS = {301, 308}
BACKOFF_BASE = timedelta(minutes=15)
BACKOFF_MAX = timedelta(hours=24)
PROCESS_POOL_MIN_FEEDS = 8
THREAD_PARSES_FIRST = 4
MAX_PARSER_PROCESSES = 4
PARSER_THREADS = 2
RESOLVER_THREADS = 32
"""Host name lookups at once: asyncio resolves names in its default executor, whose
few threads (6 on 2 cores) would make 128 feeds on 128 hosts queue for DNS."""
PARSE_MIN_SECONDS = 60.0
"""Parsing a body always gets this long, whatever its download left of the feed's time:
every pass is linear, and the largest real feeds (100,000 entries) take about 20 s."""
BACKOFF_AFTER_FAILURES = 2
"""A single failure is retried at the next refresh; from the second one, waits grow."""

T = TypeVar("T")


@dataclass(frozen=True)
class FetchSettings:
    """Limits for one refresh (see ``[refresh]`` in the config)."""

    concurrency: int = 128
    per_host: int = 2
    downloads: int = 16
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_body_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5

    @classmethod
    def from_config(cls, config: RefreshConfig) -> FetchSettings:
        return cls(
            concurrency=config.concurrency,
            per_host=config.per_host,
            downloads=config.downloads,
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            total_timeout=config.total_timeout,
            max_body_bytes=config.max_body_bytes,
        )


@dataclass
class FetchResult:
    """The outcome of one GET, redirects followed."""

    url: str
    final_url: str
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    permanent_url: str | None = None
    """Where the feed now lives, when every redirect on the way was permanent."""
    error: str | None = None
    deadline: float | None = None
    """When the feed's time is up (``time.monotonic()``): parsing and cleaning its body
    count against the same budget as downloading it."""

    @property
    def not_modified(self) -> bool:
        return self.status == 304 and self.error is None


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
    """The feed kept failing and is backing off; nothing was fetched."""

    def to_json(self) -> dict[str, Any]:
        return {
            "feed": self.feed_id,
            "title": self.feed,
            "url": self.url,
            "status": self.status,
            "new": self.new,
            "updated": self.updated,
            "error": self.error,
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
        skipped = len(self) - len(fetched)
        if skipped:
            parts.append(f"{skipped} backing off")
        return ", ".join(parts)


class FetchError(Exception):
    """A fetch that failed; the message is one line for the user."""


# -- limits --------------------------------------------------------------------------


class HostLimiter:
    """A global limit on concurrent fetches and one per host."""

    def __init__(self, concurrency: int, per_host: int) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._per_host_limit = per_host
        self._hosts: dict[str, asyncio.Semaphore] = {}

    @contextlib.asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        host = url_host(url)
        host_slots = self._hosts.setdefault(host, asyncio.Semaphore(self._per_host_limit))
        async with host_slots, self._global:
            yield


def backoff_until(feed: Feed) -> datetime | None:
    """When a feed that keeps failing may be tried again; None when it may be tried now."""
    if feed.failure_count < BACKOFF_AFTER_FAILURES or not feed.last_checked:
        return None
    try:
        checked = datetime.fromisoformat(feed.last_checked)
    except ValueError:
        return None
    exponent = min(feed.failure_count - BACKOFF_AFTER_FAILURES, 16)
    delay = min(BACKOFF_BASE * (2**exponent), BACKOFF_MAX)
    until = checked + delay
    return until if until > datetime.now(UTC) else None


# -- one GET -------------------------------------------------------------------------


def make_client(settings: FetchSettings, *, connections: int | None = None) -> httpx.AsyncClient:
    """An HTTP client; proxies and CA bundles come from the environment."""
    import httpx

    from reader.core.asyncio_network import use_asyncio_network

    timeout = httpx.Timeout(
        connect=settings.connect_timeout,
        read=settings.read_timeout,
        write=settings.read_timeout,
        pool=settings.total_timeout,
    )
    connections = connections or settings.concurrency
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    client = httpx.AsyncClient(
        timeout=timeout,
        limits=limits,
        follow_redirects=False,
        # Only what reader.core.decoding can inflate with a bound (httpx would add br
        # and zstd when their packages happen to be installed).
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        trust_env=True,
        verify=shared_ssl_context(),
    )
    use_asyncio_network(client)
    return client


@functools.cache
def _ssl_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    import httpx

    return httpx.create_ssl_context(trust_env=True)


def shared_ssl_context() -> ssl.SSLContext:
    """The TLS context of every refresh of this process, made once per CA setting.

    Loading the CA bundle costs ~20 ms, a tenth of a refresh where nothing changed.
    """
    return _ssl_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


class HostClients:
    """One HTTP client per host for the length of a refresh.

    Each time httpcore hands out or takes back a connection it checks every
    connection in its pool for expiry, with a socket poll each; one client
    holding the connections of every host made that the largest cost of a
    refresh. A client per host keeps each pool as small as the per-host limit,
    and connections to a host are still reused from feed to feed.
    """

    def __init__(self, settings: FetchSettings) -> None:
        self._settings = settings
        self._clients: dict[str, httpx.AsyncClient] = {}

    def for_url(self, url: str) -> httpx.AsyncClient:
        host = url_host(url)
        client = self._clients.get(host)
        if client is None:
            client = make_client(self._settings, connections=self._settings.per_host)
            self._clients[host] = client
        return client

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    settings: FetchSettings,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str = ACCEPT_FEEDS,
    downloads: asyncio.Semaphore | None = None,
) -> FetchResult:
    """GET ``url`` within the total deadline; every failure becomes ``result.error``.

    With ``downloads``, the body is read only once one of its slots is free, and
    the time spent waiting for it does not count against the deadline.
    """
    result = FetchResult(url=url, final_url=url)
    try:
        async with asyncio.timeout(settings.total_timeout) as deadline:
            slot = DownloadSlot(downloads, deadline)
            await _fetch_following_redirects(
                client, result, settings, etag, last_modified, accept, slot
            )
            result.deadline = _parse_deadline(deadline.when())
    except TimeoutError:
        result.error = f"timed out after {settings.total_timeout:g} s"
    except FetchError as error:
        result.error = str(error)
    except Exception as error:
        result.error = describe_http_error(error)
    if result.error:
        result.error = error_line(result.error)
        result.body = None
    return result


async def _fetch_following_redirects(
    client: httpx.AsyncClient,
    result: FetchResult,
    settings: FetchSettings,
    etag: str | None,
    last_modified: str | None,
    accept: str,
    slot: DownloadSlot,
) -> None:
    headers = {"Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    visited = {result.url}
    all_permanent = True
    current = result.url
    for _hop in range(settings.max_redirects + 1):
        _require_http(current)
        async with client.stream("GET", current, headers=headers) as response:
            if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                target = join_url(current, response.headers["location"].strip())
                if target is None:
                    raise FetchError("redirect to a malformed address")
                all_permanent = all_permanent and response.status_code in PERMANENT_REDIRECTS
                if target in visited:
                    raise FetchError(f"redirect loop at {clean_line(target)}")
                visited.add(target)
                current = target
                result.final_url = target
                if all_permanent:
                    result.permanent_url = target
                continue
            result.status = response.status_code
            result.content_type = response.headers.get("content-type")
            result.etag = response.headers.get("etag")
            result.last_modified = response.headers.get("last-modified")
            if response.status_code == 304:
                # Reading the (empty) body lets the connection go back to the pool; a
                # response closed unread closes its connection, and every 304 of the
                # next refresh would pay for a new one.
                await _read_capped(response, settings.max_body_bytes)
                return
            if response.status_code >= 400 or response.status_code < 200:
                reason = error_line(response.reason_phrase, 200)
                raise FetchError(f"HTTP {response.status_code} {reason}".strip())
            async with slot:
                result.body = await _read_capped(response, settings.max_body_bytes)
            return
    raise FetchError(f"too many redirects (more than {settings.max_redirects})")


class DownloadSlot:
    """A turn to download a body, with the deadline's clock stopped while waiting for it.

    Waiting for a response costs no bandwidth, downloading its body does: a
    refresh waits on many feeds at once but downloads only a few bodies at a
    time, so that on a slow connection feeds do not all crawl past their
    deadline together.
    """

    def __init__(self, slots: asyncio.Semaphore | None, deadline: asyncio.Timeout) -> None:
        self._slots = slots
        self._deadline = deadline

    async def __aenter__(self) -> None:
        if self._slots is None:
            return
        if not self._slots.locked():
            await self._slots.acquire()
            return
        when = self._deadline.when()
        loop = asyncio.get_running_loop()
        left = None if when is None else when - loop.time()
        self._deadline.reschedule(None)
        await self._slots.acquire()
        self._deadline.reschedule(None if left is None else loop.time() + left)

    async def __aexit__(self, *_exception: object) -> None:
        if self._slots is not None:
            self._slots.release()


def _require_http(url: str) -> None:
    scheme = url_scheme(url)
    if scheme is None:
        raise FetchError("refusing a malformed address")
    if scheme not in ("http", "https"):
        raise FetchError(f"refusing a {scheme or 'relative'}: URL; only http and https are fetched")


async def _read_capped(response: httpx.Response, cap: int) -> bytes:
    """The decoded body, refused as soon as it (or its Content-Length) passes ``cap`` bytes.

    The raw bytes are decoded here, a bounded step per compression layer
    (:mod:`reader.core.decoding`), never by httpx, which inflates each chunk whole:
    a few hundred bytes of stacked gzip would fill gigabytes before the cap saw them.
    """
    from reader.core.decoding import BoundedDecoder, DecodingError

    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap and "content-encoding" not in response.headers:
        raise FetchError(
            f"response too large ({_megabytes(int(declared))}; the limit is {_megabytes(cap)})"
        )
    body = bytearray()
    try:
        decoder = BoundedDecoder(response.headers.get_list("content-encoding", split_commas=True))
        async for raw in response.aiter_raw():
            for piece in decoder.feed(raw):
                _append_capped(body, piece, cap)
                await asyncio.sleep(0)  # a long run of inflating never holds the loop
        for piece in decoder.finish():
            _append_capped(body, piece, cap)
    except DecodingError as error:
        raise FetchError(str(error)) from None
    return bytes(body)


def _append_capped(body: bytearray, piece: bytes, cap: int) -> None:
    body += piece
    if len(body) > cap:
        raise FetchError(f"response too large (over the {_megabytes(cap)} limit)")


def _parse_deadline(fetch_deadline: float | None) -> float:
    """The feed's deadline for parsing: what is left of its total time, at least
    :data:`PARSE_MIN_SECONDS` (a download that used most of it still gets parsed)."""
    floor = time.monotonic() + PARSE_MIN_SECONDS
    return floor if fetch_deadline is None else max(fetch_deadline, floor)


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def describe_http_error(error: BaseException) -> str:
    """A one-line description of a network failure (httpx exception names are not for users)."""
    import httpx

    messages: list[tuple[type[BaseException], str]] = [
        (httpx.ConnectTimeout, "connection timed out"),
        (httpx.ReadTimeout, "server stopped sending (read timeout)"),
        (httpx.WriteTimeout, "write timed out"),
        (httpx.PoolTimeout, "waited too long for a connection"),
        (httpx.ConnectError, "cannot connect"),
        (httpx.RemoteProtocolError, "connection broken"),
        (httpx.ReadError, "connection broken"),
        (httpx.DecodingError, "cannot decompress the response"),
        (httpx.UnsupportedProtocol, "unsupported URL"),
        (httpx.InvalidURL, "invalid URL"),
        (httpx.TooManyRedirects, "too many redirects"),
    ]
    for kind, message in messages:
        if isinstance(error, kind):
            detail = clean_line(str(error))
            return f"{message}: {detail}"[:300] if detail else message
    return clean_line(f"{type(error).__name__}: {error}")[:300]


# -- running async work from sync code ----------------------------------------------


def run_sync(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from synchronous code, on any thread.

    ``asyncio.run`` cannot start inside a running loop (a Textual app's own
    thread); then the coroutine runs on a short-lived helper thread instead.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def fetch_one(url: str, settings: FetchSettings, accept: str = ACCEPT_FEEDS) -> FetchResult:
    """One GET from synchronous code (``reader add``, ``open URL``, ``fetch-full``)."""

    async def run() -> FetchResult:
        async with make_client(settings) as client:
            return await fetch(client, url, settings, accept=accept)

    return run_sync(run)


# -- subscribing ---------------------------------------------------------------------


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


def parse_body(
    body: bytes, url: str, content_type: str | None, deadline: float | None = None
) -> ParsedFeed:
    """Parse a fetched body; any failure of the parser is a FeedParseError for this feed.

    ``deadline`` (``time.monotonic()``) is the feed's time budget. A module-level
    function so that worker processes can run it.
    """
    try:
        return parse_feed(body, url, content_type, deadline=deadline)
    except FeedParseError:
        raise
    except (RecursionError, MemoryError, ValueError, TypeError, LookupError) as error:
        raise FeedParseError(clean_line(f"cannot parse the feed: {error}")[:300]) from None


def _start_worker() -> None:
    """Silence the worker and import the parser while the first downloads run.

    A worker shares the terminal with the TUI: anything it printed would land
    on the screen. Its results and errors travel back through the pool instead.
    """
    from reader.core.processes import silence_terminal_output

    silence_terminal_output()
    import feedparser  # noqa: F401


def _main_can_spawn() -> bool:
    """Whether spawned workers can start: they re-import the main script by its path,
    which fails (with a traceback on the terminal) for ``python - < script``."""
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    return path is None or Path(path).exists()


class ParserPool:
    """Where feeds are parsed: worker processes when many feeds change and there are cores.

    Parsing is pure Python, so threads share one core; with several cores a
    process pool parses feeds side by side. The first few feeds of a refresh are
    parsed in a thread, and the pool starts only when more keep coming: a refresh
    where most feeds answer 304 never pays for starting processes. Workers are
    spawned, never forked: the caller may be a thread of the TUI.
    """

    def __init__(self, feed_count: int) -> None:
        self._workers = min(os.cpu_count() or 1, MAX_PARSER_PROCESSES, feed_count)
        self._eligible = (
            self._workers > 1 and feed_count >= PROCESS_POOL_MIN_FEEDS and _main_can_spawn()
        )
        self._processes: concurrent.futures.ProcessPoolExecutor | None = None
        self._threads = concurrent.futures.ThreadPoolExecutor(
            PARSER_THREADS, thread_name_prefix="reader-parse"
        )
        self._requests = 0

    def _pool(self) -> concurrent.futures.ProcessPoolExecutor | None:
        self._requests += 1
        if self._processes is None and self._eligible and self._requests > THREAD_PARSES_FIRST:
            import multiprocessing

            self._processes = concurrent.futures.ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
            )
        return self._processes

    async def parse(self, fetched: FetchResult) -> ParsedFeed:
        assert fetched.body is not None
        arguments = (fetched.body, fetched.final_url, fetched.content_type, fetched.deadline)
        processes = self._pool()
        loop = asyncio.get_running_loop()
        if processes is not None:
            try:
                return await loop.run_in_executor(processes, parse_body, *arguments)
            except concurrent.futures.BrokenExecutor:
                # A worker died (out of memory?) or could not start: go on in threads.
                self._eligible = False
                processes.shutdown(wait=False, cancel_futures=True)
                self._processes = None
        return await loop.run_in_executor(self._threads, parse_body, *arguments)

    def close(self) -> None:
        if self._processes is not None:
            self._processes.shutdown(wait=True, cancel_futures=True)
        self._threads.shutdown(wait=True, cancel_futures=True)


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
) -> RefreshResults:
    """Fetch, parse and store ``feeds`` concurrently; one result per feed, in input order.

    ``force`` ignores the backoff of failing feeds. ``progress`` is called (on
    the calling thread's loop) after each feed finishes. Safe to call from any
    thread.
    """
    feeds = [feed for feed in feeds if feed.kind is FeedKind.FEED]
    return RefreshResults(run_sync(lambda: _refresh_all(store, feeds, settings, force, progress)))


async def _refresh_all(
    store: Store,
    feeds: Sequence[Feed],
    settings: FetchSettings,
    force: bool,
    progress: ProgressCallback | None,
) -> list[FeedRefreshResult]:
    asyncio.get_running_loop().set_default_executor(
        concurrent.futures.ThreadPoolExecutor(RESOLVER_THREADS, thread_name_prefix="reader-dns")
    )
    clients = HostClients(settings)
    run = _Refresh(
        store=store,
        settings=settings,
        limiter=HostLimiter(settings.concurrency, settings.per_host),
        clients=clients,
        downloads=asyncio.Semaphore(settings.downloads),
        writer=_writer_for(store),
        parser=ParserPool(len(feeds)),
        progress=progress,
    )
    try:
        tasks = {
            feed.id: asyncio.create_task(_refresh_one(run, feed, force))
            for feed in interleave_hosts(feeds)
        }
        results = list(await asyncio.gather(*(tasks[feed.id] for feed in feeds)))
    finally:
        await clients.aclose()
        run.parser.close()
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
    until = None if force else backoff_until(feed)
    if until is not None:
        result.skipped = True
        result.error = (
            f"skipped: failed {feed.failure_count} times in a row; next try after "
            f"{until.replace(microsecond=0).isoformat()}"
        )
    else:
        try:
            await _fetch_parse_store(run, feed, result)
        except StoreError as error:  # already one line for the user (a full disk …)
            result.error = error_line(str(error))
        except Exception as error:  # a bug or a database problem must not stop the others
            result.error = error_line(f"{type(error).__name__}: {error}")
    _report(run, result)
    return result


def _report(run: _Refresh, result: FeedRefreshResult) -> None:
    """Tell the caller a feed is done; a failing callback (a closed UI) stops the reports only."""
    if run.progress is None:
        return
    try:
        run.progress(result)
    except Exception:
        run.progress = None


async def _fetch_parse_store(run: _Refresh, feed: Feed, result: FeedRefreshResult) -> None:
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
                result.new, result.updated = await run.write(
                    lambda: store_parsed(run.store, feed, fetched, parsed)
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


def store_parsed(
    store: Store, feed: Feed, fetched: FetchResult, parsed: ParsedFeed
) -> tuple[int, int]:
    """Entries and feed state in one transaction; returns (new, updated)."""
    with store.transaction():
        new, updated = store.upsert_entries(feed.id, parsed.entries)
        values: dict[str, Any] = _check_values(fetched)
        if not feed.title and parsed.title:
            values["title"] = parsed.title
        if parsed.site_url:
            values["site_url"] = parsed.site_url
        store.update_feed(feed.id, **values)
    return new, updated


def record_checks(store: Store, checks: Sequence[tuple[Feed, FetchResult]]) -> None:
    """304s and failures: only the feeds' state changes, all in one transaction."""
    with store.transaction():
        for feed, fetched in checks:
            values = _check_values(fetched)
            if fetched.error is not None:
                values["failure_count"] = feed.failure_count + 1
            else:  # a 304 need not repeat the validators
                values["etag"] = values["etag"] or feed.etag
                values["last_modified"] = values["last_modified"] or feed.last_modified
            store.update_feed(feed.id, **values)


def _check_values(fetched: FetchResult) -> dict[str, Any]:
    from reader.core.store import utc_now

    values: dict[str, Any] = {
        "last_checked": utc_now(),
        "last_status": fetched.status,
        "last_error": error_line(fetched.error) or None,
        "failure_count": 0,
    }
    if fetched.error is None:
        values["etag"] = clean_line(fetched.etag)[:500] or None
        values["last_modified"] = clean_line(fetched.last_modified)[:100] or None
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
