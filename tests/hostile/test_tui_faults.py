"""The TUI under faults: the model vanishing mid-session, and extreme text in the aligned panes."""

from __future__ import annotations

import shutil
from pathlib import Path

from reader.core.models import EntryData
from reader.service import ReaderService
from reader.ui.screens.article import ArticleScreen
from reader.ui.widgets.bilingual import BilingualView
from tests.ui.conftest import FROZEN_NOW, make_app, settle, translation_settled
from tests.ui.conftest import service as service  # the UI tests' library fixture
from tests.ui.test_article_screen import _columns, open_first_article

WIDE_PARAGRAPHS = [
    "ＡＢＣ　１２３ 학교에서 친구를 만났다. 👩‍👩‍👧‍👦 가족이 함께 책을 읽었다.",
    "مرحبا 친구는 사과를 좋아한다. 😀😀😀 물은 많이 마신다.",
    "쉼표도마침표도없는아주긴문단" * 12,
]


async def test_model_folder_deleted_while_the_app_runs(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_first_article(pilot)
        await translation_settled(pilot)
        await pilot.press("escape")
        await settle(pilot)

        shutil.rmtree(installed_tiny_models)

        await pilot.press("down", "enter")  # an English article: the en→ko model
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ArticleScreen)
        view = screen.query_one(BilingualView)
        for _ in range(200):
            if view.notice or (screen.total and screen.done >= screen.total):
                break
            await pilot.pause(0.05)
        # Either the already-loaded model goes on serving, or the pane says what to install.
        assert (screen.total and screen.done >= screen.total) or "reader models install" in (
            view.notice or ""
        )
        assert view.units[0].source  # the source still reads
        await pilot.press("j", "t", "escape")
        await settle(pilot)
        assert app.is_running


async def test_wide_characters_keep_paragraphs_aligned(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    feed = service.store.feed_by_url("https://news.example.org/feed.xml")
    assert feed is not None
    service.store.upsert_entries(
        feed.id,
        [
            EntryData(
                guid="wide",
                title="ＷＩＤＥ 👩‍👩‍👧‍👦 제목",
                paragraphs=WIDE_PARAGRAPHS,
                published=FROZEN_NOW.isoformat(),
                language="ko",
            )
        ],
    )
    app = make_app(service)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_first_article(pilot)
        await translation_settled(pilot)
        view = screen.query_one(BilingualView)
        assert view.units[0].source.startswith("ＡＢＣ")
        for paragraph in range(len(view.units)):
            left, right = _columns(view, view._starts[paragraph])
            assert left.strip() and right.strip(), paragraph


async def test_a_keymap_naming_no_action_is_reported_once(service: ReaderService) -> None:
    service.config.keys = {"no_such_action": "x", "quit": "ctrl+q"}
    app = make_app(service)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert sum("no_such_action" in m for m in messages) == 1
        assert all("quit" not in m for m in messages if "no_such_action" in m)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
