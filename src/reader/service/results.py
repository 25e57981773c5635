"""What the service's methods return beyond core values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, NotRequired, TypedDict

from reader.core.models import (
    Article,
    Feed,
    Term,
)

if TYPE_CHECKING:
    from reader.core.mining import MinedSentence
    from reader.core.model_registry import ModelEntry


@dataclass
class TermResult:
    term: Term
    created: bool
    """False when the term was merged into one of the same lemma."""


@dataclass
class ImportResult:
    added: int
    merged: int
    refused: int = 0
    """Rows whose term is no word or phrase (``terms.check_term_text``), left out."""


@dataclass
class OpenResult:
    article: Article
    created: bool
    changed: bool = True
    """False when the document was imported before and its text is the same."""


@dataclass
class AddFeedResult:
    feed: Feed
    created: bool
    new: int = 0
    """Entries stored from the first fetch."""
    renamed: list[str] = field(default_factory=list)
    """For a feed already subscribed: which of ``title``/``folder`` were changed."""


@dataclass
class OpmlImportResult:
    added: list[Feed]
    skipped: int
    """Subscriptions already present (or listed twice in the file)."""
    invalid: list[str]
    """Outlines without a usable http(s) feed address."""


@dataclass
class FullTextResult:
    article: Article
    extracted: bool
    """False when no main text was found on the page and the summary was kept."""


class PairDetails(TypedDict):
    """What a translated sentence says beyond its target (see ``pair_details``)."""

    terms: list[dict[str, object]]
    """The glossary terms it holds: ``{"term", "gloss", "applied"}``."""
    confidence: float | None
    reason: str
    alternatives: list[str]
    edited: NotRequired[str]
    """``edit`` or ``alternative`` when the translation is the reader's own."""


class SentencePair(TypedDict):
    """One sentence and its translation, as ``reader translate --json`` prints it (a
    TypedDict: the keys in this order, the optional ones only when they apply)."""

    paragraph: int
    sentence: int
    source: str
    target: str
    error: NotRequired[str]
    terms: NotRequired[list[dict[str, object]]]
    confidence: NotRequired[float | None]
    reason: NotRequired[str]
    alternatives: NotRequired[list[str]]
    edited: NotRequired[str]
    source_lang: NotRequired[str]
    """With ``target_lang`` and ``model``: for a paragraph translated the other way."""
    target_lang: NotRequired[str]
    model: NotRequired[str]


class Translation(TypedDict):
    """Text or an article translated sentence by sentence (``translate_paragraphs``)."""

    source_lang: str
    target_lang: str
    model: str
    pairs: list[SentencePair]


class KeptTranslation(NamedTuple):
    """What ``reader translate --set`` kept (``set_text_translation``)."""

    sentence: str
    direction: str
    """``ko→en`` or ``en→ko``."""
    kept: str
    """The translation kept; empty when it was forgotten."""


class GlossSuggestion(NamedTuple):
    """A translation offered in the annotation form: of the ``term`` or its ``sentence``."""

    what: str
    translation: str


class DictionaryGloss(NamedTuple):
    """A gloss an installed dictionary gives a word, and that dictionary's name."""

    gloss: str
    dictionary: str


class ModelUse(NamedTuple):
    """An installed model and the directions it translates now (``models_installed``)."""

    model: ModelEntry
    directions: list[str]


class MinedTerm(NamedTuple):
    """A mined sentence added as a term (``mine_add``)."""

    sentence: MinedSentence
    added: TermResult
