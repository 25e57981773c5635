"""A virtual article list: one line per article, rows fetched a page at a time.

Only the visible lines are ever rendered, and only the pages that scroll into view
are asked for (through :class:`ArticleList.PageNeeded`), so a collection of 20,000
articles costs the same to show as one of twenty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from reader.core.models import ArticleSummary
from reader.ui.format import age, plain
from reader.ui.widgets.line_view import CursorLineView

PAGE_SIZE = 200
LINE_CACHE_SIZE = 4_000
"""Rows fetched per query; a screen of rows is well under one page."""

FEED_COLUMN = 16
SOURCES_COLUMN = 26
"""The feed column of a story carried by several feeds, on lists at least
:data:`SOURCES_MIN_WIDTH` wide (``한겨레 · 연합뉴스``)."""
SOURCES_MIN_WIDTH = 80
AGE_COLUMN = 4
KNOWN_COLUMN = 5
"""``100%``: the share of an article's words the reader knows (its difficulty)."""
READY_MARK = "⇄"
"""Shown after the unread and star marks when an article's translation is ready."""


class ArticleList(CursorLineView, can_focus=True):
    """The articles of one collection, newest first, with a cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list_down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list_up"),
        Binding("home", "first", "First", show=False, id="list_first"),
        Binding("G,end", "last", "Last", show=False, id="list_last"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="list_page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="list_page_up"),
        Binding("enter", "open", "Read", id="list_open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--read",
        "article-list--meta",
        "article-list--star",
        "article-list--loading",
        "article-list--ready",
    }

    DEFAULT_CSS = """
    ArticleList { height: 1fr; }
    """

    @dataclass
    class PageNeeded(Message):
        """Rows starting at ``offset`` are about to be shown and are not loaded."""

        article_list: ArticleList
        generation: int
        offset: int

    @dataclass
    class Highlighted(Message):
        article_list: ArticleList
        summary: ArticleSummary

    @dataclass
    class Selected(Message):
        article_list: ArticleList
        summary: ArticleSummary

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._line_cache: dict[tuple[int, bool], Strip] = {}
        """Rendered rows by (index, under the cursor): scrolling only crops cached strips."""
        self._cache_width = 0
        self._clock = clock or (lambda: datetime.now(UTC))
        self._rows: dict[int, ArticleSummary] = {}
        self._requested: set[int] = set()
        self.total = 0
        self.generation = 0
        """Bumped on every reset, so late pages of an older collection are ignored."""
        self.empty_text = "No articles here."
        self.difficulties: dict[int, float] = {}
        """Known share (0–1) of analysed articles, by id; shown once any is known."""
        self.ready: set[int] = set()
        """Articles whose every sentence is translated (in the cache); the mark's column
        shows once any is."""

    # -- data ------------------------------------------------------------------------

    def set_difficulties(self, shares: dict[int, float]) -> None:
        """Known shares of some articles arrived: their rows show them."""
        if not shares:
            return
        self.difficulties.update(shares)
        self._line_cache.clear()
        self.refresh()

    def set_ready(self, article_ids: set[int]) -> None:
        """These articles' translations are ready: their rows show :data:`READY_MARK`."""
        if not article_ids - self.ready:
            return
        self.ready |= article_ids
        self._line_cache.clear()
        self.refresh()

    def reset(self, total: int, first_page: list[ArticleSummary], empty_text: str = "") -> None:
        """Show a new collection of ``total`` articles, of which the first page is given."""
        self.generation += 1
        self._line_cache.clear()
        self._rows = dict(enumerate(first_page))
        self._requested = {0}
        self.total = total
        if empty_text:
            self.empty_text = empty_text
        self.virtual_size = Size(0, total)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.cursor = 0
        self.refresh()

    def add_loaded_page(self, offset: int, rows: list[ArticleSummary]) -> None:
        """A page fetched together with the first one (to keep the cursor deep in a list)."""
        self._requested.add(offset)
        self.add_page(self.generation, offset, rows)

    def add_page(self, generation: int, offset: int, rows: list[ArticleSummary]) -> None:
        """Rows fetched after a :class:`PageNeeded`; ignored if the list was reset since."""
        if generation != self.generation:
            return
        for index, row in enumerate(rows, start=offset):
            self._rows[index] = row
        self.refresh()
        if self.cursor in range(offset, offset + len(rows)):
            self.cursor = self.cursor

    def update_summary(self, summary: ArticleSummary) -> None:
        """Redraw the row showing this article (after a read or star change)."""
        for index, row in self._rows.items():
            if row.id == summary.id:
                self._rows[index] = summary
                self._line_cache.pop((index, True), None)
                self._line_cache.pop((index, False), None)
                self.refresh_line(index)

    @property
    def highlighted(self) -> ArticleSummary | None:
        return self._rows.get(self.cursor)

    def loaded_rows(self) -> list[tuple[int, ArticleSummary]]:
        """The rows fetched so far, in list order."""
        return sorted(self._rows.items())

    # -- cursor ----------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return self.total

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self.keep_visible(new)
        self._ensure_loaded(new)
        summary = self._rows.get(new)
        if summary is not None:
            self.post_message(self.Highlighted(self, summary))

    def action_open(self) -> None:
        summary = self.highlighted
        if summary is not None:
            self.post_message(self.Selected(self, summary))

    # -- rendering -------------------------------------------------------------------

    def clear_rendered(self) -> None:
        self._line_cache.clear()

    def _ensure_loaded(self, index: int) -> None:
        page_offset = (index // PAGE_SIZE) * PAGE_SIZE
        if page_offset in self._requested or index >= self.total:
            return
        self._requested.add(page_offset)
        self.post_message(self.PageNeeded(self, self.generation, page_offset))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        base = self._base_style
        if self.total == 0:
            if y == 1:
                text = Text("  " + self.empty_text, style=self._style("article-list--meta"))
                return self._strip(text, width, base)
            return Strip.blank(width, base)
        if index >= self.total:
            return Strip.blank(width, base)
        summary = self._rows.get(index)
        if summary is None:
            self._ensure_loaded(index)
            return self._strip(Text("  …", style=self._style("article-list--loading")), width, base)
        if width != self._cache_width:
            self._line_cache.clear()
            self._cache_width = width
        key = (index, index == self.cursor)
        strip = self._line_cache.get(key)
        if strip is None:
            if len(self._line_cache) > LINE_CACHE_SIZE:
                self._line_cache.clear()
            strip = self._line_cache[key] = self._render_row(summary, width, key[1])
        return strip

    def _render_row(self, summary: ArticleSummary, width: int, under_cursor: bool) -> Strip:
        text = self.row_text(summary, width)
        if not under_cursor:
            return self._strip(text, width, self._base_style)
        cursor_style = self._style("article-list--cursor")
        text.stylize(cursor_style)
        return self._strip(text, width, self._base_style + cursor_style)

    def _style(self, component: str) -> Style:
        return self.get_component_rich_style(component, partial=True)

    def row_text(self, summary: ArticleSummary, width: int) -> Text:
        """One row: marks, title, feed and age. Every part is literal text, never markup."""
        marks = Text.assemble(
            ("●" if not summary.read else " ", self._style("article-list--unread")),
            ("★" if summary.starred else " ", self._style("article-list--star")),
            (self._ready_mark(summary), self._style("article-list--ready")),
            " ",
        )
        when = age(summary.published, self._clock()).rjust(AGE_COLUMN)
        feed_width = FEED_COLUMN if width >= 60 else 0
        if feed_width and summary.copies and width >= SOURCES_MIN_WIDTH:
            feed_width = SOURCES_COLUMN  # the title gives way, the right columns stay put
        known_width = KNOWN_COLUMN if self.difficulties and width >= 50 else 0
        title_width = max(8, width - len(marks) - feed_width - known_width - AGE_COLUMN - 2)
        title_style = "article-list--read" if summary.read else "article-list--unread"
        title = Text(
            plain(summary.title) or "(untitled)", style=self._style(title_style), no_wrap=True
        )
        title.truncate(title_width, overflow="ellipsis", pad=True)
        row = Text.assemble(marks, title, " ")
        if feed_width:
            feed = Text(
                plain(_sources(summary)), style=self._style("article-list--meta"), no_wrap=True
            )
            feed.truncate(feed_width - 1, overflow="ellipsis", pad=True)
            row.append_text(feed)
            row.append(" ")
        if known_width:
            share = self.difficulties.get(summary.id)
            known = f"{round(share * 100)}%" if share is not None else ""
            row.append(known.rjust(known_width - 1) + " ", style=self._style("article-list--meta"))
        row.append(when, style=self._style("article-list--meta"))
        return row

    def _ready_mark(self, summary: ArticleSummary) -> str:
        """:data:`READY_MARK`, a space in its place, or nothing while no row is ready."""
        if not self.ready:
            return ""
        return READY_MARK if summary.id in self.ready else " "

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        segments = list(text.render(self.app.console))
        strip = Strip(segments).apply_style(self._base_style)
        return strip.adjust_cell_length(width, style).simplify()


def _sources(summary: ArticleSummary) -> str:
    """The feed column: the feed, or every feed carrying the story ("한겨레 · 연합뉴스")."""
    return " · ".join(summary.sources) if summary.copies else summary.feed_title
