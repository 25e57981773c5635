"""Which articles a list, a count or a bulk change covers: one value made and checked
once (by the CLI's flags, a collection of the main screen, a test), then handed down
as it is to the service and the store, which turns it into SQL.

Compare lemon24/reader's ``EntryFilter``: the keywords of ``get_entries`` become one
frozen object before they reach the storage.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TypedDict, Unpack

from reader.core.models import FeedKind


class ArticleFilterArgs(TypedDict, total=False):
    """The keywords :class:`ArticleFilter` is made of (``list_articles(unread=True)``)."""

    feed_id: int | None
    folder: str | None
    unread: bool
    starred: bool
    kind: FeedKind | None


@dataclass(frozen=True)
class ArticleFilter:
    """Articles of one feed and/or one folder, of one kind of feed, only unread, only
    starred; the default covers every article. Raises TypeError when made of values of
    the wrong type (a typo in a caller, never a user's input: that is parsed before)."""

    feed_id: int | None = None
    folder: str | None = None
    """The feeds filed in this folder and in the folders inside it (``home/News`` is
    in ``home``)."""
    unread: bool = False
    starred: bool = False
    kind: FeedKind | None = None

    def __post_init__(self) -> None:
        if self.feed_id is not None and (
            isinstance(self.feed_id, bool) or not isinstance(self.feed_id, int)
        ):
            raise TypeError(f"feed_id must be an int or None, not {self.feed_id!r}")
        if self.folder is not None and not isinstance(self.folder, str):
            raise TypeError(f"folder must be a str or None, not {self.folder!r}")
        for name in ("unread", "starred"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be a bool, not {getattr(self, name)!r}")
        if self.kind is not None and not isinstance(self.kind, FeedKind):
            raise TypeError(f"kind must be a FeedKind or None, not {self.kind!r}")

    @classmethod
    def of(
        cls, which: ArticleFilter | None = None, **keywords: Unpack[ArticleFilterArgs]
    ) -> ArticleFilter:
        """``which``, or the filter the keywords describe; TypeError for both at once."""
        if which is None:
            return cls(**keywords)
        if keywords:
            raise TypeError("give an ArticleFilter or filter keywords, not both")
        return which

    def only_unread(self) -> ArticleFilter:
        """The same articles, those still unread ("mark the collection read")."""
        return dataclasses.replace(self, unread=True)


EVERY_ARTICLE = ArticleFilter()
"""The filter that keeps every article."""
