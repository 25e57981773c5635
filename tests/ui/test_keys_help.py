"""What keys really do: conflicts reported once, the help list and the one-line key hints."""

from __future__ import annotations

import io

from rich.console import Console
from textual.command import CommandPalette
from textual.widgets import Static

from reader.service import ReaderService
from reader.ui.keymap import MAX_KEYMAP_ENTRIES, find_conflicts, lost_keys
from reader.ui.screens.article import ArticleScreen
from reader.ui.screens.help import HelpScreen, binding_sections, key_contexts
from reader.ui.widgets.bilingual import BilingualView
from reader.ui.widgets.key_hints import KeyHints
from tests.ui.conftest import make_app, record_notifications, settle


def help_text(screen: HelpScreen, width: int = 120) -> str:
    console = Console(record=True, width=width, file=io.StringIO())
    for static in screen.query(Static):
        console.print(static.content)
    return console.export_text()


def help_row(text: str, binding_id: str) -> str:
    """The table row of a binding (not a line of the conflicts note above the tables)."""
    rows = [line for line in text.splitlines() if line.rstrip().endswith(" " + binding_id)]
    return rows[-1]


def hints_of(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    return str(screen.query_one(KeyHints).render())


def test_the_default_keys_take_no_key_from_another_action() -> None:
    contexts = key_contexts()
    assert lost_keys(contexts, find_conflicts(contexts, {})) == {}


async def test_a_keymap_conflict_is_reported_once_and_help_and_hints_tell_the_truth(
    service: ReaderService,
) -> None:
    service.config.keys = {"next_sentence": "n,down"}
    app = make_app(service)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        warnings = [n.message for n in app._notifications if "two actions" in n.message]
        assert len(warnings) == 1
        assert "n does next_sentence in the article, not article_next_unread" in warnings[0]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert "Next unread" not in hints_of(app)
        view = app.screen.query_one(BilingualView)
        await pilot.press("n")
        await settle(pilot)
        assert view.cursor == (0, 1), "n moved the sentence cursor, as help now says"
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = help_text(app.screen)
        assert "Key conflicts from [keys]" in text
        assert "(none)" in help_row(text, "article_next_unread")
        assert help_row(text, "next_sentence").lstrip().startswith("n, ↓")
        assert help_row(text, "next_unread").lstrip().startswith("n "), "main screen keeps n"
    assert sum("two actions" in n.message for n in app._notifications) <= 1


async def test_the_footer_keeps_the_essential_keys_at_80_columns(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        narrow = hints_of(app)
        assert narrow.startswith("q Back/Quit  ? Keys  ^p Commands")
        assert len(narrow) <= 78, "no hint is cut in half"
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        wide = hints_of(app)
        assert wide.startswith(narrow) and len(wide) > len(narrow)
        assert "/ Search" in wide


async def test_help_names_keys_as_typed_with_double_presses_and_alternatives(
    service: ReaderService,
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = help_text(app.screen)
        assert "number_sign" not in text and "question_mark" not in text
        assert help_row(text, "glossary_filter_tag").lstrip().startswith("# ")
        assert help_row(text, "delete_term").lstrip().startswith("D D ")
        assert help_row(text, "glossary_delete").lstrip().startswith("d d ")
        assert help_row(text, "annotate_save").lstrip().startswith("enter, ctrl+s ")
        assert help_row(text, "suggestion_accept").lstrip().startswith("enter, a ")
        assert help_row(text, "tree_last").lstrip().startswith("G, end ")
        assert help_row(text, "tree_first").lstrip().startswith("home ")
        id_columns, does_columns = set(), set()
        for _, bindings in binding_sections():
            for binding in bindings:
                row = help_row(text, binding.id or "")
                id_columns.add(row.rstrip().rindex(" " + (binding.id or "")))
                does_columns.add(
                    row.index(" " + (binding.tooltip or binding.description).split()[0])
                )
        assert len(id_columns) == 1, "the id column lines up across sections"
        assert len(does_columns) == 1, "so does the description column"


async def test_question_mark_opens_help_at_the_current_screens_section(
    service: ReaderService,
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen) and app.screen.start_at == "Main screen"
        await pilot.press("escape", "enter")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen) and help_screen.start_at == "Article"
        body = help_screen.query_one("#help-body")
        sections = [title for title, _ in binding_sections()]
        article = help_screen.query_one(f"#help-section-{sections.index('Article')}")
        assert body.scroll_y > 0
        assert article.region.y == body.content_region.y, "the Article section is at the top"


async def test_the_palette_names_keys_as_typed_and_lists_keys_once(
    service: ReaderService,
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        commands = list(app.get_system_commands(app.screen))
        titles = [command.title for command in commands]
        assert titles.count("Keys") == 1
        keys = next(command for command in commands if command.title == "Keys")
        assert keys.help == "help (?)"
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)


async def test_a_huge_keys_table_is_capped_and_reported_once(service: ReaderService) -> None:
    service.config.keys = {f"no_such_action_{n}": "x" for n in range(20_000)}
    service.config.keys["list_down"] = "x"  # past the cap: not read
    app = make_app(service)
    messages = record_notifications(app)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        assert len(app.keymap) == MAX_KEYMAP_ENTRIES
        capped = [m for m in messages if "only the first" in m]
        assert len(capped) == 1 and "20,001 entries" in capped[0]
        unknown = next(m for m in messages if "names no action" in m)
        assert len(unknown) < 600 and "more" in unknown
        assert app.is_running
