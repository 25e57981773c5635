"""A one-line list of a screen's main keys, drawn once.

Textual's Footer rebuilds its key widgets whenever the active bindings change, which
happens on every screen switch and costs a few hundred milliseconds with many keys;
these hints are computed once per screen, with the user's keymap applied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Static

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp

KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "enter": "⏎",
    "escape": "esc",
    "ctrl+p": "^p",
    "ctrl+s": "^s",
    "ctrl+t": "^t",
    "ctrl+r": "^r",
}


def first_key(keys: str) -> str:
    key = keys.split(",")[0].strip()
    return KEY_NAMES.get(key, key)


class KeyHints(Static):
    """``q Back  t Layout …`` for the bindings a screen marks with ``show=True``."""

    DEFAULT_CSS = """
    KeyHints {
        height: 1;
        dock: bottom;
        background: $panel;
        color: $foreground 70%;
        padding: 0 1;
    }
    """

    def __init__(self, bindings: list[BindingType], *, with_app_keys: bool = True) -> None:
        super().__init__()
        self.bindings = [b for b in bindings if isinstance(b, Binding) and b.show]
        self.with_app_keys = with_app_keys
        """False where a text field takes printable keys (q and ? would be typed)."""

    def on_mount(self) -> None:
        app: ReaderApp = self.app  # type: ignore[assignment]
        text = Text(no_wrap=True, overflow="ellipsis")
        app_bindings = app.shown_app_bindings() if self.with_app_keys else []
        for binding in [*self.bindings, *app_bindings]:
            if text:
                text.append("  ")
            text.append(first_key(app.keys_for(binding)), style="bold")
            text.append(" " + binding.description)
        self.update(text)
