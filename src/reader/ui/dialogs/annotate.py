"""The annotation form: add a term met while reading, or edit or delete one.

The form opens at once with what the caller knows (the selected text, its sentence);
the lemma, the glosses the glossary already has and the engine's translations arrive
from workers and fill only the fields the user has not typed into yet.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from reader.core.models import TERM_STATUSES, Term
from reader.ui.host import ReaderModal

if TYPE_CHECKING:
    from reader.service import ReaderService

STATUS_NAMES = {
    "1": "1 new",
    "2": "2 recognised",
    "3": "3 familiar",
    "4": "4 learned",
    "5": "5 almost known",
    "known": "known",
    "ignored": "ignored",
}
assert set(STATUS_NAMES) == set(TERM_STATUSES)


@dataclass(kw_only=True)
class Annotation(Term):
    """What the form starts from and gives back: a term being written. A selection in
    an article is a term not stored yet (``id`` 0, as ``store.insert_term`` takes one);
    editing a stored term starts from that term (:meth:`of_term`)."""

    id: int = 0
    lemma: str = ""

    @property
    def term_id(self) -> int | None:
        """The stored term's id when editing one, else None."""
        return self.id or None

    @classmethod
    def of_term(cls, term: Term) -> Annotation:
        values = {each.name: getattr(term, each.name) for each in fields(Term)}
        return cls(**values | {"tags": list(term.tags)})


@dataclass
class AnnotationResult:
    """How the form closed: a saved term, or the id of a deleted one."""

    term: Term | None = None
    deleted: int | None = None


