"""The glossary: every term in a table, filtered, sorted, edited, and traced to articles.

All terms are read once in a worker (10,000 take tens of milliseconds) and kept in
memory; filtering and sorting then happen here without a query, and the table
renders only the rows on screen, so the screen opens and answers keys at once
whatever the size of the glossary.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from reader.core.models import Term
from reader.ui.dialogs.annotate import (
    AnnotateDialog,
    Annotation,
    AnnotationResult,
    set_term_status,
)
from reader.ui.screens.glossary_filter import (
    LANG_FILTERS,
    SORTS,
    STATUS_FILTERS,
    GlossaryFilter,
    occurrence_summary,
    sort_terms,
)
from reader.ui.screens.glossary_occurrences import GlossaryOccurrences
from reader.ui.widgets.glossary_table import GlossaryHeader, GlossaryTable
from reader.ui.widgets.key_hints import KeyHints

if TYPE_CHECKING:
    pass

FIRST_PAGE = 200
"""Terms shown before all are read: more than a screenful, read in a few milliseconds."""
DELETE_CONFIRM_SECONDS = 3.0
VOCABULARY_BATCH = 100
"""Articles analysed per background step (their words count towards frequencies)."""


__all__ = ["GlossaryFilter", "GlossaryScreen", "occurrence_summary", "sort_terms"]


class GlossaryScreen(GlossaryOccurrences):
    """All terms; ``enter`` lists where the highlighted one occurs."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="glossary_back"),
        Binding("slash", "filter_text", "Filter", id="glossary_filter_text"),
        Binding("s", "cycle_status", "Status filter", id="glossary_filter_status"),
        Binding("L", "cycle_lang", "Language", show=False, id="glossary_filter_lang"),
        Binding("number_sign", "filter_tag", "Tag filter", show=False, id="glossary_filter_tag"),
        Binding("o", "cycle_sort", "Sort", id="glossary_sort"),
        Binding("e", "edit", "Edit", id="glossary_edit"),
        Binding("d", "delete", "Delete", id="glossary_delete"),
        Binding("1", "status('1')", "Status 1", show=False, id="glossary_status_1"),
        Binding("2", "status('2')", "Status 2", show=False, id="glossary_status_2"),
        Binding("3", "status('3')", "Status 3", show=False, id="glossary_status_3"),
        Binding("4", "status('4')", "Status 4", show=False, id="glossary_status_4"),
        Binding("5", "status('5')", "Status 5", show=False, id="glossary_status_5"),
        Binding("K", "status('known')", "Known", show=False, id="glossary_status_known"),
        Binding("I", "status('ignored')", "Ignored", show=False, id="glossary_status_ignored"),
    ]

    DEFAULT_CSS = """
    GlossaryScreen #glossary-summary { height: 1; padding: 0 1; text-style: bold; }
    GlossaryScreen #glossary-filter { display: none; margin: 0 1; height: 3; }
    GlossaryScreen #glossary-filter.-shown { display: block; }
    GlossaryScreen #glossary-columns { height: 1fr; }
    GlossaryScreen #glossary-main { width: 1fr; padding: 0 1; }
    GlossaryScreen #glossary-side {
        width: 45%; display: none; border-left: vkey $foreground 15%; padding-left: 1;
    }
    GlossaryScreen #glossary-side.-shown { display: block; }
    GlossaryScreen #glossary-detail { height: auto; max-height: 8; }
    GlossaryScreen #glossary-occurrences { height: 1fr; border: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.all_terms: list[Term] = []
        self.frequencies: dict[int, int] = {}
        self.filter = GlossaryFilter()
        self.order = "date"
        self.loaded = False
        self._delete_armed: tuple[int, float] | None = None
        self.analysis: tuple[int, int] | None = None
        """(articles analysed so far, articles to analyse) while the analysis runs."""

    def compose(self) -> ComposeResult:
        yield Static(id="glossary-summary")
        with Horizontal(id="glossary-columns"), Vertical(id="glossary-main"):
            yield GlossaryHeader()
            yield GlossaryTable(id="glossary-table")
        yield KeyHints([*self.BINDINGS, *GlossaryTable.BINDINGS])

    def on_mount(self) -> None:
        self.query_one(GlossaryTable).focus()
        self._update_summary()
        self.load()

    # -- loading ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="glossary")
    def load(self, keep: int | None = None) -> None:
        """Show the newest terms at once, then every term, then per-term article counts."""
        with self.guard("loading the glossary"):
            if not self.loaded:
                first = self.service.list_terms(limit=FIRST_PAGE)
                if len(first) == FIRST_PAGE:
                    self.app.call_from_thread(self._set_first_page, first)
            terms = self.service.list_terms()
            self.app.call_from_thread(self._set_terms, terms, keep)
            frequencies = self.service.term_frequencies()
            self.app.call_from_thread(self._set_frequencies, frequencies)

    @work(thread=True, exclusive=True, group="glossary-vocabulary")
    def index_vocabulary(self) -> None:
        """Analyse articles not analysed yet, so that frequencies and occurrences cover
        them; counts are refreshed after each step."""
        with self.guard("analysing articles"):
            pending = self.service.vocabulary_pending_count()
            done = 0
            try:
                while pending and done < pending:
                    self.app.call_from_thread(self._set_analysis, (done, pending))
                    analysed = self.service.index_vocabulary(VOCABULARY_BATCH)
                    if not analysed:
                        break
                    done += analysed
                    frequencies = self.service.term_frequencies()
                    self.app.call_from_thread(self._set_frequencies, frequencies)
            finally:
                self.app.call_from_thread(self._set_analysis, None)

    def _set_analysis(self, progress: tuple[int, int] | None) -> None:
        self.analysis = progress
        self._update_summary()

    def _set_first_page(self, terms: list[Term]) -> None:
        """The newest terms, shown while the rest load (a screenful is all that is seen)."""
        if not self.loaded:
            self.query_one(GlossaryTable).show(terms, "")

    def _set_terms(self, terms: list[Term], keep: int | None = None) -> None:
        self.all_terms = terms
        self.loaded = True
        table = self.query_one(GlossaryTable)
        if keep is None and table.terms and table.highlighted is not None:
            keep = table.highlighted.id  # the first page was shown: the cursor stays put
        self._apply(keep)
        if not self.frequencies:
            self.index_vocabulary()

    def _set_frequencies(self, frequencies: dict[int, int]) -> None:
        self.frequencies = frequencies
        table = self.query_one(GlossaryTable)
        table.set_frequencies(frequencies)
        if self.order == "frequency":
            self._apply(table.highlighted.id if table.highlighted else None)

    def _apply(self, keep: int | None = None) -> None:
        """Filter and sort the loaded terms into the table."""
        shown = [term for term in self.all_terms if self.filter.matches(term)]
        shown = sort_terms(shown, self.order, self.frequencies)
        empty = (
            "No terms match the filter."
            if self.all_terms
            else "The glossary is empty: mark words while reading (enter or A in an article)."
        )
        self.query_one(GlossaryTable).show(shown, empty, keep=keep)
        self._update_summary()

    def _update_summary(self) -> None:
        table = self.query_one(GlossaryTable)
        if not self.loaded:
            summary = "Glossary · loading…"
        else:
            summary = f"Glossary · {len(table.terms):,} of {len(self.all_terms):,} terms"
            if self.analysis is not None:  # before the rest: a narrow screen cuts the end
                done, total = self.analysis
                summary += f" · analysing articles {done:,}/{total:,}…"
            summary += (
                f" · filter: {self.filter.describe()} · sorted by {self.order}"
                " · arts: analysed articles containing it"
            )
        self.query_one("#glossary-summary", Static).update(Text(summary))

    # -- filters and sorting -----------------------------------------------------------

    def _filter_field(self) -> Input:
        """The text filter, mounted on first use (the screen opens faster without it)."""
        found = self.query("#glossary-filter").results(Input)
        field = next(found, None)
        if field is None:
            field = Input(placeholder="text in term, lemma or gloss", id="glossary-filter")
            self.mount(field, before="#glossary-columns")
        return field

    def action_filter_text(self) -> None:
        field = self._filter_field()
        field.add_class("-shown")
        field.focus()

    @on(Input.Changed, "#glossary-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.filter.text = event.value.strip()
        self._apply()

    @on(Input.Submitted, "#glossary-filter")
    def filter_done(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            event.input.remove_class("-shown")
        self.query_one(GlossaryTable).focus()

    def action_cycle_status(self) -> None:
        index = STATUS_FILTERS.index(self.filter.status)
        self.filter.status = STATUS_FILTERS[(index + 1) % len(STATUS_FILTERS)]
        self._apply()

    def action_cycle_lang(self) -> None:
        index = LANG_FILTERS.index(self.filter.lang)
        self.filter.lang = LANG_FILTERS[(index + 1) % len(LANG_FILTERS)]
        self._apply()

    def action_filter_tag(self) -> None:
        from reader.ui.dialogs.prompt import PromptDialog

        def set_tag(tag: str | None) -> None:
            self.filter.tag = tag.lstrip("#") if tag else None
            self._apply()

        self.app.push_screen(
            PromptDialog("Filter by tag", "A tag, or nothing for every tag", "tag"), set_tag
        )

    def action_cycle_sort(self) -> None:
        self.order = SORTS[(SORTS.index(self.order) + 1) % len(SORTS)]
        table = self.query_one(GlossaryTable)
        self._apply(table.highlighted.id if table.highlighted else None)

    # -- one term ----------------------------------------------------------------------

    def _highlighted(self) -> Term | None:
        return self.query_one(GlossaryTable).highlighted

    def action_edit(self) -> None:
        term = self._highlighted()
        if term is None:
            return

        def done(result: AnnotationResult | None) -> None:
            if result is None:
                return
            if result.term is not None:
                self.notify(f"Saved {result.term.text}.", markup=False, timeout=2)
            self.load(keep=result.term.id if result.term else None)

        self.app.push_screen(AnnotateDialog(Annotation.of_term(term)), done)

    def action_delete(self) -> None:
        """Delete the highlighted term when ``d`` is pressed twice within a few seconds."""
        term = self._highlighted()
        if term is None:
            return
        now = time.monotonic()
        armed = self._delete_armed
        if armed is None or armed[0] != term.id or now - armed[1] > DELETE_CONFIRM_SECONDS:
            self._delete_armed = (term.id, now)
            self.notify(f"Press d again to delete {term.text}.", markup=False, timeout=3)
            return
        self._delete_armed = None

        def delete() -> None:
            with self.guard("deleting the term"):
                self.service.delete_term(term.id)
                self.app.call_from_thread(self._forget, term)

        self.run_worker(delete, thread=True, group="glossary-edit")

    def _forget(self, term: Term) -> None:
        table = self.query_one(GlossaryTable)
        position = table.cursor
        self.all_terms = [t for t in self.all_terms if t.id != term.id]
        self._apply()
        table.cursor = position
        self.notify(f"Deleted {term.text}.", markup=False, timeout=2)

    def action_status(self, status: str) -> None:
        term = self._highlighted()
        if term is None:
            return

        def write() -> None:
            with self.guard("setting the status"):
                updated = set_term_status(self.service, term.id, status)
                self.app.call_from_thread(self._replace, updated)

        self.run_worker(write, thread=True, group="glossary-edit")

    def _replace(self, updated: Term) -> None:
        self.all_terms = [updated if t.id == updated.id else t for t in self.all_terms]
        self._apply(updated.id)

    def action_back(self) -> None:
        focused = self.focused
        if focused is not None and focused.id in ("glossary-occurrences", "glossary-filter"):
            self.query_one(GlossaryTable).focus()
            return
        self.app.pop_screen()
