"""The ``?`` screen: every binding of every screen, with the keys the user's keymap gives it."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp


def binding_sections() -> list[tuple[str, list[Binding]]]:
    """Every binding with an id, grouped by where it works."""
    from reader.ui.app import ReaderApp
    from reader.ui.dialogs.annotate import AnnotateDialog
    from reader.ui.dialogs.prompt import PromptDialog
    from reader.ui.screens.article import ArticleScreen
    from reader.ui.screens.glossary import GlossaryScreen
    from reader.ui.screens.main import MainScreen
    from reader.ui.screens.translator import TranslatorScreen
    from reader.ui.widgets.article_list import ArticleList
    from reader.ui.widgets.bilingual import BilingualView
    from reader.ui.widgets.collections import CollectionTree
    from reader.ui.widgets.glossary_table import GlossaryTable
    from reader.ui.widgets.suggestions import SuggestionsPanel

    sections: list[tuple[str, list[BindingType]]] = [
        ("Everywhere", ReaderApp.BINDINGS),
        ("Main screen", MainScreen.BINDINGS),
        ("Article list", ArticleList.BINDINGS),
        ("Collections", CollectionTree.BINDINGS),
        ("Article", ArticleScreen.BINDINGS),
        ("Reading (sentence cursor)", BilingualView.BINDINGS),
        ("Translator", TranslatorScreen.BINDINGS),
        ("Suggestions panel", SuggestionsPanel.BINDINGS),
        ("Annotation form", AnnotateDialog.BINDINGS),
        ("Glossary", [*GlossaryScreen.BINDINGS, *GlossaryTable.BINDINGS]),
        ("Dialogs and this list", [*PromptDialog.BINDINGS, *HelpScreen.BINDINGS]),
    ]
    return [
        (title, [b for b in bindings if isinstance(b, Binding) and b.id])
        for title, bindings in sections
    ]


def all_binding_ids() -> set[str]:
    return {binding.id for _, bindings in binding_sections() for binding in bindings if binding.id}


class HelpScreen(ModalScreen[None]):
    """A scrollable table of keys; any of escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help_close"),
    ]

    def compose(self) -> ComposeResult:
        app = cast("ReaderApp", self.app)
        with VerticalScroll(id="help-body"):
            yield Static(
                Text("Keys  (rebind any of them by id in [keys] of config.toml)", style="bold")
            )
            for title, bindings in binding_sections():
                table = Table(
                    title=title, title_justify="left", expand=True, box=None, show_header=False
                )
                table.add_column("keys", width=16, style="bold")
                table.add_column("does")
                table.add_column("id", style="dim")
                for binding in bindings:
                    table.add_row(
                        Text(pretty_keys(app.keys_for(binding))),
                        Text(binding.description),
                        Text(binding.id or ""),
                    )
                yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)


def pretty_keys(keys: str) -> str:
    names = {
        "question_mark": "?",
        "slash": "/",
        "full_stop": ".",
        "left_curly_bracket": "{",
        "right_curly_bracket": "}",
    }
    return ", ".join(names.get(key.strip(), key.strip()) for key in keys.split(","))
