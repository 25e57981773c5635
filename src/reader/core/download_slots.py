"""How many downloads run at once: a global limit, one per host, and body-download turns
whose waiting does not count against a feed's deadline."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from reader.core.urls import url_host


class HostLimiter:
    """A global limit on concurrent fetches and one per host."""

    def __init__(self, concurrency: int, per_host: int) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._per_host_limit = per_host
        self._hosts: dict[str, asyncio.Semaphore] = {}

    @contextlib.asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        host = url_host(url)
        host_slots = self._hosts.setdefault(host, asyncio.Semaphore(self._per_host_limit))
        async with host_slots, self._global:
            yield


class DownloadSlot:
    """A turn to download a body, with the deadline's clock stopped while waiting for it.

    Waiting for a response costs no bandwidth, downloading its body does: a
    refresh waits on many feeds at once but downloads only a few bodies at a
    time, so that on a slow connection feeds do not all crawl past their
    deadline together.
    """

    def __init__(self, slots: asyncio.Semaphore | None, deadline: asyncio.Timeout) -> None:
        self._slots = slots
        self._deadline = deadline

    async def __aenter__(self) -> None:
        if self._slots is None:
            return
        if not self._slots.locked():
            await self._slots.acquire()
            return
        when = self._deadline.when()
        loop = asyncio.get_running_loop()
        left = None if when is None else when - loop.time()
        self._deadline.reschedule(None)
        await self._slots.acquire()
        self._deadline.reschedule(None if left is None else loop.time() + left)

    async def __aexit__(self, *_exception: object) -> None:
        if self._slots is not None:
            self._slots.release()
