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
        yield OptionList(id="suggestions-list")

    def show_loading(self) -> None:
        self.suggestions = []
        self.query_one(OptionList).clear_options()
        self.query_one("#suggestions-note", Static).update("finding key terms…")

    def show(self, suggestions: list[Suggestion]) -> None:
        """Fill the list: text, how often it occurs, and the status if it is a term already."""
        self.suggestions = suggestions
        options = self.query_one(OptionList)
        options.clear_options()
        for suggestion in suggestions:
            label = Text(plain(suggestion.text))
            label.append(f"  ×{suggestion.count}", style="dim")
            if suggestion.status is not None:
                label.append(f"  [{suggestion.status}]", style="dim italic")
            options.add_option(Option(label))
        note = "enter or a: annotate" if suggestions else "no candidates in this article"
        self.query_one("#suggestions-note", Static).update(note)
        if suggestions:
            options.highlighted = 0

    def focus_list(self) -> None:
        self.query_one(OptionList).focus()

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
