"""Snapshots of the main screen and the bilingual view, in every shipped theme, at two sizes.

Deterministic by construction: a frozen clock for ages, no demo articles (their text
belongs to another part of the project), no blinking cursor on these screens, and the
tiny deterministic translation model, waited for until every sentence is in.
Update with ``pytest tests/ui/test_snapshots.py --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.service import ReaderService
from reader.ui.app import ReaderApp
from tests.ui.conftest import make_app, settle, translation_settled

THEMES = ["paper", "night"]
SIZES = [(80, 24), (160, 48)]

SnapCompare = Callable[..., bool]


def snapshot_app(service: ReaderService, theme: str) -> ReaderApp:
    service.store.set_meta("demo_offered", "1")
    app = make_app(service)
    app.theme = theme
    return app


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("theme", THEMES)
class TestMainScreen:
    def test_main_screen(
        self, snap_compare: SnapCompare, service: ReaderService, theme: str, size: tuple[int, int]
    ) -> None:
        """All unread selected, newest first, the first article previewed."""

        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press("j")
            await settle(pilot)

        assert snap_compare(snapshot_app(service, theme), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("theme", THEMES)
class TestBilingualView:
    def test_bilingual_view(
        self,
        snap_compare: SnapCompare,
        service: ReaderService,
        installed_tiny_models: Path,
        theme: str,
        size: tuple[int, int],
    ) -> None:
        """A Korean article fully translated, side by side, the cursor on the third sentence."""

        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await translation_settled(pilot)
            await pilot.press("j", "j")
            await settle(pilot)

        assert snap_compare(snapshot_app(service, theme), terminal_size=size, run_before=run_before)
