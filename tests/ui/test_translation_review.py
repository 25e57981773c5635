"""The glossary and the model's confidence in the reading view (issue 12): the app's
background translation is steered like ``reader translate``, steered terms wear their
source colour in the translation, unsure sentences are coloured, and the reader can
see the alternatives, choose one, edit a sentence and re-translate it.

Real tiny CTranslate2 models throughout: the copy model is sure of a sentence it fully
knows (``고양이 학교 친구 책.``) and unsure of one that leaves Hangul behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.style import Style
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from reader.core.models import EntryData
from reader.core.packages import install_file
from reader.core.steering import Glossary
from reader.paths import get_paths
from reader.service import ReaderService
from reader.ui.dialogs.choose import ChooseDialog
from reader.ui.screens.article import ArticleScreen
from reader.ui.widgets.bilingual import BilingualView
from tests.ui.conftest import FROZEN_NOW, make_app, settle, translation_settled

SURE = "고양이 학교 친구 책."
"""The copy model knows every word: "cat school friend book." (confidence 1.0)."""
UNSURE = "고양이 가 학교 간다."
"""Hangul is left in the English: "cat 가 school 간다." (confidence 0.25)."""


@pytest.fixture
def service() -> Iterator[ReaderService]:
    """One Korean article: a sentence the model is sure of, then one it is not."""
    service = review_library()
    yield service
    service.close()


def review_library() -> ReaderService:
    """A service over the test's READER_HOME with the one article of these tests."""
    service = ReaderService()
    service.store.set_meta("demo_offered", "1")
    feed, _ = service.store.add_feed("https://news.example.org/feed.xml", "Example News")
    service.store.upsert_entries(
        feed.id,
        [
            EntryData(
                guid="review",
                title="고양이 이야기",
                paragraphs=[f"{SURE} {UNSURE}", "오늘 학교에서 친구를 만났다."],
                url="https://news.example.org/review",
                published=FROZEN_NOW.isoformat(),
                language="ko",
            )
        ],
    )
    return service


async def open_article(pilot: Pilot[None]) -> ArticleScreen:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ArticleScreen)
    await translation_settled(pilot)
    return screen


def targets(screen: ArticleScreen) -> list[list[str | None]]:
    return [unit.targets for unit in screen.query_one(BilingualView).units]


@pytest.mark.usefixtures("installed_tiny_models")
class TestSteering:
    async def test_the_background_translation_is_steered_by_the_glossary(
        self, service: ReaderService
    ) -> None:
        service.add_term("친구", gloss="pal", lang="ko")
        async with make_app(service).run_test(size=(120, 30)) as pilot:
            screen = await open_article(pilot)
            assert targets(screen) == [
                ["cat school pal book.", "cat 가 school 간다."],
                ["today school에서 pal 만났다."],
            ]

    async def test_the_palette_toggle_compares_with_the_unsteered_translation(
        self, service: ReaderService
    ) -> None:
        service.add_term("친구", gloss="pal", lang="ko")
        async with make_app(service).run_test(size=(120, 30)) as pilot:
            screen = await open_article(pilot)
            commands = [c.title for c in pilot.app.get_system_commands(screen)]
            assert "Translate without the glossary" in commands
            screen.toggle_glossary()
            await translation_settled(pilot)
            assert targets(screen)[0] == ["cat school friend book.", "cat 가 school 간다."]
            assert not service.config.translation.glossary
            commands = [c.title for c in pilot.app.get_system_commands(screen)]
            assert "Translate with the glossary" in commands
            screen.toggle_glossary()
            await translation_settled(pilot)
            assert targets(screen)[0][0] == "cat school pal book."

    async def test_editing_a_gloss_in_the_article_translates_it_again(
        self, service: ReaderService
    ) -> None:
        service.add_term("친구", gloss="pal", lang="ko")
        async with make_app(service).run_test(size=(120, 30)) as pilot:
            screen = await open_article(pilot)
            view = screen.query_one(BilingualView)
            await pilot.press("j", "k", "l", "l", "l")  # the word cursor on 친구
            await pilot.press("e")
            await settle(pilot)
            gloss = pilot.app.screen.query_one("#annotate-gloss", Input)
            assert gloss.value == "pal"
            gloss.value = "buddy"
            await pilot.press("enter")
            await settle(pilot)
            await wait_for(pilot, lambda: view.units[0].targets[0] == "cat school buddy book.")
            await translation_settled(pilot)
            assert targets(screen) == [
                ["cat school buddy book.", "cat 가 school 간다."],
                ["today school에서 buddy 만났다."],
            ]
            assert view.cursor == (0, 0)

    async def test_the_setting_turns_steering_off(self, service: ReaderService) -> None:
        service.add_term("친구", gloss="pal", lang="ko")
        service.config.translation.glossary = False
        async with make_app(service).run_test(size=(120, 30)) as pilot:
            screen = await open_article(pilot)
            assert targets(screen)[0][0] == "cat school friend book."


