"""A real HTTP server on 127.0.0.1 (threaded, so one slow answer does not block the others)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

import pytest
from pytest_httpserver import HTTPServer

from reader.config import Config, RefreshConfig
from reader.service import ReaderService


@pytest.fixture(scope="session")
def threaded_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def server(threaded_server: HTTPServer) -> Iterator[HTTPServer]:
    threaded_server.clear()
    yield threaded_server
    threaded_server.clear()


def fast_config(**refresh: float | int) -> Config:
    """Short timeouts so that failure tests finish quickly."""
    values: dict[str, float | int] = {
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "total_timeout": 3.0,
    }
    values.update(refresh)
    return Config(refresh=RefreshConfig(**values))  # type: ignore[arg-type]


@pytest.fixture
def service() -> Iterator[ReaderService]:
    reader = ReaderService(config=fast_config())
    yield reader
    reader.close()


class BrokenBodyServer:
    """A raw socket server that promises a body and closes the connection half-way."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.port = self.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/feed.xml"

    def _serve(self) -> None:
        while True:
            try:
                connection, _address = self.socket.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                    b"Content-Length: 100000\r\n\r\n<?xml version='1.0'?><rss><channel><title>cut"
                )

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def broken_body_server() -> Iterator[BrokenBodyServer]:
    broken = BrokenBodyServer()
    yield broken
    broken.close()


class KeepAliveFeedHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive, as feed servers run (werkzeug's test server closes).

    Every path is a feed with the ETag ``"v1"``; the server counts connections.
    """

    protocol_version = "HTTP/1.1"

    def feed(self) -> bytes:
        raise NotImplementedError

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1  # type: ignore[attr-defined]

    def do_GET(self) -> None:
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
            return
        body = self.feed()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", '"v1"')
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


class CountingServer(ThreadingHTTPServer):
    daemon_threads = True
    connections = 0


Served = TypeVar("Served", bound=CountingServer)


def serve_in_thread(server: Served) -> Iterator[Served]:
    """Serve until the fixture that yields from this ends."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
