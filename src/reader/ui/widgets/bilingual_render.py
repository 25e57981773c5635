"""How the bilingual view draws one paragraph: source and translation side by side, one
above the other, or one of them alone, with the sentence cursor, the glossary's terms
and the word cursor marked.

:class:`ParagraphRenderer` turns a :class:`~reader.ui.widgets.paragraphs.ParagraphUnit`
into a block of strips and knows nothing of scrolling; the layout
(:mod:`reader.ui.widgets.bilingual_layout`) decides which paragraphs are drawn and
when, and :class:`~reader.ui.widgets.bilingual.BilingualView` holds the content.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.strip import Strip

from reader.ui.widgets.line_view import CachedLineView
from reader.ui.widgets.paragraphs import ParagraphUnit
from reader.ui.widgets.word_cursor import WordCursor

PLACEHOLDER = "···"
"""Shown where a sentence's translation has not arrived yet, in reverse video: text
(a summary ending in ``서···``) is never drawn that way, so the two cannot be confused."""
GUTTER = " │ "
FAILED = "(translation failed)"
EDITED_MARK = " ✎"
"""After a sentence whose translation is the reader's own (an edit, a chosen alternative)."""
LOW_CONFIDENCE = 0.5
"""Below this confidence a sentence is drawn as unsure (screens set the view's
``low_confidence`` from ``[translation] low_confidence``)."""


@dataclass
class Block:
    """One paragraph drawn: its rows, and where the cursor sentence is among them."""

    strips: list[Strip]
    cursor_rows: tuple[int, int] | None
    """First and last row of the cursor sentence inside the block, when it is here."""


class ParagraphRenderer(CachedLineView):
    """Draws paragraphs of the view's content at ``_width`` cells."""

    reading_layout: reactive[str] = reactive("side", init=False)
    cursor: reactive[tuple[int, int]] = reactive((0, 0), init=False)

    # The content, set by BilingualView.__init__ and its content methods:
    units: list[ParagraphUnit]
    notice: str | None
    show_cursor: bool
    word: WordCursor
    word_active: bool
    low_confidence: float = LOW_CONFIDENCE
    _width: int

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
        for term_start, term_end, level, _term in unit.terms:
            if term_start < end and term_end > start:
                style = self._style(f"bilingual--term-{min(max(level, 1), 3)}")
                text.stylize(style, max(term_start, start) - start, min(term_end, end) - start)

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

    def _target_text(self, paragraph: int, highlight: int | None) -> Text:
        unit = self.units[paragraph]
        text = Text(style=self._style("bilingual--translation"))
        if self.notice is not None:
            if paragraph == 0:
                text.append(self.notice, style=self._style("bilingual--notice"))
            return text
        for index in range(len(unit.targets)):
            if index:
                text.append(" ")
            cursor = self._style("bilingual--highlight") if index == highlight else None
            text.append_text(self._sentence_translation(unit, index, Style(), cursor))
        return text

    def _sentence_translation(
        self, unit: ParagraphUnit, index: int, own: Style, cursor: Style | None
    ) -> Text:
        """One sentence's translation as drawn, in the style ``own`` (and ``cursor`` when
        the cursor is on it): the placeholder while it is pending; an unsure one in
        ``$reader-unsure``; the glossary terms it was steered to hold in their source
        colour (a term not applied is not marked), drawn over the cursor as in the
        source; the reader's own translation with a subtle mark after it."""
        target = unit.targets[index]
        if index in unit.failed or target is None:
            text = Text(target_piece(unit, index), style=self._style("bilingual--placeholder"))
            if cursor is not None:
                text.stylize(cursor)
            return text
        style = own + cursor if cursor is not None else own
        details = unit.details.get(index)
        if details is None:
            return Text(target, style=style)
        unsure = (
            not details.user
            and details.confidence is not None
            and details.confidence < self.low_confidence
        )
        text = Text(target, style=style + self._style("bilingual--unsure") if unsure else style)
        levels = {mark.term_id: mark.level for mark in unit.terms if mark.term_id}
        for term_id, gloss in details.glosses:
            level = levels.get(term_id)
            if level is None or not gloss:
                continue
            term_style = self._style(f"bilingual--term-{min(max(level, 1), 3)}")
            for found in _gloss_pattern(gloss).finditer(target):
                text.stylize(term_style, found.start(), found.end())
        if details.user:
            text.append(EDITED_MARK, style=style + self._style("bilingual--edited"))
        return text

    def _render_block(self, paragraph: int) -> Block:
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
        return Block(strips, rows)

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
            cursor = style if index == highlight else None
            target = self._sentence_target(unit, index, paragraph, cursor)
            strips.extend(
                Strip.join([indent, line]).adjust_cell_length(width, self._base_style)
                for line in self._wrap(target, width - 2)[0]
            )
            if index == highlight:
                rows = (first, len(strips) - 1)
        return strips, rows

    def _sentence_target(
        self, unit: ParagraphUnit, index: int, paragraph: int, cursor: Style | None
    ) -> Text:
        if self.notice is not None:
            notice = self.notice if paragraph == 0 and index == 0 else ""
            text = Text(notice, style=self._style("bilingual--notice"))
            if cursor is not None:
                text.stylize(cursor)
            return text
        own = self._style("bilingual--translation")
        return self._sentence_translation(unit, index, own, cursor)

    def _wrap(self, text: Text, width: int) -> tuple[list[Strip], list[int]]:
        """Wrap ``text`` to ``width`` cells; also return where each line starts in the text.

        ``text``'s own style goes under every line: Rich renders a line without spans
        unstyled, which lost ``$reader-translation`` on a paragraph with no mark."""
        console = self.app.console
        lines = text.wrap(console, width, overflow="fold")
        own = text.style if isinstance(text.style, Style) else console.get_style(text.style)
        under = self._base_style + own
        strips, starts, offset = [], [], 0
        for line in lines:
            starts.append(offset)
            offset += len(line.plain)
            strip = Strip(list(line.render(console))).apply_style(under)
            strips.append(strip.adjust_cell_length(width, self._base_style))
        if not strips:
            strips, starts = [Strip.blank(width, self._base_style)], [0]
        return strips, starts


@lru_cache(maxsize=512)
def _gloss_pattern(gloss: str) -> re.Pattern[str]:
    """Where a restored gloss stands in a translation: not inside a longer word, though
    a Korean particle may follow it (``외교를``)."""
    return re.compile(r"(?<!\w)" + re.escape(gloss) + r"(?![A-Za-z0-9])")


def target_piece(unit: ParagraphUnit, index: int) -> str:
    """The text drawn for sentence ``index``'s translation (marks included)."""
    if index in unit.failed:
        return FAILED
    target = unit.targets[index]
    if target is None:
        return PLACEHOLDER
    details = unit.details.get(index)
    return target + EDITED_MARK if details is not None and details.user else target


def _target_span(unit: ParagraphUnit, index: int) -> tuple[int, int]:
    """Where sentence ``index``'s translation sits in the joined translation text."""
    start = 0
    for position in range(len(unit.targets)):
        piece = target_piece(unit, position)
        if position == index:
            return start, start + len(piece)
        start += len(piece) + 1
    return start, start


def _rows_of(span: tuple[int, int], line_starts: list[int]) -> tuple[int, int]:
    """The first and last wrapped line holding the characters of ``span``."""
    first = max(0, bisect_right(line_starts, span[0]) - 1)
    last = max(first, bisect_right(line_starts, max(span[0], span[1] - 1)) - 1)
    return first, last