class AnnotateDialog(ReaderModal[AnnotationResult | None]):
    """Term, lemma, gloss (with choices), status, tags and note of one term."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save term", id="annotate_save"),
        Binding("escape", "cancel", "Cancel", id="annotate_cancel"),
        Binding("ctrl+d", "delete", "Delete term", priority=True, id="annotate_delete"),
    ]

    DEFAULT_CSS = """
    AnnotateDialog { align: center middle; }
    AnnotateDialog > #annotate-body {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    AnnotateDialog .annotate-row { height: 1; margin-bottom: 1; }
    AnnotateDialog .annotate-label { width: 8; color: $foreground 70%; }
    AnnotateDialog Input, AnnotateDialog Select { width: 1fr; }
    AnnotateDialog Input { background: $boost; }
    AnnotateDialog Input:focus { background: $accent 25%; }
    AnnotateDialog #annotate-choices {
        height: auto; max-height: 4; border: none; margin: -1 0 1 8;
    }
    AnnotateDialog #annotate-sentence, AnnotateDialog #annotate-hint {
        color: $foreground 60%; height: auto;
    }
    """

    def __init__(self, annotation: Annotation) -> None:
        super().__init__()
        self.annotation = annotation
        self._edited: set[str] = set()
        """Fields the user typed into: workers never overwrite them."""
        self._choices: list[str] = []

    def compose(self) -> ComposeResult:
        draft = self.annotation
        title = "Edit term" if draft.term_id else "Add a term"
        with VerticalScroll(id="annotate-body", can_focus=False):
            yield Label(Text(f"{title}  ({draft.lang})", style="bold"))
            yield from self._row("Term", _field(draft.text, "annotate-text"))
            yield from self._row("Lemma", _field(draft.lemma, "annotate-lemma"))
            yield from self._row("Gloss", _field(draft.gloss, "annotate-gloss", select=True))
            yield OptionList(id="annotate-choices")
            status = draft.status if draft.status in STATUS_NAMES else "1"
            yield from self._row(
                "Status",
                Select(
                    [(name, value) for value, name in STATUS_NAMES.items()],
                    value=status,
                    allow_blank=False,
                    id="annotate-status",
                    compact=True,
                ),
            )
            yield from self._row("Tags", _field(" ".join(draft.tags), "annotate-tags"))
            yield from self._row("Note", _field(draft.note, "annotate-note"))
            sentence = Text(draft.sentence, style="italic")
            if draft.sentence_translation:
                sentence.append("\n" + draft.sentence_translation)
            yield Static(sentence, id="annotate-sentence")
            yield Static(
                Text(
                    "enter/ctrl+s save · esc cancel · ctrl+d delete · tab, then enter: use a gloss"
                ),
                id="annotate-hint",
            )

    @staticmethod
    def _row(label: str, widget: Input | Select[str]) -> ComposeResult:
        with Horizontal(classes="annotate-row"):
            yield Label(label, classes="annotate-label")
            yield widget

    def on_mount(self) -> None:
        self.query_one("#annotate-choices", OptionList).display = False
        self.query_one("#annotate-gloss", Input).focus()
        self.prefill()
        self.suggest()

    # -- prefilling (workers) ------------------------------------------------------------

    @work(thread=True, group="annotate-prefill")
    def prefill(self) -> None:
        """The lemma, the glossary's glosses, then the installed dictionaries' (labelled
        with the dictionary's name)."""
        draft = self.annotation
        text = draft.text.strip()
        with self.guard("looking up the term"):
            lemma = draft.lemma or self.service.lemma_for(text, draft.lang)
            self.app.call_from_thread(self._fill, "annotate-lemma", lemma)
            glosses = self.service.existing_glosses(text, draft.lang, lemma=lemma)
            self.app.call_from_thread(self._add_choices, [(g, "glossary") for g in glosses])
            found = self.service.dictionary_glosses(text, lemma, draft.lang)
            self.app.call_from_thread(self._add_choices, found)

    @work(thread=True, group="annotate-suggest")
    def suggest(self) -> None:
        """The engine's translation of the term and of its sentence, when a model is there."""
        draft = self.annotation
        with self.guard("translating the term"):
            found = self.service.gloss_suggestions(draft.text.strip(), draft.sentence, draft.lang)
            choices = [
                (text, "engine" if what == "term" else "in the sentence") for what, text in found
            ]
            self.app.call_from_thread(self._add_choices, choices)
            if not draft.sentence_translation:
                sentence = next((text for what, text in found if what == "sentence"), "")
                draft.sentence_translation = sentence

    def _fill(self, field_id: str, value: str) -> None:
        if field_id in self._edited:
            return
        field_input = self.query_one(f"#{field_id}", Input)
        with field_input.prevent(Input.Changed):
            field_input.value = value

    def _add_choices(self, choices: list[tuple[str, str]]) -> None:
        options = self.query_one("#annotate-choices", OptionList)
        for choice, origin in choices:
            if choice in self._choices:
                continue
            self._choices.append(choice)
            label = Text(choice)
            label.append(f"  ({origin})", style="dim")
            options.add_option(Option(label, id=str(len(self._choices) - 1)))
        options.display = bool(self._choices)
        if self._choices and options.highlighted is None:
            options.highlighted = 0
        gloss = self.query_one("#annotate-gloss", Input)
        if self._choices and not gloss.value and "annotate-gloss" not in self._edited:
            self._fill("annotate-gloss", self._choices[0])

    @property
    def choices(self) -> list[str]:
        """Gloss choices offered so far (glossary first, then dictionaries' and the engine's)."""
        return list(self._choices)

    @on(Input.Changed)
    def remember_edit(self, event: Input.Changed) -> None:
        if event.input.id:
            self._edited.add(event.input.id)

    @on(OptionList.OptionSelected, "#annotate-choices")
    def use_choice(self, event: OptionList.OptionSelected) -> None:
        gloss = self.query_one("#annotate-gloss", Input)
        gloss.value = self._choices[int(event.option.id or 0)]
        gloss.focus()

    # -- saving ---------------------------------------------------------------------------

    @on(Input.Submitted)
    def submit(self) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def form(self) -> Annotation:
        """The form's current values."""
        draft = self.annotation

        def value(field_id: str) -> str:
            return self.query_one(f"#{field_id}", Input).value.strip()

        status = self.query_one("#annotate-status", Select).value
        return Annotation(
            text=value("annotate-text"),
            lang=draft.lang,
            lemma=value("annotate-lemma"),
            gloss=value("annotate-gloss"),
            note=value("annotate-note"),
            status=str(status) if isinstance(status, str) else draft.status,
            tags=value("annotate-tags").replace(",", " ").split(),
            sentence=draft.sentence,
            sentence_translation=draft.sentence_translation,
            article_id=draft.article_id,
            id=draft.id,
        )

    def action_save(self) -> None:
        form = self.form()
        if not form.text:
            self.notify("The term is empty.", severity="warning", markup=False)
            return
        self.save(form)

    @work(thread=True, exclusive=True, group="annotate-save")
    def save(self, form: Annotation) -> None:
        with self.guard("saving the term"):
            term = save_annotation(self.service, form)
            self.app.call_from_thread(self.dismiss, AnnotationResult(term=term))

    def action_delete(self) -> None:
        term_id = self.annotation.term_id
        if term_id is None:
            self.notify("This term is not in the glossary yet.", markup=False)
            return

        def delete() -> None:
            with self.guard("deleting the term"):
                self.service.delete_term(term_id)
                self.app.call_from_thread(self.dismiss, AnnotationResult(deleted=term_id))

        self.run_worker(delete, thread=True, exclusive=True, group="annotate-save")


def set_term_status(service: ReaderService, term_id: int, status: str) -> Term:
    """Set a stored term's status (call from a worker thread: saving recomputes its
    pattern)."""
    return service.set_term_status(term_id, status)


def save_annotation(service: ReaderService, form: Annotation) -> Term:
    """Add or update the term of a filled form (call from a worker thread: the service
    analyses its text)."""
    from reader.core.text import clean_line

    text = clean_line(form.text)
    lemma = form.lemma or service.lemma_for(text, form.lang)
    if form.term_id is None:
        return service.add_term(
            text,
            gloss=form.gloss,
            lang=form.lang,
            status=form.status,
            note=form.note,
            tags=form.tags,
            lemma=lemma,
            sentence=form.sentence,
            sentence_translation=form.sentence_translation,
            article_id=form.article_id,
        ).term
    term = service.term(form.term_id)
    term.text, term.lemma, term.gloss, term.note = text, lemma, form.gloss, form.note
    term.status, term.tags = form.status, form.tags
    return service.update_term(term)


def _field(value: str, field_id: str, select: bool = False) -> Input:
    """A one-row field (the form fits 80×24). Only the gloss selects its text on focus,
    so that typing replaces a suggested gloss; any other field reached with tab keeps
    its text and gets the cursor at its end."""
    return Input(value, id=field_id, compact=True, select_on_focus=select)
