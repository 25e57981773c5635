"""The ``?`` screen: every binding of every screen, with the keys the user's keymap gives it."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.ui.keymap import KeyContext, display_key, key_list

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp


DOUBLE_PRESS = frozenset({"delete_term", "glossary_delete"})
"""Actions that ask for the key twice (``D D``): one press only arms them."""
ALSO_BY = {
    "annotate_save": "enter",
    "suggestion_accept": "enter",
}
"""Keys that also run an action, handled by the widget itself (not a rebindable binding)."""
KEY_COLUMN = 16
"""Widest keys column; longer key lists wrap."""


def _layers(*classes: type[DOMNode]) -> tuple[tuple[Binding, ...], ...]:
    return tuple(
        tuple(b for b in cls.BINDINGS if isinstance(b, Binding) and b.id) for cls in classes
    )


def _classes() -> dict[str, type[DOMNode]]:
    from reader.ui.app import ReaderApp
    from reader.ui.dialogs.add_feed import AddFeedDialog
    from reader.ui.dialogs.annotate import AnnotateDialog
    from reader.ui.dialogs.confirm import ConfirmDialog
    from reader.ui.dialogs.lookup import LookupDialog
    from reader.ui.dialogs.prompt import PromptDialog
    from reader.ui.screens.article import ArticleScreen
    from reader.ui.screens.database_error import DatabaseErrorScreen
    from reader.ui.screens.glossary import GlossaryScreen
    from reader.ui.screens.main import MainScreen
    from reader.ui.screens.mining import MinedList, MiningScreen
    from reader.ui.screens.translator import TranslatorScreen
    from reader.ui.widgets.article_list import ArticleList
    from reader.ui.widgets.bilingual import BilingualView
    from reader.ui.widgets.collections import CollectionTree
    from reader.ui.widgets.glossary_table import GlossaryTable
    from reader.ui.widgets.suggestions import SuggestionsPanel

    return {
        cls.__name__: cls
        for cls in (
            ReaderApp, AddFeedDialog, AnnotateDialog, ConfirmDialog, PromptDialog, ArticleScreen,
            DatabaseErrorScreen, GlossaryScreen, MainScreen, TranslatorScreen, ArticleList,
            BilingualView, CollectionTree, GlossaryTable, SuggestionsPanel, HelpScreen,
            LookupDialog, MiningScreen, MinedList,
        )
    }  # fmt: skip


def binding_sections() -> list[tuple[str, list[Binding]]]:
    """Every binding with an id, grouped by where it works."""
    c = _classes()
    sections: list[tuple[str, list[BindingType]]] = [
        ("Everywhere", c["ReaderApp"].BINDINGS),
        ("Main screen", c["MainScreen"].BINDINGS),
        ("Article list", c["ArticleList"].BINDINGS),
        ("Collections", c["CollectionTree"].BINDINGS),
        ("Article", c["ArticleScreen"].BINDINGS),
        ("Reading (sentence cursor)", c["BilingualView"].BINDINGS),
        ("Translator", c["TranslatorScreen"].BINDINGS),
        ("Suggestions panel", c["SuggestionsPanel"].BINDINGS),
        ("Annotation form", c["AnnotateDialog"].BINDINGS),
        ("Glossary", [*c["GlossaryScreen"].BINDINGS, *c["GlossaryTable"].BINDINGS]),
        ("Dictionary lookup", c["LookupDialog"].BINDINGS),
        ("Sentence mining", [*c["MiningScreen"].BINDINGS, *c["MinedList"].BINDINGS]),
        (
            "Dialogs and this list",
            [
                *c["PromptDialog"].BINDINGS,
                *c["AddFeedDialog"].BINDINGS,
                *c["ConfirmDialog"].BINDINGS,
                *c["DatabaseErrorScreen"].BINDINGS,
                *HelpScreen.BINDINGS,
            ],
        ),
    ]
    return [
        (title, [b for b in bindings if isinstance(b, Binding) and b.id])
        for title, bindings in sections
    ]


def key_contexts() -> list[KeyContext]:
    """Every place keys are pressed, with the bindings Textual searches there, in order."""
    c = _classes()
    app = c["ReaderApp"]
    return [
        KeyContext("the article list", _layers(c["ArticleList"], c["MainScreen"], app)),
        KeyContext("the collections", _layers(c["CollectionTree"], c["MainScreen"], app)),
        KeyContext("the article", _layers(c["BilingualView"], c["ArticleScreen"], app)),
        KeyContext(
            "the suggestions panel", _layers(c["SuggestionsPanel"], c["ArticleScreen"], app)
        ),
        KeyContext("the translator", _layers(c["TranslatorScreen"], app)),
        KeyContext("the translation", _layers(c["BilingualView"], c["TranslatorScreen"], app)),
        KeyContext("the glossary", _layers(c["GlossaryTable"], c["GlossaryScreen"], app)),
        KeyContext("the annotation form", _layers(c["AnnotateDialog"], app)),
        KeyContext("the dictionary lookup", _layers(c["LookupDialog"], app)),
        KeyContext("sentence mining", _layers(c["MinedList"], c["MiningScreen"], app)),
        KeyContext("a prompt", _layers(c["PromptDialog"], app)),
        KeyContext("adding a feed", _layers(c["AddFeedDialog"], app)),
        KeyContext("a question", _layers(c["ConfirmDialog"], app)),
        KeyContext("the database error", _layers(c["DatabaseErrorScreen"], app)),
        KeyContext("the key list", _layers(HelpScreen, app)),
    ]


SECTION_OF_SCREEN = {
    "MainScreen": "Main screen",
    "ArticleScreen": "Article",
    "TranslatorScreen": "Translator",
    "GlossaryScreen": "Glossary",
    "LookupDialog": "Dictionary lookup",
    "MiningScreen": "Sentence mining",
    "AnnotateDialog": "Annotation form",
    "PromptDialog": "Dialogs and this list",
    "AddFeedDialog": "Dialogs and this list",
    "ConfirmDialog": "Dialogs and this list",
}
SECTION_OF_FOCUS = {
    "CollectionTree": "Collections",
    "SuggestionsPanel": "Suggestions panel",
}


def section_for(screen: object, focused: object | None) -> str:
    """The help section about where the user is: the focused panel's, or the screen's."""
    node = focused
    while node is not None:
        name = type(node).__name__
        if name in SECTION_OF_FOCUS:
            return SECTION_OF_FOCUS[name]
        node = getattr(node, "parent", None)
    return SECTION_OF_SCREEN.get(type(screen).__name__, "Everywhere")


def all_binding_ids() -> set[str]:
    return {binding.id for _, bindings in binding_sections() for binding in bindings if binding.id}


class HelpScreen(ModalScreen[None]):
    """A scrollable table of keys; any of escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help_close"),
    ]

    def __init__(self, start_at: str = "Everywhere") -> None:
        super().__init__()
        self.start_at = start_at
        """The section shown first: the one about the screen ``?`` was pressed on."""

    def compose(self) -> ComposeResult:
        app = cast("ReaderApp", self.app)
        with VerticalScroll(id="help-body"):
            yield Static(
                Text("Keys  (rebind any of them by id in [keys] of config.toml)", style="bold")
            )
            if app.key_conflicts:
                lines = Text("Key conflicts from [keys]:\n", style="bold")
                for conflict in app.key_conflicts:
                    lines.append(f"  {conflict.describe()}\n", style="")
                yield Static(lines, id="help-conflicts")
            sections = binding_sections()
            rows = [
                (title, [(help_keys(app, b), b.tooltip or b.description, b.id or "") for b in bs])
                for title, bs in sections
            ]
            every_row = [row for _, section_rows in rows for row in section_rows]
            widths = (
                min(KEY_COLUMN, max(len(keys) for keys, _, _ in every_row)),
                max(len(binding_id) for _, _, binding_id in every_row),
            )
            for number, (title, section_rows) in enumerate(rows):
                yield Static(
                    _section_table(title, section_rows, widths), id=f"help-section-{number}"
                )

    def on_mount(self) -> None:
        titles = [title for title, _ in binding_sections()]
        if self.start_at in titles and self.start_at != titles[0]:
            section = self.query_one(f"#help-section-{titles.index(self.start_at)}")
            self.call_after_refresh(
                self.query_one("#help-body", VerticalScroll).scroll_to_widget,
                section,
                animate=False,
                top=True,
            )

    def action_close(self) -> None:
        self.dismiss(None)


