"""A base for widgets that render their own lines and cache them."""

from __future__ import annotations

from rich.style import Style
from textual import events
from textual.geometry import Region
from textual.reactive import reactive
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


class CursorLineView(CachedLineView):
    """A list of one-line rows with a cursor: moving, paging, clicking, scrolling into view.

    Subclasses say how many rows there are (:attr:`row_count`) and react to the
    cursor in ``watch_cursor``, usually with :meth:`refresh_line` and
    :meth:`keep_visible`.
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    @property
    def row_count(self) -> int:
        return 0

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self.row_count - 1)) if self.row_count else 0

    def refresh_line(self, index: int) -> None:
        self.refresh(Region(0, index - self.scroll_offset.y, self.size.width, 1))

    def keep_visible(self, index: int) -> None:
        """Scroll only when the cursor leaves the view, and then put it mid-screen.

        Scrolling a line at a time would redraw every row on every key; jumping
        half a screen redraws the list once per half screen of movement.
        """
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if height <= 0 or top <= index < top + height:
            return
        self.scroll_to(y=max(0, index - height // 2), animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self.row_count - 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.size.height - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.size.height - 1)

    def on_click(self, event: events.Click) -> None:
        self.cursor = self.scroll_offset.y + event.y
