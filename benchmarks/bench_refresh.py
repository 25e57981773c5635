"""How fast ``reader refresh`` is, against the obvious alternative, on a local server.

Threaded HTTP servers on 50 loopback addresses (127.0.0.1 … 127.0.0.50, four feeds
each, as a reader's subscriptions spread over many sites) serve 200 feeds of 50
entries each and add 50 ms of latency to every response (ETag/304 supported). The
reader runs with its default settings. In the same run:

1. a loop of ``feedparser.parse(url)`` over the 200 URLs (what a simple script does);
2. the first refresh through the service (fetch + parse + clean + store, fresh READER_HOME);
3. a second refresh where every feed answers 304 (1-3 run three times, alternating,
   and their medians are compared: single runs on a shared 2-core VM vary by a third);
4. the first refresh again with all 200 feeds on one host, where the per-host limit
   (politeness, not the reader) sets the pace;
5. the ``reader refresh --json`` command, start-up included;
6. the peak memory of a process that refreshes the 2.8 MB Korean feed from the corpus.

Run: .venv/bin/python benchmarks/bench_refresh.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from statistics import median
from typing import ClassVar

FEEDS = 200
ENTRIES = 50
HOSTS = 50
LATENCY = 0.05
REPO = Path(__file__).resolve().parents[1]
BIG_FEED = (
    REPO.parent / "shared" / "corpus" / "korean" / "knews_rerendered_categories_all_2022-07-30.xml"
)


def make_feed(number: int) -> bytes:
    items = []
    for entry in range(ENTRIES):
        body = (
            f"<p>Paragraph one of entry {entry} in feed {number}. 첫 문단입니다, 한국어와 English.</p>"
            f"<p>Second paragraph with <a href='/x/{entry}'>a link</a> and <b>bold</b> text.</p>"
            "<ul><li>point one</li><li>point two</li></ul>"
        )
        items.append(
            f"<item><title>Feed {number} entry {entry}</title><guid>f{number}-e{entry}</guid>"
            f"<link>/posts/{number}/{entry}</link>"
            f"<pubDate>Sat, 30 Jul 2022 09:{entry:02d}:00 +0900</pubDate>"
            f"<description><![CDATA[{body}]]></description></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {number}</title><link>http://example.com/{number}</link>"
        f"{''.join(items)}</channel></rss>"
    ).encode()


class FeedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real feed servers do
    feeds: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        time.sleep(LATENCY)
        body = self.feeds.get(self.path)
        if body is None:
            self.send_error(404)
            return
        etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    # listen() runs in the constructor, so the backlog must be a class attribute: with
    # the default of 5, bursts of connections are dropped and retried 1, 3, 7 s later.
    request_queue_size = 1024


def serve() -> None:
    """The server process: one server on each of HOSTS loopback addresses (127.0.0.1,
    127.0.0.2, …); prints their base URLs as JSON, then serves until killed."""
    FeedHandler.feeds = {f"/feed/{n}.xml": make_feed(n) for n in range(FEEDS)}
    if BIG_FEED.exists():
        FeedHandler.feeds["/big.xml"] = BIG_FEED.read_bytes()
    servers = [FeedServer((f"127.0.0.{n + 1}", 0), FeedHandler) for n in range(HOSTS)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    bases = [f"http://127.0.0.{n + 1}:{s.server_address[1]}" for n, s in enumerate(servers)]
    print(json.dumps(bases), flush=True)
    threading.Event().wait()


def start_server() -> tuple[subprocess.Popen[str], list[str]]:
    """The servers run in their own process, so that they never compete for our GIL."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    bases: list[str] = json.loads(process.stdout.readline())
    return process, bases


def feed_urls(bases: list[str]) -> list[str]:
    """The feeds spread over the hosts, as a reader's subscriptions are."""
    return [f"{bases[n % len(bases)]}/feed/{n}.xml" for n in range(FEEDS)]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the parser workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def feedparser_loop(urls: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of a loop of ``feedparser.parse(url)``."""
    import feedparser

    started, cpu = time.perf_counter(), cpu_seconds()
    for url in urls:
        parsed = feedparser.parse(url)
        assert len(parsed.entries) == ENTRIES, url
    return time.perf_counter() - started, cpu_seconds() - cpu


def service_refresh(urls: list[str], home: Path) -> tuple[float, float, float, float]:
    """Wall seconds of the first refresh and of the second (all 304), and the CPU of each.

    The reader runs with its default settings.
    """
    os.environ["READER_HOME"] = str(home)
    from reader.config import Config
    from reader.service import ReaderService

    service = ReaderService(config=Config())
    for url in urls:
        service.store.add_feed(url)
    started, cpu = time.perf_counter(), cpu_seconds()
    first = service.refresh()
    first_time = time.perf_counter() - started
    first_cpu = cpu_seconds() - cpu
    assert all(r.new == ENTRIES for r in first), [r.error for r in first if r.error][:3]
    started, cpu = time.perf_counter(), cpu_seconds()
    second = service.refresh()
    second_time = time.perf_counter() - started
    second_cpu = cpu_seconds() - cpu
    assert all(r.status == 304 for r in second)
    service.close()
    return first_time, second_time, first_cpu, second_cpu


MEMORY_PROBE = """
import json, os, resource, sys, time, tracemalloc
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from reader.service import ReaderService
import feedparser, httpx, charset_normalizer  # loaded before measuring: not the feed's cost
service = ReaderService()
service.store.add_feed(sys.argv[1])
imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if sys.argv[2] == "trace":
    tracemalloc.start()
started = time.perf_counter()
result = service.refresh()[0]
seconds = time.perf_counter() - started
_, peak = tracemalloc.get_traced_memory()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"new": result.new, "error": result.error, "seconds": seconds,
                  "traced_peak": peak, "rss_after_imports": imported * 1024,
                  "rss_peak": after * 1024}))
