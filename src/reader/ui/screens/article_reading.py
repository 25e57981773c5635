"""Reading one article: opening it, splitting it part by part and handing the parts to
its translation (:mod:`~reader.ui.screens.article_translating`, which also keeps the
header), the models of its direction, and when to translate it again.

:class:`ArticleReading` is the article screen without its keys; the screen
(:class:`~reader.ui.screens.article.ArticleScreen`) adds the bindings and actions.
A new article, a new direction, a new model or leaving the screen cancels the work
under way (its generation), so no late part or translation lands on the next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.core.models import Article, ArticleSummary, Sentence
from reader.ui.format import literal, plain
from reader.ui.messages import ArticleFlagsChanged
from reader.ui.screens.article_review import ArticleReview
from reader.ui.screens.article_terms import ArticleTerms
from reader.ui.screens.article_translating import ArticleTranslating
from reader.ui.translation import direction_models, split_in_parts
from reader.ui.widgets.bilingual import BilingualView, ParagraphUnit

if TYPE_CHECKING:
    from reader.core.steering import Glossary


class ArticleReading(ArticleTranslating):
    """One article, source and translation aligned by paragraph, loaded and translated."""

    def __init__(self) -> None:
        super().__init__()
        self._interrupted = False
        self.models_here: list[str] = []
        """The installed models for the article's direction (listed in the command palette)."""
        self.terms = ArticleTerms()
        self.terms.glossary_changed = self.glossary_changed
        self.review = ArticleReview(self.direction_of, lambda: (self.models_here, self.model_name))

    def open(self, article_id: int) -> None:
        """Show another article. The screen is made once and reused: pushing a mounted
        screen costs far less than composing a new one."""
        self.cancel_translation()
        self._interrupted = False
        self.article_id = article_id
        self.article = None
        self.terms.open(article_id)
        self.done = self.total = 0
        self.status = "loading…"
        self.query_one("#article-title", Static).update("", layout=False)
        self.query_one(BilingualView).show([])
        self.load(self._generation)

    def on_screen_suspend(self) -> None:
        """Leaving the article stops its splitting and translation; a dialog over it
        (keys, palette) does not."""
        if isinstance(self.app.screen, ModalScreen):
            return
        unfinished = self.article is not None and not self._finished()
        self.cancel_translation()
        self._interrupted = unfinished

    def on_screen_resume(self) -> None:
        """Back from another screen (the translator): finish what leaving stopped, and
        show glossary changes made there."""
        if self._interrupted:
            self._interrupted = False
            self._restart_translation(self.direction)
        self.terms.refresh_highlights()

    def on_unmount(self) -> None:
        self.cancel_translation()

    # -- loading ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="article")
    def load(self, generation: int) -> None:
        """Read the article, mark it read, then split and translate it part by part."""
        with self.guard("opening the article"):
            article = self.service.article(self.article_id)
            article.paragraphs = [plain(paragraph) for paragraph in article.paragraphs]
            direction = self.service.direction_for(article)
            self.app.call_from_thread(self._show, article, direction, generation)
            if generation != self._generation:
                return
            if not article.read:
                self.service.set_read([article.id], True)
                self.push_flag_changes()
                article.read = True
                self._announce(article)
            self._split_and_translate(article, direction, generation)

    def _split_and_translate(
        self, article: Article, direction: tuple[str, str], generation: int
    ) -> None:
        """Split the paragraphs near the view first and submit them, then the rest in
        parts (call from a worker thread). Stops at the next part once the reader has
        left or opened another article."""
        self._find_models(direction)
        near = self.app.call_from_thread(self.query_one(BilingualView).paragraphs_near_view)
        parts = split_in_parts(self.service, article.paragraphs, direction[0], near)
        steering: dict[tuple[str, str], Glossary | None] = {}
        for number, (start, sentences) in enumerate(parts):
            if generation != self._generation:
                return
            self.app.call_from_thread(self._show_sentences, start, sentences, generation)
            self._submit_part(article, direction, start, sentences, generation, steering)
            if number == 0:
                # Term analysis shares the helper process with splitting: after the
                # first part, so that it cannot hold up the first translations.
                self.app.call_from_thread(self.terms.refresh_highlights)
        self.app.call_from_thread(self._submitted_all, generation)

    def _announce(self, article: ArticleSummary) -> None:
        summary = ArticleSummary(
            **{k: getattr(article, k) for k in ArticleSummary.__dataclass_fields__}
        )
        for screen in self.app.screen_stack:
            if screen is not self:
                screen.post_message(ArticleFlagsChanged(summary))

    def _show(self, article: Article, direction: tuple[str, str], generation: int) -> None:
        """Paint the text at once; sentences and translations follow."""
        if generation != self._generation:
            return
        self.article = article
        self.direction = direction
        self.done = self.total = 0
        self.query_one("#article-title", Static).update(
            literal(article.title or "(untitled)"), layout=False
        )
        units = [ParagraphUnit(paragraph, []) for paragraph in article.paragraphs]
        self.query_one(BilingualView).show(units)
        self._update_meta()
        self.terms.show_article(article)

    def _show_sentences(self, start: int, sentences: list[list[Sentence]], generation: int) -> None:
        if generation != self._generation:
            return
        spans = [[(s.start, s.end) for s in paragraph] for paragraph in sentences]
        self.query_one(BilingualView).set_sentences(spans, first=start)
        self.terms.apply_pending(sentences_known=True)
        if not self.jobs.counts:
            # Until the queue reports, the header counts the sentences split so far.
            self.total += sum(len(paragraph) for paragraph in sentences)
            self._update_meta()

    # -- models, and translating again -----------------------------------------------

    def _find_models(self, direction: tuple[str, str]) -> None:
        """Name the model in use and list the others (worker thread: it reads model folders)."""
        names, in_use = direction_models(self.service, direction)

        def show() -> None:
            self.models_here, self.model_name = names, in_use
            self._update_meta()

        self.app.call_from_thread(show)

    @property
    def steered(self) -> bool:
        """The glossary steers the translation (``[translation] glossary``)."""
        return self.service.config.translation.glossary

    def toggle_glossary(self) -> None:
        """Translate with the glossary or without it, for this session (the command
        palette's toggle, to compare); the article is translated again."""
        settings = self.service.config.translation
        settings.glossary = not settings.glossary
        state = "steers" if settings.glossary else "does not steer"
        self.notify(
            f"The glossary {state} the translation (for this session).", markup=False, timeout=4
        )
        self._restart_translation(self.direction)

    def glossary_changed(self) -> None:
        """A term was saved or deleted: while the glossary steers, translate the article
        again without clearing it (only the sentences holding the term miss the cache;
        the rest come back from it, and nothing shown goes blank meanwhile)."""
        if self.article is None or not self.steered:
            return
        self.cancel_translation()
        self.done = self.total = 0
        self.status = "translating…"
        article, direction, generation = self.article, self.direction, self._generation

        def run() -> None:
            with self.guard("translating"):
                self._split_and_translate(article, direction, generation)

        self.run_worker(run, thread=True, exclusive=True, group="article")

    def use_model(self, name: str) -> None:
        """Translate this direction with ``name`` from now on (the command palette's choice)."""
        from reader.service import ServiceError

        try:
            self.service.models_use("-".join(self.direction), name)
        except ServiceError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        self._restart_translation(self.direction)

    def _restart_translation(self, direction: tuple[str, str]) -> None:
        if self.article is None:
            return
        self.cancel_translation()
        view = self.query_one(BilingualView)
        view.notice = None
        view.clear_translations()
        self.direction = direction
        self.done = self.total = 0
        self.status = "translating…"
        self._update_meta()
        article = self.article
        generation = self._generation

        def run() -> None:
            with self.guard("translating"):
                self._split_and_translate(article, direction, generation)

        self.run_worker(run, thread=True, exclusive=True, group="article")

    def _reload(self) -> None:
        """Read the article again (its text changed), from the start."""
        self.cancel_translation()
        self.load(self._generation)
