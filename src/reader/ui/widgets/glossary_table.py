"""A virtual table of glossary terms: one line per term, only visible lines rendered.

A DataTable builds a row object and measures every cell of every row when rows are
added, so filling one with 10,000 terms takes seconds; this table keeps the terms
as a plain list and turns into segments only the rows on screen, so a glossary of
any size opens, filters and sorts in the time of a screenful.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from reader.core.models import Term
from reader.ui.format import plain
from reader.ui.widgets.line_view import CursorLineView

STATUS_MARKS = {"known": "K", "ignored": "I"}
COLUMNS = (("st", 3), ("term", 18), ("lemma", 14), ("gloss", 0), ("lang", 5), ("arts", 5))
"""Column titles and widths; the gloss column (0) takes what is left. ``arts`` is how
many analysed articles contain the term (the summary line says so)."""
NARROW = 70
"""Below this width the lemma column is left out."""


def status_mark(status: str) -> str:
    return STATUS_MARKS.get(status, status)


def column_widths(width: int) -> list[tuple[str, int]]:
    """The columns shown at ``width`` cells, the gloss column sized to fill the rest."""
    shown = [(name, size) for name, size in COLUMNS if not (name == "lemma" and width < NARROW)]
    fixed = sum(size + 1 for _, size in shown if size)
    return [(name, size or max(6, width - fixed - 1)) for name, size in shown]


def header_text(width: int) -> Text:
    """The column titles, aligned with the rows."""
    text = Text(no_wrap=True)
    for name, size in column_widths(width):
        text.append(name.ljust(size + 1)[: size + 1])
    return text


class GlossaryHeader(Widget):
    """The column titles; placed right above a :class:`GlossaryTable` of the same width."""

    DEFAULT_CSS = """
    GlossaryHeader { height: 1; color: $foreground 60%; }
    """

    def render(self) -> Text:
        return header_text(max(1, self.size.width - 1))  # the table keeps a scrollbar column


class GlossaryTable(CursorLineView, can_focus=True):
    """Terms with a cursor; ``enter`` asks for the highlighted term's occurrences."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="glossary_down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="glossary_up"),
        Binding("home", "first", "First", show=False, id="glossary_first"),
        Binding("G,end", "last", "Last", show=False, id="glossary_last"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="glossary_page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="glossary_page_up"),
        Binding("enter", "select", "Occurrences", id="glossary_occurrences"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "glossary-table--cursor",
        "glossary-table--meta",
        "glossary-table--empty",
    }

    DEFAULT_CSS = """
    GlossaryTable {
        height: 1fr; overflow-x: hidden; scrollbar-size-vertical: 1; scrollbar-gutter: stable;
    }
    GlossaryTable > .glossary-table--cursor { background: $accent 30%; }
    GlossaryTable:focus > .glossary-table--cursor {
        background: $accent; color: $background; text-style: bold;
    }
    GlossaryTable > .glossary-table--meta { color: $foreground 60%; }
    GlossaryTable > .glossary-table--empty { color: $foreground 60%; text-style: italic; }
    """

    @dataclass
    class Highlighted(Message):
        table: GlossaryTable
        term: Term

    @dataclass
    class Selected(Message):
        table: GlossaryTable
        term: Term

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.terms: list[Term] = []
        self.frequencies: dict[int, int] = {}
        self.empty_text = "Loading the glossary…"
        self._cache: dict[tuple[int, bool], Strip] = {}
        self._cache_width = 0

    # -- data ------------------------------------------------------------------------

    def show(
        self, terms: list[Term], empty_text: str = "No terms.", keep: int | None = None
    ) -> None:
        """Show ``terms``; the cursor goes to the term with id ``keep`` if it is there."""
        self.terms = terms
        self.empty_text = empty_text
        self._cache.clear()
        self.virtual_size = Size(0, len(terms))
        index = next((i for i, term in enumerate(terms) if term.id == keep), 0) if keep else 0
        if not keep:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self.cursor = index
        self.refresh()

    def set_frequencies(self, frequencies: dict[int, int]) -> None:
        self.frequencies = frequencies
        self._cache.clear()
        self.refresh()

    @property
    def highlighted(self) -> Term | None:
        return self.terms[self.cursor] if 0 <= self.cursor < len(self.terms) else None

    # -- cursor ----------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.terms)

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self.keep_visible(new)
        term = self.highlighted
        if term is not None:
            self.post_message(self.Highlighted(self, term))

    def action_select(self) -> None:
        term = self.highlighted
        if term is not None:
            self.post_message(self.Selected(self, term))

    # -- rendering -------------------------------------------------------------------

    def clear_rendered(self) -> None:
        self._cache.clear()

    def _style(self, component: str) -> Style:
        return self.get_component_rich_style(component, partial=True)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        base = self._base_style
        if not self.terms:
            if y == 1:
                text = Text("  " + self.empty_text, style=self._style("glossary-table--empty"))
                return self._strip(text, width, base)
            return Strip.blank(width, base)
        if index >= len(self.terms):
            return Strip.blank(width, base)
        if width != self._cache_width:
            self._cache.clear()
            self._cache_width = width
        key = (index, index == self.cursor)
        strip = self._cache.get(key)
        if strip is None:
            if len(self._cache) > 2_000:
                self._cache.clear()
            text = self.row_text(self.terms[index], width)
            style = base
            if key[1]:
                cursor = self._style("glossary-table--cursor")
                text.stylize(cursor)
                style = base + cursor
            strip = self._cache[key] = self._strip(text, width, style)
        return strip

    def row_text(self, term: Term, width: int) -> Text:
        """One row: every value is literal text, never markup."""
        meta = self._style("glossary-table--meta")
        values = {
            "st": (status_mark(term.status), meta),
            "term": (plain(term.text), Style()),
            "lemma": (plain(term.lemma), meta),
            "gloss": (plain(term.gloss).replace("\n", " "), Style()),
            "lang": (term.lang, meta),
            "arts": (str(self.frequencies.get(term.id, "")), meta),
        }
        row = Text(no_wrap=True)
        for name, size in column_widths(width):
            value, style = values[name]
            cell = Text(value, style=style, no_wrap=True)
            if cell_len(value) > size:
                cell.truncate(size, overflow="ellipsis")
            cell.pad_right(size + 1 - cell.cell_len)
            row.append_text(cell)
        return row

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        segments = list(text.render(self.app.console))
        strip = Strip(segments).apply_style(self._base_style)
        return strip.adjust_cell_length(width, style).simplify()
