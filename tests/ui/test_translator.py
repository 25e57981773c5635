"""The translator screen: live, debounced translation of typed text, saved with ctrl+s."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import TextArea

from reader.core.models import FeedKind
from reader.service import ReaderService
from reader.ui.screens.translator import TranslatorScreen
from reader.ui.widgets.bilingual import BilingualView
from tests.ui.conftest import make_app, settle


async def open_translator(pilot: Pilot[None]) -> TranslatorScreen:
    await settle(pilot)
    await pilot.press("T")
    screen = pilot.app.screen
    assert isinstance(screen, TranslatorScreen)
    return screen


async def test_typed_text_is_translated_sentence_by_sentence_and_saved(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_translator(pilot)
        screen.query_one(TextArea).insert("고양이는 학교에 간다. 친구는 책을 읽는다.")
        view = screen.query_one(BilingualView)
        for _ in range(600):
            if view.units and all(view.units[0].targets):
                break
            await pilot.pause(0.05)
        assert len(view.units[0].spans) == 2
        assert view.units[0].targets[0] is not None and "cat" in view.units[0].targets[0]
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = service.list_articles(kind=FeedKind.LOCAL)
        assert [article.title for article in saved] == ["고양이는 학교에 간다. 친구는 책을 읽는다."]
        await pilot.press("escape")
        assert not isinstance(app.screen, TranslatorScreen)


async def test_typing_fast_translates_once_after_a_pause(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_translator(pilot)
        await pilot.press(*"book")
        assert screen.job_id is None
        await pilot.pause(1.0)
        await settle(pilot)
        view = screen.query_one(BilingualView)
        assert view.units and view.units[0].source == "book"


async def translate_in_translator(service: ReaderService, text: str) -> list[list[str | None]]:
    """Type ``text`` into the translator; the targets of each paragraph once all arrived."""
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_translator(pilot)
        screen.query_one(TextArea).insert(text)
        view = screen.query_one(BilingualView)
        for _ in range(600):
            if len(view.units) == 2 and all(t for unit in view.units for t in unit.targets):
                break
            await pilot.pause(0.05)
        return [list(unit.targets) for unit in view.units]


async def test_an_english_paragraph_under_a_korean_one_goes_english_to_korean(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    text = "고양이는 학교에 간다. 친구는 책을 읽는다. 오늘은 비가 온다.\n\nThe cat sleeps. The book is new."
    targets = await translate_in_translator(service, text)
    assert targets[0][0] is not None and "cat" in targets[0][0]
    # Before: echoed as it was, as one sentence (split by the Korean rules).
    assert targets[1] == ["The 고양이 sleeps.", "The 책 is new."]


async def test_one_direction_per_text_keeps_the_other_language_as_it_is(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    service.config.translation.per_paragraph = False
    targets = await translate_in_translator(
        service, "고양이는 학교에 간다.\n\nThe cat reads a book."
    )
    assert targets[1] == ["The cat reads a book."]
    assert targets[0][0] is not None and "cat" in targets[0][0]


async def test_a_sentence_is_reviewed_as_in_an_article(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    """With the output focused (tab), E edits the cursor sentence's translation in place
    and keeps it as the reader's own; c lists the model's other readings (or says why
    there are none); text typed into the box never reaches those keys."""
    from textual.widgets import Input

    from reader.ui.dialogs.choose import ChooseDialog

    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_translator(pilot)
        await pilot.press(*"cEB")  # typed, not keys
        assert screen.query_one(TextArea).text == "cEB"
        screen.query_one(TextArea).text = "고양이는 학교에 간다. 친구는 책을 읽는다."
        view = screen.query_one(BilingualView)
        for _ in range(600):
            if view.units and len(view.units[0].spans) == 2 and all(view.units[0].targets):
                break
            await pilot.pause(0.05)
        await pilot.press("tab")
        assert app.focused is view
        await pilot.press("j", "E")
        await settle(pilot)
        prompt = app.screen.query_one("#prompt-translation", Input)
        assert prompt.value == view.units[0].targets[1]
        prompt.value = "My friend reads a book."
        await pilot.press("enter")
        for _ in range(200):
            if view.units[0].details.get(1) and view.units[0].details[1].user == "edit":
                break
            await pilot.pause(0.05)
        assert view.units[0].targets[1] == "My friend reads a book."
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ChooseDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen_stack[-1] is screen
    pairs = service.translate_text("친구는 책을 읽는다.", "ko", "en")["pairs"]
    assert (pairs[0]["target"], pairs[0]["edited"]) == ("My friend reads a book.", "edit")
