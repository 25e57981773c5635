"""Where fetched feeds are parsed: a couple of threads, and worker processes when many
feeds change and there are cores to spare.

feedparser is imported inside the workers, never here.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import sys
from pathlib import Path

from reader.core.feedparse import FeedParseError, ParsedFeed, parse_feed
from reader.core.fetch import FetchResult
from reader.core.text import clean_line

PROCESS_POOL_MIN_FEEDS = 8
THREAD_PARSES_FIRST = 4
MAX_PARSER_PROCESSES = 4
PARSER_THREADS = 2


def parse_body(
    body: bytes, url: str, content_type: str | None, deadline: float | None = None
) -> ParsedFeed:
    """Parse a fetched body; any failure of the parser is a FeedParseError for this feed.

    ``deadline`` (``time.monotonic()``) is the feed's time budget. A module-level
    function so that worker processes can run it.
    """
    try:
        return parse_feed(body, url, content_type, deadline=deadline)
    except FeedParseError:
        raise
    except (RecursionError, MemoryError, ValueError, TypeError, LookupError) as error:
        raise FeedParseError(clean_line(f"cannot parse the feed: {error}")[:300]) from None


def _start_worker() -> None:
    """Silence the worker and import the parser while the first downloads run.

    A worker shares the terminal with the TUI: anything it printed would land
    on the screen. Its results and errors travel back through the pool instead.
    """
    from reader.core.processes import silence_terminal_output

    silence_terminal_output()
    import feedparser  # noqa: F401


def _main_can_spawn() -> bool:
    """Whether spawned workers can start: they re-import the main script by its path,
    which fails (with a traceback on the terminal) for ``python - < script``."""
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    return path is None or Path(path).exists()


class ParserPool:
    """Where feeds are parsed: worker processes when many feeds change and there are cores.

    Parsing is pure Python, so threads share one core; with several cores a
    process pool parses feeds side by side. The first few feeds of a refresh are
    parsed in a thread, and the pool starts only when more keep coming: a refresh
    where most feeds answer 304 never pays for starting processes. Workers are
    spawned, never forked: the caller may be a thread of the TUI.
    """

    def __init__(self, feed_count: int) -> None:
        self._workers = min(os.cpu_count() or 1, MAX_PARSER_PROCESSES, feed_count)
        self._eligible = (
            self._workers > 1 and feed_count >= PROCESS_POOL_MIN_FEEDS and _main_can_spawn()
        )
        self._processes: concurrent.futures.ProcessPoolExecutor | None = None
        self._threads = concurrent.futures.ThreadPoolExecutor(
            PARSER_THREADS, thread_name_prefix="reader-parse"
        )
        self._requests = 0

    def _pool(self) -> concurrent.futures.ProcessPoolExecutor | None:
        self._requests += 1
        if self._processes is None and self._eligible and self._requests > THREAD_PARSES_FIRST:
            import multiprocessing

            self._processes = concurrent.futures.ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
            )
        return self._processes

    async def parse(self, fetched: FetchResult) -> ParsedFeed:
        assert fetched.body is not None
        arguments = (fetched.body, fetched.final_url, fetched.content_type, fetched.deadline)
        processes = self._pool()
        loop = asyncio.get_running_loop()
        if processes is not None:
            try:
                return await loop.run_in_executor(processes, parse_body, *arguments)
            except concurrent.futures.BrokenExecutor:
                # A worker died (out of memory?) or could not start: go on in threads.
                self._eligible = False
                processes.shutdown(wait=False, cancel_futures=True)
                self._processes = None
        return await loop.run_in_executor(self._threads, parse_body, *arguments)

    def close(self) -> None:
        if self._processes is not None:
            self._processes.shutdown(wait=True, cancel_futures=True)
        self._threads.shutdown(wait=True, cancel_futures=True)
