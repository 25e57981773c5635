"""A one-line prompt (search, add feed) that dismisses with the text or None."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label

from reader.ui.host import ReaderModal


class PromptDialog(ReaderModal[str | None]):
    """Ask for one line of text (``value``: the text it starts with).

    With ``save`` (the search box), ``ctrl+s`` hands the text to it: when it takes
    it (returns True) the dialog closes without a result.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog_cancel"),
        Binding("ctrl+s", "save_search", "Save as a saved search", id="prompt_save_search"),
    ]

    def __init__(
        self,
        title: str,
        hint: str,
        kind: str,
        value: str = "",
        save: Callable[[str], bool] | None = None,
        cursor: int | None = None,
    ) -> None:
        """``cursor``: where the cursor starts in ``value`` (default: its end)."""
        super().__init__()
        self.prompt_title = title
        self.hint = hint
        self.kind = kind
        self.value = value
        self.save = save
        self.cursor = cursor

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-body"):
            yield Label(Text(self.prompt_title, style="bold"))
            field = Input(self.value, id=f"prompt-{self.kind}", select_on_focus=self.cursor is None)
            if self.cursor is not None:
                field.cursor_position = self.cursor
            yield field
            yield Label(Text(self.hint), id="prompt-hint")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``ctrl+s`` only where the prompt can save what is typed."""
        if action == "save_search":
            return self.save is not None
        return True

    def action_save_search(self) -> None:
        text = self.query_one(Input).value.strip()
        if text and self.save is not None and self.save(text):
            self.dismiss(None)

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
