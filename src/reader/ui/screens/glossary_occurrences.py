"""The glossary's side panel: the highlighted term's details and the sentences of
your articles it occurs in; it follows the cursor once it rests, and ``enter`` on a
sentence opens its article there.

:class:`GlossaryOccurrences` is the glossary screen's panel half; the screen
(:class:`~reader.ui.screens.glossary.GlossaryScreen`) holds the table and the keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.core.models import Term
from reader.ui.format import plain
from reader.ui.host import ReaderScreen
from reader.ui.screens.glossary_filter import OCCURRENCE_LIMIT, occurrence_summary
from reader.ui.widgets.glossary_table import GlossaryTable

if TYPE_CHECKING:
    from reader.core.terms import Occurrence

FOLLOW_DELAY = 0.2
"""Seconds the cursor rests on a term before the open occurrences panel follows it."""


class GlossaryOccurrences(ReaderScreen[None]):
    """A term's details and occurrences beside the table (``#glossary-columns``)."""

    def __init__(self) -> None:
        super().__init__()
        self.occurrences: list[Occurrence] = []
        self._side: tuple[Vertical, Static, OptionList] | None = None
        self._follow_timer: Timer | None = None
        self._occurrences_term: int | None = None
        """The term the occurrences panel is for (late answers for others are dropped)."""

    def _side_panel(self) -> tuple[Vertical, Static, OptionList]:
        """The side panel of a term's details and occurrences, mounted on first use."""
        if self._side is None:
            detail = Static(id="glossary-detail")
            options = OptionList(id="glossary-occurrences")
            side = Vertical(detail, options, id="glossary-side")
            self.query_one("#glossary-columns").mount(side)
            self._side = (side, detail, options)
        return self._side

    def _occurrence_list(self) -> OptionList:
        return self._side_panel()[2]

    @on(GlossaryTable.Selected)
    def show_occurrences(self, message: GlossaryTable.Selected) -> None:
        self._open_occurrences(message.term, focus=True)

    @on(GlossaryTable.Highlighted)
    def follow_cursor(self, message: GlossaryTable.Highlighted) -> None:
        """With the panel open, it shows the highlighted term's occurrences (once the
        cursor rests, so that holding j stays smooth)."""
        if self._side is None or not self._side[0].has_class("-shown"):
            return
        if self._follow_timer is not None:
            self._follow_timer.stop()
        term = message.term
        self._follow_timer = self.set_timer(
            FOLLOW_DELAY, lambda: self._open_occurrences(term, focus=False)
        )

    def _open_occurrences(self, term: Term, focus: bool) -> None:
        side, _, options = self._side_panel()
        options.clear_options()
        side.add_class("-shown")
        self.occurrences = []
        self._occurrences_term = term.id
        self._show_detail(term, "looking for it in your articles…")
        self.find_occurrences(term, focus)

    def _show_detail(self, term: Term, status: str) -> None:
        detail = Text(plain(term.text), style="bold")
        detail.append(f"  {plain(term.lemma)}  [{term.status}]\n", style="dim")
        detail.append(plain(term.gloss) or "(no gloss)")
        if term.note:
            detail.append("\n" + plain(term.note), style="italic")
        detail.append("\n" + status, style="dim")
        self._side_panel()[1].update(detail)

    @work(thread=True, exclusive=True, group="glossary-occurrences")
    def find_occurrences(self, term: Term, focus: bool = True) -> None:
        with self.guard("finding the term in articles"):
            found = self.service.term_occurrences(term.id, OCCURRENCE_LIMIT)
            self.app.call_from_thread(self._show_occurrences, term, found, focus)

    def _show_occurrences(self, term: Term, found: list[Occurrence], focus: bool = True) -> None:
        if self._occurrences_term != term.id:
            return  # the cursor moved on to another term meanwhile
        self.occurrences = found
        options = self._occurrence_list()
        options.clear_options()
        for occurrence in found:
            label = Text(plain(occurrence.title) or "(untitled)", style="bold")
            label.append("\n" + plain(occurrence.sentence))
            options.add_option(Option(label))
        self._show_detail(term, occurrence_summary(found) + " · enter opens one")
        if found:
            options.highlighted = 0
            if focus:
                options.focus()

    @on(OptionList.OptionSelected, "#glossary-occurrences")
    def open_occurrence(self, event: OptionList.OptionSelected) -> None:
        occurrence = self.occurrences[event.option_index]
        self.open_article(occurrence.article_id, occurrence.paragraph, occurrence.start)
