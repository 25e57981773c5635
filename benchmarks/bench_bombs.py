"""Peak RSS of stacked compression bombs on every feed/page download path.

A local server (127.0.0.1) sends gzip(gzip(gzip(N bytes of zeros))) with
``Content-Encoding: gzip, gzip, gzip``; each path runs in a fresh process that
reports its VmHWM (the download and its refusal, nothing else).

Run: .venv/bin/python benchmarks/bench_bombs.py [--gib 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hostile.test_compression_bombs import download_in_process, stacked_bomb


def serve(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Encoding", "gzip, gzip, gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gib", type=float, default=2.0, help="inflated size of the bomb")
    arguments = parser.parse_args()
    bomb = stacked_bomb(3, int(arguments.gib * 2**30))
    print(f"bomb: {len(bomb)} bytes, inflates to {arguments.gib:g} GiB")
    server = serve(bomb)
    url = f"http://127.0.0.1:{server.server_address[1]}/bomb"
    with tempfile.TemporaryDirectory() as home:
        os.environ["READER_HOME"] = home
        for kind in ("add", "refresh", "open", "fetch-full"):
            outcome = download_in_process(kind, url)
            label = "refresh (3 feeds)" if kind == "refresh" else kind
            print(f"{label:18} peak {outcome['peak_mb']:>6} MB  {outcome['error']}")
    server.shutdown()


if __name__ == "__main__":
    main()
