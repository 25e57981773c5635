"""One query, three ways: ``reader list --where``, the TUI's search box and a saved
search in the sidebar (made with ctrl+s in the search box) show the same articles."""

from __future__ import annotations

import json

from textual.widgets import Input, Label

from reader.service import ReaderService
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.collections import CollectionTree
from tests.conftest import run_reader
from tests.ui.conftest import make_app, settle

QUERY = 'unread and (has:친구 or council) and not title:"기사 4"'


def _prepare(service: ReaderService) -> list[int]:
    """A glossary term, analysed articles, some read; the ids the query must find."""
    every = [summary.id for summary in service.list_articles()]
    service.set_read(every[:3], True)
    service.add_term("친구", gloss="friend", status="3")
    assert service.index_vocabulary() == len(every)
    expected = [summary.id for summary in service.query_articles(QUERY)]
    assert 0 < len(expected) < len(every) - 3
    return expected


def _shown(app: object) -> list[int]:
    article_list = app.screen.query_one(ArticleList)  # type: ignore[attr-defined]
    return [summary.id for _index, summary in article_list.loaded_rows()]


async def test_cli_search_box_and_saved_collection_agree(service: ReaderService) -> None:
    expected = _prepare(service)
    listed = run_reader("list", "--where", QUERY, "--json")
    assert listed.returncode == 0, listed.stderr
    assert [row["id"] for row in json.loads(listed.stdout)] == expected

    app = make_app(service)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        app.screen.query_one(Input).value = QUERY
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.sub_title == f"Search: {QUERY}"
        assert _shown(app) == expected

        await pilot.press("slash")
        await settle(pilot)
        app.screen.query_one(Input).value = QUERY
        await pilot.press("ctrl+s")
        await settle(pilot)
        app.screen.query_one(Input).value = "Friends"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.sub_title == "Friends"
        assert _shown(app) == expected
        tree = app.screen.query_one(CollectionTree)
        node = tree._collection_nodes["saved:Friends"]
        assert str(node.label) == f"Friends {len(expected)}"

        # Leave for All unread, then come back through the sidebar.
        tree.select_key("unread")
        await settle(pilot)
        assert len(_shown(app)) > len(expected)
        tree.select_key("saved:Friends")
        await settle(pilot)
        assert _shown(app) == expected

    saved = run_reader("saved", "list", "--json")
    assert json.loads(saved.stdout) == [
        {"name": "Friends", "query": QUERY, "unread": len(expected)}
    ]
    listed = run_reader("list", "--where", QUERY, "--unread", "--limit", "1", "--json")
    assert [row["id"] for row in json.loads(listed.stdout)] == expected[:1]


async def test_an_invalid_query_in_the_search_box_is_shown_and_asked_again(
    service: ReaderService,
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        before = (app.screen.sub_title, app.screen.query_one(ArticleList).total)
        await pilot.press("slash")
        await settle(pilot)
        app.screen.query_one(Input).value = "unread and (feed:hani"
        await pilot.press("enter")
        await settle(pilot)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors == ["Search: position 21: expected ')'"]
        field = app.screen.query_one(Input)
        assert field.value == "unread and (feed:hani", "asked again"
        hint = str(app.screen.query_one("#prompt-hint", Label).render())
        assert hint.startswith("✗ position 21: expected ')'")
        assert field.cursor_position == 21, "the cursor is where the error is"
        await pilot.press("ctrl+s")  # an invalid query is not saved either
        await settle(pilot)
        assert service.saved_searches() == []
        await pilot.press("escape")
        await settle(pilot)
        assert (app.screen.sub_title, app.screen.query_one(ArticleList).total) == before


async def test_plain_words_still_search_the_text(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"고양", "enter")
        await settle(pilot)
        assert app.screen.query_one(ArticleList).total == 6
        await pilot.press("slash", *"council budget", "enter")
        await settle(pilot)
        assert app.screen.query_one(ArticleList).total == 6


def test_cli_errors_are_one_line() -> None:
    result = run_reader("list", "--where", "unread and (feed:hani")
    assert result.returncode != 0
    assert result.stderr.strip() == "reader: --where: position 21: expected ')'"
    result = run_reader("saved", "add", "broken", "colour:red")
    assert result.returncode != 0
    assert result.stderr.strip().startswith("reader: query: position 0: unknown field 'colour:'")
    assert "\n" not in result.stderr.strip()
    result = run_reader("saved", "remove", "nothing")
    assert result.stderr.strip() == "reader: no saved search named 'nothing'"


async def test_a_query_waiting_for_analysis_says_so_instead_of_the_last_list(
    service: ReaderService,
) -> None:
    """``known>80%`` over articles never analysed: while they are analysed (held here
    until the list is looked at), the list says what it waits for, not the rows of the
    collection the search started from; then it shows what matches."""
    import threading

    looked, analyse = threading.Event(), service.index_vocabulary

    def held_analysis(limit: int | None = None) -> int:
        looked.wait(30)
        return analyse(limit)

    service.index_vocabulary = held_analysis  # type: ignore[method-assign]
    app = make_app(service)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert _shown(app)
        await pilot.press("slash")
        await settle(pilot)
        app.screen.query_one(Input).value = "known>80%"
        await pilot.press("enter")
        for _ in range(200):
            if not _shown(app):
                break
            await pilot.pause(0.05)
        article_list = app.screen.query_one(ArticleList)
        assert _shown(app) == [] and "Analysing the articles" in article_list.empty_text
        looked.set()
        await settle(pilot)
        assert article_list.empty_text == "Nothing matches 'known>80%'."
