"""Terms in the article view: highlights, the word cursor, the annotate flow from keys,
status keys, editing and deleting, suggestions, and the glossary key."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from reader.service import ReaderService
from reader.ui.dialogs.annotate import AnnotateDialog
from reader.ui.screens.article import ArticleScreen
from reader.ui.widgets.bilingual import BilingualView
from reader.ui.widgets.suggestions import SuggestionsPanel
from tests.ui.conftest import focused, make_app, settle

FIRST = "오늘 학교에서 친구를 만났다. 우리는 함께 책을 읽었다."
"""The first paragraph of the newest (Korean) test article."""


async def open_first_article(pilot: Pilot[None]) -> tuple[ArticleScreen, BilingualView]:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ArticleScreen)
    return screen, screen.query_one(BilingualView)


def selected(view: BilingualView) -> str:
    selection = view.word_selection()
    assert selection is not None
    paragraph, start, end = selection
    return view.units[paragraph].source[start:end]


def matched(screen: ArticleScreen, paragraph: int = 0) -> list[tuple[str, str]]:
    source = screen.query_one(BilingualView).units[paragraph].source
    return [(source[m.start : m.end], m.status) for m in screen.terms.matches_of(paragraph)]


def styled(view: BilingualView, paragraph: int, component: str) -> list[str]:
    """The parts of a paragraph's source text drawn with a component's style."""
    unit = view.units[paragraph]
    text = view._source_text(unit, None)
    style = view.get_component_rich_style(component, partial=True)
    return [text.plain[span.start : span.end] for span in text.spans if span.style == style]


async def test_terms_are_highlighted_by_status(service: ReaderService) -> None:
    service.add_term("학교", gloss="school", lang="ko", status="1")
    service.add_term("읽다", gloss="read", lang="ko", status="known")
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, view = await open_first_article(pilot)
        assert matched(screen) == [("학교에서", "1"), ("읽었다", "known")]
        assert styled(view, 0, "bilingual--term-1") == ["학교에서"]
        for level in ("2", "3"):  # a known term is not marked
            assert styled(view, 0, f"bilingual--term-{level}") == []


async def test_word_cursor_selection_and_the_annotate_flow(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, view = await open_first_article(pilot)
        assert selected(view) == "오늘"
        await pilot.press("l")  # the first word key shows the cursor on the first word
        assert selected(view) == "오늘"
        assert styled(view, 0, "bilingual--word") == ["오늘"]
        await pilot.press("l")
        assert selected(view) == "학교에서"
        assert styled(view, 0, "bilingual--word") == ["학교에서"]
        await pilot.press("v", "l")
        assert selected(view) == "학교에서 친구를"
        await pilot.press("A")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AnnotateDialog)
        assert dialog.query_one("#annotate-text", Input).value == "학교에서 친구를"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("v")  # back to one word: the cursor's
        assert selected(view) == "친구를"
        await pilot.press("h", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AnnotateDialog)
        assert dialog.query_one("#annotate-text", Input).value == "학교에서"
        assert dialog.query_one("#annotate-lemma", Input).value == "학교"
        assert dialog.annotation.sentence == "오늘 학교에서 친구를 만났다."
        dialog.query_one("#annotate-gloss", Input).value = "school"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        (term,) = service.list_terms()
        assert (term.text, term.lemma, term.gloss) == ("학교에서", "학교", "school")
        assert term.article_id == screen.article_id
        assert matched(screen) == [("학교에서", "1")]


async def test_status_keys_edit_and_delete(service: ReaderService) -> None:
    service.add_term("학교", gloss="school", lang="ko", status="1")
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, view = await open_first_article(pilot)
        await pilot.press("l", "l", "3")
        await settle(pilot)
        (term,) = service.list_terms()
        assert term.status == "3"
        assert matched(screen) == [("학교에서", "3")]
        assert styled(view, 0, "bilingual--term-2") == ["학교에서"]  # levels 2 and 3 share
        await pilot.press("K")
        await settle(pilot)
        assert service.term(term.id).status == "known"
        assert styled(view, 0, "bilingual--term-2") == []
        await pilot.press("l", "2")  # 친구를: not a term yet, becomes one
        await settle(pilot)
        friend = next(t for t in service.list_terms() if t.lemma == "친구")
        assert (friend.status, friend.text) == ("2", "친구를")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, AnnotateDialog)
        assert app.screen.annotation.term_id == friend.id
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("D", "D")
        await settle(pilot)
        assert [t.lemma for t in service.list_terms()] == ["학교"]
        assert matched(screen) == [("학교에서", "known")]


async def test_suggestions_panel_feeds_the_form(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(140, 40)) as pilot:
        screen, _ = await open_first_article(pilot)
        panel = screen.query_one(SuggestionsPanel)
        assert panel.styles.display == "none"
        await pilot.press("S")
        await settle(pilot)
        assert panel.styles.display == "block"
        texts = [suggestion.text for suggestion in panel.suggestions]
        assert "학교" in texts and "고양이" in texts
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AnnotateDialog)
        assert dialog.annotation.text == panel.suggestions[0].text
        assert dialog.annotation.sentence
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("S")
        assert panel.styles.display == "none"


async def test_english_terms_highlight_in_the_interlinear_layout(service: ReaderService) -> None:
    service.add_term("council", gloss="의회", lang="en", status="2")
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")  # the newest English article
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        view = screen.query_one(BilingualView)
        while view.reading_layout != "interlinear":
            await pilot.press("t")
        assert matched(screen) == [("council", "2")]
        strips = view._block(0).strips
        style = view.get_component_rich_style("bilingual--term-2", partial=True)
        marked = [
            segment.text
            for strip in strips
            for segment in strip
            if segment.style is not None and segment.style.bgcolor == style.bgcolor
        ]
        assert "council" in "".join(marked)


async def test_glossary_key_from_the_main_screen(service: ReaderService) -> None:
    from reader.ui.screens.glossary import GlossaryScreen

    service.add_term("council", gloss="의회", lang="en")
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, GlossaryScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, GlossaryScreen)


def test_highlighting_and_annotating_korean_never_load_kiwipiepy_here() -> None:
    """Analysis, lemmas, matching, status keys and the edit form of a Korean article work
    through the helper process, even for terms stored before their patterns were computed."""
    import os
    import subprocess
    import sys
    import textwrap

    code = """
        import asyncio, sys
        from reader.core.models import EntryData, Term
        from reader.service import ReaderService
        from reader.ui.app import ReaderApp
        from reader.ui.dialogs.annotate import AnnotateDialog
        from reader.ui.screens.article import ArticleScreen
        from reader.ui.widgets.article_list import ArticleList

        service = ReaderService()
        service.store.set_meta("demo_offered", "1")
        feed, _ = service.store.add_feed("https://k.example/feed.xml", "K")
        service.store.upsert_entries(feed.id, [EntryData(
            guid="k", title="한국어", language="ko",
            paragraphs=["오늘 학교에서 친구를 만났다. 우리는 함께 책을 읽었다."])])
        service.store.insert_term(Term(id=0, lang="ko", text="학교", lemma="학교", gloss="school"))

        async def main():
            app = ReaderApp(service)
            async with app.run_test(size=(100, 30)) as pilot:
                while not app.screen.query_one(ArticleList).total:
                    await pilot.pause(0.01)
                await pilot.press("enter")
                screen = app.screen
                assert isinstance(screen, ArticleScreen)
                for _ in range(9000):
                    if screen.terms.matches:
                        break
                    await pilot.pause(0.01)
                await pilot.press("l", "l", "l", "enter")
                for _ in range(9000):
                    dialog = app.screen
                    if isinstance(dialog, AnnotateDialog) and dialog.query_one(
                        "#annotate-lemma").value:
                        break
                    await pilot.pause(0.01)
                lemma = dialog.query_one("#annotate-lemma").value
                await pilot.press("escape")
                await pilot.pause(0.1)
                await pilot.press("h", "3")  # 학교에서: the stored term
                for _ in range(9000):
                    if service.term(1).status == "3":
                        break
                    await pilot.pause(0.01)
                await pilot.press("e")  # its form: glosses looked up by lemma
                for _ in range(9000):
                    dialog = app.screen
                    if isinstance(dialog, AnnotateDialog) and dialog.choices:
                        break
                    await pilot.pause(0.01)
                print(screen.terms.matches[0][0].term_id, lemma, service.term(1).status,
                      dialog.choices[0], "kiwipiepy" in sys.modules)
                app.exit()

        asyncio.run(main())
    """
    process = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=180,
        env=os.environ.copy(),
    )
    assert process.returncode == 0, process.stderr
    assert process.stdout.split() == ["1", "친구", "3", "school", "False"]


async def test_difficulty_is_shown_in_the_list_and_sorts_it(service: ReaderService) -> None:
    from reader.ui.widgets.article_list import ArticleList

    for word in ("council", "budget", "city", "approved", "met"):
        service.add_term(word, lang="en", status="known")
    service.index_vocabulary()
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        newest = article_list.highlighted
        assert newest is not None and newest.title.startswith("기사 0")
        assert article_list.difficulties[newest.id] == 0.0
        english = article_list._rows[1]
        assert 0 < article_list.difficulties[english.id] < 1
        assert "%" in article_list.row_text(english, 100).plain
        await pilot.press("D")
        await settle(pilot)
        easiest = article_list.highlighted
        assert easiest is not None and easiest.title.startswith("Article")
        await pilot.press("D")
        await settle(pilot)
        assert article_list.highlighted == newest


async def test_term_keys_can_be_rebound(service: ReaderService) -> None:
    service.config.keys = {"next_word": "u", "annotate": "ctrl+a", "glossary": "ctrl+g"}
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, view = await open_first_article(pilot)
        await pilot.press("u", "u")
        assert selected(view) == "학교에서"
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert isinstance(app.screen, AnnotateDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen_stack[-1] is screen


async def test_palette_offers_the_term_actions(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Glossary", "Easiest first"} <= titles
        await open_first_article(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Annotate", "Suggestions", "Term known", "Next word", "Select words"} <= titles


async def test_the_preview_highlights_terms_too(service: ReaderService) -> None:
    service.add_term("학교", gloss="school", lang="ko", status="2")
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        preview = app.screen.query_one("#preview", BilingualView)
        unit = preview.units[0]
        assert [(unit.source[s:e], level) for s, e, level, _term in unit.terms] == [("학교에서", 2)]


async def test_the_suggestions_panel_takes_the_keys_while_focused(service: ReaderService) -> None:
    from textual.widgets import OptionList

    app = make_app(service)
    async with app.run_test(size=(140, 40)) as pilot:
        screen, view = await open_first_article(pilot)
        panel = screen.query_one(SuggestionsPanel)
        options = panel.query_one(OptionList)
        await pilot.press("S")
        await settle(pilot)
        assert app.focused is options
        await pilot.press("tab")
        assert focused(app) is view, "tab goes back to the article"
        await pilot.press("tab")
        assert focused(app) is options, "and tab comes back to the panel"
        cursor = view.cursor
        await pilot.press("j")
        assert view.cursor == cursor, "j moves in the panel, not the article"
        assert options.highlighted == 1
        await pilot.press("k", "j")
        assert options.highlighted == 1 and view.cursor == cursor
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AnnotateDialog)
        assert dialog.annotation.text == panel.suggestions[1].text
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is options, "the panel keeps the focus after the form"
        assert options.highlighted == 1
