"""Pilot tests of the bilingual article view with the tiny real translation models."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.core.models import EntryData
from reader.service import ReaderService
from reader.ui.app import ReaderApp
from reader.ui.screens.article import ArticleScreen
from reader.ui.widgets.bilingual import BilingualView
from tests.ui.conftest import make_app, settle, translation_settled


async def open_first_article(pilot: Pilot[None]) -> ArticleScreen:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ArticleScreen)
    return screen


async def test_translation_fills_in_aligned_by_paragraph(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    app = make_app(service)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_first_article(pilot)
        await translation_settled(pilot)
        view = screen.query_one(BilingualView)
        assert screen.direction == ("ko", "en")
        assert screen.done == screen.total > 0
        assert all(target for unit in view.units for target in unit.targets)
        # The tiny model translates 학교 as "school" and 친구 as "friend".
        assert "school" in " ".join(t or "" for t in view.units[0].targets)
        # Each paragraph's translation starts on the row its source starts on.
        for paragraph in range(len(view.units)):
            top = view._starts[paragraph]
            left, right = _columns(view, top)
            assert left.strip() and right.strip()


def _columns(view: BilingualView, row: int) -> tuple[str, str]:
    strip = view._block(_paragraph_at(view, row)).strips[
        row - view._starts[_paragraph_at(view, row)]
    ]
    text = strip.text
    left, _, right = text.partition("│")
    return left, right


def _paragraph_at(view: BilingualView, row: int) -> int:
    return max(index for index, start in enumerate(view._starts) if start <= row)


async def test_sentence_cursor_moves_and_highlights_both_panes(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    app = make_app(service)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_first_article(pilot)
        await translation_settled(pilot)
        view = screen.query_one(BilingualView)
        assert view.cursor == (0, 0)
        await pilot.press("j", "j")
        assert view.cursor == (1, 0)
        await pilot.press("k")
        assert view.cursor == (0, 1)
        await pilot.press("right_curly_bracket", "right_curly_bracket")
        assert view.cursor == (2, 0)
        await pilot.press("left_curly_bracket", "left_curly_bracket", "G")
        assert view.cursor == (2, 1)
        await pilot.press("g", "j")
        assert view.cursor == (0, 1)
        pair = view.current_pair()
        assert pair is not None and pair[0] == "우리는 함께 책을 읽었다." and pair[1]
        highlight = view.get_component_rich_style("bilingual--highlight", partial=True)
        block = view._block(0)
        highlighted = [
            segment.text
            for strip in block.strips
            for segment in strip
            if segment.style and highlight.bgcolor and segment.style.bgcolor == highlight.bgcolor
        ]
        joined = "".join(highlighted)
        assert "우리는" in joined and "book" in joined


async def test_t_cycles_layouts_and_the_choice_persists(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_first_article(pilot)
        view = screen.query_one(BilingualView)
        seen = [view.reading_layout]
        for _ in range(4):
            await pilot.press("t")
            seen.append(view.reading_layout)
        assert seen == ["side", "translation", "source", "interlinear", "side"]
        await pilot.press("t")
    assert ReaderApp(service).ui_state.layout == "translation"


async def test_without_a_model_the_pane_names_the_install_command(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_first_article(pilot)
        for _ in range(600):
            if screen.query_one(BilingualView).notice:
                break
            await pilot.pause(0.05)
        notice = screen.query_one(BilingualView).notice or ""
        assert "reader models install ko-en" in notice
        assert screen.query_one(BilingualView).units[0].source.startswith("오늘")


async def test_leaving_cancels_the_translation_job(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_first_article(pilot)
        job = screen.job_id
        await pilot.press("escape")
        await settle(pilot)
        assert screen.job_id is None
        assert job is not None
        assert service.translation_queue.pending_jobs() == 0


async def test_swap_direction_and_copy_pair(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_first_article(pilot)
        await translation_settled(pilot)
        await pilot.press("y")
        assert app.clipboard.startswith("오늘 학교에서 친구를 만났다.\n")
        await pilot.press("x")
        await settle(pilot)
        assert screen.direction == ("en", "ko")
        await pilot.press("x")
        await translation_settled(pilot)
        assert screen.direction == ("ko", "en")


async def test_n_opens_the_next_unread_article_from_the_reader(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_first_article(pilot)
        first = screen.article_id
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
        assert screen.article_id != first
        assert screen.article is not None and screen.article.title == "Article 1: council budget"
        await pilot.press("N")
        await settle(pilot)
        assert screen.article is not None
        assert screen.article.title == "Article 1: council budget", "the first one is read now"
        await pilot.press("escape")
        await settle(pilot)
        assert service.article(first).read


async def test_glossary_terms_are_marked_in_the_source(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_first_article(pilot)
        view = screen.query_one(BilingualView)
        # 학교 (offset 3-5) is a level-1 term of the first paragraph.
        view.set_terms({0: [(3, 5, 1)]})
        await settle(pilot)
        term_style = view.get_component_rich_style("bilingual--term-1", partial=True)
        marked = "".join(
            segment.text
            for strip in view._block(0).strips
            for segment in strip
            if segment.style and segment.style.bgcolor == term_style.bgcolor
        )
        assert marked == "학교"
        for layout in ("interlinear", "source"):
            view.reading_layout = layout
            await settle(pilot)
            strips = view._block(0).strips
            assert any(
                segment.text == "학교"
                and segment.style
                and segment.style.bgcolor == term_style.bgcolor
                for strip in strips
                for segment in strip
            )


def add_long_article(service: ReaderService) -> None:
    """A Korean article long enough that its translation is still running when a key comes."""
    feed, _ = service.store.add_feed("https://long.example/feed.xml", "Long")
    paragraph = " ".join(["오늘 학교에서 친구를 만났다. 고양이는 사과를 좋아하지 않는다."] * 4)
    service.store.upsert_entries(
        feed.id,
        [
            EntryData(
                guid="long",
                title="긴 기사",
                paragraphs=[f"{number}. {paragraph}" for number in range(400)],
                published="2030-01-01T00:00:00+00:00",
                language="ko",
            )
        ],
    )


async def open_while_translating(pilot: Pilot[None]) -> ArticleScreen:
    await settle(pilot)
    await pilot.press("enter")
    screen = pilot.app.screen
    assert isinstance(screen, ArticleScreen)
    for _ in range(30_000):
        if screen.job_id is not None and screen.total and 0 < screen.done < screen.total:
            break
        await asyncio.sleep(0.001)
    if screen.done >= screen.total:
        pytest.skip("the translation finished before a key could interrupt it")
    return screen


async def test_a_dialog_over_the_article_does_not_stop_its_translation(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    add_long_article(service)
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_while_translating(pilot)
        job = screen.job_id
        await pilot.press("question_mark")
        await pilot.pause(0.1)
        assert job in screen.job_ids
        await pilot.press("escape")
        await translation_settled(pilot)
        assert screen.done == screen.total


async def test_translation_resumes_after_a_visit_to_the_translator(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    add_long_article(service)
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_while_translating(pilot)
        await pilot.press("T")
        await pilot.pause(0.1)
        assert screen.job_id is None, "leaving for another screen stops the job"
        await pilot.press("escape")
        await translation_settled(pilot)
        view = screen.query_one(BilingualView)
        assert all(t for unit in view.units for t in unit.targets)


async def test_a_korean_paragraph_in_an_english_page_is_translated_into_english(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    text = "The cat sleeps. The book is new.\n\n친구 는 책 을 읽는다.\n\nThe apple is good."
    article = service.save_text(text).article
    app = make_app(service)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.open_article(article.id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        await translation_settled(pilot)
        view = screen.query_one(BilingualView)
        assert screen.direction == ("en", "ko")
        assert view.units[1].targets == ["friend 는 book 을 읽는다."]  # before: kept in Korean
        assert view.units[0].targets[0] == "The 고양이 sleeps."
        await pilot.press("x")  # a forced direction: every paragraph goes ko → en
        await translation_settled(pilot)
        assert screen.direction == ("ko", "en")
        assert view.units[1].targets == ["friend 는 book 을 읽는다."]
