"""Fetching against a real HTTP server on 127.0.0.1: caching, redirects, failures, limits."""

from __future__ import annotations

import asyncio
import gzip
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from reader.core.download_slots import DownloadSlot
from reader.core.models import Feed
from reader.core.refresh import backoff_until, interleave_hosts
from reader.service import ReaderService

from .conftest import (
    BrokenBodyServer,
    CountingServer,
    KeepAliveFeedHandler,
    fast_config,
    serve_in_thread,
)


def feed_xml(title: str = "Feed", count: int = 3, prefix: str = "item") -> bytes:
    items = "".join(
        f"<item><title>{prefix} {n}</title><guid>{prefix}-{n}</guid>"
        f"<link>/posts/{n}</link><description>&lt;p&gt;text {n}&lt;/p&gt;</description></item>"
        for n in range(count)
    )
    return f'<rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'.encode()


RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}


def subscribe(service: ReaderService, url: str) -> Feed:
    feed, _created = service.store.add_feed(url)
    return feed


class TestConditionalGet:
    def test_etag_gives_304_and_no_parsing(
        self, server: HTTPServer, service: ReaderService
    ) -> None:
        seen: list[str | None] = []

        def handler(request: Request) -> Response:
            seen.append(request.headers.get("If-None-Match"))
            if request.headers.get("If-None-Match") == '"v1"':
                return Response(status=304, headers={"ETag": '"v1"'})
            return Response(feed_xml(), headers={**RSS, "ETag": '"v1"'})

        server.expect_request("/feed").respond_with_handler(handler)
        subscribe(service, server.url_for("/feed"))
        first = service.refresh()
        second = service.refresh()
        assert (first[0].status, first[0].new) == (200, 3)
        assert (second[0].status, second[0].new, second[0].error) == (304, 0, None)
        assert seen == [None, '"v1"']
        assert service.feeds()[0].etag == '"v1"'

    def test_last_modified(self, server: HTTPServer, service: ReaderService) -> None:
        stamp = "Sat, 30 Jul 2022 00:00:00 GMT"

        def handler(request: Request) -> Response:
            if request.headers.get("If-Modified-Since") == stamp:
                return Response(status=304)
            return Response(feed_xml(), headers={**RSS, "Last-Modified": stamp})

        server.expect_request("/lm").respond_with_handler(handler)
        subscribe(service, server.url_for("/lm"))
        service.refresh()
        assert service.refresh()[0].status == 304
        assert service.feeds()[0].last_modified == stamp  # a 304 without validators keeps them

    def test_gzip(self, server: HTTPServer, service: ReaderService) -> None:
        body = gzip.compress(feed_xml(count=5))
        server.expect_request("/gz").respond_with_data(
            body, headers={**RSS, "Content-Encoding": "gzip"}
        )
        subscribe(service, server.url_for("/gz"))
        assert service.refresh()[0].new == 5


class TestEntriesOverTime:
    def test_update_keeps_read_and_starred_and_vanished_entries_stay(
        self, server: HTTPServer, service: ReaderService
    ) -> None:
        server.expect_ordered_request("/f").respond_with_data(feed_xml(count=3), headers=RSS)
        changed = feed_xml(count=2).replace(b"item 1<", b"item 1 (corrected)<")
        server.expect_ordered_request("/f").respond_with_data(changed, headers=RSS)
        subscribe(service, server.url_for("/f"))
        service.refresh()
        by_title = {a.title: a.id for a in service.list_articles()}
        service.set_read([by_title["item 1"]])
        service.set_starred([by_title["item 1"]])
        result = service.refresh()[0]
        assert (result.new, result.updated) == (0, 1)
        article = service.article(by_title["item 1"])
        assert article.title == "item 1 (corrected)"
        assert article.read and article.starred
        assert len(service.list_articles()) == 3
        assert article.url == server.url_for("/posts/1")


