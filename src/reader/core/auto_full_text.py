"""Per-feed auto full text (issue 14): during a refresh, each new entry of a feed with
``full_text = "auto"`` gets its page fetched and its main text extracted.

Politely: page requests to one host start at least ``refresh.page_delay`` seconds
apart (:class:`HostPacer`), at most ``refresh.per_host`` at once, with the body cap
and deadline of every fetch; a host that keeps failing (:data:`HOST_FAILURES` network
errors, timeouts or server errors in one refresh) is not asked for the rest of its
pages. Pages of different hosts are fetched at once, and a feed's pages start only
after its own result was reported, so they never delay another feed's result.

The summary stays when the page cannot be fetched, is not HTML, has no main text
(:func:`~reader.core.fulltext.extract_main_text`) or its text is not longer than the
summary. Extraction runs on worker threads, never on the event loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.core.download_slots import HostLimiter
from reader.core.feed_settings import AUTO
from reader.core.fetch import ACCEPT_PAGES, FetchSettings, HostClients, fetch
from reader.core.urls import url_host, url_scheme

if TYPE_CHECKING:
    from reader.core.models import Feed
    from reader.core.store import Store

HOST_FAILURES = 3
"""Failed pages of one host (no answer, a timeout, a 5xx or 429) after which the rest of
that host's pages are left for this refresh."""
MAX_PAGES_PER_FEED = 100
"""New entries of one feed whose pages one refresh fetches (the newest first): a feed
that suddenly lists thousands of entries is not crawled in one go."""
EXTRACT_THREADS = 2
PAGE_TYPES = ("text/html", "application/xhtml+xml")

FullTextProgress = Callable[[int, int], None]
"""Called with (pages done, pages queued so far) after each page."""


@dataclass(frozen=True)
class NewArticle:
    """A new entry of a full-text feed: where its page is and what it holds now."""

    article_id: int
    url: str
    chars: int
    """Characters of the stored text (the summary), which the page must beat."""


@dataclass
class PageOutcome:
    """What one page gave: the paragraphs to store, or why the summary stays."""

    article: NewArticle
    paragraphs: list[str] | None = None
    reason: str = ""


class HostPacer:
    """Turns to start a request, per host, at least ``delay`` seconds apart.

    Each caller reserves the next free moment of its host and sleeps until then, so
    waiting callers of one host go out in order and callers of other hosts never wait.
    """

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._next: dict[str, float] = {}

    async def wait_turn(self, url: str) -> None:
        host = url_host(url)
        now = asyncio.get_running_loop().time()
        start = max(now, self._next.get(host, now))
        self._next[host] = start + self.delay
        if start > now:
            await asyncio.sleep(start - now)


def new_full_text_articles(
    store: Store, feed: Feed, known_guids: set[str], guids: Sequence[str]
) -> list[NewArticle]:
    """The articles of ``feed`` stored from ``guids`` that were not in ``known_guids``
    (a refresh's new entries), with an http(s) address, newest first, at most
    :data:`MAX_PAGES_PER_FEED`; none when the feed's ``full_text`` is not ``auto``."""
    if feed.settings.full_text != AUTO:
        return []
    fresh = [guid for guid in dict.fromkeys(guids) if guid not in known_guids]
    found: list[tuple[str, NewArticle]] = []
    for start in range(0, len(fresh), 400):
        chunk = fresh[start : start + 400]
        marks = ", ".join("?" * len(chunk))
        rows = store.query(
            "SELECT id, url, content, coalesce(published, fetched) AS stamp FROM articles"
            f" WHERE feed_id = ? AND guid IN ({marks})",
            (feed.id, *chunk),
        )
        for row in rows:
            url = row["url"] or ""
            if url_scheme(url) in ("http", "https"):
                chars = sum(len(paragraph) for paragraph in json.loads(row["content"]))
                found.append((row["stamp"] or "", NewArticle(row["id"], url, chars)))
    found.sort(key=lambda item: item[0], reverse=True)
    return [article for _stamp, article in found[:MAX_PAGES_PER_FEED]]


def known_guids(store: Store, feed_id: int) -> set[str]:
    """The guids a feed has stored (read before a refresh stores its entries)."""
    return {
        row[0] for row in store.query("SELECT guid FROM articles WHERE feed_id = ?", (feed_id,))
    }


