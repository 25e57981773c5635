"""The ``?`` screen: every binding of every screen (from :mod:`reader.ui.keys`), with the
keys the user's keymap gives it."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.ui.host import ReaderModal
from reader.ui.keys import (
    HELP_BINDINGS,
    all_binding_ids,
    binding_sections,
    help_keys,
    key_contexts,
    pretty_keys,
    section_for,
)

__all__ = [
    "HelpScreen",
    "all_binding_ids",
    "binding_sections",
    "help_keys",
    "key_contexts",
    "pretty_keys",
    "section_for",
]


KEY_COLUMN = 16
"""Widest keys column; longer key lists wrap."""


class HelpScreen(ReaderModal[None]):
    """A scrollable table of keys; any of escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = HELP_BINDINGS

    def __init__(self, start_at: str = "Everywhere") -> None:
        super().__init__()
        self.start_at = start_at
        """The section shown first: the one about the screen ``?`` was pressed on."""

    def compose(self) -> ComposeResult:
        app = self.host
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