def segments(view: BilingualView) -> list[tuple[str, Style]]:
    """Every drawn segment of the view: its text and its style."""
    found = []
    for y in range(view.size.height):
        for segment in view.render_line(y):
            if segment.text.strip() and segment.style is not None:
                found.append((segment.text, segment.style))
    return found


def colour(style: Style) -> str | None:
    return None if style.color is None else style.color.get_truecolor().hex


def background(style: Style) -> str | None:
    return None if style.bgcolor is None else style.bgcolor.get_truecolor().hex


def styles_of(view: BilingualView, text: str) -> list[Style]:
    return [style for drawn, style in segments(view) if text in drawn]


NIGHT = {
    "background": "#161a21",
    "translation": "#a9c1d9",
    "unsure": "#e0876a",
    "edited": "#7d8a99",
    "term-1": "#581c18",
}
"""Colours of the night theme (themes/night.toml), the app's default."""


@pytest.mark.usefixtures("installed_tiny_models")
class TestColours:
    async def test_unsure_sentences_are_coloured_and_sure_ones_not(
        self, service: ReaderService
    ) -> None:
        async with make_app(service).run_test(size=(120, 30)) as pilot:
            screen = await open_article(pilot)
            await pilot.press("right_curly_bracket")  # the cursor off the first paragraph
            await settle(pilot)
            view = screen.query_one(BilingualView)
            [sure] = styles_of(view, "cat school friend book.")
            assert colour(sure) == NIGHT["translation"]
            assert {colour(style) for style in styles_of(view, "cat 가 school 간다.")} == {
                NIGHT["unsure"]
            }

    async def test_the_threshold_is_the_confidence_setting(self, service: ReaderService) -> None:
        service.config.translation.low_confidence = 0.2
        async with make_app(service).run_test(size=(120, 30)) as pilot:
            screen = await open_article(pilot)
            await pilot.press("right_curly_bracket")
            await settle(pilot)
            view = screen.query_one(BilingualView)
            assert view.low_confidence == 0.2
            assert {colour(style) for style in styles_of(view, "cat 가 school 간다.")} == {
                NIGHT["translation"]
            }

    async def test_a_steered_term_wears_its_source_colour_in_the_translation(
        self, service: ReaderService
    ) -> None:
        service.add_term("친구", gloss="pal", lang="ko", status="1")
        async with make_app(service).run_test(size=(120, 30)) as pilot:
            screen = await open_article(pilot)
            await pilot.press("right_curly_bracket")
            await settle(pilot)
            view = screen.query_one(BilingualView)
            assert [background(style) for style in styles_of(view, "친구")][:1] == [NIGHT["term-1"]]
            [gloss] = [style for text, style in segments(view) if text == "pal"][:1]
            assert background(gloss) == NIGHT["term-1"]
            [rest] = styles_of(view, " book.")
            assert background(rest) == NIGHT["background"]
            # Reopened, the translation comes from the cache: the term is still marked.
            await pilot.press("escape")
            screen = await open_article(pilot)
            view = screen.query_one(BilingualView)
            assert screen.query_one(BilingualView).units[0].details[0].glosses
            await pilot.press("right_curly_bracket")
            await settle(pilot)
            [gloss] = [style for text, style in segments(view) if text == "pal"][:1]
            assert background(gloss) == NIGHT["term-1"]


