"""HTTPS feeds through reader's asyncio network backend, against a real TLS server on 127.0.0.1.

The certificates come from a throw-away CA made by trustme; the client trusts it
through SSL_CERT_FILE, as a user behind a company CA would.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from reader.core.asyncio_network import AsyncioBackend, use_asyncio_network
from reader.core.fetch import FetchSettings, make_client
from reader.service import ReaderService

from .conftest import CountingServer, KeepAliveFeedHandler, fast_config, serve_in_thread

FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>TLS</title>'
    b"<item><title>\xed\x95\x9c\xea\xb5\xad \xec\x86\x8c\xec\x8b\x9d</title><guid>1</guid></item>"
    b"</channel></rss>"
)


class FeedHandler(KeepAliveFeedHandler):
    def feed(self) -> bytes:
        return FEED


class TLSServer(CountingServer):
    def __init__(self, context: ssl.SSLContext) -> None:
        super().__init__(("127.0.0.1", 0), FeedHandler)
        self.context = context

    def get_request(self) -> tuple[socket.socket, object]:
        connection, address = super().get_request()
        return self.context.wrap_socket(connection, server_side=True), address

    def url(self, path: str = "/feed.xml") -> str:
        return f"https://127.0.0.1:{self.server_address[1]}{path}"


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def trusted(authority: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


def server_context(authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def tls_server(authority: trustme.CA) -> Iterator[TLSServer]:
    yield from serve_in_thread(TLSServer(server_context(authority)))


@pytest.mark.usefixtures("trusted")
def test_https_feeds_refresh_and_reuse_one_tls_connection(tls_server: TLSServer) -> None:
    service = ReaderService(config=fast_config(per_host=1))
    for n in range(3):
        service.store.add_feed(tls_server.url(f"/feed{n}.xml"))
    first = service.refresh()
    assert [(r.status, r.new, r.error) for r in first] == [(200, 1, None)] * 3
    assert service.store.articles()[0].title == "한국 소식"
    before = tls_server.connections
    assert [r.status for r in service.refresh()] == [304, 304, 304]
    assert tls_server.connections - before == 1
    service.close()


def test_an_untrusted_certificate_is_a_one_line_error(
    tls_server: TLSServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = trustme.CA()
    bundle = tmp_path / "other.pem"
    other.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    service = ReaderService(config=fast_config())
    service.store.add_feed(tls_server.url())
    [result] = service.refresh()
    assert result.error is not None
    assert result.error.startswith("cannot connect")
    assert "CERTIFICATE_VERIFY_FAILED" in result.error
    assert "\n" not in result.error
    service.close()


@pytest.mark.usefixtures("trusted")
def test_a_server_that_never_finishes_the_handshake_times_out() -> None:
    """TCP accepted, TLS never answered: the connect timeout ends it, and closing does not hang."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    service = ReaderService(config=fast_config(connect_timeout=0.5))
    service.store.add_feed(f"https://127.0.0.1:{listener.getsockname()[1]}/feed.xml")
    started = time.monotonic()
    [result] = service.refresh()
    assert time.monotonic() - started < 2.5
    assert result.error is not None and "timed out" in result.error
    listener.close()
    service.close()


def test_clients_use_the_asyncio_backend() -> None:
    """Guards the reach into httpx internals: an httpx that moves them fails here first."""
    client = make_client(FetchSettings())
    assert use_asyncio_network(client)
    assert isinstance(client._transport._pool._network_backend, AsyncioBackend)  # type: ignore[attr-defined]


class CloseDelimitedHandler(FeedHandler):
    """HTTP/1.0, no Content-Length: the body ends when the server closes, with no TLS
    close_notify (Python's server, like many, just closes the socket)."""

    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.end_headers()
        self.wfile.write(FEED)


@pytest.fixture
def close_delimited_server(authority: trustme.CA) -> Iterator[TLSServer]:
    server = TLSServer(server_context(authority))
    server.RequestHandlerClass = CloseDelimitedHandler
    yield from serve_in_thread(server)


@pytest.mark.usefixtures("trusted")
def test_a_body_ended_by_closing_without_close_notify_is_read(
    close_delimited_server: TLSServer,
) -> None:
    service = ReaderService(config=fast_config())
    service.store.add_feed(close_delimited_server.url())
    [result] = service.refresh()
    assert (result.status, result.new, result.error) == (200, 1, None)
    service.close()