class TestRedirects:
    def test_permanent_chain_moves_the_feed(
        self, server: HTTPServer, service: ReaderService
    ) -> None:
        server.expect_request("/old").respond_with_data(
            "", status=301, headers={"Location": "/older"}
        )
        server.expect_request("/older").respond_with_data(
            "", status=308, headers={"Location": server.url_for("/new")}
        )
        server.expect_request("/new").respond_with_data(feed_xml(), headers=RSS)
        subscribe(service, server.url_for("/old"))
        result = service.refresh()[0]
        assert (result.status, result.new, result.url) == (200, 3, server.url_for("/new"))
        assert service.feeds()[0].url == server.url_for("/new")

    def test_temporary_redirect_keeps_the_url(
        self, server: HTTPServer, service: ReaderService
    ) -> None:
        server.expect_request("/tmp").respond_with_data("", status=302, headers={"Location": "/x"})
        server.expect_request("/x").respond_with_data(feed_xml(), headers=RSS)
        subscribe(service, server.url_for("/tmp"))
        assert service.refresh()[0].new == 3
        assert service.feeds()[0].url == server.url_for("/tmp")

    def test_loop(self, server: HTTPServer, service: ReaderService) -> None:
        server.expect_request("/a").respond_with_data("", status=301, headers={"Location": "/b"})
        server.expect_request("/b").respond_with_data("", status=301, headers={"Location": "/a"})
        subscribe(service, server.url_for("/a"))
        result = service.refresh()[0]
        assert result.error is not None and "redirect loop" in result.error
        assert service.feeds()[0].url == server.url_for("/a")

    def test_more_than_five(self, server: HTTPServer, service: ReaderService) -> None:
        for n in range(7):
            server.expect_request(f"/r{n}").respond_with_data(
                "", status=302, headers={"Location": f"/r{n + 1}"}
            )
        subscribe(service, server.url_for("/r0"))
        assert "too many redirects" in (service.refresh()[0].error or "")

    def test_redirect_to_another_scheme_is_refused(
        self, server: HTTPServer, service: ReaderService
    ) -> None:
        server.expect_request("/evil").respond_with_data(
            "", status=302, headers={"Location": "file:///etc/passwd"}
        )
        subscribe(service, server.url_for("/evil"))
        assert "only http and https" in (service.refresh()[0].error or "")


class TestFailures:
    @pytest.mark.parametrize("status", [404, 500])
    def test_http_errors_are_recorded(
        self, server: HTTPServer, service: ReaderService, status: int
    ) -> None:
        server.expect_request("/e").respond_with_data("no", status=status)
        subscribe(service, server.url_for("/e"))
        result = service.refresh()[0]
        assert result.status == status
        assert result.error is not None and result.error.startswith(f"HTTP {status}")
        feed = service.feeds()[0]
        assert (feed.last_status, feed.failure_count) == (status, 1)
        assert feed.last_error == result.error

    def test_html_error_page_is_a_clear_error(
        self, server: HTTPServer, service: ReaderService
    ) -> None:
        server.expect_request("/h").respond_with_data(
            "<html><head><title>Maintenance</title></head><body>back soon</body></html>",
            content_type="text/html",
        )
        subscribe(service, server.url_for("/h"))
        assert "web page" in (service.refresh()[0].error or "")

    def test_slow_response_beyond_the_total_timeout(self, server: HTTPServer) -> None:
        def slow(_request: Request) -> Response:
            time.sleep(6)
            return Response(feed_xml(), headers=RSS)

        def drip(_request: Request) -> Response:
            def body() -> Iterator[bytes]:
                yield b"<rss><channel>"
                for _ in range(60):
                    time.sleep(0.1)
                    yield b"<!-- -->"

            return Response(body(), headers=RSS)

        server.expect_request("/slow").respond_with_handler(slow)
        server.expect_request("/drip").respond_with_handler(drip)
        server.expect_request("/ok").respond_with_data(feed_xml(), headers=RSS)
        service = ReaderService(config=fast_config(read_timeout=5.0, total_timeout=1.0))
        for path in ("/slow", "/drip", "/ok"):
            subscribe(service, server.url_for(path))
        started = time.monotonic()
        results = {r.url.rsplit("/", 1)[-1]: r for r in service.refresh()}
        assert time.monotonic() - started < 5  # neither the slow nor the dripping one was awaited
        assert "timed out" in (results["slow"].error or "")
        assert "timed out" in (results["drip"].error or "")
        assert results["ok"].new == 3
        service.close()

    def test_body_over_the_cap(self, server: HTTPServer) -> None:
        big = feed_xml(count=3000)
        bomb = gzip.compress(b"<rss><channel>" + b" " * 5_000_000)

        def chunked(_request: Request) -> Response:
            return Response(
                iter([big[i : i + 4096] for i in range(0, len(big), 4096)]), headers=RSS
            )

        server.expect_request("/big").respond_with_data(big, headers=RSS)
        server.expect_request("/chunked").respond_with_handler(chunked)
        server.expect_request("/bomb").respond_with_data(
            bomb, headers={**RSS, "Content-Encoding": "gzip"}
        )
        service = ReaderService(config=fast_config(max_body_bytes=100_000))
        for path in ("/big", "/chunked", "/bomb"):
            subscribe(service, server.url_for(path))
        for result in service.refresh():
            assert "too large" in (result.error or ""), result
        assert service.list_articles() == []
        service.close()

    def test_server_closing_mid_body(
        self, broken_body_server: BrokenBodyServer, service: ReaderService
    ) -> None:
        subscribe(service, broken_body_server.url)
        result = service.refresh()[0]
        assert "connection broken" in (result.error or "")

    def test_connection_refused(self, service: ReaderService) -> None:
        subscribe(service, "http://127.0.0.1:9/feed")
        assert "cannot connect" in (service.refresh()[0].error or "")


