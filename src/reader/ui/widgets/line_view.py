"""A base for widgets that render their own lines and cache them."""

from __future__ import annotations

from rich.style import Style
from textual.scroll_view import ScrollView


class CachedLineView(ScrollView):
    """A ScrollView whose rendered lines are cached until its styles change.

    ``rich_style`` walks every ancestor, and line renderers want it for every line,
    so it is cached too. Subclasses drop their own rendered lines in
    :meth:`clear_rendered`, which runs whenever the theme or CSS changes.
    """

    _cached_base_style: Style | None = None

    @property
    def _base_style(self) -> Style:
        if self._cached_base_style is None:
            self._cached_base_style = self.rich_style
        return self._cached_base_style

    def clear_rendered(self) -> None:
        """Forget every rendered line (called when styles change)."""

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cached_base_style = None
        self.clear_rendered()
        self.refresh()
