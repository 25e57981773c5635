"""Error texts from outside are one short line, in the result and in the feed's state."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from reader.core.text import ERROR_LIMIT
from reader.service import ReaderService, ServiceError
from tests.feeds.conftest import fast_config


class RawResponseServer:
    """Answers every request with the same raw bytes, then closes."""

    def __init__(self, response: bytes) -> None:
        self.response = response
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/feed.xml"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _address = self.socket.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.sendall(self.response)


@pytest.fixture
def long_reason() -> Iterator[RawResponseServer]:
    server = RawResponseServer(
        b"HTTP/1.1 500 " + b"\x1b[31mbad " * 10_000 + b"\r\nContent-Length: 0\r\n\r\n"
    )
    yield server
    server.socket.close()


def test_a_100_kb_reason_phrase_is_capped(long_reason: RawResponseServer) -> None:
    service = ReaderService(config=fast_config())
    try:
        feed, _ = service.store.add_feed(long_reason.url)
        (result,) = service.refresh(feed_ids=[feed.id])
        assert result.error is not None
        assert result.error.startswith("HTTP 500 bad bad")
        assert len(result.error) <= ERROR_LIMIT
        assert "\x1b" not in result.error
        stored = service.resolve_feed(str(feed.id)).last_error
        assert stored == result.error
        with pytest.raises(ServiceError) as raised:
            service.add_feed(long_reason.url.replace("feed.xml", "other.xml"))
        assert len(str(raised.value)) <= ERROR_LIMIT + 100
    finally:
        service.close()
