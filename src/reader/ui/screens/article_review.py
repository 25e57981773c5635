"""The article screen's review of one sentence's translation: why the model is unsure
and its n-best alternatives (choosing one keeps it), editing the translation in place,
and translating the sentence again with a larger beam or another installed model.

What the reader chooses, writes or gets from a re-translation is kept as their own
translation of that sentence (``service.set_sentence_translation``): it beats every
model and cache, shows with ``✎``, and stays until the source sentence changes.
:class:`ArticleReview` is a widget of the article screen without a display of its
own, like :class:`~reader.ui.screens.article_terms.ArticleTerms`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

from reader.ui.dialogs.choose import ChooseDialog
from reader.ui.dialogs.prompt import PromptDialog
from reader.ui.host import Hosted
from reader.ui.widgets.bilingual import BilingualView
from reader.ui.widgets.paragraphs import SentenceDetails, SentenceTranslation

REVIEW_BINDINGS = [
    Binding("c", "alternatives", "Alternatives", show=False, id="translation_alternatives"),
    Binding("E", "edit_translation", "Edit translation", show=False, id="edit_translation"),
    Binding("B", "retranslate_sentence", "Translate again", show=False, id="retranslate_sentence"),
]
"""Keys of the article screen that act on the translation of the cursor's sentence."""


class ReviewKeys:
    """The actions of :data:`REVIEW_BINDINGS`, for a screen whose ``review`` is its
    :class:`ArticleReview` (the article screen, the translator)."""

    review: ArticleReview

    def action_alternatives(self) -> None:
        self.review.show_alternatives()

    def action_edit_translation(self) -> None:
        self.review.edit()

    def action_retranslate_sentence(self) -> None:
        self.review.retranslate()


BACK_TO_MODEL = "↺ back to the model's translation (forget yours)"
CHOSEN = "alternative you chose"
EDITED = "edited by you"


@dataclass(frozen=True)
class CursorSentence:
    """The sentence under the cursor, its translation and where it goes."""

    paragraph: int
    index: int
    source: str
    target: str
    direction: tuple[str, str]
    details: SentenceDetails


