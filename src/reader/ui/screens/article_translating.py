"""The article screen's translation: submitting its parts to the queue (the visible
paragraphs first, those already in the target language shown as they are), applying
what the queue sends back, and the header that says how far that got.

:class:`ArticleTranslating` holds the open article's translation state;
:class:`~reader.ui.screens.article_reading.ArticleReading` loads and splits the article
and decides when to translate it again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.widgets import Static

from reader.core.models import Article, Sentence
from reader.ui.format import literal
from reader.ui.host import ReaderScreen
from reader.ui.screens.article_review import confidence_label
from reader.ui.state import LAYOUTS
from reader.ui.translation import glossaries_for, passthrough_results, translation_plan
from reader.ui.translation_job import TranslationEvents, TranslationJob
from reader.ui.widgets.bilingual import BilingualView

if TYPE_CHECKING:
    from reader.core.steering import Glossary
    from reader.ui.widgets.paragraphs import SentenceDetails

LAYOUT_NAMES = {
    "side": "side by side",
    "translation": "translation only",
    "source": "source only",
    "interlinear": "interlinear",
}
assert set(LAYOUT_NAMES) == set(LAYOUTS)


def sentence_confidence(details: SentenceDetails | None) -> str:
    """The cursor sentence's confidence, for the header ("" when not measured)."""
    if details is None:
        return ""
    if details.user:
        return "your translation"
    if details.confidence is None:
        return ""
    return confidence_label(details.confidence)


class ArticleTranslating(ReaderScreen[None]):
    """The open article, its direction and model, and its translation jobs."""

    def __init__(self) -> None:
        super().__init__()
        self.article_id = 0
        self.article: Article | None = None
        self.direction: tuple[str, str] = ("ko", "en")
        self.jobs = TranslationJob(
            lambda: self.service.translation_queue,
            lambda: self.post_message(TranslationEvents()),
        )
        """The open article's translation jobs (one per part)."""
        self._generation = 0
        """Raised whenever the article's work is cancelled: a loader of an older
        generation stops at its next part, and its jobs are cancelled."""
        self._all_submitted = False
        self.done = 0
        self.total = 0
        self.status = "loading…"
        self.model_name = ""
        """The model translating the article (named in the header)."""
        self._own_directions: dict[int, tuple[str, str]] = {}
        """Paragraphs translated in their own direction (see ``translation_plan``)."""
        self._shown_as_is: set[int] = set()
        """Paragraphs already in the target language, shown as they are."""

    @property
    def job_id(self) -> int | None:
        """The newest translation job of the open article, None when none runs."""
        return self.jobs.newest

    @property
    def job_ids(self) -> tuple[int, ...]:
        """The open article's translation jobs, finished ones included."""
        return self.jobs.ids

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
        parts.append(sentence_confidence(view.current_details()))
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
        steering: dict[tuple[str, str], Glossary | None],
    ) -> None:
        """Submit paragraphs ``start``… to the queue, the visible ones first (call from a
        worker thread); paragraphs already in the target language are shown as they are,
        and with ``per_paragraph`` those in the other language go the other way.
        ``steering`` keeps the glossaries built for the article's earlier parts."""
        paragraphs = article.paragraphs[start : start + len(sentences)]
        forced = direction != self.service.direction_for(article)
        skip, part_own = translation_plan(self.service, paragraphs, direction, forced)
        own = {start + index: way for index, way in part_own.items()}
        view = self.query_one(BilingualView)
        self.app.call_from_thread(
            self._note_plan, {start + index for index in skip}, own, generation
        )
        if skip:
            rows = [
                row._replace(paragraph=start + row.paragraph)
                for row in passthrough_results(sentences, skip)
            ]
            self.app.call_from_thread(view.set_translations, rows)
        if len(skip) == len(sentences):
            return
        padded: list[list[Sentence]] = [[] for _ in range(start)]
        padded += [[] if index in skip else split for index, split in enumerate(sentences)]
        glossaries = glossaries_for(self.service, direction, own, steering)
        self.app.call_from_thread(
            self._submit, padded, direction, own, article.id, generation, glossaries
        )

    def _submit(
        self,
        paragraphs: list[list[Sentence]],
        direction: tuple[str, str],
        own: dict[int, tuple[str, str]],
        article_id: int,
        generation: int,
        steering: dict[tuple[str, str], Glossary | None],
    ) -> None:
        """Submit and register a job in one step on the UI thread, so that its first
        events (cached sentences come within milliseconds) always find it registered."""
        if generation != self._generation:
            return
        self.jobs.submit(
            paragraphs,
            direction,
            article_id=article_id,
            first_paragraphs=tuple(self.query_one(BilingualView).visible_paragraphs()),
            paragraph_directions=own,
            glossaries=steering,
        )
        self._set_status("translating…")

    def _note_plan(
        self, shown_as_is: set[int], own: dict[int, tuple[str, str]], generation: int
    ) -> None:
        if generation == self._generation:
            self._shown_as_is |= shown_as_is
            self._own_directions.update(own)

    def direction_of(self, paragraph: int) -> tuple[str, str] | None:
        """The direction a paragraph is translated in; None when it is shown as it is."""
        if paragraph in self._shown_as_is:
            return None
        return self._own_directions.get(paragraph, self.direction)

    def _submitted_all(self, generation: int) -> None:
        if generation != self._generation:
            return
        self._all_submitted = True
        if not self.jobs:
            self._set_status("nothing to translate")
        else:
            self._update_progress()

    def _finished(self) -> bool:
        """Every part is split and submitted and every job has finished."""
        return self._all_submitted and self.jobs.all_done()

    def _update_progress(self) -> None:
        counts = self.jobs.counts
        self.done = sum(count.done for count in counts)
        self.total = sum(count.total for count in counts)
        if self.status == "no translation":
            pass
        elif self._finished():
            self.status = "translated" if self.jobs else "nothing to translate"
        elif self.jobs:
            self.status = "translating…"
        self._update_meta()

    @on(TranslationEvents)
    def apply_translations(self) -> None:
        """Apply everything the queue reported since the last batch, with one repaint."""
        update = self.jobs.drain()
        for failure in update.failures:
            self._set_notice(failure)
        if update.sentences:
            self.query_one(BilingualView).set_translations(update.sentences)
        if update.progressed:
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
        self.jobs.cancel()
        self._all_submitted = False
        self._own_directions.clear()
        self._shown_as_is.clear()
