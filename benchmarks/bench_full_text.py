"""Per-feed auto full text: a refresh that fetches the new articles' pages concurrently,
against fetching the same pages one after the other, in the same run.

A server process listens on 10 loopback addresses (127.0.0.1 … 127.0.0.10) and serves
50 summary-only feeds (5 per host) of 4 entries each; every entry links to an article
page on the same host, answered after 50 ms (a server's think time). In the same run,
each in a fresh READER_HOME:

1. a refresh with ``full_text`` off (summaries only): the refresh's own cost;
2. a refresh with every feed ``full_text = "auto"`` and ``refresh.page_delay = 0``:
   pages fetched during the refresh, concurrently across hosts (2 per host);
3. a refresh with ``full_text`` off, then the same 200 pages fetched and extracted one
   after the other (the same ``fetch`` with a kept-alive client per host, then
   ``extract_main_text`` and the store), the sequential baseline;
4. the auto refresh with the default ``page_delay`` of 1 s: politeness, not the
   reader, sets the pace (20 pages per host, one a second).

Run: .venv/bin/python benchmarks/bench_full_text.py [--runs N] [--no-default-delay]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from statistics import median
from typing import ClassVar

FEEDS = 50
ENTRIES = 4
HOSTS = 10
PAGE_LATENCY = 0.05
PARAGRAPHS = [
    "The council met on Tuesday to discuss the budget for the coming year, and the debate"
    " ran long into the evening as members argued over schools, roads and the library.",
    "Several residents spoke during the public comment period. Most of them asked the"
    " council to keep the branch libraries open on weekends, which the draft would end.",
    "The mayor said the city could not afford every request, but promised to look again at"
    " the library hours before the final vote, which is expected next month.",
    "서울시는 내년 예산안을 발표하면서 도서관 운영 시간을 줄이지 않겠다고 밝혔다. 시민들의"
    " 요청이 많았기 때문이다.",
]


def make_feed(host: str, number: int) -> bytes:
    items = "".join(
        f"<item><title>Feed {number} story {entry}</title><guid>f{number}-e{entry}</guid>"
        f"<link>{host}/story/{number}/{entry}</link>"
        f"<pubDate>Sat, 30 Jul 2022 09:{entry:02d}:00 +0900</pubDate>"
        f"<description>Summary of story {entry} of feed {number}.</description></item>"
        for entry in range(ENTRIES)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {number}</title>{items}</channel></rss>"
    ).encode()


def make_page(path: str) -> bytes:
    paragraphs = "\n".join(f"<p>{paragraph} ({path})</p>" for paragraph in PARAGRAPHS)
    return (
        f"<html><head><title>Story {path}</title></head><body><article>\n"
        f"<h1>Story {path}</h1>\n{paragraphs}\n</article></body></html>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    feeds: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        host = f"http://{self.headers.get('Host', '')}"
        if self.path.startswith("/story/"):
            time.sleep(PAGE_LATENCY)
            self._send(make_page(self.path), "text/html; charset=utf-8")
            return
        body = self.feeds.get(host + self.path)
        if body is None:
            self.send_error(404)
            return
        self._send(body, "application/rss+xml; charset=utf-8")

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


def serve() -> None:
    """The server process: prints the feed URLs as JSON, then serves until killed."""
    servers = [Server((f"127.0.0.{n + 1}", 0), Handler) for n in range(HOSTS)]
    bases = [f"http://127.0.0.{n + 1}:{s.server_address[1]}" for n, s in enumerate(servers)]
    urls = []
    for number in range(FEEDS):
        base = bases[number % HOSTS]
        url = f"{base}/feed/{number}.xml"
        Handler.feeds[url] = make_feed(base, number)
        urls.append(url)
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps(urls), flush=True)
    threading.Event().wait()


def start_server() -> tuple[subprocess.Popen[str], list[str]]:
    """The servers run in their own process, so that they never compete for our GIL."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    urls: list[str] = json.loads(process.stdout.readline())
    return process, urls


def fresh_service(page_delay: float, full_text: bool) -> object:
    """A service over a new READER_HOME with the feeds subscribed."""
    from reader.config import Config, RefreshConfig
    from reader.service import ReaderService

    os.environ["READER_HOME"] = tempfile.mkdtemp(prefix="bench-full-text-")
    service = ReaderService(config=Config(refresh=RefreshConfig(page_delay=page_delay)))
    for url in URLS:
        feed, _created = service.store.add_feed(url)
        if full_text:
            service.set_feed_settings(str(feed.id), ["full_text=auto"])
    return service