def _section_table(title: str, rows: list[tuple[str, str, str]], widths: tuple[int, int]) -> Table:
    """One section; every section gets the same column widths, so the columns line up."""
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        expand=True,
        box=None,
        show_header=False,
        padding=(0, 1, 0, 0),
    )
    table.add_column("keys", width=widths[0], style="bold")
    table.add_column("does", ratio=1)
    table.add_column("id", width=widths[1], style="dim", no_wrap=True)
    for keys, does, binding_id in rows:
        table.add_row(Text(keys), Text(does), Text(binding_id))
    return table


def help_keys(app: ReaderApp, binding: Binding) -> str:
    """``D D`` for a double press, ``enter, ctrl+s`` with the keys a widget adds itself,
    ``(none)`` when a conflict took every key."""
    keys = [display_key(key) for key in app.effective_keys(binding)]
    if binding.id in DOUBLE_PRESS:
        keys = [f"{key} {key}" for key in keys]
    also = ALSO_BY.get(binding.id or "")
    if also and display_key(also) not in keys:
        keys.insert(0, display_key(also))
    return ", ".join(keys) or "(none)"


def pretty_keys(keys: str) -> str:
    """``?, /`` for ``question_mark,slash``: keys as the user types them."""
    return ", ".join(display_key(key) for key in key_list(keys))
