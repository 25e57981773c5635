"""Peak memory of hostile feeds: a 100,000-entry feed and a single 20 MB entry.

Each case runs in a fresh process that refreshes one feed from a local server
(127.0.0.1) through the service, and reports its peak RSS, next to the obvious
alternative measured the same way: ``feedparser.parse`` on the same bytes, which
reads everything. Also prints the peak of a process that refreshes a tiny feed,
the floor every refresh pays (Python, SQLite, httpx, feedparser imported).

Run: .venv/bin/python benchmarks/bench_hostile.py
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

CASES: dict[str, Callable[[], bytes]] = {
    "tiny": lambda: feed("<item><title>one</title><guid>1</guid></item>"),
    "100k-entries": lambda: feed(
        "".join(f"<item><title>t{n}</title><guid>{n}</guid></item>" for n in range(100_000))
    ),
    "20MB-entry": lambda: feed(
        "<item><title>huge</title><guid>1</guid><description>"
        + "가나다라마바사 " * (20 * 1024 * 1024 // 22)
        + "</description></item>"
    ),
}

REFRESH = """
import json, resource, sys
from reader.service import ReaderService
service = ReaderService()
feed, _ = service.store.add_feed(sys.argv[1])
(result,) = service.refresh(feed_ids=[feed.id])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"peak_kb": peak, "new": result.new, "error": result.error}))
"""

FEEDPARSER = """
import json, resource, sys, urllib.request
import feedparser
data = urllib.request.urlopen(sys.argv[1]).read()
parsed = feedparser.parse(data)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_kb": peak, "new": len(parsed.entries), "error": None}))
"""


def feed(items: str) -> bytes:
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile</title>{items}'
        "</channel></rss>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    bodies: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.bodies[self.path.strip("/")]
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(ConnectionError):  # reader stops reading at its size cap
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def measure(script: str, url: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "READER_HOME": home}
        output = subprocess.run(
            [sys.executable, "-c", script, url], env=env, capture_output=True, text=True, check=True
        ).stdout
    result: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    Handler.bodies = {name: make() for name, make in CASES.items()}
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"{'case':14} {'size':>8} {'reader peak':>12} {'feedparser peak':>16}  reader result")
    for name, body in Handler.bodies.items():
        ours = measure(REFRESH, base + name)
        theirs = measure(FEEDPARSER, base + name)
        outcome = ours["error"] or f"{ours['new']} new"
        print(
            f"{name:14} {len(body) / 2**20:7.1f}M {int(ours['peak_kb']) / 1024:10.0f}MB"  # type: ignore[call-overload]
            f" {int(theirs['peak_kb']) / 1024:14.0f}MB  {outcome}"  # type: ignore[call-overload]
        )
    server.shutdown()


if __name__ == "__main__":
    main()