async def test_a_term_not_applied_is_not_marked(
    service: ReaderService, sentinel_breaking_package: Path
) -> None:
    """The model damages the sentinel: the sentence falls back to the plain translation,
    which holds the gloss's word by itself ("friend"), but the term was not applied."""
    install_file(sentinel_breaking_package, get_paths().effective_models_dir())
    service.add_term("친구", gloss="friend", lang="ko", status="1")
    async with make_app(service).run_test(size=(120, 30)) as pilot:
        screen = await open_article(pilot)
        await pilot.press("right_curly_bracket")
        await settle(pilot)
        view = screen.query_one(BilingualView)
        assert view.units[0].targets[0] == "cat school friend book."
        assert view.units[0].details[0].glosses == ()
        [friend] = styles_of(view, "cat school friend book.")
        assert background(friend) == NIGHT["background"]
        assert [background(style) for style in styles_of(view, "친구")][:1] == [NIGHT["term-1"]]


async def wait_for(pilot: Pilot[None], check: Callable[[], bool], seconds: float = 30) -> None:
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


def dialog_lines(pilot: Pilot[None]) -> tuple[list[str], list[str]]:
    """The open ChooseDialog's lines about the sentence, and its options."""
    screen = pilot.app.screen
    assert isinstance(screen, ChooseDialog)
    about = [str(static.render()) for static in screen.query(".choose-about").results(Static)]
    options = [str(option.prompt) for option in screen.query_one(OptionList).options]
    return about, options


class TestAlternatives:
    async def test_the_key_shows_the_reason_and_the_n_best_and_choosing_one_keeps_it(
        self, service: ReaderService, ambiguous_package: Path
    ) -> None:
        install_file(ambiguous_package, get_paths().effective_models_dir())
        async with make_app(service).run_test(size=(120, 30)) as pilot:
            screen = await open_article(pilot)
            view = screen.query_one(BilingualView)
            first = view.units[0].targets[0]
            assert first in ("cat school friend book.", "friend school friend book.")
            await pilot.press("c")
            await settle(pilot)
            about, options = dialog_lines(pilot)
            assert about[0] == SURE and about[1] == f"→ {first}"
            assert about[2].startswith("confidence 0.") and "almost as likely" in about[2]
            [other] = {"cat school friend book.", "friend school friend book."} - {first}
            assert options == [other]
            await pilot.press("enter")
            await settle(pilot)
            assert view.units[0].targets[0] == other
            assert view.units[0].details[0].user == "alternative"
            assert "✎" in "".join(text for text, _style in segments(view))
            # Kept: re-opening the article shows it, and so does translating it again.
            await pilot.press("escape")
            screen = await open_article(pilot)
            view = screen.query_one(BilingualView)
            assert view.units[0].targets[0] == other
            assert view.units[0].details[0].user == "alternative"
            await pilot.press("ctrl+r")
            await settle(pilot)
            await translation_settled(pilot)
            assert view.units[0].targets[0] == other
            # And the dialog can go back to the model's translation.
            await pilot.press("c")
            await settle(pilot)
            about, options = dialog_lines(pilot)
            assert about[2] == "your own translation (alternative you chose)"
            assert options[-1].startswith("↺")
            await pilot.press("end", "enter")
            await settle(pilot)
            await wait_for(pilot, lambda: not view.units[0].details[0].user)
            assert view.units[0].targets[0] == first
        assert service.translate_text(SURE, "ko", "en")["pairs"][0]["target"] == first

    @pytest.mark.usefixtures("installed_tiny_models")
    async def test_without_alternatives_the_dialog_says_why(self, service: ReaderService) -> None:
        async with make_app(service).run_test(size=(120, 30)) as pilot:
            await open_article(pilot)
            await pilot.press("j", "c")
            await settle(pilot)
            screen = pilot.app.screen
            assert isinstance(screen, ChooseDialog)
            about = [str(s.render()) for s in screen.query(".choose-about").results(Static)]
            assert about[2] == "confidence 0.25 — Hangul left in the English"
            empty = str(screen.query_one(".choose-empty", Static).render())
            assert "B translates it again" in empty
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(pilot.app.screen, ArticleScreen)


