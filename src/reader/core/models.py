"""Domain types shared by the store, the service, the CLI and the UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from reader.core.feed_settings import FeedSettings


class FeedKind(StrEnum):
    FEED = "feed"
    """A subscription fetched over HTTP."""
    LOCAL = "local"
    """The "Local" collection: files, pages and saved translator text."""
    DEMO = "demo"
    """The built-in "Welcome" collection."""
    ACCOUNT = "account"
    """A feed of a feed-server account (Fever): fetched and managed by the server."""


LOCAL_FEED_URL = "reader:local"
DEMO_FEED_URL = "reader:welcome"


@dataclass
class Feed:
    id: int
    url: str
    title: str
    kind: FeedKind = FeedKind.FEED
    site_url: str | None = None
    folder: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_checked: str | None = None
    last_status: int | None = None
    last_error: str | None = None
    failure_count: int = 0
    unread: int = 0
    settings: FeedSettings = field(default_factory=FeedSettings)
    """The feed's own settings (full text, translation, direction, interval, retention)."""

    def filed_in(self, folder: str) -> bool:
        """Filed in ``folder`` or a folder inside it (``home/News`` is in ``home``), as
        the store's folder filter reads a folder."""
        return self.folder is not None and (
            self.folder == folder or self.folder.startswith(folder + "/")
        )


@dataclass
class ArticleSummary:
    """An article without its body: what lists show."""

    id: int
    feed_id: int | None
    title: str
    url: str | None
    published: str | None
    read: bool
    starred: bool
    feed_title: str = ""
    language: str | None = None


@dataclass
class Article(ArticleSummary):
    author: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    guid: str | None = None
    summary_only: bool = False


@dataclass(frozen=True)
class Sentence:
    """A sentence of a paragraph, with its character offsets in that paragraph."""

    text: str
    start: int
    end: int


@dataclass
class EntryData:
    """A parsed feed entry or local document, ready to be stored."""

    guid: str
    title: str
    paragraphs: list[str]
    url: str | None = None
    author: str | None = None
    published: str | None = None
    updated: str | None = None
    language: str | None = None
    summary_only: bool = False


TERM_STATUSES = ("1", "2", "3", "4", "5", "known", "ignored")
"""Learning levels 1 (new) to 5 (almost learned), then known and ignored (as in Lute)."""


@dataclass
class Term:
    """A glossary entry: a word or phrase of one language, unique by lemma.

    ``pattern`` is the term's match key sequence (see :mod:`reader.core.terms`);
    ``article_id`` is the article where it was first met, with ``sentence``.
    """

    id: int
    lang: str
    text: str
    lemma: str
    gloss: str = ""
    note: str = ""
    status: str = "1"
    tags: list[str] = field(default_factory=list)
    sentence: str = ""
    sentence_translation: str = ""
    article_id: int | None = None
    created: str = ""
    updated: str = ""
    pattern: str = ""
