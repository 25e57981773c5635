"""Snapshots of reviewing a translation in both shipped themes: a steered term in its
source colour in the translation, an unsure sentence, an edited one with its ✎, and
the dialog that shows a sentence's confidence and alternatives.

The tiny copy model translates (deterministic), the clock is frozen and the demo is
off. Update with ``pytest tests/ui/test_review_snapshots.py --snapshot-update`` and
review the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.service import ReaderService
from tests.ui.conftest import make_app, settle, translation_settled
from tests.ui.test_translation_review import UNSURE, review_library

THEMES = ["paper", "night"]
SIZE = (100, 24)

SnapCompare = Callable[..., bool]


@pytest.fixture
def service(installed_tiny_models: Path) -> Iterator[ReaderService]:
    """The review article with 친구 steered to "pal" and the unsure sentence edited."""
    service = review_library()
    service.add_term("친구", gloss="pal", lang="ko", status="1")
    service.set_sentence_translation(UNSURE, "ko", "en", "The cat goes to school.")
    yield service
    service.close()


async def open_review_article(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await translation_settled(pilot)


@pytest.mark.parametrize("theme", THEMES)
class TestReview:
    def test_steered_unsure_and_edited_sentences(
        self, snap_compare: SnapCompare, service: ReaderService, theme: str
    ) -> None:
        """ "pal" marked like 친구 in both paragraphs, the second paragraph unsure, the
        edited sentence with ✎; the cursor on the first sentence."""
        app = make_app(service)
        app.theme = theme
        assert snap_compare(app, terminal_size=SIZE, run_before=open_review_article)

    def test_alternatives_dialog(
        self, snap_compare: SnapCompare, service: ReaderService, theme: str
    ) -> None:
        """``c`` on the unsure sentence: its reason, and why there is no alternative."""

        async def run_before(pilot: Pilot[None]) -> None:
            await open_review_article(pilot)
            await pilot.press("right_curly_bracket", "c")
            await settle(pilot)

        app = make_app(service)
        app.theme = theme
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
