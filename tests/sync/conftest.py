"""A real Fever server for the sync tests: coldsweat on 127.0.0.1, fed by a local feed server.

coldsweat fetches only two kinds of address (read in its fetcher.py): each feed's
``self_link`` and each feed's icon, which is the Atom ``<icon>`` when the feed has
one and otherwise ``https://icons.duckduckgo.com/…``. Every feed here has an
``<icon>`` on the local feed server, so nothing leaves 127.0.0.1; the feed server
records every path asked for, and the first-sync test checks that every icon address
coldsweat stored is on it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import httpx
import pytest

ICON = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201e2216bc90000000049454e44ae426082"
)
PASSWORD = "correct horse battery staple"


@dataclass
class FeedServer:
    """Feeds and icons served from memory on 127.0.0.1; ``paths`` logs every request."""

    base: str = ""
    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path

    def atom(self, path: str, title: str, entries: list[tuple[str, str, str]]) -> str:
        """Serve an Atom feed of (guid, title, html) entries with its own local icon."""
        items = "".join(
            f"<entry><id>{escape(guid)}</id><title>{escape(entry_title)}</title>"
            f'<link href="{self.url("/post/" + guid)}"/>'
            f"<updated>2024-01-{1 + number % 28:02d}T00:00:00Z</updated>"
            f'<content type="html">{escape(html)}</content></entry>'
            for number, (guid, entry_title, html) in enumerate(entries)
        )
        feed = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<id>{self.url(path)}</id><title>{escape(title)}</title>"
            f"<updated>2020-01-01T00:00:00Z</updated>"
            f'<link rel="alternate" href="{self.url("/site" + path)}"/>'
            f"<icon>{self.url('/icon.png')}</icon>{items}</feed>"
        )
        self.pages[path] = (feed.encode(), "application/atom+xml")
        return self.url(path)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def feed_server() -> Iterator[FeedServer]:
    served = FeedServer()
    served.pages["/icon.png"] = (ICON, "image/png")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.paths.append(self.path)
            page = served.pages.get(self.path)
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
    served.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served
    server.shutdown()
    server.server_close()


@dataclass
class Coldsweat:
    """A running coldsweat: its Fever address and its command line."""

    executable: str
    env: dict[str, str]
    database: Path
    url: str
    folder: Path

    def command(self, *args: str) -> subprocess.CompletedProcess[str]:
        process = subprocess.run(
            [self.executable, *args],
            env=self.env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if process.returncode != 0:
            raise AssertionError(f"coldsweat {args[0]} failed: {process.stderr[-2000:]}")
        return process

    def new_user(self) -> str:
        """A fresh user (each test has its own, so tests never see each other's flags)."""
        email = f"u{uuid.uuid4().hex[:10]}@example.test"
        self.command("setup", email, "-p", PASSWORD)
        return email

    def subscribe(self, email: str, feeds: dict[str, str], group: str = "News") -> None:
        """Import an OPML of ``{title: url}`` for the user, in one group."""
        outlines = "".join(
            f'<outline text="{escape(title)}" type="rss" xmlUrl="{escape(url)}"/>'
            for title, url in feeds.items()
        )
        opml = self.folder / f"{uuid.uuid4().hex}.opml"
        opml.write_text(
            '<?xml version="1.0"?><opml version="1.0"><head><title>t</title></head><body>'
            f'<outline text="{escape(group)}">{outlines}</outline></body></opml>',
            encoding="utf-8",
        )
        self.command("import", str(opml), email)

    def fetch(self) -> None:
        """Fetch every feed now (coldsweat skips feeds checked in the last 3 minutes,
        so their last check is forgotten first)."""
        with sqlite3.connect(self.database, timeout=30) as connection:
            connection.execute("UPDATE feeds SET last_checked_on = NULL")
        self.command("fetch")

    def phone(self, email: str, command: str, **form: str) -> dict[str, object]:
        """A direct Fever API call, as a phone app makes it."""
        from reader.core.sync.fever import fever_api_key

        data = {"api_key": fever_api_key(email, PASSWORD), **form}
        response = httpx.post(
            f"{self.url}?api&{command}" if command else f"{self.url}?api", data=data
        )
        response.raise_for_status()
        answer: dict[str, object] = response.json()
        return answer


def _coldsweat_executable() -> str | None:
    beside = Path(sys.executable).with_name("coldsweat")
    return str(beside) if beside.exists() else shutil.which("coldsweat")


@pytest.fixture(scope="session")
def coldsweat(
    tmp_path_factory: pytest.TempPathFactory, feed_server: FeedServer
) -> Iterator[Coldsweat]:
    executable = _coldsweat_executable()
    if executable is None:
        pytest.skip("coldsweat is not installed (pip install -e '.[dev]' installs it)")
    folder = tmp_path_factory.mktemp("coldsweat")
    database = folder / "coldsweat.db"
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.lower().endswith("_proxy") and not key.startswith("FLASK_")
    }
    env |= {
        "FLASK_DATABASE_URL": f"sqlite:///{database}",
        "FLASK_SECRET_KEY": uuid.uuid4().hex,
        "NO_PROXY": "*",
        "no_proxy": "*",
        "HOME": str(folder),
    }
    server = Coldsweat(executable, env, database, f"http://127.0.0.1:{port}/fever/", folder)
    server.command("setup", "owner@example.test", "-p", PASSWORD)
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [executable, "run", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(server.url, process)
    except RuntimeError as error:
        process.kill()
        process.wait()
        pytest.skip(f"coldsweat did not start: {error}")
    yield server
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"it exited with {process.returncode}")
        try:
            httpx.post(url + "?api", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("no answer in 60 s")


class Switch:
    """A TCP relay in front of a server that can be switched off: while off, every
    connection is accepted and closed at once, as a server that is down."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.up = True
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = int(self._listener.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(source, target), daemon=True).start()

    def close(self) -> None:
        self._listener.close()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, target):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
