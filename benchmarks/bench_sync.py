"""How long a Fever sync takes and how many requests it makes, against fetching the same
feeds directly, in the same run.

A local feed server on 127.0.0.1 serves FEEDS Atom feeds of ENTRIES entries each (each
with a local icon, so coldsweat never looks one up outside); a real coldsweat server
fetches them. Then, each in a fresh READER_HOME:

1. ``accounts sync`` from nothing (FEEDS × ENTRIES items, 50 per ``items`` request);
2. ``accounts sync`` again with nothing new;
3. ``refresh`` of the same feeds subscribed directly, then a second ``refresh`` (the
   local server sends no ETag, so every feed is downloaded and parsed again).

Run: .venv/bin/python benchmarks/bench_sync.py [--feeds N] [--entries N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.sync.conftest import (  # noqa: E402  (the tests' coldsweat helpers)
    ICON,
    PASSWORD,
    Coldsweat,
    FeedServer,
    _coldsweat_executable,
    _free_port,
    _wait_until_up,
)


def serve(pages: FeedServer) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            pages.paths.append(self.path)
            page = pages.pages.get(self.path)
            if page is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", page[1])
            self.send_header("Content-Length", str(len(page[0])))
            self.end_headers()
            self.wfile.write(page[0])

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    pages.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def fresh_service(folder: Path, name: str) -> object:
    home = folder / name
    home.mkdir()
    os.environ["READER_HOME"] = str(home)
    from reader.paths import get_paths
    from reader.service import ReaderService

    return ReaderService(get_paths())


def timed(what: str, action: object) -> object:
    started = time.perf_counter()
    result = action()  # type: ignore[operator]
    print(f"{what:<44} {time.perf_counter() - started:7.2f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--entries", type=int, default=50)
    args = parser.parse_args()
    executable = _coldsweat_executable()
    if executable is None:
        sys.exit("coldsweat is not installed: pip install -e '.[dev]'")
    folder = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    pages = FeedServer()
    pages.pages["/icon.png"] = (ICON, "image/png")
    feed_server = serve(pages)
    urls = {
        f"Feed {n}": pages.atom(
            f"/f{n}.xml",
            f"Feed {n}",
            [
                (
                    f"f{n}-e{e}",
                    f"Feed {n} entry {e}",
                    f"<p>Entry {e} of feed {n}. 한국어 문단.</p>" * 3,
                )
                for e in range(args.entries)
            ],
        )
        for n in range(args.feeds)
    }
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env |= {
        "FLASK_DATABASE_URL": f"sqlite:///{folder / 'coldsweat.db'}",
        "FLASK_SECRET_KEY": "bench",
        "NO_PROXY": "*",
    }
    server = Coldsweat(
        executable, env, folder / "coldsweat.db", f"http://127.0.0.1:{port}/fever/", folder
    )
    email = "bench@example.test"
    server.command("setup", email, "-p", PASSWORD)
    server.subscribe(email, urls)
    timed(f"coldsweat fetch ({args.feeds} feeds)", server.fetch)
    process = subprocess.Popen(
        [executable, "run", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(server.url, process)
        run(folder, server, email, urls, args)
    finally:
        process.terminate()
        process.wait()
        feed_server.shutdown()


def run(folder: Path, server: Coldsweat, email: str, urls: dict[str, str], args: object) -> None:
    from reader.service import ReaderService

    service = fresh_service(folder, "sync")
    assert isinstance(service, ReaderService)
    os.environ["READER_ACCOUNT_PASSWORD"] = PASSWORD
    service.account_add("fever", server.url, email, PASSWORD, "bench")
    first = timed("accounts sync, first", lambda: service.account_sync("bench")[0])
    again = timed("accounts sync, nothing new", lambda: service.account_sync("bench")[0])
    for label, result in (("first", first), ("nothing new", again)):
        print(f"  {label}: {result.new} new, {result.requests} requests, error {result.error}")  # type: ignore[attr-defined]
    service.close()

    direct = fresh_service(folder, "direct")
    assert isinstance(direct, ReaderService)
    for url in urls.values():
        direct.store.add_feed(url)
    results = timed("refresh of the same feeds, first", direct.refresh)
    timed("refresh again (no ETag: all re-downloaded)", direct.refresh)
    new = sum(r.new for r in results)  # type: ignore[attr-defined]
    print(f"  first refresh: {new} new, {len(urls)} requests")
    direct.close()


if __name__ == "__main__":
    main()
