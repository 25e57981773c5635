"""M opens sentence mining: the library's i+1 sentences; a adds the word as a term with
its sentence, enter reads the sentence in its article."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Static

from reader.service import ReaderService
from reader.ui.screens.article import ArticleScreen
from reader.ui.screens.mining import MinedList, MiningScreen
from tests.terms.test_mining import _library
from tests.ui.conftest import make_app, settle


@pytest.fixture
def service() -> Iterator[ReaderService]:
    reader = ReaderService()
    yield reader
    reader.close()


def summary(screen: MiningScreen) -> str:
    return str(screen.query_one("#mining-summary", Static).render())


async def test_m_lists_i_plus_one_sentences_and_a_adds_the_word(service: ReaderService) -> None:
    ids = _library(service)
    app = make_app(service)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MiningScreen)
        assert [s.lemma for s in screen.mined] == ["경제", "외교", "summit"]
        assert summary(screen).startswith("3 sentences with exactly one word")
        await pilot.press("a")
        await settle(pilot)
        term = next(t for t in service.list_terms() if t.text == "경제")
        assert term.sentence == "정부는 경제를 발표했다."
        assert term.article_id == ids[1]
        assert "✓ added" in str(screen.query_one(MinedList).get_option_at_index(0).prompt)
        await pilot.press("a")  # twice: nothing more
        await settle(pilot)
        assert sum(t.text == "경제" for t in service.list_terms()) == 1

        await pilot.press("j", "enter")
        await settle(pilot)
        article = app.screen
        assert isinstance(article, ArticleScreen)
        assert article.article_id == ids[0]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and isinstance(screen, MiningScreen)
        await pilot.press("r")
        await settle(pilot)
        assert [s.lemma for s in screen.mined] == ["외교", "summit"], "경제 is a term now"


async def test_an_empty_library_says_what_to_do(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MiningScreen)
        assert summary(screen).startswith("No sentence with exactly one unknown word")
        await pilot.press("q")
        await settle(pilot)
        assert not isinstance(app.screen, MiningScreen)
