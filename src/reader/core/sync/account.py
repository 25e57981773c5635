"""What reader needs from a feed server, whatever API it speaks.

The sync code (:mod:`reader.core.sync.engine`) only talks to an :class:`AccountClient`;
the Fever API is one implementation (:mod:`reader.core.sync.fever`), and the Google
Reader API can be another without touching the store or the sync rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from reader.core.models import EntryData

MarkAction = Literal["read", "unread", "saved", "unsaved"]
"""A flag change a client can send for one item."""


class SyncError(Exception):
    """The server cannot be used right now (down, refused, not the API): one line for the user."""


class AuthError(SyncError):
    """The server refused the credentials."""


class ItemGoneError(SyncError):
    """The item a flag change was sent for no longer exists on the server."""


@dataclass(frozen=True)
class RemoteGroup:
    """A server-side folder (a Fever group, a Google Reader label)."""

    id: int
    title: str


@dataclass(frozen=True)
class RemoteFeed:
    """A subscription on the server; ``group_ids`` are the groups it is filed in."""

    id: int
    title: str
    url: str | None = None
    site_url: str | None = None
    group_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class RemoteItem:
    """An article on the server, already cleaned like a feed entry."""

    id: int
    feed_id: int
    entry: EntryData
    is_read: bool = False
    is_saved: bool = False


@dataclass
class GroupsAndFeeds:
    groups: list[RemoteGroup] = field(default_factory=list)
    feeds: list[RemoteFeed] = field(default_factory=list)


class AccountClient(Protocol):
    """One account on one server. Every method raises :class:`SyncError` (or
    :class:`AuthError`) with a one-line message; none returns unchecked server data."""

    def list_groups_and_feeds(self) -> GroupsAndFeeds: ...

    def items_since(self, since_id: int, limit: int) -> list[RemoteItem]:
        """Items with an id above ``since_id``, lowest first, at most ``limit``."""
        ...

    def items_with_ids(self, ids: Sequence[int]) -> list[RemoteItem]:
        """These items (those the server still has), in any order."""
        ...

    def unread_ids(self) -> set[int]: ...

    def saved_ids(self) -> set[int]: ...

    def mark(self, item_id: int, action: MarkAction) -> None: ...

    def close(self) -> None: ...
