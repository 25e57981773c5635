"""A one-line prompt (search, add feed) that dismisses with the text or None."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label

from reader.ui.host import ReaderModal


class PromptDialog(ReaderModal[str | None]):
    """Ask for one line of text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog_cancel"),
    ]

    def __init__(self, title: str, hint: str, kind: str) -> None:
        super().__init__()
        self.prompt_title = title
        self.hint = hint
        self.kind = kind

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-body"):
            yield Label(Text(self.prompt_title, style="bold"))
            yield Input(id=f"prompt-{self.kind}")
            yield Label(Text(self.hint), id="prompt-hint")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