class TestBackoff:
    def test_failing_feed_backs_off_and_force_retries(
        self, server: HTTPServer, service: ReaderService
    ) -> None:
        server.expect_request("/down").respond_with_data("", status=503)
        feed = subscribe(service, server.url_for("/down"))
        service.refresh()
        service.refresh()
        assert service.feeds()[0].failure_count == 2
        skipped = service.refresh()[0]
        assert skipped.skipped and "next try after" in (skipped.error or "")
        assert service.refresh(force=True)[0].status == 503
        assert service.refresh(str(feed.id))[0].status == 503  # one named feed is always fetched
        assert service.feeds()[0].failure_count == 4

    def test_backoff_grows_and_is_capped(self) -> None:
        now = datetime.now(UTC).isoformat()
        feed = Feed(id=1, url="u", title="t", last_checked=now)
        assert backoff_until(feed) is None
        waits = []
        for failures in (2, 3, 4, 30):
            feed.failure_count = failures
            until = backoff_until(feed)
            assert until is not None
            waits.append(until - datetime.fromisoformat(now))
        assert waits[0] == timedelta(minutes=15)
        assert waits[0] < waits[1] < waits[2] <= waits[3] == timedelta(hours=24)


class TestConcurrency:
    def test_feeds_are_fetched_concurrently_with_a_per_host_limit(self, server: HTTPServer) -> None:
        active = 0
        peak = 0
        lock = threading.Lock()

        def handler(_request: Request) -> Response:
            nonlocal active, peak
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.5)
            with lock:
                active -= 1
            return Response(feed_xml(count=1), headers=RSS)

        for n in range(8):
            server.expect_request(f"/c{n}").respond_with_handler(handler)
            server.expect_request(f"/i{n}").respond_with_data(feed_xml(count=1), headers=RSS)
        # Long timeouts: on a loaded machine the third wave waits its turn for seconds.
        config = fast_config(per_host=3, concurrency=16, read_timeout=30.0, total_timeout=30.0)
        service = ReaderService(config=config)
        instant = [subscribe(service, server.url_for(f"/i{n}")).id for n in range(8)]
        slow = [subscribe(service, server.url_for(f"/c{n}")).id for n in range(8)]
        started = time.monotonic()
        service.refresh(feed_ids=instant)
        overhead = time.monotonic() - started  # the same 8 fetches with no wait, this run
        started = time.monotonic()
        results = service.refresh(feed_ids=slow)
        elapsed = time.monotonic() - started
        assert all(r.new == 1 for r in results)
        assert peak == 3
        assert elapsed - overhead < 8 * 0.5, (elapsed, overhead)  # not one after the other
        service.close()

    def test_progress_callback_from_a_worker_thread(
        self, server: HTTPServer, service: ReaderService
    ) -> None:
        for n in range(3):
            server.expect_request(f"/p{n}").respond_with_data(feed_xml(), headers=RSS)
            subscribe(service, server.url_for(f"/p{n}"))
        seen: list[int] = []
        outcome: list[object] = []

        def worker() -> None:
            outcome.append(service.refresh(progress=lambda result: seen.append(result.new)))

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join(30)
        assert seen == [3, 3, 3]
        results = outcome[0]
        assert results.summary() == "3 feeds refreshed, 9 new"  # type: ignore[attr-defined]


