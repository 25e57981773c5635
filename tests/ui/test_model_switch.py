"""The article header names the model in use; the command palette switches models."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from textual.screen import Screen
from textual.widgets import Static

from reader.service import ReaderService
from reader.ui.palette import model_commands
from reader.ui.screens.article import ArticleScreen
from tests.ui.conftest import make_app, settle, translation_settled


async def test_header_names_the_model_and_the_palette_switches(
    service: ReaderService, installed_tiny_models: Path, installed_families: Path
) -> None:
    app = make_app(service)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ArticleScreen)
        await translation_settled(pilot)
        meta = str(screen.query_one("#article-meta", Static).render())
        assert "ko → en · opus-mt-ko-en" in meta
        assert screen.models_here == [
            "opus-mt-ko-en",
            "translate-ko_en",
            "m2m100-tiny",
            "nllb-tiny",
        ]
        commands = {c.title: c for c in model_commands(cast("Screen[object]", screen))}
        assert "Translate ko→en with opus-mt-ko-en (in use)" in commands
        commands["Translate ko→en with nllb-tiny"].callback()
        await settle(pilot)
        await translation_settled(pilot)
        assert screen.model_name == "nllb-tiny"
        assert "ko → en · nllb-tiny" in str(screen.query_one("#article-meta", Static).render())
        assert service.translations.preferred_model("ko", "en") == "nllb-tiny"
