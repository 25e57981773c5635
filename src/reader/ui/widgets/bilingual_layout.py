"""How the bilingual view lays out a long article without waiting for it.

Every paragraph gets an estimated height at once; only the paragraphs on screen and
near it are drawn (:class:`~reader.ui.widgets.bilingual_render.ParagraphRenderer`),
a few per step between events, and their exact heights replace the estimates with
the paragraph at the top of the view kept in place. Only the rows on screen are
ever turned into segments.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from textual.geometry import Region, Size
from textual.strip import Strip
from textual.timer import Timer

from reader.ui.widgets.bilingual_render import GUTTER, PLACEHOLDER, Block, ParagraphRenderer
from reader.ui.widgets.paragraphs import ParagraphUnit

SETTLE_STEP = 6
"""Paragraphs laid out per step in the background (each step is a few milliseconds)."""
SETTLE_PAUSE = 0.004
"""Seconds between those steps, so that keys and repaints go first."""
NEAR_SCREENS = 1
"""Screens above and below the view that are laid out ahead of scrolling."""
BLOCK_CACHE = 2_000
"""Laid-out paragraphs kept; the oldest are dropped (their heights stay known)."""


class ParagraphLayout(ParagraphRenderer):
    """Row offsets, estimated and exact heights, and the drawn blocks of the paragraphs."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._blocks: dict[int, Block] = {}
        self._settle_timer: Timer | None = None
        self._window_dirty = False
        """Paragraphs near the view may still lack their layout."""
        self._starts: list[int] = []
        """The first row of each paragraph."""
        self._recount_pending = False
        self._heights: list[int] = []
        """Each paragraph's rows: exact where ``_exact`` says so, else an estimate."""
        self._exact = bytearray()
        self._source_cells: list[int] = []
        self._target_cells: list[int] = []
        self._width = 0

    def visible_paragraphs(self) -> range:
        """Paragraphs at least partly on screen (after the first layout)."""
        if not self._starts:
            return range(min(len(self.units), 5))
        top = self.scroll_offset.y
        first = max(0, bisect_right(self._starts, top) - 1)
        last = max(first, bisect_right(self._starts, top + self.size.height) - 1)
        return range(first, min(len(self.units), last + 1))

    def paragraphs_near_view(self) -> range:
        """Paragraphs on screen and within a screen of it (the ones laid out first)."""
        return self._window() if self._starts else self.visible_paragraphs()

    def _scroll_to_cursor(self) -> None:
        if not self.units or not self._starts or not self.show_cursor:
            return
        paragraph = self.cursor[0]
        block = self._block(paragraph)
        top = self._starts[paragraph]
        first, last = block.cursor_rows or (0, len(block.strips) - 1)
        region = Region(0, top + first, 1, last - first + 1)
        self.scroll_to_region(region, animate=False, immediate=True, top=False)

    def on_resize(self) -> None:
        if self._content_width() != self._width:
            self._relayout()

    def clear_rendered(self) -> None:
        self._blocks.clear()
        self._window_dirty = True

    def _content_width(self) -> int:
        return max(10, self.scrollable_content_region.width)

    def _relayout(self) -> None:
        """Start laying out again at the current width (e.g. after a resize or new text).

        Every paragraph gets an estimated height at once (arithmetic on cached cell
        counts); only the paragraphs on screen and within :data:`NEAR_SCREENS`
        screens of it are laid out, a few per step between events
        (:meth:`_settle_step`), and again wherever the reader scrolls. A long article
        costs the same as a short one to open, and nothing runs once it is laid out
        around the reader or while its screen is not shown.
        """
        self._width = self._content_width()
        self._blocks.clear()
        self._source_cells = [_cells(unit.source) for unit in self.units]
        self._target_cells = [_target_cells(unit) for unit in self.units]
        self._heights = [self._estimate(index) for index in range(len(self.units))]
        self._exact = bytearray(len(self.units))
        self._recount()

    def _height(self, paragraph: int) -> int:
        return self._heights[paragraph]

    def _estimate(self, paragraph: int) -> int:
        """Rows a paragraph will probably take; exact once it is laid out."""
        unit = self.units[paragraph]
        gap = 1 if paragraph < len(self.units) - 1 else 0
        width = max(1, self._width)
        column = max(4, (width - len(GUTTER)) // 2)
        source = self._source_cells[paragraph]
        target = self._target_cells[paragraph]
        if self.reading_layout == "side":
            return max(source // column, target // column) + 1 + gap
        if self.reading_layout == "source":
            return source // width + 1 + gap
        if self.reading_layout == "translation":
            return target // width + 1 + gap
        sentences = len(unit.spans)
        return source // width + target // max(1, width - 2) + 2 * sentences + gap

    def _recount(self) -> None:
        """Row offsets from the heights; the paragraph at the top of the view stays put.

        A paragraph above the view that is laid out (or changes) moves everything
        below it, so the view scrolls by the same amount: what the reader is looking
        at does not jump.
        """
        top = self.scroll_offset.y
        anchor = 0
        if top > 0 and len(self._starts) == len(self.units):
            anchor = max(0, bisect_right(self._starts, top) - 1)
        inside = top - self._starts[anchor] if anchor else 0
        starts = list(accumulate(self._heights, initial=0))
        total = starts.pop()
        self._starts = starts
        self.virtual_size = Size(0, total)
        if anchor:
            wanted = starts[anchor] + min(inside, max(0, self._heights[anchor] - 1))
            if wanted != top:
                self.scroll_to(y=wanted, animate=False, immediate=True)
        self._window_dirty = True
        self._schedule_settle()
        self.refresh()

    def _deferred_recount(self) -> None:
        """A paragraph drawn while painting turned out taller or shorter than counted."""
        self._recount_pending = False
        self._recount()

    def _window(self) -> range:
        """Paragraphs on screen or within :data:`NEAR_SCREENS` screens of it."""
        if not self._starts:
            return range(0)
        height = max(1, self.scrollable_content_region.height)
        top = max(0, self.scroll_offset.y - NEAR_SCREENS * height)
        bottom = self.scroll_offset.y + (1 + NEAR_SCREENS) * height
        first = max(0, bisect_right(self._starts, top) - 1)
        last = max(first, bisect_right(self._starts, bottom) - 1)
        return range(first, min(len(self.units), last + 1))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._window_dirty = True
        self._schedule_settle()

    def _schedule_settle(self) -> None:
        if self._settle_timer is None and self._window_dirty and self.units:
            # A timer, not call_later: the screen repaints only when the message queue is
            # empty, so a chain of call_later steps would hold the first paint back.
            self._settle_timer = self.set_timer(SETTLE_PAUSE, self._settle_step)

    def _settle_step(self) -> None:
        """Lay out a few not yet laid out paragraphs near the view, then yield to events.

        Stops when everything near the view is laid out, and while the view's screen
        is not shown (the next paint there starts it again).
        """
        self._settle_timer = None
        if not self.is_mounted or not self.screen.is_current:
            return
        todo = [index for index in self._window() if not self._exact[index]]
        if not todo:
            self._window_dirty = False
            return
        changed = False
        for index in todo[:SETTLE_STEP]:
            old = self._heights[index]
            changed |= len(self._block(index).strips) != old
        if changed:
            self._recount()
        else:
            self._schedule_settle()

    def _invalidate(self, paragraph: int) -> None:
        """Lay out one paragraph again now (the cursor entered or left it)."""
        if paragraph >= len(self.units) or paragraph >= len(self._heights):
            return
        old_height = self._heights[paragraph]
        self._blocks.pop(paragraph, None)
        new = self._block(paragraph)
        if old_height == len(new.strips):
            top = self._starts[paragraph] - self.scroll_offset.y
            self.refresh(Region(0, top, self.size.width, len(new.strips)))
        else:
            self._recount()

    def _forget(self, paragraph: int) -> None:
        """The paragraph's content changed: drop its lines and estimate its height again
        (it is laid out again when it is near the view)."""
        self._blocks.pop(paragraph, None)
        self._target_cells[paragraph] = _target_cells(self.units[paragraph])
        self._exact[paragraph] = 0
        self._heights[paragraph] = self._estimate(paragraph)

    def _block(self, paragraph: int) -> Block:
        block = self._blocks.get(paragraph)
        if block is None:
            block = self._render_block(paragraph)
            self._blocks[paragraph] = block
            self._heights[paragraph] = len(block.strips)
            self._exact[paragraph] = 1
            if len(self._blocks) > BLOCK_CACHE:
                self._blocks.pop(next(iter(self._blocks)))
        return block

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if self._window_dirty:
            self._schedule_settle()
        if not self._starts or row >= self.virtual_size.height:
            return Strip.blank(width, self._base_style)
        paragraph = bisect_right(self._starts, row) - 1
        counted = self._heights[paragraph]
        block = self._block(paragraph)
        if len(block.strips) != counted and not self._recount_pending:
            self._recount_pending = True
            self.call_later(self._deferred_recount)
        inside = row - self._starts[paragraph]
        if inside >= len(block.strips):
            return Strip.blank(width, self._base_style)
        return block.strips[inside].crop_extend(0, width, self._base_style)


def _cells(text: str) -> int:
    """Terminal cells of ``text``, estimated in C time: wide (CJK, Hangul) characters
    take three UTF-8 bytes and two cells, ASCII one byte and one cell."""
    if text.isascii():
        return len(text)
    return (len(text.encode("utf-8", "surrogatepass")) + len(text)) // 2


def _target_cells(unit: ParagraphUnit) -> int:
    """Estimated cells of a paragraph's translation column, placeholders included."""
    return sum(_cells(t) if t else len(PLACEHOLDER) for t in unit.targets) + len(unit.targets)