@pytest.mark.usefixtures("installed_tiny_models")
class TestEdit:
    async def test_editing_a_translation_in_place_keeps_it_and_shows_it_edited(
        self, service: ReaderService
    ) -> None:
        async with make_app(service).run_test(size=(120, 30)) as pilot:
            screen = await open_article(pilot)
            await pilot.press("j", "E")
            await settle(pilot)
            prompt = pilot.app.screen.query_one("#prompt-translation", Input)
            assert prompt.value == "cat 가 school 간다."
            prompt.value = "The cat goes to school."
            await pilot.press("enter")
            await settle(pilot)
            view = screen.query_one(BilingualView)
            await wait_for(pilot, lambda: view.units[0].details[1].user == "edit")
            assert view.units[0].targets[1] == "The cat goes to school."
            await pilot.press("right_curly_bracket")
            await settle(pilot)
            [edited] = styles_of(view, "The cat goes to school.")
            assert colour(edited) == NIGHT["translation"]  # no longer unsure
            [mark] = [style for text, style in segments(view) if text.strip() == "✎"]
            assert colour(mark) == NIGHT["edited"]
            await pilot.press("escape")
            screen = await open_article(pilot)
            assert targets(screen)[0][1] == "The cat goes to school."
        pairs = service.translate_text(UNSURE, "ko", "en")["pairs"]
        assert (pairs[0]["target"], pairs[0]["edited"]) == ("The cat goes to school.", "edit")

    async def test_the_header_gives_the_cursor_sentences_confidence(
        self, service: ReaderService
    ) -> None:
        """The header follows the sentence cursor: the model's confidence in the
        sentence under it, and "your translation" once the reader's own is there."""
        async with make_app(service).run_test(size=(160, 30)) as pilot:
            screen = await open_article(pilot)
            view = screen.query_one(BilingualView)

            def header() -> str:
                return str(screen.query_one("#article-meta", Static).render())

            def says(text: str) -> Callable[[], bool]:
                return lambda: text in header()

            for sentence in (0, 1):
                confidence = view.units[0].details[sentence].confidence
                assert confidence is not None
                await wait_for(pilot, says(f"confidence {confidence:.2f}"))
                await pilot.press("j")
            await pilot.press("k", "E")
            await settle(pilot)
            pilot.app.screen.query_one("#prompt-translation", Input).value = "The cat goes."
            await pilot.press("enter")
            await wait_for(pilot, says("your translation"))
            assert "confidence" not in header()

    async def test_escape_leaves_the_translation_as_it_was(self, service: ReaderService) -> None:
        async with make_app(service).run_test(size=(120, 30)) as pilot:
            screen = await open_article(pilot)
            await pilot.press("E")
            await settle(pilot)
            await pilot.press("x", "escape")
            await settle(pilot)
            assert targets(screen)[0][0] == "cat school friend book."
            assert not screen.query_one(BilingualView).units[0].details[0].user


