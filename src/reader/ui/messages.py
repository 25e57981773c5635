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


@dataclass
class OpenArticle(Message):
    """Show an article in the article screen; the app handles it (screens never open
    one another)."""

    article_id: int
    paragraph: int | None = None
    """With ``offset``: where to put the sentence cursor (an occurrence in the glossary)."""
    offset: int = 0


@dataclass
class OpenNextUnread(Message):
    """From the article screen: open the next (1) or previous (-1) unread article of the
    list it was opened from; the app asks the main screen to step its cursor there."""

    direction: int
