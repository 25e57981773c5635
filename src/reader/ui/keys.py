"""The key registry: every binding list of the reader, grouped by where it works.

Screens, dialogs and widgets declare their own ``BINDINGS`` next to the actions they
name; this module lists them for the help (``?``), the ``[keys]`` checks and the
command palette, and holds the bindings of the app itself and of the help screen
(the two that would otherwise make the help import the app, and itself). It
imports the screens only inside functions, when the list is asked for, so that
importing it (the app does at start) stays light and nothing imports back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType
from textual.dom import DOMNode

from reader.ui.keymap import KeyContext, display_key, key_list

if TYPE_CHECKING:
    from reader.ui.host import ReaderHost

APP_BINDINGS: list[BindingType] = [
    Binding("q", "back_or_quit", "Back/Quit", id="quit"),
    Binding("question_mark", "help", "Keys", id="help"),
    Binding("ctrl+p", "command_palette", "Commands", id="command_palette"),
    Binding("T", "translator", "Translator", show=False, id="translator"),
]
"""Keys that work everywhere (the app's)."""
HELP_BINDINGS: list[BindingType] = [
    Binding("escape,q,question_mark", "close", "Close", id="help_close"),
]
"""The key list's own keys."""

DOUBLE_PRESS = frozenset({"delete_term", "glossary_delete"})
"""Actions that ask for the key twice (``D D``): one press only arms them."""
ALSO_BY = {
    "annotate_save": "enter",
    "suggestion_accept": "enter",
}
"""Keys that also run an action, handled by the widget itself (not a rebindable binding)."""


def _layer(bindings: list[BindingType]) -> tuple[Binding, ...]:
    return tuple(b for b in bindings if isinstance(b, Binding) and b.id)


def _layers(*places: type[DOMNode] | list[BindingType]) -> tuple[tuple[Binding, ...], ...]:
    return tuple(_layer(place if isinstance(place, list) else place.BINDINGS) for place in places)


def _classes() -> dict[str, type[DOMNode]]:
    from reader.ui.dialogs.add_feed import AddFeedDialog
    from reader.ui.dialogs.annotate import AnnotateDialog
    from reader.ui.dialogs.choose import ChooseDialog
    from reader.ui.dialogs.confirm import ConfirmDialog
    from reader.ui.dialogs.feed_settings import FeedSettingsDialog
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
            AddFeedDialog, AnnotateDialog, ConfirmDialog, PromptDialog, ArticleScreen,
            DatabaseErrorScreen, GlossaryScreen, MainScreen, TranslatorScreen, ArticleList,
            BilingualView, CollectionTree, GlossaryTable, SuggestionsPanel,
            LookupDialog, MiningScreen, MinedList, FeedSettingsDialog, ChooseDialog,
        )
    }  # fmt: skip


def binding_sections() -> list[tuple[str, list[Binding]]]:
    """Every binding with an id, grouped by where it works."""
    c = _classes()
    sections: list[tuple[str, list[BindingType]]] = [
        ("Everywhere", APP_BINDINGS),
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
                *c["FeedSettingsDialog"].BINDINGS,
                *c["ConfirmDialog"].BINDINGS,
                *c["ChooseDialog"].BINDINGS,
                *c["DatabaseErrorScreen"].BINDINGS,
                *HELP_BINDINGS,
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
    app = APP_BINDINGS
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
        KeyContext("feed settings", _layers(c["FeedSettingsDialog"], app)),
        KeyContext("a question", _layers(c["ConfirmDialog"], app)),
        KeyContext("a choice", _layers(c["ChooseDialog"], app)),
        KeyContext("the database error", _layers(c["DatabaseErrorScreen"], app)),
        KeyContext("the key list", _layers(HELP_BINDINGS, app)),
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
    "FeedSettingsDialog": "Dialogs and this list",
    "ConfirmDialog": "Dialogs and this list",
    "ChooseDialog": "Dialogs and this list",
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


def help_keys(host: ReaderHost, binding: Binding) -> str:
    """``D D`` for a double press, ``enter, ctrl+s`` with the keys a widget adds itself,
    ``(none)`` when a conflict took every key."""
    keys = [display_key(key) for key in host.effective_keys(binding)]
    if binding.id in DOUBLE_PRESS:
        keys = [f"{key} {key}" for key in keys]
    also = ALSO_BY.get(binding.id or "")
    if also and display_key(also) not in keys:
        keys.insert(0, display_key(also))
    return ", ".join(keys) or "(none)"


def pretty_keys(keys: str) -> str:
    """``?, /`` for ``question_mark,slash``: keys as the user types them."""
    return ", ".join(display_key(key) for key in key_list(keys))
