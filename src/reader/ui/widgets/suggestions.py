"""The suggestions panel: candidate key terms of the open article, best first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.ui.format import plain

if TYPE_CHECKING:
    from reader.core.terms import Suggestion


class SuggestionList(OptionList):
    """The panel's list: ``j``/``k`` move in it like everywhere else in reader (while it
    has the focus they must not reach the article behind it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Next suggestion", show=False, id="suggestion_down"),
        Binding("k", "cursor_up", "Previous suggestion", show=False, id="suggestion_up"),
    ]


class SuggestionsPanel(Vertical):
    """Ranked suggestions; ``enter`` or ``a`` hands the highlighted one to the screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "Annotate suggestion", id="suggestion_accept"),
    ]

    DEFAULT_CSS = """
    SuggestionsPanel {
        width: 32; height: 1fr; border-left: vkey $foreground 15%; padding-left: 1;
    }
    SuggestionsPanel > #suggestions-title { height: 1; text-style: bold; }
    SuggestionsPanel > #suggestions-note { height: auto; color: $foreground 60%; }
    SuggestionsPanel > OptionList { height: 1fr; border: none; padding: 0; }
    """

    @dataclass
    class Accepted(Message):
        """The reader chose a suggestion: the screen opens the annotation form with it."""

        panel: SuggestionsPanel
        suggestion: Suggestion

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.suggestions: list[Suggestion] = []

    def compose(self) -> ComposeResult:
        yield Static("Suggested terms", id="suggestions-title")
        yield Static("", id="suggestions-note")
        yield SuggestionList(id="suggestions-list")

    def show_loading(self) -> None:
        """Say that suggestions are on their way; the old ones stay until they come."""
        self.query_one("#suggestions-note", Static).update("finding key terms…")

    def show(self, suggestions: list[Suggestion]) -> None:
        """Fill the list: text, how often it occurs, and the status if it is a term already.

        The highlight stays on the suggestion it was on (the list is filled again after
        each annotation), or on the same row when that one is gone."""
        previous = self.highlighted
        row = self.query_one(OptionList).highlighted or 0
        self.suggestions = suggestions
        options = self.query_one(OptionList)
        options.clear_options()
        for suggestion in suggestions:
            label = Text(plain(suggestion.text))
            label.append(f"  ×{suggestion.count}", style="dim")
            if suggestion.level:
                label.append(f"  {suggestion.level}", style="dim")
            if suggestion.status is not None:
                label.append(f"  [{suggestion.status}]", style="dim italic")
            options.add_option(Option(label))
        note = "enter or a: annotate" if suggestions else "no candidates in this article"
        self.query_one("#suggestions-note", Static).update(note)
        if suggestions:
            texts = [suggestion.text for suggestion in suggestions]
            if previous is not None and previous.text in texts:
                row = texts.index(previous.text)
            options.highlighted = min(row, len(suggestions) - 1)

    def focus_list(self) -> None:
        self.query_one(OptionList).focus()

    @property
    def list_has_focus(self) -> bool:
        return self.query_one(OptionList).has_focus

    @property
    def highlighted(self) -> Suggestion | None:
        index = self.query_one(OptionList).highlighted
        return (
            self.suggestions[index] if index is not None and index < len(self.suggestions) else None
        )

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_accept()

    def action_accept(self) -> None:
        suggestion = self.highlighted
        if suggestion is not None:
            self.post_message(self.Accepted(self, suggestion))
