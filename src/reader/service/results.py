"""What the service's methods return beyond core values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.core.models import (
    Article,
    Feed,
    Term,
)

if TYPE_CHECKING:
    pass


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