class TestTranslateAgain:
    @pytest.mark.usefixtures("installed_tiny_models")
    async def test_with_a_larger_beam_the_new_translation_replaces_and_is_kept(
        self, service: ReaderService
    ) -> None:
        async with make_app(service).run_test(size=(120, 30)) as pilot:
            screen = await open_article(pilot)
            await pilot.press("B")
            await settle(pilot)
            _about, options = dialog_lines(pilot)
            assert options == ["with a larger beam (8), translate-ko_en"]
            await pilot.press("enter")
            await settle(pilot)
            view = screen.query_one(BilingualView)
            await wait_for(pilot, lambda: view.units[0].details[0].user == "alternative")
            details = view.units[0].details[0]
            assert view.units[0].targets[0] == "cat school friend book."
            assert details.confidence is not None and details.confidence >= 0.9
            assert details.reason.startswith("model probability")
        pairs = service.translate_text(SURE, "ko", "en")["pairs"]
        assert pairs[0]["edited"] == "alternative"

    async def test_with_another_installed_model(
        self, service: ReaderService, installed_tiny_models: Path, installed_families: Path
    ) -> None:
        async with make_app(service).run_test(size=(120, 30)) as pilot:
            screen = await open_article(pilot)
            in_use = screen.model_name
            [other] = {"translate-ko_en", "opus-mt-ko-en"} - {in_use}
            await pilot.press("B")
            await settle(pilot)
            _about, options = dialog_lines(pilot)
            assert options[0] == f"with a larger beam (8), {in_use}"
            assert f"with {other}" in options
            await pilot.press(*["down"] * options.index(f"with {other}"), "enter")
            await settle(pilot)
            view = screen.query_one(BilingualView)
            await wait_for(pilot, lambda: view.units[0].details[0].user == "alternative")
        [by_other] = service.translations.translate(
            [SURE], "ko", "en", model=other, own_translations=False
        )
        kept = service.translate_text(SURE, "ko", "en")["pairs"][0]
        assert kept["edited"] == "alternative"
        assert by_other is not None
        assert view.units[0].targets[0] == kept["target"] == by_other.target
        # The two models agree on the words, not on how sure they are: the reason shown
        # is the other model's.
        [in_use_outcome] = service.translations.translate(
            [SURE], "ko", "en", model=in_use, own_translations=False
        )
        assert in_use_outcome is not None and in_use_outcome.reason != by_other.reason
        assert view.units[0].details[0].reason == by_other.reason


def test_the_glossary_is_built_once_per_article_and_direction(service: ReaderService) -> None:
    """A long article is submitted in parts: the glossaries built for the first part are
    used again for the next (building one over a large glossary takes a fraction of a
    second), and a direction only a later part needs is added."""
    from reader.ui.translation import glossaries_for

    service.add_term("친구", gloss="pal", lang="ko")
    known: dict[tuple[str, str], Glossary | None] = {}
    first = glossaries_for(service, ("ko", "en"), {}, known)
    glossary = first[("ko", "en")]
    assert glossary is not None and len(glossary) == 1
    later = glossaries_for(service, ("ko", "en"), {3: ("en", "ko")}, known)
    assert later[("ko", "en")] is glossary
    assert set(later) == set(known) == {("ko", "en"), ("en", "ko")}


async def test_a_random_weight_model_is_unsure_of_everything(
    service: ReaderService, random_package: Path
) -> None:
    install_file(random_package, get_paths().effective_models_dir())
    async with make_app(service).run_test(size=(120, 30)) as pilot:
        screen = await open_article(pilot)
        await pilot.press("right_curly_bracket")
        await settle(pilot)
        view = screen.query_one(BilingualView)
        first = view.units[0]
        assert all(target for target in first.targets)
        confidences = [first.details[index].confidence for index in range(len(first.spans))]
        assert all(value is not None and value < 0.5 for value in confidences), confidences
        for target in first.targets:
            assert target is not None
            drawn = {colour(style) for style in styles_of(view, target.split()[0])}
            assert drawn == {NIGHT["unsure"]}, target
