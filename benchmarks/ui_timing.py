"""Timing helpers shared by the TUI benchmarks (run headless with ``App.run_test``)."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable

from textual import events
from textual.app import App


async def repainted(app: App[None]) -> None:
    """Wait until the screen has been refreshed."""
    event = asyncio.Event()
    app.screen.call_after_refresh(event.set)
    await event.wait()


async def time_keys(app: App[None], key: str, position: Callable[[], int], presses: int) -> float:
    """Median seconds from a key event to the repainted screen, over ``presses`` keys.

    ``position`` reads the cursor, so that the clock stops only once the key moved it.
    """
    timings = []
    for _ in range(presses):
        before = position()
        started = time.perf_counter()
        app.post_message(events.Key(key, None))
        while position() == before:
            await asyncio.sleep(0)
        await repainted(app)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)
