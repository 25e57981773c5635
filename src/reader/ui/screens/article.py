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
    split_in_parts,
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
        Binding("r,R", "refresh_hint", "Refresh (on the list)", show=False, id="article_refresh"),
        *TERM_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.article_id = 0
        self.article: Article | None = None
        self.direction: tuple[str, str] = ("ko", "en")
        self._jobs: dict[int, tuple[int, int] | None] = {}
        """The open article's translation jobs (one per part) and their (done, total)."""
        self._stale_jobs: set[int] = set()
        """Cancelled jobs: events of theirs still in flight are dropped."""
        self._generation = 0
        """Raised whenever the article's work is cancelled: a loader of an older
        generation stops at its next part, and its jobs are cancelled."""
        self._all_submitted = False
        self._interrupted = False
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
    def job_id(self) -> int | None:
        """The newest translation job of the open article, None when none runs."""
        return max(self._jobs, default=None)

    @property
    def job_ids(self) -> tuple[int, ...]:
        """The open article's translation jobs, finished ones included."""
        return tuple(self._jobs)

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
        self.load(self._generation)

    def on_mount(self) -> None:
        self.query_one(BilingualView).focus()
        if self.article_id:
            self.open(self.article_id)

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
        with self.reader_app.guard("opening the article"):
            article = self.service.article(self.article_id)
            article.paragraphs = [plain(paragraph) for paragraph in article.paragraphs]
            direction = self.service.direction_for(article)
            self.app.call_from_thread(self._show, article, direction, generation)
            if generation != self._generation:
                return
            if not article.read:
                self.service.set_read([article.id], True)
                article.read = True
                self.reader_app.push_flag_changes()
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
        for number, (start, sentences) in enumerate(parts):
            if generation != self._generation:
                return
            self.app.call_from_thread(self._show_sentences, start, sentences, generation)
            self._submit_part(article, direction, start, sentences, generation)
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
        self.terms.matches = []
        self.terms.load_suggestions()
        self.terms.apply_pending()

    def _show_sentences(self, start: int, sentences: list[list[Sentence]], generation: int) -> None:
        if generation != self._generation:
            return
        spans = [[(s.start, s.end) for s in paragraph] for paragraph in sentences]
        self.query_one(BilingualView).set_sentences(spans, first=start)
        self.terms.apply_pending(sentences_known=True)
        if not any(self._jobs.values()):
            # Until the queue reports, the header counts the sentences split so far.
            self.total += sum(len(paragraph) for paragraph in sentences)
            self._update_meta()

    def _update_meta(self) -> None:
        """Feed, date, direction, progress, read state, star, layout: what matters most
        first, since a narrow header cuts the end (the word selection mode leads)."""
        article = self.article
        view = self.query_one(BilingualView)
        parts = ["selecting words (v: stop)"] if view.extending else []
        if article is not None:
            parts += [article.feed_title, (article.published or "")[:10]]
        source, target = self.direction
        parts.append(f"{source} → {target}")
        parts.append(self.model_name)
        more = "" if self._all_submitted else "+"
        if self.status == "translating…" and self.total:
            parts.append(f"translating {self.done}/{self.total}{more}")
        elif self.status == "translated":
            parts.append(f"{self.done}/{self.total} translated")
        else:
            parts.append(self.status)
        if article is not None:
            parts.append("read" if article.read else "unread")
            if article.starred:
                parts.append("★")
        parts.append(LAYOUT_NAMES[view.reading_layout])
        meta = literal(" · ".join(p for p in parts if p))
        self.query_one("#article-meta", Static).update(meta, layout=False)

    # -- translation -----------------------------------------------------------------

    def _submit_part(
        self,
        article: Article,
        direction: tuple[str, str],
        start: int,
        sentences: list[list[Sentence]],
        generation: int,
    ) -> None:
        """Submit paragraphs ``start``… to the queue, the visible ones first (call from a
        worker thread); paragraphs already in the target language are shown as they are,
        and with ``per_paragraph`` those in the other language go the other way."""
        paragraphs = article.paragraphs[start : start + len(sentences)]
        forced = direction != self.service.direction_for(article)
        skip, part_own = translation_plan(self.service, paragraphs, direction, forced)
        own = {start + index: way for index, way in part_own.items()}
        view = self.query_one(BilingualView)
        if skip:
            rows = [
                (start + paragraph, number, text, failed)
                for paragraph, number, text, failed in passthrough_results(sentences, skip)
            ]
            self.app.call_from_thread(view.set_translations, rows)
        if len(skip) == len(sentences):
            return
        padded: list[list[Sentence]] = [[] for _ in range(start)]
        padded += [[] if index in skip else split for index, split in enumerate(sentences)]
        self.app.call_from_thread(self._submit, padded, direction, own, article.id, generation)

    def _submit(
        self,
        paragraphs: list[list[Sentence]],
        direction: tuple[str, str],
        own: dict[int, tuple[str, str]],
        article_id: int,
        generation: int,
    ) -> None:
        """Submit and register a job in one step on the UI thread, so that its first
        events (cached sentences come within milliseconds) always find it registered."""
        if generation != self._generation:
            return
        job_id = self.service.translation_queue.submit(
            paragraphs,
            direction[0],
            direction[1],
            self._batch.add,
            article_id=article_id,
            priority=0,
            first_paragraphs=tuple(self.query_one(BilingualView).visible_paragraphs()),
            paragraph_directions=own,
        )
        self._jobs[job_id] = None
        self._set_status("translating…")

    def _submitted_all(self, generation: int) -> None:
        if generation != self._generation:
            return
        self._all_submitted = True
        if not self._jobs:
            self._set_status("nothing to translate")
        else:
            self._update_progress()

    def _finished(self) -> bool:
        """Every part is split and submitted and every job has finished."""
        return self._all_submitted and all(
            progress is not None and progress[0] >= progress[1] for progress in self._jobs.values()
        )

    def _update_progress(self) -> None:
        known = [progress for progress in self._jobs.values() if progress is not None]
        self.done = sum(done for done, _ in known)
        self.total = sum(total for _, total in known)
        if self.status == "no translation":
            pass
        elif self._finished():
            self.status = "translated" if self._jobs else "nothing to translate"
        elif self._jobs:
            self.status = "translating…"
        self._update_meta()

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
        progressed = False
        for event in self._batch.drain():
            if event.job_id in self._stale_jobs or event.job_id not in self._jobs:
                continue
            if isinstance(event, SentenceDone):
                results.append((event.paragraph, event.sentence, event.target, bool(event.error)))
            elif isinstance(event, JobProgress):
                self._jobs[event.job_id] = (event.done, event.total)
                progressed = True
            elif isinstance(event, JobFailed):
                self._set_notice(event.message)
        if results:
            self.query_one(BilingualView).set_translations(results)
        if progressed:
            self._update_progress()

    def _set_notice(self, notice: str) -> None:
        self.status = "no translation"
        self.query_one(BilingualView).set_notice(notice)
        self._update_meta()

    def _set_status(self, status: str) -> None:
        self.status = status
        self._update_meta()

    def cancel_translation(self) -> None:
        """Stop the article's loader at its next part and cancel its jobs."""
        self._generation += 1
        for job_id in self._jobs:
            self._stale_jobs.add(job_id)
            self.service.translation_queue.cancel(job_id)
        self._jobs.clear()
        self._all_submitted = False

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
            with self.reader_app.guard("translating"):
                self._split_and_translate(article, direction, generation)

        self.run_worker(run, thread=True, exclusive=True, group="article")

    def _reload(self) -> None:
        """Read the article again (its text changed), from the start."""
        self.cancel_translation()
        self.load(self._generation)

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
        if self.article is None:
            return
        self._restart_translation(self.direction)
        self.notify("Translating the article again.", markup=False, timeout=3)

    def action_refresh_hint(self) -> None:
        """Refreshing is a list action; say so instead of doing nothing."""
        self.notify(
            "Feeds are refreshed from the list: escape, then r (this feed) or R (all feeds).",
            markup=False,
            timeout=5,
        )

    @on(BilingualView.SelectionModeChanged)
    def show_selection_mode(self) -> None:
        self._update_meta()

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
                self.reader_app.push_flag_changes()
                self._announce(article)
                self.app.call_from_thread(self._update_meta)
                self.app.call_from_thread(
                    self.notify, _flag_message(flag, value), markup=False, timeout=2
                )

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
                self.app.call_from_thread(self._reload)

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


def _flag_message(flag: str, value: bool) -> str:
    if flag == "read":
        return "Marked read." if value else "Marked unread."
    return "Starred." if value else "Unstarred."
