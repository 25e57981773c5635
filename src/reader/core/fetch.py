"""Fetching one URL: async httpx, conditional GET, redirects, size caps and deadlines.

Each GET has a total deadline, follows at most a few redirects (remembering whether
all of them were permanent), streams the body into a size cap through a bounded
decoder, and turns every failure into a one-line ``FetchResult.error``. The retriever
knows nothing of feeds' rows: :mod:`reader.core.refresh` decides what a result means.

httpx is imported inside functions: this module is imported by the service, which
``reader --version`` and the TUI load at start.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import os
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from reader import __version__
from reader.config import RefreshConfig
from reader.core.download_slots import DownloadSlot
from reader.core.text import clean_line, error_line
from reader.core.urls import join_url, url_host, url_scheme

if TYPE_CHECKING:
    import ssl

    import httpx

USER_AGENT = f"reader/{__version__} (bilingual terminal feed reader; httpx)"
ACCEPT_FEEDS = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9,"
    " text/xml;q=0.9, text/html;q=0.5, */*;q=0.1"
)
ACCEPT_PAGES = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5, */*;q=0.1"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
PERMANENT_REDIRECTS = {301, 308}
PARSE_MIN_SECONDS = 60.0
"""Parsing a body always gets this long, whatever its download left of the feed's time:
every pass is linear, and the largest real feeds (100,000 entries) take about 20 s."""

T = TypeVar("T")


@dataclass(frozen=True)
class FetchSettings:
    """The limits of one refresh or GET: the ``[refresh]`` settings as they were when it
    started (so that editing the config mid-refresh changes nothing), and the redirect
    cap, which is not a setting."""

    limits: RefreshConfig = field(default_factory=RefreshConfig)
    max_redirects: int = 5

    @classmethod
    def from_config(cls, config: RefreshConfig) -> FetchSettings:
        return cls(limits=replace(config))


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


class FetchError(Exception):
    """A fetch that failed; the message is one line for the user."""


# -- one GET -------------------------------------------------------------------------


def make_client(settings: FetchSettings, *, connections: int | None = None) -> httpx.AsyncClient:
    """An HTTP client; proxies and CA bundles come from the environment."""
    import httpx

    from reader.core.asyncio_network import use_asyncio_network

    timeout = httpx.Timeout(
        connect=settings.limits.connect_timeout,
        read=settings.limits.read_timeout,
        write=settings.limits.read_timeout,
        pool=settings.limits.total_timeout,
    )
    connections = connections or settings.limits.concurrency
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
            client = make_client(self._settings, connections=self._settings.limits.per_host)
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
        async with asyncio.timeout(settings.limits.total_timeout) as deadline:
            slot = DownloadSlot(downloads, deadline)
            await _fetch_following_redirects(
                client, result, settings, etag, last_modified, accept, slot
            )
            result.deadline = _parse_deadline(deadline.when())
    except TimeoutError:
        result.error = f"timed out after {settings.limits.total_timeout:g} s"
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
                await _read_capped(response, settings.limits.max_body_bytes)
                return
            if response.status_code >= 400 or response.status_code < 200:
                reason = error_line(response.reason_phrase, 200)
                raise FetchError(f"HTTP {response.status_code} {reason}".strip())
            async with slot:
                result.body = await _read_capped(response, settings.limits.max_body_bytes)
            return
    raise FetchError(f"too many redirects (more than {settings.max_redirects})")


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