def timed_refresh(page_delay: float, full_text: bool) -> tuple[float, int]:
    """Seconds of one refresh, and how many articles got their page's text."""
    from reader.service import ReaderService

    service = fresh_service(page_delay, full_text)
    assert isinstance(service, ReaderService)
    started = time.perf_counter()
    results = service.refresh()
    seconds = time.perf_counter() - started
    assert all(r.new == ENTRIES for r in results), [r.error for r in results if r.error][:3]
    filled = sum(r.full_text for r in results)
    service.close()
    return seconds, filled


def sequential(page_delay: float) -> tuple[float, float, int]:
    """A summary-only refresh, then every new article's page fetched, extracted and
    stored one after the other, with one kept-alive client per host as the refresh
    has: (refresh seconds, pages seconds, pages filled)."""
    from reader.service import ReaderService

    service = fresh_service(page_delay, full_text=False)
    assert isinstance(service, ReaderService)
    started = time.perf_counter()
    service.refresh()
    refreshed = time.perf_counter()
    filled = asyncio.run(_one_after_another(service))
    done = time.perf_counter()
    service.close()
    return refreshed - started, done - refreshed, filled


async def _one_after_another(service: object) -> int:
    from reader.core.feedparse import decode_body
    from reader.core.fetch import ACCEPT_PAGES, HostClients, fetch
    from reader.core.fulltext import extract_main_text
    from reader.service import ReaderService

    assert isinstance(service, ReaderService)
    settings = service.fetch_settings()
    clients = HostClients(settings)
    filled = 0
    try:
        for summary in service.store.articles(limit=100_000):
            assert summary.url is not None
            client = clients.for_url(summary.url)
            fetched = await fetch(client, summary.url, settings, accept=ACCEPT_PAGES)
            assert fetched.body is not None, fetched.error
            html = decode_body(fetched.body, fetched.content_type).text
            page = extract_main_text(html, summary.url)
            if page is not None:
                service.store.set_article_content(summary.id, page.paragraphs, summary_only=False)
                filled += 1
    finally:
        await clients.aclose()
    return filled


URLS: list[str] = []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-default-delay", action="store_true")
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    process, urls = start_server()
    URLS.extend(urls)
    pages = FEEDS * ENTRIES
    try:
        timed_refresh(0.0, full_text=True)  # warm-up: imports (trafilatura), TLS context
        plain, auto, loop_refresh, loop_pages = [], [], [], []
        for _run in range(args.runs):
            plain.append(timed_refresh(0.0, full_text=False)[0])
            seconds, filled = timed_refresh(0.0, full_text=True)
            assert filled == pages, filled
            auto.append(seconds)
            refresh_part, pages_part, filled = sequential(0.0)
            assert filled == pages, filled
            loop_refresh.append(refresh_part)
            loop_pages.append(pages_part)
        print(f"{FEEDS} summary-only feeds on {HOSTS} hosts, {pages} article pages")
        print(f"({PAGE_LATENCY * 1000:.0f} ms server latency per page); medians of {args.runs}:")
        print(f"  refresh, full_text off:                       {median(plain):6.2f} s")
        print(f"  refresh, full_text=auto (concurrent pages):   {median(auto):6.2f} s")
        total = median(loop_refresh) + median(loop_pages)
        print(
            f"  refresh + sequential page loop:               {total:6.2f} s"
            f"  (pages alone {median(loop_pages):.2f} s)"
        )
        pages_concurrent = max(median(auto) - median(plain), 1e-9)
        print(f"  total ratio sequential / concurrent:          {total / median(auto):6.1f}x")
        print(
            f"  pages-only ratio (loop / auto - plain):       "
            f"{median(loop_pages) / pages_concurrent:6.1f}x"
        )
        if not args.no_default_delay:
            seconds, filled = timed_refresh(1.0, full_text=True)
            per_host = pages // HOSTS
            print(
                f"  refresh, full_text=auto, page_delay 1 s:      {seconds:6.2f} s"
                f"  ({per_host} pages per host, one a second: politeness sets the pace)"
            )
    finally:
        process.kill()
        process.wait()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    main()
