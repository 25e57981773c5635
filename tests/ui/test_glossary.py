"""The glossary screen: the table, filters, sorting, editing, deleting, occurrences."""

from __future__ import annotations

import re
import time

from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from reader.core.models import EntryData, Term
from reader.service import ReaderService
from reader.ui.app import ReaderApp
from reader.ui.dialogs.annotate import AnnotateDialog
from reader.ui.screens.article import ArticleScreen
from reader.ui.screens.glossary import GlossaryFilter, GlossaryScreen, sort_terms
from reader.ui.widgets.bilingual import BilingualView
from reader.ui.widgets.glossary_table import GlossaryTable
from tests.ui.conftest import entries, make_app, settle


def add_english_terms(service: ReaderService) -> None:
    service.add_term("council", gloss="의회", lang="en", status="2", tags=["politics"])
    service.add_term("budget", gloss="예산", lang="en", status="known")
    service.add_term("languages", gloss="언어", lang="en", status="4", note="plural")


async def open_glossary(app: object, pilot: object) -> GlossaryScreen:
    from textual.app import App

    assert isinstance(app, App)
    await settle(pilot)
    app.push_screen(GlossaryScreen())
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, GlossaryScreen)
    return screen


def texts(screen: GlossaryScreen) -> list[str]:
    return [term.text for term in screen.query_one(GlossaryTable).terms]


async def test_glossary_lists_filters_and_sorts(service: ReaderService) -> None:
    add_english_terms(service)
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_glossary(app, pilot)
        assert texts(screen) == ["languages", "budget", "council"]
        await pilot.press("o")  # by frequency
        assert screen.order == "frequency"
        await pilot.press("o")  # alphabetical
        assert texts(screen) == ["budget", "council", "languages"]
        await pilot.press("s")  # learning levels only
        assert texts(screen) == ["council", "languages"]
        await pilot.press("s", "s")  # status 2
        assert texts(screen) == ["council"]
        for _ in range(6):
            await pilot.press("s")
        assert screen.filter.status is None
        await pilot.press("slash")
        await pilot.press(*"예산")
        assert texts(screen) == ["budget"]
        await pilot.press("enter")
        assert screen.query_one(GlossaryTable).has_focus
        await pilot.press("slash", "backspace", "backspace", *"sod")  # keys type, not act
        assert screen.filter.text == "sod"
        assert screen.order == "alphabet" and screen.filter.status is None
        assert texts(screen) == []


async def test_status_keys_and_delete(service: ReaderService) -> None:
    add_english_terms(service)
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_glossary(app, pilot)
        table = screen.query_one(GlossaryTable)
        first = table.highlighted
        assert first is not None and first.text == "languages"
        await pilot.press("K")
        await settle(pilot)
        assert service.term(first.id).status == "known"
        await pilot.press("d")
        assert len(table.terms) == 3
        await pilot.press("d")
        await settle(pilot)
        assert texts(screen) == ["budget", "council"]
        assert [term.text for term in service.list_terms()] == ["budget", "council"]


async def test_edit_from_the_glossary(service: ReaderService) -> None:
    add_english_terms(service)
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_glossary(app, pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, AnnotateDialog)
        gloss = app.screen.query_one("#annotate-gloss", Input)
        assert gloss.value == "언어"
        gloss.value = "언어들"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen_stack[-1] is screen
        edited = next(t for t in service.list_terms() if t.text == "languages")
        assert edited.gloss == "언어들"
        assert screen.query_one(GlossaryTable).highlighted == edited


async def test_occurrences_open_the_article(service: ReaderService) -> None:
    add_english_terms(service)
    service.index_vocabulary()
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_glossary(app, pilot)
        await pilot.press("o", "o")  # alphabetical: budget, council, languages
        await pilot.press("home", "j")  # council
        await pilot.press("enter")
        await settle(pilot)
        options = screen.query_one("#glossary-occurrences", OptionList)
        assert options.option_count == 6  # the six English articles
        assert all("council" in o.sentence.lower() for o in screen.occurrences)
        assert options.has_focus
        council = screen.query_one(GlossaryTable).highlighted
        assert council is not None and screen.frequencies[council.id] == 6
        await pilot.press("enter")
        await settle(pilot)
        article = app.screen
        assert isinstance(article, ArticleScreen)
        first = screen.occurrences[0]
        assert article.article_id == first.article_id
        view = article.query_one(BilingualView)
        paragraph, sentence = view.cursor
        start, end = view.units[paragraph].spans[sentence]
        assert paragraph == first.paragraph and start <= first.start < end


