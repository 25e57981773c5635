"""The bilingual article view: source and translation aligned paragraph by paragraph.

The view lays out its own lines (Textual's line API) instead of mounting a widget per
paragraph: each paragraph becomes a block of rows holding both columns, so a
translation always starts on the same row as its source, and only the rows on
screen are ever turned into segments. A 5,000-word article is a few hundred rows of
cached strips; moving the sentence cursor re-renders the one or two paragraphs it
leaves and enters.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.timer import Timer

from reader.ui.state import LAYOUTS
from reader.ui.widgets.line_view import CachedLineView
from reader.ui.widgets.paragraphs import (
    ParagraphUnit,
    SentenceTranslation,
    TermMark,
    WordSelection,
)
from reader.ui.widgets.word_cursor import WordCursor, sentence_words

PLACEHOLDER = "···"
"""Shown where a sentence's translation has not arrived yet, in reverse video: text
(a summary ending in ``서···``) is never drawn that way, so the two cannot be confused."""
GUTTER = " │ "
SETTLE_STEP = 6
"""Paragraphs laid out per step in the background (each step is a few milliseconds)."""
SETTLE_PAUSE = 0.004
"""Seconds between those steps, so that keys and repaints go first."""
NEAR_SCREENS = 1
"""Screens above and below the view that are laid out ahead of scrolling."""
BLOCK_CACHE = 2_000
"""Laid-out paragraphs kept; the oldest are dropped (their heights stay known)."""

__all__ = [
    "PLACEHOLDER",
    "BilingualView",
    "ParagraphUnit",
    "SentenceTranslation",
    "TermMark",
    "WordSelection",
]


@dataclass
class _Block:
    strips: list[Strip]
    cursor_rows: tuple[int, int] | None
    """First and last row of the cursor sentence inside the block, when it is here."""


class BilingualView(CachedLineView, can_focus=True):
    """Paragraph-aligned source and translation with a sentence cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "next_sentence", "Next sentence", show=False, id="next_sentence"),
        Binding(
            "k,up", "previous_sentence", "Previous sentence", show=False, id="previous_sentence"
        ),
        Binding(
            "right_curly_bracket",
            "next_paragraph",
            "Next paragraph",
            show=False,
            id="next_paragraph",
        ),
        Binding(
            "left_curly_bracket",
            "previous_paragraph",
            "Previous paragraph",
            show=False,
            id="previous_paragraph",
        ),
        Binding("g,home", "first_sentence", "Top", show=False, id="article_top"),
        Binding("G,end", "last_sentence", "Bottom", show=False, id="article_bottom"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="article_page_down"),
        Binding("b,pageup", "page_up", "Page up", show=False, id="article_page_up"),
        Binding("l,right,w", "next_word", "Next word", show=False, id="next_word"),
        Binding("h,left", "previous_word", "Previous word", show=False, id="previous_word"),
        Binding("v", "extend_selection", "Select words", show=False, id="extend_selection"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "bilingual--source",
        "bilingual--translation",
        "bilingual--highlight",
        "bilingual--placeholder",
        "bilingual--notice",
        "bilingual--rule",
        "bilingual--term-1",
        "bilingual--term-2",
        "bilingual--term-3",
        "bilingual--word",
    }

    DEFAULT_CSS = """
    BilingualView { height: 1fr; }
    """

    reading_layout: reactive[str] = reactive("side", init=False)
    cursor: reactive[tuple[int, int]] = reactive((0, 0), init=False)

    @dataclass
    class CursorMoved(Message):
        view: BilingualView
        paragraph: int
        sentence: int

    @dataclass
    class SelectionModeChanged(Message):
        """``v`` started or stopped extending the word selection."""

        view: BilingualView
        extending: bool

    def __init__(
        self,
        *,
        reading_layout: str = "side",
        show_cursor: bool = True,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(BilingualView.reading_layout, reading_layout)
        self.show_cursor = show_cursor
        self.units: list[ParagraphUnit] = []
        self.notice: str | None = None
        """Shown in the translation pane instead of translations (e.g. no model installed)."""
        self._blocks: dict[int, _Block] = {}
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
        self.word = WordCursor()
        """The word cursor in the cursor's sentence; drawn once a word key is used."""
        self.word_active = False
        self._word_sentence: tuple[int, int, tuple[int, int]] | None = None

    # -- content ---------------------------------------------------------------------

    def show(self, units: list[ParagraphUnit], notice: str | None = None) -> None:
        """Replace the content; the cursor goes to the first sentence."""
        self.units = units
        self.notice = notice
        self.set_reactive(BilingualView.cursor, (0, 0))
        self._starts = []
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._relayout()

    def set_sentences(self, spans: list[list[tuple[int, int]]], first: int = 0) -> None:
        """Sentence boundaries of paragraphs ``first``… arrived (splitting can be slow, so
        a long article gets them in parts): keep the reader's paragraph."""
        touched = range(first, min(len(self.units), first + len(spans)))
        for index, paragraph_spans in zip(touched, spans, strict=False):
            unit = self.units[index]
            unit.spans = paragraph_spans or [(0, len(unit.source))]
            unit.targets = [None] * len(unit.spans)
            unit.failed.clear()
            self._forget(index)
        if self.cursor[0] in touched:
            self.set_reactive(BilingualView.cursor, (self.cursor[0], 0))
        self._recount()

    def set_translation(
        self, paragraph: int, sentence: int, text: str | None, failed: bool = False
    ) -> None:
        """A translated sentence arrived (or failed): redraw just its paragraph."""
        self.set_translations([SentenceTranslation(paragraph, sentence, text, failed)])

    def set_translations(self, results: Sequence[SentenceTranslation]) -> None:
        """Several sentences arrived: each touched paragraph is laid out again once."""
        touched: set[int] = set()
        for paragraph, sentence, text, failed in results:
            if paragraph >= len(self.units) or sentence >= len(self.units[paragraph].spans):
                continue
            unit = self.units[paragraph]
            unit.targets[sentence] = text
            if failed:
                unit.failed.add(sentence)
            else:
                unit.failed.discard(sentence)
            touched.add(paragraph)
        if len(touched) == 1:
            paragraph = touched.pop()
            self._target_cells[paragraph] = _target_cells(self.units[paragraph])
            self._invalidate(paragraph)
        elif touched:
            for paragraph in touched:
                self._forget(paragraph)
            self._recount()

    def set_notice(self, notice: str | None) -> None:
        self.notice = notice
        self._relayout()

    def clear_translations(self) -> None:
        for unit in self.units:
            unit.targets = [None] * len(unit.spans)
            unit.failed.clear()
        self._relayout()

    def current_pair(self) -> tuple[str, str | None] | None:
        """The sentence under the cursor and its translation (None while pending)."""
        if not self.units:
            return None
        paragraph, sentence = self.cursor
        unit = self.units[paragraph]
        return unit.sentence(sentence), unit.targets[sentence]

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

    # -- cursor ----------------------------------------------------------------------

    def _step(self, delta: int) -> None:
        if not self.units:
            return
        paragraph, sentence = self.cursor
        unit_count = len(self.units[paragraph].spans)
        sentence += delta
        while sentence >= unit_count and paragraph + 1 < len(self.units):
            paragraph, sentence = paragraph + 1, 0
            unit_count = len(self.units[paragraph].spans)
        while sentence < 0 and paragraph > 0:
            paragraph -= 1
            sentence = len(self.units[paragraph].spans) - 1
        sentence = max(0, min(sentence, len(self.units[paragraph].spans) - 1))
        self.cursor = (paragraph, sentence)

    def action_next_sentence(self) -> None:
        if self.show_cursor:
            self._step(1)
        else:
            self.scroll_relative(y=1, animate=False)

    def action_previous_sentence(self) -> None:
        if self.show_cursor:
            self._step(-1)
        else:
            self.scroll_relative(y=-1, animate=False)

    def action_next_paragraph(self) -> None:
        if self.units:
            self.cursor = (min(self.cursor[0] + 1, len(self.units) - 1), 0)

    def action_previous_paragraph(self) -> None:
        if self.units:
            self.cursor = (max(self.cursor[0] - 1, 0), 0)

    def action_first_sentence(self) -> None:
        if self.units:
            self.cursor = (0, 0)

    def action_last_sentence(self) -> None:
        if self.units:
            last = len(self.units) - 1
            self.cursor = (last, len(self.units[last].spans) - 1)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    # -- word cursor -----------------------------------------------------------------

    def _words(self) -> WordCursor | None:
        """The word cursor, on the first word of the cursor's sentence when that changed."""
        if not self.units or not self.show_cursor:
            return None
        paragraph, sentence = self.cursor
        unit = self.units[paragraph]
        key = (paragraph, sentence, unit.spans[sentence])
        if key != self._word_sentence:
            self._word_sentence = key
            self.word.reset(sentence_words(unit.source, unit.spans[sentence]))
        return self.word

    def word_selection(self) -> WordSelection | None:
        """(paragraph, start, end) of the selected words: the word cursor's selection, or
        the sentence's first word before a word key was used."""
        words = self._words()
        selection = words.selection() if words is not None else None
        return None if selection is None else WordSelection(self.cursor[0], *selection)

    @property
    def extending(self) -> bool:
        """``v`` is extending the word selection."""
        return self.word_active and self.word.anchor is not None

    def _move_word(self, delta: int) -> None:
        """Move the word cursor; the first word key only shows it, on the first word."""
        words = self._words()
        if words is None:
            return
        if self.word_active:
            words.move(delta)
        self.word_active = True
        self._invalidate(self.cursor[0])

    def action_next_word(self) -> None:
        self._move_word(1)

    def action_previous_word(self) -> None:
        self._move_word(-1)

    def action_extend_selection(self) -> None:
        """Start (or stop) extending the selection over several words."""
        words = self._words()
        if words is None:
            return
        words.toggle_extend()
        self.word_active = True
        self._invalidate(self.cursor[0])
        self.post_message(self.SelectionModeChanged(self, self.extending))

    def end_selection(self) -> None:
        """Back to a single word (after the selection was annotated)."""
        if self.word.anchor is not None:
            self.word.anchor = None
            self._invalidate(self.cursor[0])
            self.post_message(self.SelectionModeChanged(self, False))

    def _mark_word(self, text: Text, unit: ParagraphUnit, offset: int) -> None:
        """Draw the word cursor where it falls in ``text`` (``unit.source`` from ``offset``)."""
        if not self.word_active or not self.units or unit is not self.units[self.cursor[0]]:
            return
        selection = self.word.selection()
        if selection is None:
            return
        start, end = max(selection[0] - offset, 0), min(selection[1] - offset, len(text))
        if start < end:
            text.stylize(self._style("bilingual--word"), start, end)

    def watch_cursor(self, old: tuple[int, int], new: tuple[int, int]) -> None:
        if self.extending:
            self.post_message(self.SelectionModeChanged(self, False))
        self.word_active = False
        self._invalidate(old[0])
        if new[0] != old[0]:
            self._invalidate(new[0])
        self._scroll_to_cursor()
        self.post_message(self.CursorMoved(self, *new))

    def watch_reading_layout(self) -> None:
        self._relayout()
        self.call_after_refresh(self._scroll_to_cursor)

    def cycle_layout(self) -> str:
        self.reading_layout = LAYOUTS[(LAYOUTS.index(self.reading_layout) + 1) % len(LAYOUTS)]
        return self.reading_layout

    def _scroll_to_cursor(self) -> None:
        if not self.units or not self._starts or not self.show_cursor:
            return
        paragraph = self.cursor[0]
        block = self._block(paragraph)
        top = self._starts[paragraph]
        first, last = block.cursor_rows or (0, len(block.strips) - 1)
        region = Region(0, top + first, 1, last - first + 1)
        self.scroll_to_region(region, animate=False, immediate=True, top=False)

    # -- layout ----------------------------------------------------------------------

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

    def _block(self, paragraph: int) -> _Block:
        block = self._blocks.get(paragraph)
        if block is None:
            block = self._render_block(paragraph)
            self._blocks[paragraph] = block
            self._heights[paragraph] = len(block.strips)
            self._exact[paragraph] = 1
            if len(self._blocks) > BLOCK_CACHE:
                self._blocks.pop(next(iter(self._blocks)))
        return block

    # -- rendering -------------------------------------------------------------------

    def _style(self, component: str) -> Style:
        return self.get_component_rich_style(component, partial=True)

    def _cursor_sentence(self, paragraph: int) -> int | None:
        if not self.show_cursor or self.cursor[0] != paragraph:
            return None
        return self.cursor[1]

    def _source_text(self, unit: ParagraphUnit, highlight: int | None) -> Text:
        text = Text(unit.source, style=self._style("bilingual--source"))
        if highlight is not None:
            start, end = unit.spans[highlight]
            text.stylize(self._style("bilingual--highlight"), start, end)
        self._stylize_terms(text, unit, 0, len(unit.source))
        self._mark_word(text, unit, 0)
        return text

    def _stylize_terms(self, text: Text, unit: ParagraphUnit, start: int, end: int) -> None:
        """Mark glossary terms inside ``unit.source[start:end]`` (``text`` holds that slice)."""
        for term_start, term_end, level in unit.terms:
            if term_start < end and term_end > start:
                style = self._style(f"bilingual--term-{min(max(level, 1), 3)}")
                text.stylize(style, max(term_start, start) - start, min(term_end, end) - start)

    def set_terms(self, terms: Mapping[int, Sequence[tuple[int, int, int]]]) -> None:
        """Glossary terms per paragraph (term marks, offsets in the paragraph); redraws
        what changed.

        Marks change styles, not wrapping, so heights stay as they are."""
        changed = False
        for paragraph, unit in enumerate(self.units):
            found = [TermMark(*mark) for mark in terms.get(paragraph, [])]
            if found != unit.terms:
                unit.terms = found
                self._blocks.pop(paragraph, None)
                changed = True
        if changed:
            self.refresh()

    def _target_text(self, paragraph: int, highlight: int | None) -> Text:
        unit = self.units[paragraph]
        text = Text(style=self._style("bilingual--translation"))
        if self.notice is not None:
            if paragraph == 0:
                text.append(self.notice, style=self._style("bilingual--notice"))
            return text
        for index, target in enumerate(unit.targets):
            if index:
                text.append(" ")
            start = len(text)
            if index in unit.failed:
                text.append("(translation failed)", style=self._style("bilingual--placeholder"))
            elif target is None:
                text.append(PLACEHOLDER, style=self._style("bilingual--placeholder"))
            else:
                text.append(target)
            if index == highlight:
                text.stylize(self._style("bilingual--highlight"), start, len(text))
        return text

    def _render_block(self, paragraph: int) -> _Block:
        unit = self.units[paragraph]
        highlight = self._cursor_sentence(paragraph)
        width = self._width
        if self.reading_layout == "interlinear":
            strips, rows = self._interlinear(paragraph, highlight, width)
        elif self.reading_layout == "side":
            strips, rows = self._side_by_side(paragraph, highlight, width)
        else:
            text = (
                self._source_text(unit, highlight)
                if self.reading_layout == "source"
                else self._target_text(paragraph, highlight)
            )
            strips, starts = self._wrap(text, width)
            rows = None
            if highlight is not None:
                span = (
                    unit.spans[highlight]
                    if self.reading_layout == "source"
                    else _target_span(unit, highlight)
                )
                rows = _rows_of(span, starts)
        if paragraph < len(self.units) - 1:
            strips.append(self._gap_row(width))
        return _Block(strips, rows)

    def _gap_row(self, width: int) -> Strip:
        """The blank row after a paragraph; side by side it carries the divider on."""
        if self.reading_layout != "side":
            return Strip.blank(width, self._base_style)
        column = max(4, (width - len(GUTTER)) // 2)
        blank = Strip.blank(column, self._base_style)
        return Strip.join([blank, self._gutter(), blank]).adjust_cell_length(
            width, self._base_style
        )

    def _gutter(self) -> Strip:
        return Strip(
            [*Text(GUTTER, style=self._style("bilingual--rule")).render(self.app.console)]
        ).apply_style(self._base_style)

    def _side_by_side(
        self, paragraph: int, highlight: int | None, width: int
    ) -> tuple[list[Strip], tuple[int, int] | None]:
        unit = self.units[paragraph]
        column = max(4, (width - len(GUTTER)) // 2)
        left, left_starts = self._wrap(self._source_text(unit, highlight), column)
        right, right_starts = self._wrap(self._target_text(paragraph, highlight), column)
        height = max(len(left), len(right))
        blank = Strip.blank(column, self._base_style)
        gutter = self._gutter()
        strips = [
            Strip.join(
                [
                    left[row] if row < len(left) else blank,
                    gutter,
                    right[row] if row < len(right) else blank,
                ]
            ).adjust_cell_length(width, self._base_style)
            for row in range(height)
        ]
        rows = None
        if highlight is not None:
            first_left, last_left = _rows_of(unit.spans[highlight], left_starts)
            first_right, last_right = _rows_of(_target_span(unit, highlight), right_starts)
            rows = (min(first_left, first_right), max(last_left, last_right))
        return strips, rows

    def _interlinear(
        self, paragraph: int, highlight: int | None, width: int
    ) -> tuple[list[Strip], tuple[int, int] | None]:
        unit = self.units[paragraph]
        strips: list[Strip] = []
        rows = None
        indent = Strip.blank(2, self._base_style)
        for index in range(len(unit.spans)):
            first = len(strips)
            style = self._style("bilingual--highlight") if index == highlight else Style()
            source = Text(unit.sentence(index), style=self._style("bilingual--source") + style)
            self._stylize_terms(source, unit, *unit.spans[index])
            if index == highlight:
                self._mark_word(source, unit, unit.spans[index][0])
            strips.extend(self._wrap(source, width)[0])
            target = self._sentence_target(unit, index, paragraph)
            target.stylize(style)
            strips.extend(
                Strip.join([indent, line]).adjust_cell_length(width, self._base_style)
                for line in self._wrap(target, width - 2)[0]
            )
            if index == highlight:
                rows = (first, len(strips) - 1)
        return strips, rows

    def _sentence_target(self, unit: ParagraphUnit, index: int, paragraph: int) -> Text:
        if self.notice is not None:
            notice = self.notice if paragraph == 0 and index == 0 else ""
            return Text(notice, style=self._style("bilingual--notice"))
        if index in unit.failed:
            return Text("(translation failed)", style=self._style("bilingual--placeholder"))
        target = unit.targets[index]
        if target is None:
            return Text(PLACEHOLDER, style=self._style("bilingual--placeholder"))
        return Text(target, style=self._style("bilingual--translation"))

    def _wrap(self, text: Text, width: int) -> tuple[list[Strip], list[int]]:
        """Wrap ``text`` to ``width`` cells; also return where each line starts in the text."""
        console = self.app.console
        lines = text.wrap(console, width, overflow="fold")
        strips, starts, offset = [], [], 0
        for line in lines:
            starts.append(offset)
            offset += len(line.plain)
            strip = Strip(list(line.render(console))).apply_style(self._base_style)
            strips.append(strip.adjust_cell_length(width, self._base_style))
        if not strips:
            strips, starts = [Strip.blank(width, self._base_style)], [0]
        return strips, starts

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


def _target_span(unit: ParagraphUnit, index: int) -> tuple[int, int]:
    """Where sentence ``index``'s translation sits in the joined translation text."""
    start = 0
    for position, target in enumerate(unit.targets):
        piece = (
            "(translation failed)"
            if position in unit.failed
            else (target if target is not None else PLACEHOLDER)
        )
        if position == index:
            return start, start + len(piece)
        start += len(piece) + 1
    return start, start


def _rows_of(span: tuple[int, int], line_starts: list[int]) -> tuple[int, int]:
    """The first and last wrapped line holding the characters of ``span``."""
    first = max(0, bisect_right(line_starts, span[0]) - 1)
    last = max(first, bisect_right(line_starts, max(span[0], span[1] - 1)) - 1)
    return first, last


def _cells(text: str) -> int:
    """Terminal cells of ``text``, estimated in C time: wide (CJK, Hangul) characters
    take three UTF-8 bytes and two cells, ASCII one byte and one cell."""
    if text.isascii():
        return len(text)
    return (len(text.encode("utf-8", "surrogatepass")) + len(text)) // 2


def _target_cells(unit: ParagraphUnit) -> int:
    """Estimated cells of a paragraph's translation column, placeholders included."""
    return sum(_cells(t) if t else len(PLACEHOLDER) for t in unit.targets) + len(unit.targets)