class ArticleReview(Widget, Hosted):
    """Review actions on the translation of the sentence under the cursor."""

    DEFAULT_CSS = """
    ArticleReview { display: none; }
    """

    class Kept(Message):
        """A translation the reader chose, wrote or asked for is shown (or the model's
        is back): what the screen says of the cursor sentence may have changed."""

    def __init__(
        self,
        direction_of: Callable[[int], tuple[str, str] | None],
        models: Callable[[], tuple[list[str], str]],
    ) -> None:
        """``direction_of`` gives a paragraph's direction (None: shown as it is);
        ``models`` the installed models for the article's direction and the one in use."""
        super().__init__()
        self._direction_of = direction_of
        self._models = models

    @property
    def view(self) -> BilingualView:
        return self.screen.query_one(BilingualView)

    def cursor_sentence(self) -> CursorSentence | None:
        """The cursor's sentence when it has a translation to review; otherwise None, and
        the reader is told why."""
        view = self.view
        if not view.units or view.notice is not None:
            self.notify("No translation to review here.", markup=False, timeout=3)
            return None
        paragraph, index = view.cursor
        unit = view.units[paragraph]
        target = unit.targets[index]
        direction = self._direction_of(paragraph)
        if direction is None:
            self.notify(
                "This paragraph is already in the target language.", markup=False, timeout=3
            )
            return None
        if target is None or index in unit.failed:
            self.notify("This sentence is not translated yet.", markup=False, timeout=3)
            return None
        details = unit.details.get(index) or SentenceDetails()
        return CursorSentence(paragraph, index, unit.sentence(index), target, direction, details)

    # -- alternatives ------------------------------------------------------------------

    def show_alternatives(self) -> None:
        """The reason and the model's n-best alternatives; choosing one keeps it."""
        here = self.cursor_sentence()
        if here is None:
            return
        alternatives = [text for text in here.details.alternatives if text != here.target]
        options = alternatives + ([BACK_TO_MODEL] if here.details.user else [])

        def closed(choice: int | None) -> None:
            if choice is None:
                return
            if choice == len(alternatives):
                self.forget(here)
            else:
                rest = (here.target, *[t for t in alternatives if t != alternatives[choice]])
                self.keep(here, alternatives[choice], "alternative", alternatives=rest)

        self.app.push_screen(
            ChooseDialog(
                "The translation of this sentence",
                [here.source, f"→ {here.target}", _about(here.details)],
                options,
                empty="The model gave no other translation (beam_size 1, or every other"
                " hypothesis was the same): B translates it again with a larger beam or"
                " another model.",
            ),
            closed,
        )

    # -- editing ---------------------------------------------------------------------

    def edit(self) -> None:
        """Edit the translation in place (a prompt holding it); the edit is kept."""
        here = self.cursor_sentence()
        if here is None:
            return

        def closed(text: str | None) -> None:
            if text is not None and text != here.target:
                self.keep(here, text, "edit")

        self.app.push_screen(
            PromptDialog(
                "Edit the translation",
                "enter keeps it as your translation (shown with ✎); escape cancels;"
                " c goes back to the model's",
                "translation",
                value=here.target,
            ),
            closed,
        )

    # -- translating again -----------------------------------------------------------------

    def retranslate(self) -> None:
        """Translate the sentence again with a larger beam or another installed model of
        the direction; the new translation replaces the old one and is kept."""
        from reader.core.translation import larger_beam

        here = self.cursor_sentence()
        if here is None:
            return
        names, in_use = self._models()
        beam = larger_beam(self.service.config.translation.beam_size)
        ways: list[tuple[str, int | None, str | None]] = [
            (f"with a larger beam ({beam}){f', {in_use}' if in_use else ''}", beam, None)
        ]
        ways += [(f"with {name}", None, name) for name in names if name != in_use]

        def closed(choice: int | None) -> None:
            if choice is not None:
                _title, chosen_beam, model = ways[choice]
                self.translate_again(here, chosen_beam, model)

        self.app.push_screen(
            ChooseDialog(
                "Translate this sentence again",
                [here.source, f"→ {here.target}"],
                [title for title, _beam, _model in ways],
            ),
            closed,
        )

    def translate_again(self, here: CursorSentence, beam: int | None, model: str | None) -> None:
        """Run the re-translation in a worker and keep what it gives."""
        from reader.service import ServiceError

        def run() -> None:
            with self.guard("translating the sentence again"):
                try:
                    outcome = self.service.translate_sentence_again(
                        here.source, here.direction, beam=beam, model=model
                    )
                except ServiceError as error:
                    self.app.call_from_thread(
                        self.notify, str(error), severity="warning", markup=False
                    )
                    return
                if outcome.error is not None or not outcome.target.strip():
                    message = f"Not translated again: {outcome.error or 'no output'}"
                    self.app.call_from_thread(
                        self.notify, message, severity="warning", markup=False
                    )
                    return
                kept = self.service.set_sentence_translation(
                    here.source, *here.direction, outcome.target, "alternative"
                )
                details = SentenceDetails(
                    confidence=outcome.confidence,
                    reason=outcome.reason,
                    alternatives=(here.target, *outcome.alternatives),
                    user="alternative",
                    glosses=tuple((t.term_id, t.gloss) for t in outcome.terms if t.applied),
                )
                way = f"beam {beam}" if beam is not None else str(model)
                self.app.call_from_thread(self._show_kept, here, kept, details, way)

        self.run_worker(run, thread=True, group="article-review")

    # -- keeping -----------------------------------------------------------------------

    def keep(
        self,
        here: CursorSentence,
        text: str,
        kind: str,
        alternatives: tuple[str, ...] = (),
    ) -> None:
        """Keep ``text`` as the reader's translation of the sentence (in a worker)."""

        def write() -> None:
            with self.guard("keeping the translation"):
                kept = self.service.set_sentence_translation(
                    here.source, *here.direction, text, kind
                )
                details = replace(
                    here.details,
                    confidence=1.0,
                    reason=EDITED if kind == "edit" else CHOSEN,
                    alternatives=alternatives or here.details.alternatives,
                    user=kind,
                    glosses=(),
                )
                self.app.call_from_thread(self._show_kept, here, kept, details, "")

        self.run_worker(write, thread=True, group="article-review")

    def forget(self, here: CursorSentence) -> None:
        """Forget the reader's translation: the model's comes back (from the cache)."""

        def write() -> None:
            with self.guard("forgetting your translation"):
                self.service.set_sentence_translation(here.source, *here.direction, "")
                steering = self.service.glossary_for(here.direction)
                [outcome] = self.service.translations.translate(
                    [here.source], *here.direction, glossary=steering
                )
                if outcome is None or outcome.error is not None:
                    return
                details = SentenceDetails(
                    confidence=outcome.confidence,
                    reason=outcome.reason,
                    alternatives=outcome.alternatives,
                    glosses=tuple((t.term_id, t.gloss) for t in outcome.terms if t.applied),
                )
                self.app.call_from_thread(self._show_kept, here, outcome.target, details, "")

        self.run_worker(write, thread=True, group="article-review")

    def _show_kept(
        self, here: CursorSentence, text: str, details: SentenceDetails, way: str
    ) -> None:
        """Show the translation kept on every sentence of the article with the same
        source and direction (the reader's translation applies to each)."""
        view = self.view
        rows = [
            SentenceTranslation(paragraph, index, text, False, details)
            for paragraph, unit in enumerate(view.units)
            if self._direction_of(paragraph) == here.direction
            for index in range(len(unit.spans))
            if unit.sentence(index) == here.source and unit.targets[index] is not None
        ]
        view.set_translations(rows)
        self.post_message(self.Kept())
        if way:
            self.notify(
                f"Translated again ({way}): {_about(details)}. Kept as your translation"
                " (c: alternatives, E: edit).",
                markup=False,
                timeout=6,
            )
        elif details.user:
            self.notify("Kept as your translation.", markup=False, timeout=3)
        else:
            self.notify("Back to the model's translation.", markup=False, timeout=3)


def _about(details: SentenceDetails) -> str:
    """The confidence line: ``confidence 0.25 — Hangul left in the English``."""
    if details.user and details.reason in (EDITED, CHOSEN):
        return f"your own translation ({details.reason})"
    if details.confidence is None:
        return "confidence not measured (translated before reader measured it)"
    reason = f" — {details.reason}" if details.reason else ""
    return confidence_label(details.confidence) + reason


def confidence_label(confidence: float) -> str:
    """``confidence 0.25``: how the dialog and the article header say it."""
    return f"confidence {confidence:.2f}"
