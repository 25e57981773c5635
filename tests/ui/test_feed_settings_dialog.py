"""The feed settings dialog (``e`` on the main screen), through the real app."""

from __future__ import annotations

from pytest_httpserver import HTTPServer
from textual.widgets import Input, Select, Static

from reader.core.feed_settings import FeedSettings
from reader.core.models import FeedKind
from reader.service import ReaderService
from reader.ui.dialogs.feed_settings import FeedSettingsDialog
from tests.feeds.test_auto_full_text import PAGE, STORY, feed_xml, html
from tests.ui.conftest import make_app, record_notifications, settle


async def test_e_edits_the_feed_of_the_highlighted_article(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        notes = record_notifications(app)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FeedSettingsDialog)
        assert dialog.query_one("#feed-title", Input).value == "Example News"
        dialog.query_one("#feed-full_text", Select).value = "auto"
        dialog.query_one("#feed-direction", Select).value = "ko-en"
        dialog.query_one("#feed-folder", Input).value = "news"
        dialog.query_one("#feed-refresh_minutes", Input).value = "abc"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # refused: the dialog stays, with the reason, nothing saved
        hint = str(dialog.query_one("#feed-settings-hint", Static).render())
        assert "refresh_minutes must be a whole number" in hint
        [feed] = service.store.feeds(FeedKind.FEED)
        assert feed.settings == FeedSettings() and feed.folder is None
        dialog.query_one("#feed-refresh_minutes", Input).value = "120"
        dialog.query_one("#feed-refresh_minutes", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not dialog, "saved: the dialog closed"
        [feed] = service.store.feeds(FeedKind.FEED)
        assert feed.folder == "news"
        assert feed.settings == FeedSettings(
            full_text="auto", direction="ko-en", refresh_minutes=120
        )
        assert any("Saved Example News: full_text=auto" in note for note in notes)


async def test_escape_changes_nothing_and_an_account_feed_keeps_its_title(
    service: ReaderService,
) -> None:
    [feed] = service.store.feeds(FeedKind.FEED)
    service.store.connection.execute("UPDATE feeds SET kind = 'account' WHERE id = ?", (feed.id,))
    service.store.connection.commit()
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FeedSettingsDialog)
        assert dialog.query_one("#feed-title", Input).disabled
        assert "server's" in str(dialog.query_one("#feed-settings-hint", Static).render())
        dialog.query_one("#feed-translate", Select).value = "auto"
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, FeedSettingsDialog)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FeedSettingsDialog)
        dialog.query_one("#feed-translate", Select).value = "auto"
        await pilot.press("ctrl+s")
        await settle(pilot)
    stored = service.store.feed(feed.id)
    assert stored is not None and stored.settings.translate == "auto"
    assert stored.title == "Example News"


async def test_refresh_in_the_app_fetches_the_pages_of_a_full_text_feed(
    service: ReaderService, httpserver: HTTPServer
) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/auto.xml").respond_with_data(
        feed_xml("Auto", base, ["story"]), content_type="application/rss+xml"
    )
    httpserver.expect_request("/pages/story").respond_with_response(html(PAGE))
    feed, _ = service.store.add_feed(httpserver.url_for("/auto.xml"), "Auto")
    service.set_feed_settings("Auto", ["full_text=auto"])
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        notes = record_notifications(app)
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert any("1 full text" in note for note in notes), notes
    [summary] = service.list_articles(feed_id=feed.id)
    assert service.article(summary.id).paragraphs[-3:] == STORY


async def test_every_field_and_the_hint_fit_an_80_by_24_terminal(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FeedSettingsDialog)
        body = dialog.query_one("#feed-settings-body")
        assert body.max_scroll_y == 0, "nothing scrolled out of sight"
        hint = dialog.query_one("#feed-settings-hint", Static)
        assert hint.region.bottom <= body.region.bottom
