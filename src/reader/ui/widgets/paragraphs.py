"""What the bilingual view shows, as values: paragraphs, term marks, translated sentences.

Screens build these and hand them to :class:`~reader.ui.widgets.bilingual.BilingualView`;
they hold no widget state, so the highlight and translation code can make them
without importing the view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class TermMark(NamedTuple):
    """A glossary term in a paragraph's source, drawn with ``$reader-term-<level>``."""

    start: int
    end: int
    level: int
    """1 new, 2 learning, 3 almost known (see :data:`reader.ui.highlights.STATUS_LEVELS`)."""
    term_id: int = 0
    """The term marked (0: not known); its gloss in the translation gets the same colour."""


@dataclass(frozen=True)
class SentenceDetails:
    """What a sentence's translation says beyond its text."""

    confidence: float | None = None
    """0–1 (None: not measured); below the view's threshold the sentence is unsure."""
    reason: str = ""
    alternatives: tuple[str, ...] = ()
    """The model's other hypotheses from the same decode, best first."""
    user: str = ""
    """``edit`` or ``alternative`` when the translation is the reader's own."""
    glosses: tuple[tuple[int, str], ...] = ()
    """(term id, gloss) of each glossary term the translation was steered to hold."""


class SentenceTranslation(NamedTuple):
    """One sentence's translation as it arrives: ``text`` None while it is pending."""

    paragraph: int
    sentence: int
    text: str | None
    failed: bool = False
    details: SentenceDetails | None = None


class WordSelection(NamedTuple):
    """The words under the word cursor: offsets in the source of ``paragraph``."""

    paragraph: int
    start: int
    end: int


@dataclass
class ParagraphUnit:
    """One paragraph: its text, its sentences (as offsets) and their translations."""

    source: str
    spans: list[tuple[int, int]]
    targets: list[str | None] = field(default_factory=list)
    failed: set[int] = field(default_factory=set)
    terms: list[TermMark] = field(default_factory=list)
    """Glossary terms in the source, drawn with ``$reader-term-N``."""
    details: dict[int, SentenceDetails] = field(default_factory=dict)
    """Per sentence: confidence, the reader's own translation, steered terms."""

    def __post_init__(self) -> None:
        if not self.spans:
            self.spans = [(0, len(self.source))]
        if len(self.targets) != len(self.spans):
            self.targets = [None] * len(self.spans)

    def sentence(self, index: int) -> str:
        start, end = self.spans[index]
        return self.source[start:end]
