"""A large article: layout is bounded to the view, work stops on leaving, and it is
split and translated part by part, what is on screen first."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from reader.core.models import EntryData
from reader.service import ReaderService
from reader.ui.screens.article import ArticleScreen
from reader.ui.translation import PART_CHARACTERS, part_ranges, split_in_parts
from reader.ui.widgets.bilingual import BilingualView
from tests.ui.conftest import make_app, settle, translation_settled

PARAGRAPHS = 2_000


def add_large_article(service: ReaderService, animal: str = "cat") -> None:
    """An English article of short two-sentence paragraphs, newest in the list (the
    animal makes it another text for the split cache)."""
    feed, _ = service.store.add_feed("https://large.example/feed.xml", "Large")
    service.store.upsert_entries(
        feed.id,
        [
            EntryData(
                guid="large",
                title="A large article",
                paragraphs=[
                    f"The {animal} sleeps {number}. We read a good book."
                    for number in range(PARAGRAPHS)
                ],
                published="2030-01-01T00:00:00+00:00",
                language="en",
            )
        ],
    )


async def open_large(pilot: Pilot[None]) -> tuple[ArticleScreen, BilingualView]:
    await settle(pilot)
    await pilot.press("enter")
    screen = pilot.app.screen
    assert isinstance(screen, ArticleScreen)
    view = screen.query_one(BilingualView)
    for _ in range(400):
        if len(view.units) == PARAGRAPHS:
            break
        await pilot.pause(0.01)
    return screen, view


async def test_only_paragraphs_near_the_view_are_laid_out_and_leaving_stops_it(
    service: ReaderService,
) -> None:
    add_large_article(service)
    app = make_app(service)
    async with app.run_test(size=(100, 30)) as pilot:
        _, view = await open_large(pilot)
        await pilot.pause(1.5)
        laid_out = len(view._blocks)
        assert 0 < laid_out < 200, f"{laid_out} of {PARAGRAPHS} paragraphs laid out"
        await pilot.press("G")
        await pilot.pause(0.5)
        assert view.cursor[0] == PARAGRAPHS - 1
        assert view.visible_paragraphs().stop == PARAGRAPHS
        near_end = len(view._blocks) - laid_out
        assert 0 < near_end < 200
        await pilot.press("escape")
        await pilot.pause(0.2)
        blocks_when_left = len(view._blocks)
        await pilot.pause(1.0)
        assert len(view._blocks) == blocks_when_left, "work went on after leaving"


async def test_paragraphs_above_that_get_laid_out_do_not_move_the_view(
    service: ReaderService,
) -> None:
    add_large_article(service)
    app = make_app(service)
    async with app.run_test(size=(100, 30)) as pilot:
        _, view = await open_large(pilot)
        await pilot.press("G")
        await pilot.pause(0.5)
        for _ in range(30):
            await pilot.press("k")
        await pilot.pause(0.5)
        paragraph = view.cursor[0]
        assert paragraph < PARAGRAPHS - 1
        row = view._starts[paragraph] - view.scroll_offset.y
        assert 0 <= row < view.size.height, "the cursor's paragraph is on screen"


async def test_a_large_article_is_translated_in_parts_visible_ones_first(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    add_large_article(service, animal="dog")
    # Translating ahead would split the highlighted article whole once the cursor rests
    # (so that opening it splits nothing): this test is about opening one not split yet.
    service.config.translation.prefetch = 0
    app = make_app(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, view = await open_large(pilot)
        await translation_settled(pilot, seconds=120)
        assert len(screen.job_ids) > 1
        assert screen.done == screen.total == 2 * PARAGRAPHS
        assert all(target for unit in view.units for target in unit.targets)
        assert all(len(unit.spans) == 2 for unit in view.units)


def test_parts_start_with_the_view_then_what_follows_then_what_precedes() -> None:
    lengths = [1_000] * 100
    ranges = part_ranges(lengths, range(40, 45))
    assert ranges[0] == (40, 45)
    assert ranges[1][0] == 45
    assert ranges[-1][1] == 40
    covered = [index for start, stop in ranges for index in range(start, stop)]
    assert sorted(covered) == list(range(100))
    assert all(sum(lengths[start:stop]) <= PART_CHARACTERS for start, stop in ranges)
    assert part_ranges([10, 10], range(0, 1)) == [(0, 2)], "a short text is one part"


def test_split_in_parts_yields_the_view_before_splitting_the_rest() -> None:
    service = ReaderService()
    try:
        paragraphs = [f"Part {n} of it. And more {n}." for n in range(PART_CHARACTERS // 10)]
        parts = split_in_parts(service, paragraphs, "en", range(3, 8))
        start, first = next(parts)
        assert (start, len(first)) == (3, 5)
        assert first[0][0].text == "Part 3 of it."
        rest = list(parts)
        assert sum(len(sentences) for _, sentences in rest) == len(paragraphs) - 5
        again = list(split_in_parts(service, paragraphs, "en", range(3, 8)))
        assert [start for start, _ in again] == [0], "a finished article is cached whole"
    finally:
        service.close()
