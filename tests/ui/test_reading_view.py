"""The reading view's drawing and feedback: the divider, the placeholder, swapping the
direction, and what the keys of the article screen say."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from reader.core.models import EntryData
from reader.service import ReaderService
from reader.ui.screens.article import ArticleScreen
from reader.ui.widgets.bilingual import PLACEHOLDER, BilingualView
from tests.ui.conftest import make_app, settle, translation_settled


async def open_article(pilot: Pilot[None], down: int = 0) -> ArticleScreen:
    await settle(pilot)
    for _ in range(down):
        await pilot.press("j")
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ArticleScreen)
    return screen


def rows(view: BilingualView) -> list[str]:
    return [view.render_line(y).text for y in range(view.size.height)]


async def test_the_divider_runs_on_through_the_rows_between_paragraphs(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_article(pilot)
        await translation_settled(pilot)
        view = screen.query_one(BilingualView)
        drawn = rows(view)[: view.virtual_size.height]
        assert len(drawn) > 4 and any(not row.partition("│")[0].strip() for row in drawn)
        assert all("│" in row for row in drawn), drawn


async def test_swapping_an_english_article_leaves_no_placeholder(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_article(pilot, down=1)
        await translation_settled(pilot)
        view = screen.query_one(BilingualView)
        assert screen.direction == ("en", "ko")
        await pilot.press("x")
        for _ in range(400):
            if screen.status == "nothing to translate":
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert screen.direction == ("ko", "en")
        assert screen.status == "nothing to translate"
        assert all(target is not None for unit in view.units for target in unit.targets)
        assert not any(PLACEHOLDER in row for row in rows(view))


async def test_the_placeholder_is_drawn_in_a_way_text_never_is(service: ReaderService) -> None:
    feed, _ = service.store.add_feed("https://hani.example/feed.xml", "Hani")
    service.store.upsert_entries(
        feed.id,
        [
            EntryData(
                guid="hani",
                title="요약",
                paragraphs=["오늘 학교에서 친구를 만났다. 그리고 집에서···"],
                published="2030-01-01T00:00:00+00:00",
                language="ko",
            )
        ],
    )
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_article(pilot)
        view = screen.query_one(BilingualView)
        view.notice = None
        view.clear_translations()
        await pilot.pause()
        segments = [segment for strip in view._block(0).strips for segment in strip]
        marks = [s for s in segments if s.text.strip() == PLACEHOLDER]
        text = [s for s in segments if "집에서" in s.text]
        assert marks and text
        assert all(s.style is not None and s.style.reverse for s in marks)
        assert not any(s.style is not None and s.style.reverse for s in text)


def meta_text(screen: ArticleScreen) -> str:
    from textual.widgets import Static

    return str(screen.query_one("#article-meta", Static).render())


async def test_article_keys_say_what_they_did(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_article(pilot)
        view = screen.query_one(BilingualView)
        assert "· read" in meta_text(screen)
        await pilot.press("r")
        await pilot.press("R")
        await pilot.press("m")
        await settle(pilot)
        assert "unread" in meta_text(screen)
        await pilot.press("ctrl+r")
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert sum("refreshed from the list" in m for m in messages) == 2
        assert "Marked unread." in messages
        assert "Translating the article again." in messages
        await pilot.press("l")
        assert view.word_selection() == (0, 0, 2), "the first l shows the first word"
        assert "selecting" not in meta_text(screen)
        await pilot.press("v", "l")
        assert "selecting words" in meta_text(screen)
        assert view.word_selection() == (0, 0, 7)
        await pilot.press("v")
        assert "selecting" not in meta_text(screen)


async def test_the_app_sends_core_log_records_to_reader_log(service: ReaderService) -> None:
    import logging

    app = make_app(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        logging.getLogger("reader.core.translation_queue").error("translation job 7 failed")
        logging.getLogger("reader.core.store").info("not important enough to log")
    for handler in logging.getLogger("reader").handlers:
        handler.flush()
    log = service.paths.log_file.read_text(encoding="utf-8")
    assert "ERROR reader.core.translation_queue: translation job 7 failed" in log
    assert "not important" not in log
