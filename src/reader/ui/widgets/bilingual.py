"""The bilingual article view: source and translation aligned paragraph by paragraph.

The view lays out its own lines (Textual's line API) instead of mounting a widget per
paragraph: each paragraph becomes a block of rows holding both columns, so a
translation always starts on the same row as its source, and only the rows on
screen are ever turned into segments. A 5,000-word article is a few hundred rows of
cached strips; moving the sentence cursor re-renders the one or two paragraphs it
leaves and enters.

This module holds the content, the keys and the cursors; drawing a paragraph is in
:mod:`reader.ui.widgets.bilingual_render` and laying the article out (estimated
heights, settling near the view) in :mod:`reader.ui.widgets.bilingual_layout`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message

from reader.ui.state import LAYOUTS
from reader.ui.widgets.bilingual_layout import ParagraphLayout, _target_cells
from reader.ui.widgets.bilingual_render import PLACEHOLDER, _rows_of, _target_span
from reader.ui.widgets.paragraphs import (
    ParagraphUnit,
    SentenceDetails,
    SentenceTranslation,
    TermMark,
    WordSelection,
)
from reader.ui.widgets.word_cursor import WordCursor, sentence_words

__all__ = [
    "PLACEHOLDER",
    "BilingualView",
    "ParagraphUnit",
    "SentenceTranslation",
    "TermMark",
    "WordSelection",
    "_rows_of",
    "_target_span",
]


class BilingualView(ParagraphLayout, can_focus=True):
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
        "bilingual--unsure",
        "bilingual--edited",
    }

    DEFAULT_CSS = """
    BilingualView { height: 1fr; }
    """

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
        a long article gets them in parts): keep the reader's paragraph. A paragraph
        whose boundaries are those shown keeps its translations (it is being translated
        again, e.g. after a glossary change)."""
        touched: set[int] = set()
        shown = range(first, min(len(self.units), first + len(spans)))
        for index, paragraph_spans in zip(shown, spans, strict=False):
            unit = self.units[index]
            new_spans = paragraph_spans or [(0, len(unit.source))]
            if new_spans == unit.spans and any(target is not None for target in unit.targets):
                continue
            touched.add(index)
            unit.spans = new_spans
            unit.targets = [None] * len(unit.spans)
            unit.failed.clear()
            unit.details.clear()
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
        for paragraph, sentence, text, failed, details in results:
            if paragraph >= len(self.units) or sentence >= len(self.units[paragraph].spans):
                continue
            unit = self.units[paragraph]
            unit.targets[sentence] = text
            if failed:
                unit.failed.add(sentence)
            else:
                unit.failed.discard(sentence)
            if details is None:
                unit.details.pop(sentence, None)
            else:
                unit.details[sentence] = details
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
            unit.details.clear()
        self._relayout()

    def current_pair(self) -> tuple[str, str | None] | None:
        """The sentence under the cursor and its translation (None while pending)."""
        if not self.units:
            return None
        paragraph, sentence = self.cursor
        unit = self.units[paragraph]
        return unit.sentence(sentence), unit.targets[sentence]

    def current_details(self) -> SentenceDetails | None:
        """What the translation of the sentence under the cursor says beyond its text
        (None while it is pending, or when nothing is known)."""
        if not self.units:
            return None
        paragraph, sentence = self.cursor
        return self.units[paragraph].details.get(sentence)

    def set_terms(self, terms: Mapping[int, Sequence[TermMark | tuple[int, int, int]]]) -> None:
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
