"""Pick one of a few lines — an alternative translation, a way to translate again —
with a few lines about them above; dismisses with the index chosen or None."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static

from reader.ui.format import literal
from reader.ui.host import ReaderModal


class ChooseDialog(ReaderModal[int | None]):
    """``about`` lines (shown as literal text), then ``options`` to choose from with
    ``j``/``k`` or the arrows and ``enter``; ``escape`` closes without a choice.
    With no options, ``empty`` says why."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "cancel", "Close", id="choose_close"),
        Binding("j", "move(1)", "Down", show=False, id="choose_down"),
        Binding("k", "move(-1)", "Up", show=False, id="choose_up"),
    ]

    def __init__(
        self, title: str, about: Sequence[str], options: Sequence[str], empty: str = ""
    ) -> None:
        super().__init__()
        self.choose_title = title
        self.about = list(about)
        self.options = list(options)
        self.empty = empty

    def compose(self) -> ComposeResult:
        with Vertical(id="choose-body"):
            yield Label(Text(self.choose_title, style="bold"))
            for line in self.about:
                yield Static(literal(line), classes="choose-about")
            if self.options:
                yield OptionList(*(literal(option) for option in self.options), id="choose-options")
            else:
                yield Static(literal(self.empty), classes="choose-empty")

    def on_mount(self) -> None:
        if self.options:
            options = self.query_one(OptionList)
            options.highlighted = 0
            options.focus()

    def action_move(self, step: int) -> None:
        if self.options:
            options = self.query_one(OptionList)
            if step > 0:
                options.action_cursor_down()
            else:
                options.action_cursor_up()

    @on(OptionList.OptionSelected)
    def choose(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)