async def test_an_occurrence_deeper_in_an_article_puts_the_cursor_on_it(
    service: ReaderService,
) -> None:
    service.add_term("eyes", gloss="눈", lang="en")
    service.index_vocabulary()
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_glossary(app, pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        article = app.screen
        assert isinstance(article, ArticleScreen)
        view = article.query_one(BilingualView)
        assert view.cursor == (1, 1)  # "The eyes never hunt." ends the second paragraph
        assert screen.occurrences[0].sentence == "The eyes never hunt."


def test_filter_and_sort_functions() -> None:
    terms = [
        Term(id=1, lang="ko", text="외교", lemma="외교", gloss="diplomacy", status="1",
             tags=["news"], created="2026-01-01"),
        Term(id=2, lang="en", text="summit", lemma="summit", gloss="정상회담", status="known",
             created="2026-01-02"),
    ]  # fmt: skip
    assert [t.id for t in terms if GlossaryFilter(tag="news").matches(t)] == [1]
    assert [t.id for t in terms if GlossaryFilter(text="DIPLO").matches(t)] == [1]
    assert [t.id for t in terms if GlossaryFilter(lang="en").matches(t)] == [2]
    assert [t.id for t in terms if GlossaryFilter(status="learning").matches(t)] == [1]
    assert [t.id for t in sort_terms(terms, "date", {})] == [2, 1]
    assert [t.id for t in sort_terms(terms, "frequency", {1: 5})] == [1, 2]


def insert_words(service: ReaderService, numbers: range) -> None:
    with service.store.transaction():
        for number in numbers:
            service.store.insert_term(
                Term(id=0, lang="en", text=f"word{number}", lemma=f"word{number}",
                     gloss=f"gloss {number}", pattern=f"word{number}")
            )  # fmt: skip


async def open_glossary_timed(app: ReaderApp, pilot: Pilot[None]) -> tuple[float, GlossaryTable]:
    """Seconds from pushing the glossary until its terms are shown, and its table."""
    started = time.perf_counter()
    await app.push_screen(GlossaryScreen())
    table = app.screen.query_one(GlossaryTable)
    while not table.terms:
        await pilot.pause(0.01)
    await pilot.pause()
    return time.perf_counter() - started, table


async def test_ten_thousand_terms_open_quickly(service: ReaderService) -> None:
    insert_words(service, range(1))
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        one_term, _ = await open_glossary_timed(app, pilot)  # the screen's own cost, this run
        await pilot.press("escape")
        await settle(pilot)
        insert_words(service, range(1, 10_000))
        seconds, table = await open_glossary_timed(app, pilot)
        # 5 s is generous on an idle machine (the benchmark has the real figure); a loaded
        # one (parallel workers, other jobs) slows the one-term screen as much.
        assert seconds < max(5, 20 * one_term), (seconds, one_term)
        await settle(pilot)  # the first page shows first; the rest follows from the worker
        assert len(table.terms) == 10_000
        await pilot.press("G")
        assert table.cursor == 9_999


async def test_tag_and_language_filters_from_keys(service: ReaderService) -> None:
    add_english_terms(service)
    service.add_term("외교", gloss="diplomacy", lang="ko", tags=["politics"])
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_glossary(app, pilot)
        await pilot.press("number_sign")
        await settle(pilot)
        await pilot.press(*"politics", "enter")
        await settle(pilot)
        assert sorted(texts(screen)) == ["council", "외교"]
        await pilot.press("L")  # Korean only
        assert texts(screen) == ["외교"]
        await pilot.press("L")  # English only
        assert texts(screen) == ["council"]
        await pilot.press("L", "number_sign")
        await settle(pilot)
        await pilot.press("enter")  # no tag: every tag
        await settle(pilot)
        assert len(texts(screen)) == 4


async def test_the_table_says_what_it_counts_and_shows_the_analysis_running(
    service: ReaderService,
) -> None:
    from textual.widgets import Static

    from reader.ui.widgets.glossary_table import GlossaryHeader

    add_english_terms(service)
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        feed = service.store.feed_by_url("https://news.example.org/feed.xml")
        assert feed is not None
        service.store.upsert_entries(feed.id, entries(300, start=12))  # not analysed yet
        screen = GlossaryScreen()
        app.push_screen(screen)
        await pilot.pause()
        summary = screen.query_one("#glossary-summary", Static)
        seen: list[str] = []
        for _ in range(6000):
            if screen.analysis is not None:
                seen.append(str(summary.render()))
            if service.vocabulary_pending_count() == 0 and screen.analysis is None:
                break
            await pilot.pause(0.005)
        await settle(pilot)
        assert all(re.search(r"analysing articles \d+/\d+…", text) for text in seen), seen
        assert service.vocabulary_pending_count() == 0
        assert screen.analysis is None and "analysing" not in str(summary.render())
        assert "arts: analysed articles containing it" in str(summary.render())
        assert "arts" in str(screen.query_one(GlossaryHeader).render())
        assert "freq" not in str(screen.query_one(GlossaryHeader).render())
        screen._set_analysis((100, 300))
        assert "analysing articles 100/300…" in str(summary.render())


async def test_the_occurrences_panel_counts_articles_and_follows_the_cursor(
    service: ReaderService,
) -> None:
    from textual.widgets import Static

    feed, _ = service.store.add_feed("https://twice.example/feed.xml", "Twice")
    service.store.upsert_entries(
        feed.id,
        [
            EntryData(
                guid="twice",
                title="Council and council",
                paragraphs=["The council met.", "Then the council voted."],
                published="2030-01-01T00:00:00+00:00",
                language="en",
            )
        ],
    )
    add_english_terms(service)
    service.index_vocabulary()
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_glossary(app, pilot)
        table = screen.query_one(GlossaryTable)
        await pilot.press("o", "o")  # alphabetical: budget, council, languages
        await pilot.press("home", "j")
        council = table.highlighted
        assert council is not None and council.text == "council"
        await pilot.press("enter")
        await settle(pilot)
        detail = str(screen.query_one("#glossary-detail", Static).render())
        assert len(screen.occurrences) == 8 and screen.frequencies[council.id] == 7
        assert "8 occurrences in 7 articles" in detail
        await pilot.press("escape")  # back to the table, the panel stays open
        assert table.has_focus
        await pilot.press("k")  # budget
        await pilot.pause(0.4)
        await settle(pilot)
        assert table.has_focus, "following the cursor does not take the focus"
        assert all("budget" in o.sentence.lower() for o in screen.occurrences)
        assert screen.occurrences
        assert "budget" in str(screen.query_one("#glossary-detail", Static).render())
