"""Snapshots of the glossary features in both shipped themes: highlighted terms with the
word cursor's selection, the annotation form, and the glossary screen.

No translation model is installed (the translation pane shows its notice), the clock is
frozen and the demo is off, so the screens are the same on every run. Update with
``pytest tests/ui/test_term_snapshots.py --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from reader.service import ReaderService
from tests.ui.conftest import settle, translation_settled
from tests.ui.test_snapshots import snapshot_app

THEMES = ["paper", "night"]
SIZE = (120, 30)

SnapCompare = Callable[..., bool]


def add_terms(service: ReaderService) -> None:
    service.add_term("학교", gloss="school", lang="ko", status="1", tags=["school"])
    service.add_term("친구", gloss="friend", lang="ko", status="3")
    service.add_term("고양이", gloss="cat", lang="ko", status="5", note="냥이")
    service.add_term("책", gloss="book", lang="ko", status="known")
    service.add_term("council", gloss="의회", lang="en", status="2")


@pytest.mark.parametrize("theme", THEMES)
class TestTermViews:
    def test_highlights_and_word_selection(
        self, snap_compare: SnapCompare, service: ReaderService, theme: str
    ) -> None:
        """Terms marked by level in the source; two words selected with the word cursor."""
        add_terms(service)

        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await translation_settled(pilot)
            await pilot.press("l", "l", "v", "l")
            await settle(pilot)

        assert snap_compare(snapshot_app(service, theme), terminal_size=SIZE, run_before=run_before)

    def test_annotation_form(
        self, snap_compare: SnapCompare, service: ReaderService, theme: str
    ) -> None:
        """The form on a term already in the glossary: lemma and gloss filled in."""
        add_terms(service)

        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await translation_settled(pilot)
            await pilot.press("l", "l", "enter")
            await settle(pilot)

        assert snap_compare(snapshot_app(service, theme), terminal_size=SIZE, run_before=run_before)

    def test_glossary_screen(
        self, snap_compare: SnapCompare, service: ReaderService, theme: str
    ) -> None:
        """Every term, newest first, with the occurrences of the highlighted one."""
        add_terms(service)
        service.index_vocabulary()

        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press("g")
            await settle(pilot)
            await pilot.press("j", "enter")
            await settle(pilot)

        assert snap_compare(snapshot_app(service, theme), terminal_size=SIZE, run_before=run_before)
