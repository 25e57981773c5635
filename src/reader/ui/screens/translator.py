"""The translator (``T``): type or paste text, see it translated sentence by sentence,
and review a sentence's translation as in an article (``c``, ``E``, ``B`` once the
output has the focus: ``tab``)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Static, TextArea

from reader.core.text import split_plain_text
from reader.ui.host import ReaderScreen
from reader.ui.screens.article_review import REVIEW_BINDINGS, ArticleReview, ReviewKeys
from reader.ui.translation import (
    direction_models,
    glossaries_for,
    passthrough_results,
    split_paragraphs,
    to_submit,
    translation_plan,
)
from reader.ui.translation_job import TranslationEvents, TranslationJob
from reader.ui.widgets.bilingual import BilingualView, ParagraphUnit
from reader.ui.widgets.key_hints import KeyHints

DEBOUNCE_SECONDS = 0.6


class TranslatorScreen(ReviewKeys, ReaderScreen[None]):
    """Live translation of typed or pasted text; ``ctrl+s`` keeps it as a Local article."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="translator_back"),
        Binding("ctrl+s", "save", "Save as article", id="translator_save"),
        Binding("ctrl+t", "cycle_layout", "Layout", id="translator_layout"),
        *REVIEW_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.jobs = TranslationJob(
            lambda: self.service.translation_queue,
            lambda: self.post_message(TranslationEvents()),
        )
        self._debounce: Timer | None = None
        self.direction: tuple[str, str] = ("ko", "en")
        self._shown_as_is: set[int] = set()
        """Paragraphs already in the target language, shown as they are."""
        self._own_directions: dict[int, tuple[str, str]] = {}
        """Paragraphs translated the other way (see ``translation_plan``)."""
        self._models: tuple[list[str], str] = ([], "")
        """The installed models for the direction, and the one in use."""
        self.review = ArticleReview(self.direction_of, lambda: self._models)

    def compose(self) -> ComposeResult:
        yield Static("Translator — type or paste Korean or English text", id="article-title")
        yield Static("", id="article-meta")
        with Horizontal(id="translator-columns"):
            yield TextArea(id="translator-input", soft_wrap=True)
            yield BilingualView(id="translator-output", reading_layout="interlinear")
        yield KeyHints(self.BINDINGS, with_app_keys=False)
        yield self.review

    def on_mount(self) -> None:
        view = self.query_one(BilingualView)
        view.low_confidence = self.service.config.translation.low_confidence
        self.query_one(TextArea).focus()

    def on_unmount(self) -> None:
        self._cancel()

    @on(TextArea.Changed)
    def schedule(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self.translate_now)

    def translate_now(self) -> None:
        text = self.query_one(TextArea).text
        self._cancel()
        self.run_worker(
            lambda: self._translate(text), thread=True, exclusive=True, group="translator"
        )

    def _translate(self, text: str) -> None:
        with self.guard("translating"):
            paragraphs = split_plain_text(text)
            direction = self.service.direction_for(text) if paragraphs else self.direction
            sentences = split_paragraphs(self.service, paragraphs, direction[0])
            units = [
                ParagraphUnit(p, [(s.start, s.end) for s in split])
                for p, split in zip(paragraphs, sentences, strict=True)
            ]
            self.app.call_from_thread(self._show, units, direction)
            skip, own = translation_plan(self.service, paragraphs, direction)
            models = direction_models(self.service, direction)
            self.app.call_from_thread(self._plan, skip, own, models)
            if skip:
                rows = passthrough_results(sentences, skip)
                self.app.call_from_thread(self.query_one(BilingualView).set_translations, rows)
            if len(skip) < len(paragraphs):
                self.jobs.submit(
                    to_submit(sentences, skip),
                    direction,
                    paragraph_directions=own,
                    glossaries=glossaries_for(self.service, direction, own),
                )

    def _show(self, units: list[ParagraphUnit], direction: tuple[str, str]) -> None:
        self.direction = direction
        self.query_one(BilingualView).show(units)
        meta = self.query_one("#article-meta", Static)
        meta.update(Text(f"{direction[0]} → {direction[1]} · ctrl+s saves it as a Local article"))

    def _plan(
        self,
        skip: set[int],
        own: dict[int, tuple[str, str]],
        models: tuple[list[str], str],
    ) -> None:
        self._shown_as_is, self._own_directions, self._models = skip, own, models

    def direction_of(self, paragraph: int) -> tuple[str, str] | None:
        """The direction a paragraph is translated in; None when it is shown as it is."""
        if paragraph in self._shown_as_is:
            return None
        return self._own_directions.get(paragraph, self.direction)

    @on(TranslationEvents)
    def apply_translations(self) -> None:
        view = self.query_one(BilingualView)
        update = self.jobs.drain()
        for failure in update.failures:
            view.set_notice(failure)
        if update.sentences:
            view.set_translations(update.sentences)

    @property
    def job_id(self) -> int | None:
        """The running translation job, None when none runs."""
        return self.jobs.newest

    def _cancel(self) -> None:
        self.jobs.cancel()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_cycle_layout(self) -> None:
        self.query_one(BilingualView).cycle_layout()

    def action_save(self) -> None:
        text = self.query_one(TextArea).text

        def save() -> None:
            with self.guard("saving the text"):
                result = self.service.save_text(text)
                title = result.article.title
                self.app.call_from_thread(self.notify, f"Saved to Local: {title}", markup=False)

        self.run_worker(save, thread=True, group="translator-save")