def test_refreshes_reuse_one_writer_connection(server: HTTPServer, service: ReaderService) -> None:
    server.expect_request("/w").respond_with_data(feed_xml(), headers=RSS)
    subscribe(service, server.url_for("/w"))
    service.refresh()
    opened = service.store._connections.opened
    for _ in range(3):
        service.refresh()
    assert service.store._connections.opened == opened


def test_a_failing_progress_callback_does_not_stop_the_refresh(
    server: HTTPServer, service: ReaderService
) -> None:
    for n in range(3):
        server.expect_request(f"/q{n}").respond_with_data(feed_xml(), headers=RSS)
        subscribe(service, server.url_for(f"/q{n}"))

    def broken(_result: object) -> None:
        raise RuntimeError("the screen is gone")

    results = service.refresh(progress=broken)
    assert [r.new for r in results] == [3, 3, 3]


class TestSubscribing:
    def test_add_fetches_and_stores(self, server: HTTPServer, service: ReaderService) -> None:
        server.expect_request("/feed").respond_with_data(feed_xml(title="Blog"), headers=RSS)
        result = service.add_feed(server.url_for("/feed"))
        assert (result.created, result.new, result.feed.title) == (True, 3, "Blog")
        again = service.add_feed(server.url_for("/feed"))
        assert not again.created

    def test_add_a_page_that_advertises_its_feed(
        self, server: HTTPServer, service: ReaderService
    ) -> None:
        page = (
            '<html><head><link rel="alternate" type="application/rss+xml" href="/blog/rss">'
            "</head><body>blog</body></html>"
        )
        server.expect_request("/blog/").respond_with_data(page, content_type="text/html")
        server.expect_request("/blog/rss").respond_with_data(feed_xml(), headers=RSS)
        result = service.add_feed(server.url_for("/blog/"), title="Mine")
        assert result.feed.url == server.url_for("/blog/rss")
        assert result.feed.title == "Mine"

    @pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:alert(1)", "ftp://x/y", "x"])
    def test_non_http_urls_are_refused(self, service: ReaderService, url: str) -> None:
        from reader.service import ServiceError

        with pytest.raises(ServiceError, match="only http"):
            service.add_feed(url)
        assert service.feeds() == []

    def test_remove_keeps_starred_articles(
        self, server: HTTPServer, service: ReaderService
    ) -> None:
        server.expect_request("/feed").respond_with_data(feed_xml(), headers=RSS)
        feed = service.add_feed(server.url_for("/feed")).feed
        starred = service.list_articles()[0]
        service.set_starred([starred.id])
        service.remove_feed(str(feed.id))
        assert [a.id for a in service.list_articles()] == [starred.id]
        assert service.article(starred.id).title == starred.title


class FeedPerPath(KeepAliveFeedHandler):
    def feed(self) -> bytes:
        return feed_xml(prefix=self.path)


@pytest.fixture
def keep_alive_server() -> Iterator[CountingServer]:
    yield from serve_in_thread(CountingServer(("127.0.0.1", 0), FeedPerPath))


