"""Messages that cross screens; messages owned by one widget are nested in that widget."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from reader.core.models import ArticleSummary


@dataclass
class ErrorReported(Message):
    """Something failed in a worker; the app shows it and logs it (thread-safe to post)."""

    context: str
    """What the app was doing, e.g. "refreshing feeds"."""
    error: str


@dataclass
class ArticleFlagsChanged(Message):
    """An article's read or starred state changed; lists and counts update."""

    summary: ArticleSummary


@dataclass
class CollectionsChanged(Message):
    """Feeds or unread counts changed (refresh, add feed, mark all read)."""
