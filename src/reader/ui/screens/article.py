"""Reading one article: the bilingual view, its layouts, progress and translation jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from reader.core.models import Article, ArticleSummary, Sentence
from reader.core.translation_queue import JobFailed, JobProgress, SentenceDone
from reader.ui.format import literal, plain
from reader.ui.messages import ArticleFlagsChanged
from reader.ui.screens.article_terms import TERM_BINDINGS, ArticleTerms
from reader.ui.state import LAYOUTS
from reader.ui.translation import (
    EventBatch,
    TranslationEvents,
    passthrough_results,
    split_paragraphs,
    to_submit,
    translation_plan,
)
from reader.ui.widgets.bilingual import BilingualView, ParagraphUnit
from reader.ui.widgets.key_hints import KeyHints
from reader.ui.widgets.suggestions import SuggestionsPanel

if TYPE_CHECKING:
    from reader.service import ReaderService
    from reader.ui.app import ReaderApp

LAYOUT_NAMES = {
    "side": "side by side",
    "translation": "translation only",
    "source": "source only",
    "interlinear": "interlinear",
}
assert set(LAYOUT_NAMES) == set(LAYOUTS)


class ArticleScreen(Screen[None]):
    """One article, source and translation aligned by paragraph."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="article_back"),
        Binding("t", "cycle_layout", "Layout", id="cycle_layout"),
        Binding("x", "swap_direction", "Swap direction", id="swap_direction"),
        Binding("ctrl+r", "retranslate", "Re-translate", show=False, id="retranslate"),
        Binding("y", "copy_pair", "Copy pair", id="copy_pair"),
        Binding("n", "next_unread", "Next unread", id="article_next_unread"),
        Binding(
            "N", "previous_unread", "Previous unread", show=False, id="article_previous_unread"
        ),
        Binding("s", "toggle_star", "Star", show=False, id="article_star"),
        Binding("m", "toggle_read", "Read/unread", show=False, id="article_read"),
        Binding("o", "open_browser", "Open in browser", show=False, id="article_open_browser"),
        Binding("f", "fetch_full", "Full text", show=False, id="article_fetch_full"),
        *TERM_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.article_id = 0
        self.article: Article | None = None
        self.direction: tuple[str, str] = ("ko", "en")
        self.job_id: int | None = None
        self._stale_jobs: set[int] = set()
        self._interrupted = False
        """Cancelled jobs: events of theirs still in flight are dropped."""
        self._batch = EventBatch(lambda: self.post_message(TranslationEvents()))
        self.done = 0
        self.total = 0
        self.status = "loading…"
        self.model_name = ""
        """The model translating the article (named in the header)."""
        self.models_here: list[str] = []
        """The installed models for the article's direction (listed in the command palette)."""
        self.terms = ArticleTerms(self)

    @property
    def reader_app(self) -> ReaderApp:
        return cast("ReaderApp", self.app)

    @property
    def service(self) -> ReaderService:
        return self.reader_app.service

    def compose(self) -> ComposeResult:
        yield Static(id="article-title")
        yield Static(id="article-meta")
        yield SuggestionsPanel(id="suggestions")
        yield BilingualView(id="bilingual", reading_layout=self.reader_app.ui_state.layout)
        yield KeyHints(self.BINDINGS)

    def open(self, article_id: int) -> None:
        """Show another article. The screen is made once and reused: pushing a mounted
        screen costs far less than composing a new one."""
        self.cancel_translation()
        self._interrupted = False
        self.article_id = article_id
        self.article = None
        self.done = self.total = 0
        self.status = "loading…"
        self.query_one("#article-title", Static).update("", layout=False)
        self.query_one(BilingualView).show([])
        self.load()

    def on_mount(self) -> None:
        self.query_one(BilingualView).focus()
        if self.article_id:
            self.open(self.article_id)

    def on_screen_suspend(self) -> None:
        """Leaving the article stops its translation; a dialog over it (keys, palette) does not."""
        if isinstance(self.app.screen, ModalScreen):
            return
        unfinished = self.job_id is not None and (not self.total or self.done < self.total)
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
    def load(self) -> None:
        """Read the article, split it into sentences, mark it read, then start translating."""
        with self.reader_app.guard("opening the article"):
            article = self.service.article(self.article_id)
            article.paragraphs = [plain(paragraph) for paragraph in article.paragraphs]
            direction = self.service.direction_for(article)
            self.app.call_from_thread(self._show, article, direction)
            sentences = split_paragraphs(self.service, article.paragraphs, direction[0])
            self.app.call_from_thread(self._show_sentences, sentences)
            if not article.read:
                self.service.set_read([article.id], True)
                article.read = True
                self._announce(article)
            self.translate(article, direction, sentences)

    def _announce(self, article: ArticleSummary) -> None:
        summary = ArticleSummary(
            **{k: getattr(article, k) for k in ArticleSummary.__dataclass_fields__}
        )
        for screen in self.app.screen_stack:
            if screen is not self:
                screen.post_message(ArticleFlagsChanged(summary))

    def _show(self, article: Article, direction: tuple[str, str]) -> None:
        """Paint the text at once; sentences and translations follow."""
        self.article = article
        self.direction = direction
        self.done = self.total = 0
        self.query_one("#article-title", Static).update(
            literal(article.title or "(untitled)"), layout=False
        )
        units = [ParagraphUnit(paragraph, []) for paragraph in article.paragraphs]
        self.query_one(BilingualView).show(units)
        self._update_meta()
        self.terms.matches = []
        self.terms.refresh_highlights()
        self.terms.load_suggestions()
        self.terms.apply_pending()

    def _show_sentences(self, sentences: list[list[Sentence]]) -> None:
        self.total = sum(len(paragraph) for paragraph in sentences)
        spans = [[(s.start, s.end) for s in paragraph] for paragraph in sentences]
        self.query_one(BilingualView).set_sentences(spans)
        self._update_meta()
        self.terms.apply_pending(sentences_known=True)

    def _update_meta(self) -> None:
        article = self.article
        parts = []
        if article is not None:
            parts += [article.feed_title, (article.published or "")[:10]]
        source, target = self.direction
        parts.append(f"{source} → {target}")
        parts.append(self.model_name)
        if self.status == "translating…" and self.total:
            parts.append(f"translating {self.done}/{self.total}")
        elif self.status == "translated":
            parts.append(f"{self.done}/{self.total} translated")
        else:
            parts.append(self.status)
        parts.append(LAYOUT_NAMES[self.query_one(BilingualView).reading_layout])
        if article is not None and article.starred:
            parts.append("★")
        meta = literal(" · ".join(p for p in parts if p))
        self.query_one("#article-meta", Static).update(meta, layout=False)

    # -- translation -----------------------------------------------------------------

    def translate(
        self, article: Article, direction: tuple[str, str], sentences: list[list[Sentence]]
    ) -> None:
        """Submit the article to the queue (call from a worker thread)."""
        self._find_models(direction)
        forced = direction != self.service.direction_for(article)
        skip, own = translation_plan(self.service, article.paragraphs, direction, forced)
        if skip:
            rows = passthrough_results(sentences, skip)
            self.app.call_from_thread(self.query_one(BilingualView).set_translations, rows)
        if len(skip) == len(sentences):
            self.app.call_from_thread(self._set_status, "nothing to translate")
            return
        visible = self.app.call_from_thread(
            lambda: list(self.query_one(BilingualView).visible_paragraphs())
        )
        self.job_id = self.service.translation_queue.submit(
            to_submit(sentences, skip),
            direction[0],
            direction[1],
            self._batch.add,
            article_id=article.id,
            priority=0,
            first_paragraphs=tuple(visible),
            paragraph_directions=own,
        )
        self.app.call_from_thread(self._set_status, "translating…")

    def _find_models(self, direction: tuple[str, str]) -> None:
        """Name the model in use and list the others (worker thread: it reads model folders)."""
        from reader.core.translation import NoModelError

        names = [model.name for model in self.service.models_for_direction(*direction)]
        try:
            in_use = self.service.translations.engine(*direction).model.name
        except NoModelError:
            in_use = ""

        def show() -> None:
            self.models_here, self.model_name = names, in_use
            self._update_meta()

        self.app.call_from_thread(show)

    def use_model(self, name: str) -> None:
        """Translate this direction with ``name`` from now on (the command palette's choice)."""
        from reader.service import ServiceError

        try:
            self.service.models_use("-".join(self.direction), name)
        except ServiceError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        self._restart_translation(self.direction)

    @on(TranslationEvents)
    def apply_translations(self) -> None:
        """Apply everything the queue reported since the last batch, with one repaint."""
        results = []
        progress: JobProgress | None = None
        for event in self._batch.drain():
            if event.job_id in self._stale_jobs:
                continue
            if isinstance(event, SentenceDone):
                results.append((event.paragraph, event.sentence, event.target, bool(event.error)))
            elif isinstance(event, JobProgress):
                progress = event
            elif isinstance(event, JobFailed):
                self._set_notice(event.message)
        if results:
            self.query_one(BilingualView).set_translations(results)
        if progress is not None:
            self.done, self.total = progress.done, progress.total
            if self.done >= self.total:
                self.status = "translated"
            self._update_meta()

    def _set_notice(self, notice: str) -> None:
        self.status = "no translation"
        self.query_one(BilingualView).set_notice(notice)
        self._update_meta()

    def _set_status(self, status: str) -> None:
        self.status = status
        self._update_meta()

    def cancel_translation(self) -> None:
        if self.job_id is not None:
            self._stale_jobs.add(self.job_id)
            self.service.translation_queue.cancel(self.job_id)
        self.job_id = None

    def _restart_translation(self, direction: tuple[str, str]) -> None:
        if self.article is None:
            return
        self.cancel_translation()
        view = self.query_one(BilingualView)
        view.notice = None
        view.clear_translations()
        self.direction = direction
        self.done = 0
        self._update_meta()
        article = self.article

        def run() -> None:
            with self.reader_app.guard("translating"):
                sentences = split_paragraphs(self.service, article.paragraphs, direction[0])
                self.translate(article, direction, sentences)

        self.run_worker(run, thread=True, exclusive=True, group="article")

    # -- actions ---------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_next_unread(self) -> None:
        self._open_unread(1)

    def action_previous_unread(self) -> None:
        self._open_unread(-1)

    def _open_unread(self, direction: int) -> None:
        """Go straight to the next unread article of the list this one was opened from."""
        from reader.ui.screens.main import MainScreen

        main = next((s for s in self.app.screen_stack if isinstance(s, MainScreen)), None)
        summary = main.step_to_unread(direction) if main is not None else None
        if summary is None:
            self.notify("No more unread articles in this list.", markup=False)
            return
        self.open(summary.id)

    def action_cycle_layout(self) -> None:
        layout = self.query_one(BilingualView).cycle_layout()
        self.reader_app.ui_state.layout = layout
        self.reader_app.save_ui_state()
        self._update_meta()

    def action_swap_direction(self) -> None:
        source, target = self.direction
        self._restart_translation((target, source))

    def action_retranslate(self) -> None:
        self._restart_translation(self.direction)

    def action_copy_pair(self) -> None:
        pair = self.query_one(BilingualView).current_pair()
        if pair is None:
            return
        source, target = pair
        self.app.copy_to_clipboard(source if target is None else f"{source}\n{target}")
        self.notify("Copied the sentence and its translation.", markup=False, timeout=2)

    def action_toggle_star(self) -> None:
        self._flip("starred")

    def action_toggle_read(self) -> None:
        self._flip("read")

    def _flip(self, flag: str) -> None:
        article = self.article
        if article is None:
            return
        value = not getattr(article, flag)

        def write() -> None:
            with self.reader_app.guard("saving the article"):
                if flag == "read":
                    self.service.set_read([article.id], value)
                else:
                    self.service.set_starred([article.id], value)
                setattr(article, flag, value)
                self._announce(article)
                self.app.call_from_thread(self._update_meta)

        self.run_worker(write, thread=True, group="flags")

    def action_open_browser(self) -> None:
        if self.article is not None:
            self.reader_app.open_in_browser(self.article.url)

    def action_fetch_full(self) -> None:
        def fetch() -> None:
            with self.reader_app.guard("fetching the full text"):
                result = self.service.fetch_full(self.article_id)
                if not result.extracted:
                    self.app.call_from_thread(
                        self.notify,
                        "No main text found on the page; kept the summary.",
                        markup=False,
                    )
                    return
                self.app.call_from_thread(self.cancel_translation)
                self.app.call_from_thread(self.load)

        self.run_worker(fetch, thread=True, exclusive=True, group="full-text")

    # -- terms (see article_terms) -----------------------------------------------------

    def action_annotate(self) -> None:
        self.terms.annotate()

    def action_edit_term(self) -> None:
        self.terms.edit()

    def action_delete_term(self) -> None:
        self.terms.delete()

    def action_term_status(self, status: str) -> None:
        self.terms.set_status(status)

    def action_toggle_suggestions(self) -> None:
        self.terms.toggle_suggestions()

    @on(SuggestionsPanel.Accepted)
    def annotate_suggestion(self, message: SuggestionsPanel.Accepted) -> None:
        self.terms.accept(message.suggestion)