def test_unchanged_feeds_of_a_host_share_one_connection(
    keep_alive_server: CountingServer,
) -> None:
    """A 304 leaves its connection open for the next feed of the host (it used to close it)."""
    service = ReaderService(config=fast_config(per_host=1))
    port = keep_alive_server.server_address[1]
    for n in range(4):
        subscribe(service, f"http://127.0.0.1:{port}/feed{n}")
    assert [r.new for r in service.refresh()] == [3, 3, 3, 3]
    before = keep_alive_server.connections
    assert [r.status for r in service.refresh()] == [304, 304, 304, 304]
    assert keep_alive_server.connections - before == 1
    assert all(feed.last_status == 304 for feed in service.feeds())
    service.close()


def test_feeds_start_one_per_host_before_a_host_gets_its_second() -> None:
    def feed(number: int, url: str) -> Feed:
        return Feed(id=number, url=url, title="")

    feeds = [
        feed(1, "http://a.test/1"),
        feed(2, "http://a.test/2"),
        feed(3, "http://A.test/3"),
        feed(4, "http://b.test/1"),
        feed(5, "not a url"),
        feed(6, "http://b.test/2"),
    ]
    assert [f.id for f in interleave_hosts(feeds)] == [1, 4, 5, 2, 6, 3]


def test_host_names_are_resolved(keep_alive_server: CountingServer) -> None:
    """``localhost`` goes through the name lookup (and ::1 first, where nothing listens)."""
    service = ReaderService(config=fast_config())
    port = keep_alive_server.server_address[1]
    for n in range(3):
        subscribe(service, f"http://localhost:{port}/named{n}")
    assert [(r.new, r.error) for r in service.refresh()] == [(3, None)] * 3
    service.close()


class TestDownloadSlots:
    """Waiting for a turn to download a body does not count against the total deadline."""

    @staticmethod
    async def hold(slots: asyncio.Semaphore, seconds: float) -> None:
        async with slots:
            await asyncio.sleep(seconds)

    @staticmethod
    async def download(
        slots: asyncio.Semaphore, deadline: float, before: float, body: float
    ) -> None:
        async with asyncio.timeout(deadline) as timeout:
            await asyncio.sleep(before)
            async with DownloadSlot(slots, timeout):
                await asyncio.sleep(body)

    async def run(self, deadline: float, before: float, body: float) -> None:
        slots = asyncio.Semaphore(1)
        holder = asyncio.create_task(self.hold(slots, 0.4))
        await asyncio.sleep(0)
        await self.download(slots, deadline, before, body)
        await holder

    def test_the_wait_is_not_counted(self) -> None:
        asyncio.run(self.run(deadline=0.3, before=0.0, body=0.1))

    def test_the_time_left_before_the_wait_still_applies(self) -> None:
        with pytest.raises(TimeoutError):
            asyncio.run(self.run(deadline=0.3, before=0.2, body=0.2))

    def test_a_download_is_still_bounded(self) -> None:
        async def free_slot() -> None:
            await self.download(asyncio.Semaphore(1), deadline=0.2, before=0.0, body=1.0)

        with pytest.raises(TimeoutError):
            asyncio.run(free_slot())


def test_one_download_at_a_time_still_fetches_every_feed(
    keep_alive_server: CountingServer,
) -> None:
    service = ReaderService(config=fast_config(downloads=1, per_host=4))
    port = keep_alive_server.server_address[1]
    for n in range(5):
        subscribe(service, f"http://127.0.0.1:{port}/one{n}")
    assert [(r.new, r.error) for r in service.refresh()] == [(3, None)] * 5
    service.close()


def test_a_script_read_from_stdin_refreshes_without_worker_tracebacks(
    keep_alive_server: CountingServer,
) -> None:
    """Spawned parser workers re-import the main script by path; ``python -`` has none."""
    port = keep_alive_server.server_address[1]
    script = (
        "from reader.service import ReaderService\n"
        "service = ReaderService()\n"
        f"for n in range(10): service.store.add_feed('http://127.0.0.1:{port}/stdin%d' % n)\n"
        "print(sum(r.new for r in service.refresh()))\n"
    )
    process = subprocess.run(
        [sys.executable, "-"], input=script, capture_output=True, text=True, timeout=120
    )
    assert (process.returncode, process.stdout.strip()) == (0, "30")
    assert "Traceback" not in process.stderr
