"""Fixtures for UI tests: a library of real articles in the test READER_HOME and a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual.app import App
from textual.widget import Widget

from reader.core.models import EntryData
from reader.service import ReaderService
from reader.ui.app import ReaderApp
from reader.ui.screens.main import PREVIEW_DELAY

FROZEN_NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
"""The clock every UI test sees, so ages in the article list never change."""

KOREAN_PARAGRAPHS = [
    "오늘 학교에서 친구를 만났다. 우리는 함께 책을 읽었다.",
    "고양이는 사과를 좋아하지 않는다. 그러나 물은 많이 마신다.",
    "내일은 비가 온다고 한다. 하늘이 벌써 어둡다.",
]
ENGLISH_PARAGRAPHS = [
    "The city council met on Tuesday. It approved the new budget.",
    "Reading in two languages side by side makes long articles easier. The eyes never hunt.",
]


def entries(count: int, start: int = 0) -> list[EntryData]:
    """``count`` articles, one hour apart, alternating Korean and English."""
    result = []
    for number in range(start, start + count):
        korean = number % 2 == 0
        result.append(
            EntryData(
                guid=f"entry-{number}",
                title=f"기사 {number}: 학교와 친구"
                if korean
                else f"Article {number}: council budget",
                paragraphs=KOREAN_PARAGRAPHS if korean else ENGLISH_PARAGRAPHS,
                url=f"https://news.example.org/{number}",
                published=(FROZEN_NOW - timedelta(hours=number + 1)).isoformat(),
                language="ko" if korean else "en",
            )
        )
    return result


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text fields and areas do not blink in UI tests: a snapshot must not depend on the
    half second it is taken in. (The app itself keeps Textual's blinking cursor.)"""
    from textual.widgets import Input, TextArea

    for widget in (Input, TextArea):
        monkeypatch.setattr(widget.cursor_blink, "_default", False)


@pytest.fixture
def service() -> Iterator[ReaderService]:
    """A service over the test's own READER_HOME, with one feed of twelve articles."""
    service = ReaderService()
    feed, _ = service.store.add_feed("https://news.example.org/feed.xml", "Example News")
    service.store.upsert_entries(feed.id, entries(12))
    yield service
    service.close()


def make_app(service: ReaderService, show_demo: bool = False) -> ReaderApp:
    return ReaderApp(service, show_demo=show_demo, clock=lambda: FROZEN_NOW)


async def settle(pilot: object) -> None:
    """Wait until workers are done and the screen has caught up."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    for delay in (0, PREVIEW_DELAY + 0.05, 0):
        await _workers_done(pilot.app)
        await pilot.pause(delay or None)


async def _workers_done(app: App[Any]) -> None:
    """Wait for every worker; one cancelled is not a failure, one that raised is.

    A dialog that closes itself when its worker's work is done cancels that worker as the
    screen goes: on a loaded machine this can land before the worker is marked finished,
    and ``wait_for_complete`` would then raise WorkerCancelled for work that was done
    (the tests check its effects). WorkerFailed still propagates.
    """
    from textual.worker import WorkerCancelled

    for worker in list(app.workers):
        try:
            await worker.wait()
        except WorkerCancelled:
            continue


async def translation_settled(pilot: object, seconds: float = 60) -> None:
    """Wait until the open article's translation is done or known impossible, then settle.

    The translation queue is a core thread, not a Textual worker: ``settle`` does
    not wait for it, and under load its "no model" answer can come after.
    """
    from textual.pilot import Pilot

    from reader.ui.screens.article import ArticleScreen

    assert isinstance(pilot, Pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ArticleScreen)
    for _ in range(int(seconds / 0.05)):
        if screen.status in ("translated", "no translation"):
            await settle(pilot)
            return
        await pilot.pause(0.05)
    raise AssertionError(f"translation still {screen.status!r} after {seconds} s")


def focused(app: App[Any]) -> Widget | None:
    """The focused widget, read afresh: mypy keeps ``app.focused`` narrowed across awaits."""
    return app.focused


def record_notifications(app: App[Any]) -> list[str]:
    """Every notification message, kept even after its toast times out (5 s): on a loaded
    machine the app's start and a settle can take longer than that."""
    messages: list[str] = []
    show = app.notify

    def notify(message: str, **options: Any) -> None:
        messages.append(message)
        show(message, **options)

    app.notify = notify  # type: ignore[method-assign]
    return messages
