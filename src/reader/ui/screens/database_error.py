"""Shown instead of the library when the database cannot be opened: what is wrong, where."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from reader.ui.format import plain
from reader.ui.host import ReaderScreen


class DatabaseErrorScreen(ReaderScreen[None]):
    """A damaged, foreign or too-new database must not look like an empty library."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape,enter", "quit_app", "Quit", id="database_error_quit"),
    ]

    def __init__(self, error: str, path: Path) -> None:
        super().__init__()
        self.error = error
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="database-error"):
            yield Static(Text("reader cannot open its database", style="bold"))
            yield Static(Text(plain(self.error)), id="database-error-reason")
            yield Static(Text(f"File: {plain(str(self.path))}"), id="database-error-path")
            yield Static(
                Text(
                    "The file was not changed. Move it away (or put a backup in its place) "
                    "to start with an empty library; `reader locate database` prints "
                    "where it is."
                )
            )
            yield Static(Text("Press q, escape or enter to quit.", style="bold"))

    def action_quit_app(self) -> None:
        self.app.exit(return_code=1)
