"""A one-line list of a screen's main keys, drawn once.

Textual's Footer rebuilds its key widgets whenever the active bindings change, which
happens on every screen switch and costs a few hundred milliseconds with many keys;
these hints are computed once per screen, with the user's keymap applied.
"""

from __future__ import annotations

from typing import cast

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Static

from reader.ui.keymap import KeySource, hint_key, key_list

SEPARATOR = "  "


def first_key(keys: str) -> str:
    """The first of ``keys`` in its short form (``^p``, ``esc``), or ``""``."""
    listed = key_list(keys)
    return hint_key(listed[0]) if listed else ""


class KeyHints(Static):
    """``? Keys  q Back/Quit  ^p Commands  t Layout …``: the app's essential keys first,
    then the bindings a screen marks with ``show=True``, as many whole hints as fit."""

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
        self.hints: list[tuple[str, str]] = []
        """(key, what it does) in the order shown, keys as the keymap left them."""
        self._shown_width = -1

    def on_mount(self) -> None:
        app = cast(KeySource, self.app)
        app_bindings = app.shown_app_bindings() if self.with_app_keys else []
        self.hints = []
        for binding in [*app_bindings, *self.bindings]:
            key = first_key(app.keys_for(binding))
            if key:  # a conflict took every key: no hint that would do something else
                self.hints.append((key, binding.description))
        self._shown_width = -1
        self._show(self.size.width)

    def on_resize(self) -> None:
        self._show(self.size.width)

    def _show(self, width: int) -> None:
        """Whole hints, in order, up to the width (all of them before the first layout)."""
        if width == self._shown_width:
            return
        self._shown_width = width
        room = self.content_size.width if width > 0 else 10_000
        text = Text(no_wrap=True, overflow="ellipsis")
        for key, description in self.hints:
            hint = Text.assemble((key, "bold"), " " + description)
            needed = hint.cell_len + (len(SEPARATOR) if text else 0)
            if text and text.cell_len + needed > room:
                break
            if text:
                text.append(SEPARATOR)
            text.append_text(hint)
        self.update(text)
