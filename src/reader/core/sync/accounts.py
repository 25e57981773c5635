"""Feed-server accounts as the store keeps them (the ``accounts`` table of migration 5),
with their counts, and the result of one sync. (The protocol a server's client speaks
is :mod:`reader.core.sync.account`.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from reader.core.models import Feed, FeedKind
from reader.core.store import Store, utc_now

ACCOUNT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


@dataclass
class Account:
    id: int
    name: str
    kind: str
    url: str
    username: str
    key_store: str
    since_id: int = 0
    last_sync: str | None = None
    last_error: str | None = None
    feeds: int = 0
    articles: int = 0
    unread: int = 0
    pending: int = 0
    """Local flag changes still to be sent to the server."""

    def holds(self, feed: Feed) -> bool:
        """Whether ``feed`` is one of this account's (they are filed in its folder)."""
        return feed.kind is FeedKind.ACCOUNT and feed.filed_in(self.name)

    def to_json(self) -> dict[str, Any]:
        """Everything but the key (which this object does not even hold)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "url": self.url,
            "user": self.username,
            "key_store": self.key_store,
            "last_sync": self.last_sync,
            "last_error": self.last_error,
            "feeds": self.feeds,
            "articles": self.articles,
            "unread": self.unread,
            "pending": self.pending,
        }


@dataclass
class SyncResult:
    account: str
    feeds: int = 0
    new: int = 0
    updated: int = 0
    flags_pulled: int = 0
    """Local articles whose read or starred state the server's changed."""
    pushed: int = 0
    pending: int = 0
    """Changes still queued after this sync (the server refused or was unreachable)."""
    requests: int = 0
    error: str | None = None
    more: bool = False
    """The item limit was reached: the next sync fetches more."""

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


# -- accounts ---------------------------------------------------------------------------

_ACCOUNT_SELECT = """
    SELECT accounts.*,
        (SELECT count(*) FROM account_feeds f WHERE f.account_id = accounts.id) AS feeds,
        (SELECT count(*) FROM account_items i WHERE i.account_id = accounts.id) AS articles,
        (SELECT count(*) FROM account_items i JOIN articles a ON a.id = i.article_id
          WHERE i.account_id = accounts.id AND a.read = 0) AS unread,
        (SELECT count(*) FROM account_push p WHERE p.account_id = accounts.id) AS pending
    FROM accounts
"""


def _account(row: Any) -> Account:
    return Account(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        url=row["url"],
        username=row["username"],
        key_store=row["key_store"],
        since_id=row["since_id"],
        last_sync=row["last_sync"],
        last_error=row["last_error"],
        feeds=row["feeds"],
        articles=row["articles"],
        unread=row["unread"],
        pending=row["pending"],
    )


def accounts(store: Store) -> list[Account]:
    return [_account(row) for row in store.query(_ACCOUNT_SELECT + " ORDER BY name")]


def account_by_name(store: Store, name: str) -> Account | None:
    rows = store.query(_ACCOUNT_SELECT + " WHERE name = ?", (name,))
    return _account(rows[0]) if rows else None


def account_of_feed(store: Store, feed_id: int) -> Account | None:
    """The account a feed of kind ``account`` belongs to (None for any other feed)."""
    rows = store.query(
        _ACCOUNT_SELECT + " WHERE id = (SELECT account_id FROM account_feeds WHERE feed_id = ?)",
        (feed_id,),
    )
    return _account(rows[0]) if rows else None


def insert_account(
    store: Store, name: str, kind: str, url: str, username: str, key_store: str
) -> Account:
    with store.transaction() as connection:
        connection.execute(
            "INSERT INTO accounts (name, kind, url, username, key_store, created)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (name, kind, url, username, key_store, utc_now()),
        )
    found = account_by_name(store, name)
    assert found is not None
    return found


def delete_account(store: Store, account: Account) -> None:
    """The account, its feeds and their articles, except starred or annotated ones."""
    with store.transaction():
        for row in store.query(
            "SELECT feed_id FROM account_feeds WHERE account_id = ?", (account.id,)
        ):
            store.remove_feed(int(row[0]))
        store.connection.execute("DELETE FROM accounts WHERE id = ?", (account.id,))


def _set_account(store: Store, account_id: int, **values: Any) -> None:
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    with store.transaction() as connection:
        connection.execute(
            f"UPDATE accounts SET {assignments} WHERE id = :account_id",
            {**values, "account_id": account_id},
        )
