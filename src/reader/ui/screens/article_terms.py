"""The article screen's glossary side: highlights, the annotation form, status keys,
editing and deleting the term under the word cursor, and the suggestions panel.

:class:`ArticleTerms` is a widget of the article screen without a display of its
own: the screen tells it which article is shown (:meth:`ArticleTerms.show_article`)
and forwards its term keys to it; it works on its sibling views (the bilingual view,
the suggestions panel) and runs its own workers. Everything that may analyse text
runs in a worker (the service's analyser keeps kiwipiepy out of this process), so
the screen never waits for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.widget import Widget

from reader.ui.dialogs.annotate import (
    AnnotateDialog,
    Annotation,
    AnnotationResult,
    save_annotation,
    set_term_status,
)
from reader.ui.highlights import find_terms, term_levels
from reader.ui.host import Hosted
from reader.ui.widgets.bilingual import BilingualView
from reader.ui.widgets.suggestions import SuggestionsPanel

if TYPE_CHECKING:
    from reader.core.models import Article
    from reader.core.terms import Suggestion, TermMatch

TERM_BINDINGS = [
    Binding("enter,A", "annotate", "Annotate", id="annotate"),
    Binding("e", "edit_term", "Edit term", show=False, id="edit_term"),
    Binding("D", "delete_term", "Delete term", show=False, id="delete_term"),
    Binding("1", "term_status('1')", "Term status 1", show=False, id="term_status_1"),
    Binding("2", "term_status('2')", "Term status 2", show=False, id="term_status_2"),
    Binding("3", "term_status('3')", "Term status 3", show=False, id="term_status_3"),
    Binding("4", "term_status('4')", "Term status 4", show=False, id="term_status_4"),
    Binding("5", "term_status('5')", "Term status 5", show=False, id="term_status_5"),
    Binding("K", "term_status('known')", "Term known", show=False, id="term_status_known"),
    Binding("I", "term_status('ignored')", "Term ignored", show=False, id="term_status_ignored"),
    Binding("S", "toggle_suggestions", "Suggestions", id="toggle_suggestions"),
    Binding("L", "lookup", "Look up", show=False, id="look_up_word"),
]
"""Keys of the article screen that act on terms."""

DELETE_CONFIRM_SECONDS = 3.0


def sentence_at(view: BilingualView, paragraph: int, offset: int) -> tuple[str, str | None]:
    """The sentence of a paragraph holding ``offset``, and its translation if it is there."""
    unit = view.units[paragraph]
    for index, (start, end) in enumerate(unit.spans):
        if start <= offset < end:
            return unit.sentence(index).strip(), unit.targets[index]
    return unit.source, None


def sentence_containing(view: BilingualView, text: str) -> tuple[str, str | None]:
    """The first sentence of the view that contains ``text`` (and its translation)."""
    for paragraph, unit in enumerate(view.units):
        found = unit.source.find(text)
        if found >= 0:
            return sentence_at(view, paragraph, found)
    return "", None


class ArticleTerms(Widget, Hosted):
    """Term actions and highlights of the article shown in the screen."""

    DEFAULT_CSS = """
    ArticleTerms { display: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.article: Article | None = None
        """The article shown, once it is read (see :meth:`show_article`)."""
        self.article_id = 0
        """The article being opened or shown."""
        self.lang = "en"
        """The article's language, for analysis and new terms."""
        self._delete_armed: tuple[int, float] | None = None
        self.matches: list[list[TermMatch]] = []
        """The glossary's terms in each paragraph of the open article."""
        self.pending: tuple[int, int] | None = None
        """(paragraph, offset) to put the cursor on once the article shows."""
        self.glossary_changed: Callable[[], None] | None = None
        """Called after a term is saved or deleted here (the screen translates again:
        the glossary steers the translation)."""

    @property
    def view(self) -> BilingualView:
        return self.screen.query_one(BilingualView)

    # -- the article -----------------------------------------------------------------

    def open(self, article_id: int) -> None:
        """Another article is being opened: nothing of the last one applies."""
        self.article_id = article_id
        self.article = None

    def show_article(self, article: Article) -> None:
        """The article is read and painted: its suggestions, and the pending place."""
        self.article = article
        self.article_id = article.id
        self.matches = []
        self.load_suggestions()
        self.apply_pending()

    # -- highlights ------------------------------------------------------------------

    def highlight(self, article: Article) -> None:
        """Find the glossary's terms in the article and show them (call from a worker)."""
        self.lang = self.service.article_language(article)
        matches = find_terms(self.service, article, self.lang)
        self.app.call_from_thread(self._show_matches, article.id, matches)
        self.service.article_difficulty(article.id)  # its words, for the list's difficulty

    def _show_matches(self, article_id: int, matches: list[list[TermMatch]]) -> None:
        if self.article is None or self.article.id != article_id:
            return
        self.matches = matches
        self.view.set_terms(term_levels(matches))

    def matches_of(self, paragraph: int) -> list[TermMatch]:
        return self.matches[paragraph] if paragraph < len(self.matches) else []

    def refresh_highlights(self) -> None:
        """The glossary changed: match again (the analyses are cached by now)."""
        article = self.article
        if article is None:
            return

        def rematch() -> None:
            with self.guard("highlighting terms"):
                self.highlight(article)

        self.run_worker(rematch, thread=True, exclusive=True, group="article-terms")

    # -- going to an occurrence -------------------------------------------------------

    def go_to_offset(self, paragraph: int, offset: int) -> None:
        """Put the sentence cursor on the sentence holding ``offset`` of ``paragraph`` once
        the article shows (an occurrence chosen in the glossary)."""
        self.pending = (paragraph, offset)
        self.apply_pending()

    def apply_pending(self, sentences_known: bool = False) -> None:
        """Move to the pending place: its paragraph now, its sentence once split."""
        if self.pending is None or self.article is None:
            return
        paragraph, offset = self.pending
        view = self.view
        if paragraph >= len(view.units):
            return
        spans = view.units[paragraph].spans
        sentence = next((i for i, (s, e) in enumerate(spans) if s <= offset < e), 0)
        view.cursor = (paragraph, sentence)
        if sentences_known:
            self.pending = None

    # -- the selection ---------------------------------------------------------------

    def _selection_annotation(self) -> Annotation | None:
        """A new term from the words under the word cursor, with their sentence."""
        article = self.article
        selection = self.view.word_selection()
        if article is None or selection is None:
            return None
        paragraph, start, end = selection
        sentence, translation = sentence_at(self.view, paragraph, start)
        return Annotation(
            text=self.view.units[paragraph].source[start:end],
            lang=self.lang,
            sentence=sentence,
            sentence_translation=translation or "",
            article_id=article.id,
        )

    def term_under_cursor(self) -> TermMatch | None:
        """The highlighted term overlapping the word cursor's selection."""
        selection = self.view.word_selection()
        if selection is None:
            return None
        paragraph, start, end = selection
        return next(
            (
                match
                for match in self.matches_of(paragraph)
                if match.start < end and start < match.end
            ),
            None,
        )

    # -- actions ---------------------------------------------------------------------

    def annotate(self) -> None:
        """Edit the term under the cursor, or add the selected words as a new term."""
        match = self.term_under_cursor()
        if match is not None:
            self.edit(match.term_id)
            return
        annotation = self._selection_annotation()
        if annotation is not None:
            self.open_form(annotation)

    def lookup(self) -> None:
        """Look the words under the word cursor up in the installed dictionaries; from
        there ``a`` opens the annotation form on them."""
        from reader.ui.dialogs.lookup import LookupAnswer, LookupDialog, LookupWord

        annotation = self._selection_annotation()
        if annotation is None or not annotation.text.strip():
            self.screen.notify("Move the word cursor (h/l) to a word first.", markup=False)
            return

        def closed(answer: LookupAnswer) -> None:
            if answer == "annotate":
                match = self.term_under_cursor()
                if match is not None:
                    self.edit(match.term_id)
                else:
                    self.open_form(annotation)

        word = LookupWord(annotation.text.strip(), annotation.lang)
        self.app.push_screen(LookupDialog(word), closed)

    def open_form(self, annotation: Annotation) -> None:
        from_panel = self.panel().display and self.panel().list_has_focus

        def closed(result: AnnotationResult | None) -> None:
            if from_panel and self.panel().display:
                self.panel().focus_list()
            self._form_closed(result)

        self.app.push_screen(AnnotateDialog(annotation), closed)

    def _form_closed(self, result: AnnotationResult | None) -> None:
        if result is None:
            return
        if result.term is not None:
            self.notify(f"Saved {result.term.text}.", markup=False, timeout=2)
        elif result.deleted is not None:
            self.notify("Deleted the term.", markup=False, timeout=2)
        self.view.end_selection()
        self.refresh_highlights()
        self.load_suggestions()
        if self.glossary_changed is not None:
            self.glossary_changed()

    def edit(self, term_id: int | None = None) -> None:
        """Open the form on the term under the cursor (or ``term_id``)."""
        if term_id is None:
            match = self.term_under_cursor()
            if match is None:
                self.notify("No glossary term under the cursor.", markup=False)
                return
            term_id = match.term_id
        found = term_id

        def load() -> None:
            with self.guard("opening the term"):
                term = self.service.term(found)
                self.app.call_from_thread(self.open_form, Annotation.of_term(term))

        self.run_worker(load, thread=True, group="article-terms-edit")

    def delete(self) -> None:
        """Delete the term under the cursor when the key is pressed twice in a row."""
        match = self.term_under_cursor()
        if match is None:
            self.notify("No glossary term under the cursor.", markup=False)
            return
        now = time.monotonic()
        armed = self._delete_armed
        if armed is None or armed[0] != match.term_id or now - armed[1] > DELETE_CONFIRM_SECONDS:
            self._delete_armed = (match.term_id, now)
            self.notify("Press D again to delete this term.", markup=False, timeout=3)
            return
        self._delete_armed = None

        def delete() -> None:
            with self.guard("deleting the term"):
                self.service.delete_term(match.term_id)
                self.app.call_from_thread(
                    self._form_closed, AnnotationResult(deleted=match.term_id)
                )

        self.run_worker(delete, thread=True, group="article-terms-edit")

    def set_status(self, status: str) -> None:
        """Set the status of the term under the cursor; selected words that are not a
        term yet become one with that status."""
        match = self.term_under_cursor()
        annotation = None if match is not None else self._selection_annotation()
        if match is None and annotation is None:
            return

        def write() -> None:
            with self.guard("setting the term's status"):
                if match is not None:
                    term = set_term_status(self.service, match.term_id, status)
                else:
                    assert annotation is not None
                    annotation.status = status
                    annotation.lemma = self.service.lemma_for(annotation.text, self.lang)
                    term = save_annotation(self.service, annotation)
                self.app.call_from_thread(self._form_closed, AnnotationResult(term=term))

        self.run_worker(write, thread=True, group="article-terms-edit")

    # -- suggestions -----------------------------------------------------------------

    def panel(self) -> SuggestionsPanel:
        return self.screen.query_one(SuggestionsPanel)

    def toggle_suggestions(self) -> None:
        panel = self.panel()
        panel.display = not panel.display
        if panel.display:
            panel.focus_list()
            self.load_suggestions()
        else:
            self.view.focus()

    def load_suggestions(self) -> None:
        article_id = self.article_id
        panel = self.panel()
        if not panel.display or not article_id:
            return
        panel.show_loading()

        def suggest() -> None:
            with self.guard("finding key terms"):
                found = self.service.suggest_terms(article_id)
                self.app.call_from_thread(self._show_suggestions, article_id, found)

        self.run_worker(suggest, thread=True, exclusive=True, group="article-suggestions")

    def _show_suggestions(self, article_id: int, suggestions: list[Suggestion]) -> None:
        if self.article_id == article_id:
            self.panel().show(suggestions)

    def accept(self, suggestion: Suggestion) -> None:
        """Open the form on a suggestion, with the first sentence it occurs in."""
        article = self.article
        sentence, translation = sentence_containing(self.view, suggestion.text)
        if suggestion.term_id is not None:
            self.edit(suggestion.term_id)
            return
        self.open_form(
            Annotation(
                text=suggestion.text,
                lang=suggestion.lang,
                sentence=sentence,
                sentence_translation=translation or "",
                article_id=article.id if article is not None else None,
            )
        )