"""


def memory_of_big_feed(url: str, home: Path, trace: bool) -> dict[str, float]:
    """Refresh one feed in a fresh process; tracemalloc (slow) only when ``trace``."""
    env = {**os.environ, "READER_HOME": str(home)}
    command = [sys.executable, "-c", MEMORY_PROBE, url, "trace" if trace else "time"]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(output)  # type: ignore[no-any-return]


def cli_refresh(urls: list[str], home: Path) -> float:
    """Wall time of the ``reader refresh --json`` command (start-up included), fresh home."""
    env = {**os.environ, "READER_HOME": str(home)}
    os.environ["READER_HOME"] = str(home)
    from reader.core.store import Store
    from reader.paths import get_paths

    store = Store(get_paths().database)
    for url in urls:
        store.add_feed(url)
    store.close()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "reader", "refresh", "--json"],
        env=env,
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - started


def main(runs: int) -> None:
    from reader.config import Config

    server, bases = start_server()
    urls = feed_urls(bases)
    one_host = [f"{bases[0]}/feed/{n}.xml" for n in range(FEEDS)]
    settings = Config().refresh
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        print(
            f"{FEEDS} feeds x {ENTRIES} entries on {HOSTS} hosts (127.0.0.1-{HOSTS}),"
            f" {LATENCY * 1000:.0f} ms latency; reader defaults: {settings.concurrency} at a"
            f" time, {settings.per_host} per host, {settings.downloads} downloads at once;"
            f" {runs} runs of each, alternating"
        )
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        loops, firsts, seconds, ratios = [], [], [], []
        for run in range(runs):
            loop, loop_cpu = feedparser_loop(urls)
            first, second, first_cpu, second_cpu = service_refresh(urls, root / f"run{run}")
            loops.append(loop)
            firsts.append(first)
            seconds.append(second)
            ratios.append(second / first)
            print(
                f"  run {run + 1}: feedparser loop {loop:5.2f} s (CPU {loop_cpu:.2f});"
                f" first refresh {first:4.2f} s (CPU {first_cpu:.2f}), {loop / first:.1f}x;"
                f" all-304 {second:4.2f} s (CPU {second_cpu:.2f}), {second / first:.1%}"
            )
        loop, first, second = median(loops), median(firsts), median(seconds)
        print(f"feedparser.parse loop:            {loop:7.2f} s   (median)")
        print(f"reader refresh (first):           {first:7.2f} s   {loop / first:5.1f}x faster")
        waves = max(FEEDS / settings.concurrency, FEEDS / HOSTS / settings.per_host)
        print(
            f"reader refresh (all 304):         {second:7.2f} s   {median(ratios):5.1%} of first"
            f"   (median of the runs' ratios; the latency alone, {math.ceil(waves)} waves of"
            f" {LATENCY * 1000:.0f} ms, is {math.ceil(waves) * LATENCY:.2f} s)"
        )
        polite, _, _, _ = service_refresh(one_host, root / "b")
        print(
            f"all feeds on one host:            {polite:7.2f} s   {loop / polite:5.1f}x faster"
            f"   ({settings.per_host} at a time: the per-host limit at work)"
        )
        command = cli_refresh(urls, root / "c")
        print(f"`reader refresh --json` command:  {command:7.2f} s   {loop / command:5.1f}x faster")
        if BIG_FEED.exists():
            size = BIG_FEED.stat().st_size / 2**20
            big = f"{bases[0]}/big.xml"
            timed = memory_of_big_feed(big, root / "d", trace=False)
            traced = memory_of_big_feed(big, root / "e", trace=True)
            print(
                f"{size:.1f} MB Korean feed: {timed['new']:.0f} entries in {timed['seconds']:.2f} s; "
                f"RSS {timed['rss_after_imports'] / 2**20:.0f} -> {timed['rss_peak'] / 2**20:.0f} MB; "
                f"Python allocations peak {traced['traced_peak'] / 2**20:.0f} MB (tracemalloc)"
            )
        else:
            print("corpus absent: big-feed memory skipped")
    server.terminate()
    server.wait()


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
        parser.add_argument("--runs", type=int, default=3, help="runs of each (medians shown)")
        main(parser.parse_args().runs)
