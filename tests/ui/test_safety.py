"""Text from feeds reaches the screen as literal text: markup and escape sequences are inert."""

from __future__ import annotations

from textual.pilot import Pilot

from reader.core.models import EntryData
from reader.service import ReaderService
from reader.ui.screens.article import ArticleScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.collections import CollectionTree
from tests.ui.conftest import FROZEN_NOW, make_app, settle

MARKUP_TITLE = "[bold red]x[/]"
ESCAPE_TITLE = "\x1b[31mred\x1b[0m \x1b]8;;https://evil.example/\x07link\x1b]8;;\x07 \u202eevil"


def screen_text(pilot: Pilot[None]) -> str:
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def hostile_service(service: ReaderService) -> ReaderService:
    """A feed called like markup, with one markup title and one full of escape sequences."""
    feed, _ = service.store.add_feed("https://hostile.example/feed.xml", "[link=x]Feed[/link]")
    service.store.upsert_entries(
        feed.id,
        [
            EntryData(
                guid="markup",
                title=MARKUP_TITLE,
                paragraphs=["[i]not italic[/i] and [@click=app.quit]no action[/]"],
                published=FROZEN_NOW.isoformat(),
            ),
            EntryData(
                guid="escapes",
                title=ESCAPE_TITLE,
                paragraphs=["\x1b[2J cleared?"],
                published=FROZEN_NOW.replace(minute=1).isoformat(),
            ),
        ],
    )
    return service


async def test_markup_in_titles_and_text_is_shown_literally(service: ReaderService) -> None:
    app = make_app(hostile_service(service))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        index = next(i for i, row in article_list.loaded_rows() if row.title == MARKUP_TITLE)
        article_list.cursor = index
        await settle(pilot)
        text = screen_text(pilot)
        assert MARKUP_TITLE in text
        assert "[link=x]Feed[/link]" in text
        assert "[i]not italic[/i]" in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert "[@click=app.quit]no action[/]" in screen_text(pilot)
        assert app.is_running


async def test_escape_sequences_never_reach_the_terminal(service: ReaderService) -> None:
    """Stored straight into the store (bypassing the cleaning feeds get), so the UI's own
    defence is what is tested here."""
    app = make_app(hostile_service(service))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(pilot)
        assert "\x1b" not in text
        assert "\u202e" not in text
        assert "\u202e" not in text
        await pilot.press("escape")
        await settle(pilot)
        labels = [str(node.label) for node in app.screen.query_one(CollectionTree).root.children]
        assert any(label.startswith("[link=x]Feed[/link]") for label in labels)
        assert "\x1b" not in screen_text(pilot)
