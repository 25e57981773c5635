"""An httpcore network backend on plain asyncio streams.

httpx reaches the network through httpcore, and httpcore through anyio, whose
portable layer (a cancel scope around every read and write, a task group for
every connection attempt) was a quarter of the CPU a refresh spent on a feed
that answered 304. A refresh runs on asyncio only, so its clients talk to
asyncio directly: :func:`use_asyncio_network` swaps this backend into a
client's connection pool. TLS, timeouts and errors behave as with anyio: the
same httpcore exceptions come out, so httpx maps them to the same httpx ones.

Only the pool of direct connections is switched; proxies from the environment
keep httpcore's own backend.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import ssl
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import httpcore

if TYPE_CHECKING:
    import httpx

HAPPY_EYEBALLS_DELAY = 0.25
"""Seconds before the next address of a host is tried alongside (RFC 8305, as anyio does)."""
READ_BUFFER_LIMIT = 256 * 1024


def _socket_readable(sock: Any) -> bool:
    """Whether a read would return at once (data, or the end of the connection)."""
    fileno = sock.fileno() if sock is not None else -1
    if fileno < 0:
        return True
    if not hasattr(select, "poll"):  # Windows
        readable, _, _ = select.select([fileno], [], [], 0)
        return bool(readable)
    poller = select.poll()
    poller.register(fileno, select.POLLIN)
    return bool(poller.poll(0))


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection: an asyncio StreamReader/StreamWriter pair."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError:
            raise httpcore.ReadTimeout("timed out reading from the server") from None
        except OSError as error:
            raise httpcore.ReadError(str(error) or type(error).__name__) from error

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        if self._writer.is_closing():
            raise httpcore.WriteError("the connection is closed")
        try:
            self._writer.write(buffer)
            if not self._writer.transport.get_write_buffer_size():
                return  # all of it went to the socket: nothing to wait for, no timer
            async with asyncio.timeout(timeout):
                await self._writer.drain()
        except TimeoutError:
            raise httpcore.WriteTimeout("timed out writing to the server") from None
        except OSError as error:
            raise httpcore.WriteError(str(error) or type(error).__name__) from error

    async def aclose(self) -> None:
        if self._writer.get_extra_info("ssl_object") is not None:
            # No TLS close_notify exchange (httpcore asks anyio for the same): a server
            # that never answers it would hold the refresh for the 30 s shutdown timeout.
            self._writer.transport.abort()
            return
        self._writer.close()
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError:
            self._writer.transport.abort()
            raise httpcore.ConnectTimeout("timed out in the TLS handshake") from None
        except OSError as error:  # ssl.SSLError included
            self._writer.transport.abort()
            raise httpcore.ConnectError(str(error) or type(error).__name__) from error
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # asyncio reads eagerly: a closed or misbehaving server may already be in
            # the buffer rather than on the socket.
            return (
                self._writer.is_closing()
                or self._reader.at_eof()
                or _socket_readable(self._writer.get_extra_info("socket"))
            )
        names = {"client_addr": "sockname", "server_addr": "peername"}
        if info in ("ssl_object", "socket", "client_addr", "server_addr"):
            return self._writer.get_extra_info(names.get(info, info))
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Connections for httpcore made with ``asyncio.open_connection``."""

    def __init__(self) -> None:
        self._fallback = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if socket_options:  # never set by reader; keep httpcore's own way for them
            return await self._fallback.connect_tcp(
                host, port, timeout, local_address, socket_options
            )
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host,
                    port,
                    local_addr=(local_address, 0) if local_address else None,
                    happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY,
                    limit=READ_BUFFER_LIMIT,
                )
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"timed out connecting to {host}") from None
        except OSError as error:
            raise httpcore.ConnectError(str(error) or type(error).__name__) from error
        return AsyncioStream(reader, writer)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return await self._fallback.connect_unix_socket(path, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def use_asyncio_network(client: httpx.AsyncClient) -> bool:
    """Make ``client``'s direct connections with :class:`AsyncioBackend`; True if done.

    httpx has no public way to choose the backend, so this reaches into its
    default transport. Should a new httpx or httpcore arrange those differently,
    the client is left as it was (and a test says so).
    """
    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    if type(pool) is not httpcore.AsyncConnectionPool or not hasattr(pool, "_network_backend"):
        return False
    pool._network_backend = AsyncioBackend()
    return True
