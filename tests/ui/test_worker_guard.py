"""A thread worker can outlive its node (the screen closed, the app closing): from that
thread the node no longer reaches the app, and its guard ends the work quietly instead
of the worker failing and taking the app down with ``NoActiveAppError``."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from textual.pilot import Pilot
from textual.widgets import Static

from reader.service import ReaderService
from reader.ui.host import Hosted
from tests.ui.conftest import make_app, record_notifications, settle


class HostedStatic(Static, Hosted):
    """A node of the app with a guard, like every screen, dialog and working widget."""


@asynccontextmanager
async def a_node_in_the_app(
    service: ReaderService,
) -> AsyncIterator[tuple[Pilot[None], HostedStatic, list[str]]]:
    """The app running with one more node mounted; the notifications from then on."""
    app = make_app(service)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        notes = record_notifications(app)
        node = HostedStatic()
        await app.screen.mount(node)
        yield pilot, node, notes


async def test_work_started_after_its_node_left_the_app_ends_quietly(
    service: ReaderService,
) -> None:
    async with a_node_in_the_app(service) as (pilot, node, notes):
        await node.remove()
        reached: list[str] = []

        def work() -> None:
            with node.guard("working for a closed screen"):
                reached.append(node.service.paths.log_file.name)
            reached.append("after")

        thread = threading.Thread(target=work)
        thread.start()
        thread.join(10)
        await pilot.pause()
        assert reached == ["after"]
        assert notes == []


async def test_work_whose_node_leaves_while_it_runs_ends_quietly(service: ReaderService) -> None:
    async with a_node_in_the_app(service) as (pilot, node, notes):
        entered, removed = threading.Event(), threading.Event()
        reached: list[str] = []

        def work() -> None:
            with node.guard("working for a closing screen"):
                entered.set()
                removed.wait(10)
                node.app.call_from_thread(node.update, "never shown")
                reached.append("shown")
            reached.append("after")

        thread = threading.Thread(target=work)
        thread.start()
        assert entered.wait(10)
        await node.remove()
        removed.set()
        while thread.is_alive():
            await pilot.pause(0.02)
        assert reached == ["after"]
        assert notes == []
    log = service.paths.log_file.read_text(encoding="utf-8")
    assert "working for a closing screen: ended with its screen" in log
