"""Themes (shipped, user, broken), the keymap from config, the help screen and the palette."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Static

from reader.service import ReaderService
from reader.ui.screens.help import HelpScreen, all_binding_ids, binding_sections
from reader.ui.themes import SHIPPED_THEMES_DIR, ThemeError, load_theme_file, load_themes
from reader.ui.widgets.article_list import ArticleList
from tests.ui.conftest import make_app, record_notifications, settle


def test_shipped_themes_load() -> None:
    loaded = load_themes(SHIPPED_THEMES_DIR)
    assert loaded.errors == []
    assert {"paper", "night"} <= set(loaded.themes)
    assert not loaded.themes["paper"].dark
    assert loaded.themes["night"].dark
    assert "reader-highlight" in loaded.themes["paper"].variables


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("name = ", "invalid TOML"),
        ('dark = true\n[colors]\nprimary = "#123456"', "'name' is required"),
        ('name = "x"', "colors.primary is required"),
        ('name = "x"\n[colors]\nprimary = "not-a-colour"', "not a colour"),
        ('name = "x"\n[colors]\nprimary = "#123456"\nshiny = "#fff"', "unknown colour"),
        ('name = "x"\n[colors]\nprimary = "#123456"\n[reader]\nglow = "#fff"', "unknown variable"),
        ('name = "x"\ncolour = "#fff"', "unknown key"),
    ],
)
def test_broken_theme_files_say_why(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ThemeError, match=reason) as caught:
        load_theme_file(path)
    assert str(path) in str(caught.value)


async def test_user_themes_load_and_a_broken_one_is_reported_once(service: ReaderService) -> None:
    themes_dir = service.paths.themes_dir
    (themes_dir / "mine.toml").write_text(
        'name = "mine"\ndark = true\n[colors]\nprimary = "#336699"\nbackground = "#101010"\n',
        encoding="utf-8",
    )
    (themes_dir / "broken.toml").write_text("name = [", encoding="utf-8")
    app = make_app(service)
    messages = record_notifications(app)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        assert "mine" in app.available_themes
        app.theme = "mine"
        await settle(pilot)
        assert sum("broken.toml" in message for message in messages) == 1
        assert app.is_running
    log = service.paths.log_file.read_text(encoding="utf-8")
    assert "broken.toml" in log


async def test_theme_from_environment_and_choice_persists(
    service: ReaderService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READER_THEME", "paper")
    service.config.theme = "paper"
    app = make_app(service)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "paper"
        app.theme = "night"
        await settle(pilot)
    monkeypatch.delenv("READER_THEME")
    service.config.theme = "textual-dark"
    again = make_app(service)
    async with again.run_test(size=(100, 30)) as pilot:
        assert again.theme == "night"


async def test_keys_can_be_rebound_from_config(service: ReaderService) -> None:
    service.config.keys = {"list_down": "x", "toggle_star": "S"}
    app = make_app(service)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        await pilot.press("x", "x")
        assert article_list.cursor == 2
        await pilot.press("j")
        assert article_list.cursor == 2
        highlighted = article_list.highlighted
        assert highlighted is not None
        await pilot.press("S")
        await settle(pilot)
        assert service.article(highlighted.id).starred


def test_every_binding_has_an_id() -> None:
    ids = [binding.id for _, bindings in binding_sections() for binding in bindings]
    assert all(ids)
    assert {"toggle_star", "next_sentence", "cycle_layout", "translator", "help"} <= set(ids)


async def test_help_screen_lists_every_binding(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        console = Console(record=True, width=120, file=io.StringIO())
        for static in app.screen.query(Static):
            console.print(static.content)
        text = console.export_text()
        assert "Translator" in text
        missing = {binding_id for binding_id in all_binding_ids() if binding_id not in text}
        assert not missing
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_offers_the_screen_actions(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Star", "Refresh all", "Add feed", "Search", "Translator", "Keys"} <= titles
