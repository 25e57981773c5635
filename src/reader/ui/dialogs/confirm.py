"""A yes/no question ("Mark 12 articles read? y/n") that dismisses with True or False."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label

from reader.ui.host import ReaderModal


class ConfirmDialog(ReaderModal[bool]):
    """Ask before a change that touches many articles; ``y`` agrees, ``n``/escape do not."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm_yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm_no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-body"):
            yield Label(Text(f"{self.question} y/n", style="bold"))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