@dataclass
class PageFetcher:
    """The page side of one refresh: its own per-host limits, pacing and failure counts."""

    settings: FetchSettings
    progress: FullTextProgress | None = None
    limiter: HostLimiter = field(init=False)
    pacer: HostPacer = field(init=False)
    clients: HostClients = field(init=False)
    downloads: asyncio.Semaphore = field(init=False)
    extractor: concurrent.futures.ThreadPoolExecutor = field(init=False)
    failures: dict[str, int] = field(default_factory=dict)
    queued: int = 0
    done: int = 0

    def __post_init__(self) -> None:
        limits = self.settings.limits
        self.limiter = HostLimiter(limits.concurrency, limits.per_host)
        self.pacer = HostPacer(limits.page_delay)
        self.clients = HostClients(self.settings)
        self.downloads = asyncio.Semaphore(limits.downloads)
        self.extractor = concurrent.futures.ThreadPoolExecutor(
            EXTRACT_THREADS, thread_name_prefix="reader-extract"
        )

    async def aclose(self) -> None:
        await self.clients.aclose()
        self.extractor.shutdown(wait=False, cancel_futures=True)

    async def page(self, article: NewArticle) -> PageOutcome:
        """Fetch and extract one article's page; every failure is an outcome, not raised."""
        host = url_host(article.url)
        try:
            return await self._fetch_and_extract(article, host)
        finally:
            self.done += 1
            self._report()

    async def _fetch_and_extract(self, article: NewArticle, host: str) -> PageOutcome:
        if self.failures.get(host, 0) >= HOST_FAILURES:
            return PageOutcome(article, reason=f"{host} keeps failing")
        await self.pacer.wait_turn(article.url)
        async with self.limiter.slot(article.url):
            if self.failures.get(host, 0) >= HOST_FAILURES:  # counted while this one waited
                return PageOutcome(article, reason=f"{host} keeps failing")
            fetched = await fetch(
                self.clients.for_url(article.url),
                article.url,
                self.settings,
                accept=ACCEPT_PAGES,
                downloads=self.downloads,
            )
        if fetched.error is not None or fetched.body is None:
            if fetched.status is None or fetched.status >= 500 or fetched.status == 429:
                self.failures[host] = self.failures.get(host, 0) + 1
            return PageOutcome(article, reason=fetched.error or "empty page")
        kind = (fetched.content_type or "text/html").split(";")[0].strip().lower()
        if kind not in PAGE_TYPES:
            return PageOutcome(article, reason=f"not a web page ({kind[:60]})")
        loop = asyncio.get_running_loop()
        body, content_type, final_url = fetched.body, fetched.content_type, fetched.final_url
        paragraphs = await loop.run_in_executor(
            self.extractor, _extract, body, content_type, final_url
        )
        if paragraphs is None:
            return PageOutcome(article, reason="no main text on the page")
        if sum(len(paragraph) for paragraph in paragraphs) <= article.chars:
            return PageOutcome(article, reason="the page's text is not longer than the summary")
        return PageOutcome(article, paragraphs=paragraphs)

    def _report(self) -> None:
        if self.progress is None:
            return
        try:
            self.progress(self.done, self.queued)
        except Exception:  # a closed UI stops the reports only
            self.progress = None


def _extract(body: bytes, content_type: str | None, url: str) -> list[str] | None:
    """The main text's paragraphs of a page body (on an extractor thread)."""
    from reader.core.feedparse import decode_body
    from reader.core.fulltext import extract_main_text

    extracted = extract_main_text(decode_body(body, content_type).text, url)
    return extracted.paragraphs if extracted is not None else None


def store_outcome(store: Store, outcome: PageOutcome) -> bool:
    """Store a page's text over the summary; False when the summary stays."""
    if outcome.paragraphs is None:
        return False
    store.set_article_content(outcome.article.article_id, outcome.paragraphs, summary_only=False)
    return True


# -- after an account sync -------------------------------------------------------------


def account_snapshot(store: Store) -> dict[int, set[str]]:
    """The stored guids of each account feed with ``full_text = "auto"``, taken before
    a sync so that :func:`fill_after_sync` knows which articles the sync added."""
    from reader.core.models import FeedKind

    return {
        feed.id: known_guids(store, feed.id)
        for feed in store.feeds(FeedKind.ACCOUNT)
        if feed.settings.full_text == AUTO
    }


def fill_after_sync(
    store: Store,
    settings: FetchSettings,
    before: dict[int, set[str]],
    progress: FullTextProgress | None = None,
) -> tuple[int, int]:
    """Fetch the pages of the articles a sync added to the feeds of ``before``, as a
    refresh does for its feeds; (pages whose text was stored, summaries kept)."""
    from reader.core.fetch import run_sync

    articles: list[NewArticle] = []
    for feed_id, known in before.items():
        feed = store.feed(feed_id)
        if feed is not None:
            guids = [
                row[0]
                for row in store.query("SELECT guid FROM articles WHERE feed_id = ?", (feed_id,))
            ]
            articles += new_full_text_articles(store, feed, known, guids)
    if not articles:
        return 0, 0
    outcomes = run_sync(lambda: _fetch_pages(settings, articles, progress))
    with store.transaction():
        stored = sum(store_outcome(store, outcome) for outcome in outcomes)
    return stored, len(outcomes) - stored


async def _fetch_pages(
    settings: FetchSettings, articles: Sequence[NewArticle], progress: FullTextProgress | None
) -> list[PageOutcome]:
    fetcher = PageFetcher(settings, progress)
    fetcher.queued = len(articles)
    try:
        return list(await asyncio.gather(*(fetcher.page(article) for article in articles)))
    finally:
        await fetcher.aclose()
