"""L looks the word under the word cursor up in the installed dictionaries; a makes it
a term with the dictionary's glosses offered."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from reader.core.dictionary import Dictionary, LookupEntry, LookupResult
from reader.core.dictionary_formats import Sense
from reader.service import ReaderService
from reader.ui.dialogs.annotate import AnnotateDialog
from reader.ui.dialogs.lookup import LookupDialog, render_lookup
from tests.dictionary.conftest import krdict_xml
from tests.ui.conftest import make_app, settle
from tests.ui.test_article_terms import open_first_article, selected


def install(service: ReaderService, tmp_path: Path) -> None:
    source = tmp_path / "krdict.xml"
    words = {"학교": "초급", "학교생활": "중급", "친구": "초급"}
    glosses = {"학교": "school", "학교생활": "school life", "친구": "friend"}
    source.write_text(krdict_xml(words, glosses), encoding="utf-8")
    service.dict_install(source)


def shown(dialog: LookupDialog) -> str:
    rendered = dialog.query_one("#lookup-text", Static).render()
    assert isinstance(rendered, Content | Text)
    return rendered.plain


async def test_l_shows_exact_entries_then_compounds_and_the_source(
    service: ReaderService, tmp_path: Path
) -> None:
    install(service, tmp_path)
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        _screen, view = await open_first_article(pilot)
        await pilot.press("l", "l")
        assert selected(view) == "학교에서"
        await pilot.press("L")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LookupDialog)
        text = shown(dialog)
        assert text.index("학교  명사, 초급") < text.index("school")
        assert text.index("school") < text.index("Compounds") < text.index("학교생활")
        assert "[krdict] " in text and "Sources" in text
        assert dialog.result is not None and dialog.result.lemma == "학교"
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AnnotateDialog)
        assert form.annotation.text == "학교에서"
        assert "school" in form.choices


async def test_escape_closes_and_no_dictionary_says_how_to_get_one(
    service: ReaderService,
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, _view = await open_first_article(pilot)
        await pilot.press("l", "L")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LookupDialog)
        assert "reader dict install" in shown(dialog)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


def test_dictionary_text_is_shown_literally() -> None:
    hostile = "\x1b[31mred\x1b]0;title\x07 [bold]x[/bold]"
    entry = LookupEntry(
        headword="학교" + hostile,
        lemma="학교",
        match="exact",
        reading="",
        hanja="",
        pos="",
        level="",
        senses=(Sense(gloss="school" + hostile, definition="", native=""),),
        dictionary="evil",
    )
    source = Dictionary("evil", "Evil\x1b[2J", "yomitan", "", "", "", 1, "", "")
    text = render_lookup(LookupResult("학교", "학교", [entry], {"evil": source})).plain
    assert "\x1b" not in text and "\x07" not in text
    assert "[bold]x[/bold]" in text
