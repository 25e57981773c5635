"""Two-way sync of one feed-server account with the store.

A sync pulls the server's groups and feeds (each feed becomes a store feed of kind
``account``, filed in the folder named after the account, or ``account/group``), the
server's unread and saved ids, and items: on the first sync the unread and saved ones,
newest first, later every item above the last id seen (at most ``item_limit`` per sync:
the next sync goes on from there); then it pushes the local flag changes the store
queued (triggers of migration 5) since the last sync.

Conflicts, per flag of each article: the later change should win, but the Fever API
reports no times, only each flag's current state. reader dates every local change (in
the push queue) and keeps, per article, the state the server reported at the last sync
(``account_items.server_read``/``server_starred``). So at each sync:

* only the server changed the flag since the last sync: the server's value is taken;
* only reader changed it: the change is pushed;
* both changed it and agree: nothing is sent;
* both changed it and disagree (one side switched the flag twice since the last sync,
  a flag having two values): the local change is kept and pushed. Its time is known to
  be after the last sync; the server's is not reported, so it cannot be shown to be
  the later one. A change made and undone on the server between two syncs is invisible.

Every write is one transaction: a sync killed at any point leaves the store whole, the
queue intact, and the next sync starts again from the last item id committed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reader.core.models import Feed, FeedKind
from reader.core.store import Store, utc_now
from reader.core.sync.account import (
    AccountClient,
    GroupsAndFeeds,
    ItemGoneError,
    MarkAction,
    RemoteItem,
    SyncError,
)

ITEM_LIMIT = 5000
"""Most items one sync pulls; the rest come with the next syncs."""
ACCOUNT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
FLAG_ACTIONS: dict[tuple[str, int], MarkAction] = {
    ("read", 1): "read",
    ("read", 0): "unread",
    ("starred", 1): "saved",
    ("starred", 0): "unsaved",
}


def precise_now() -> str:
    """Now, in the format the push triggers write (milliseconds, so they compare)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


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


# -- sync -------------------------------------------------------------------------------


def sync_account(
    store: Store,
    account: Account,
    client: AccountClient,
    *,
    item_limit: int = ITEM_LIMIT,
    progress: Callable[[str], None] | None = None,
) -> SyncResult:
    """Pull then push one account; errors end up in the result and the account's
    ``last_error``, never raised (one account failing never stops the others)."""
    result = SyncResult(account.name)
    say = progress or (lambda _message: None)
    try:
        say("feeds")
        listing = client.list_groups_and_feeds()
        observed = precise_now()
        say("flags")
        unread, saved = client.unread_ids(), client.saved_ids()
        say("items")
        items = _new_items(client, account, unread | saved, item_limit)
        _apply_pull(store, account, listing, items, unread, saved, observed, result)
        result.more = len(items) >= item_limit
        say("push")
        _push(store, account, client, result)
    except SyncError as error:
        result.error = str(error)
    result.pending = _pending(store, account.id)
    result.requests = int(getattr(client, "requests", 0))
    if result.error is None:
        _set_account(store, account.id, last_error=None)
    else:
        _set_account(store, account.id, last_error=result.error)
    return result


def _new_items(
    client: AccountClient, account: Account, wanted: set[int], item_limit: int
) -> list[RemoteItem]:
    """The first sync takes the unread and saved items, newest first (not the whole read
    history, oldest first); later syncs take every item after the last one seen."""
    if account.since_id == 0 and wanted:
        return client.items_with_ids(sorted(wanted, reverse=True)[:item_limit])
    return client.items_since(account.since_id, item_limit)


def push_account(store: Store, account: Account, client: AccountClient) -> SyncResult:
    """Only send the queued flag changes (right after a change, when online); like
    :func:`sync_account`, errors go into the result and the change stays queued."""
    result = SyncResult(account.name)
    try:
        _push(store, account, client, result)
    except SyncError as error:
        result.error = str(error)
    result.pending = _pending(store, account.id)
    result.requests = int(getattr(client, "requests", 0))
    return result


def _pending(store: Store, account_id: int) -> int:
    rows = store.query("SELECT count(*) FROM account_push WHERE account_id = ?", (account_id,))
    return int(rows[0][0])


def _apply_pull(
    store: Store,
    account: Account,
    listing: GroupsAndFeeds,
    items: Sequence[RemoteItem],
    unread: set[int],
    saved: set[int],
    observed: str,
    result: SyncResult,
) -> None:
    """Everything the server said, in one transaction (with queueing switched off)."""
    with store.transaction() as connection:
        connection.execute("INSERT OR REPLACE INTO account_applying VALUES (?)", (account.id,))
        feed_ids = _apply_feeds(store, account, listing)
        result.feeds = len(feed_ids)
        _apply_items(store, account, items, feed_ids, result)
        result.flags_pulled = _apply_flags(store, account, unread, saved)
        since_id = max([account.since_id, *(item.id for item in items)])
        connection.execute(
            "UPDATE accounts SET since_id = ?, last_sync = ? WHERE id = ?",
            (since_id, observed, account.id),
        )
        connection.execute("DELETE FROM account_applying WHERE account_id = ?", (account.id,))


def _folder(account: Account, listing: GroupsAndFeeds, group_ids: Sequence[int]) -> str:
    titles = {group.id: group.title for group in listing.groups}
    named = [titles[group_id] for group_id in group_ids if titles.get(group_id)]
    return f"{account.name}/{named[0]}" if named else account.name


def _apply_feeds(store: Store, account: Account, listing: GroupsAndFeeds) -> dict[int, int]:
    """Server feeds as store feeds; returns remote feed id → store feed id. Feeds gone
    from the server go, keeping their starred and annotated articles."""
    connection = store.connection
    known = {
        int(row[0]): int(row[1])
        for row in connection.execute(
            "SELECT remote_id, feed_id FROM account_feeds WHERE account_id = ?", (account.id,)
        )
    }
    mapping: dict[int, int] = {}
    for remote in listing.feeds:
        folder = _folder(account, listing, remote.group_ids)
        title = remote.title or remote.url or f"feed {remote.id}"
        feed_id = known.get(remote.id)
        if feed_id is None:
            cursor = connection.execute(
                "INSERT INTO feeds (url, title, kind, site_url, folder, created)"
                " VALUES (?, ?, 'account', ?, ?, ?)",
                (
                    f"reader-account:{account.id}/{remote.id}",
                    title,
                    remote.site_url,
                    folder,
                    utc_now(),
                ),
            )
            assert cursor.lastrowid is not None
            feed_id = cursor.lastrowid
            connection.execute(
                "INSERT INTO account_feeds VALUES (?, ?, ?)", (feed_id, account.id, remote.id)
            )
        else:
            connection.execute(
                "UPDATE feeds SET title = ?, site_url = ?, folder = ? WHERE id = ?",
                (title, remote.site_url, folder, feed_id),
            )
        mapping[remote.id] = feed_id
    for remote_id, feed_id in known.items():
        if remote_id not in mapping:
            store.remove_feed(feed_id)
    return mapping


def _apply_items(
    store: Store,
    account: Account,
    items: Sequence[RemoteItem],
    feed_ids: dict[int, int],
    result: SyncResult,
) -> None:
    """New items stored with the flags the server gave them (items of unknown feeds skipped)."""
    by_feed: dict[int, list[RemoteItem]] = {}
    for item in items:
        if item.feed_id in feed_ids:
            by_feed.setdefault(feed_ids[item.feed_id], []).append(item)
    connection = store.connection
    for feed_id, feed_items in by_feed.items():
        new, updated = store.upsert_entries(feed_id, [item.entry for item in feed_items])
        result.new += new
        result.updated += updated
        for item in feed_items:
            article_id = store.article_id_by_guid(feed_id, item.entry.guid)
            if article_id is None:
                continue
            cursor = connection.execute(
                "INSERT OR IGNORE INTO account_items VALUES (?, ?, ?, ?, ?)",
                (article_id, account.id, item.id, int(item.is_read), int(item.is_saved)),
            )
            if cursor.rowcount:
                _take_server_flags(store, account, item, article_id)


def _take_server_flags(store: Store, account: Account, item: RemoteItem, article_id: int) -> None:
    """A new item takes the server's read and starred flags. One that is a copy of a
    story already stored (from another feed) keeps the story's flags where they are
    set (read if any copy was read, starred if any was starred); where that differs
    from the server's, the change is queued for pushing like any local change."""
    connection = store.connection
    server = {"read": int(item.is_read), "starred": int(item.is_saved)}
    if not store.story_copies(article_id):
        connection.execute(
            "UPDATE articles SET read = ?, starred = ? WHERE id = ?",
            (server["read"], server["starred"], article_id),
        )
        return
    connection.execute(
        "UPDATE articles SET read = max(read, ?), starred = max(starred, ?) WHERE id = ?",
        (server["read"], server["starred"], article_id),
    )
    row = connection.execute(
        "SELECT read, starred FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    for flag, value in server.items():
        if int(row[flag]) != value:
            connection.execute(
                "INSERT OR REPLACE INTO account_push (account_id, remote_id, flag, value, changed)"
                " VALUES (?, ?, ?, ?, ?)",
                (account.id, item.id, flag, int(row[flag]), precise_now()),
            )


def _apply_flags(store: Store, account: Account, unread: set[int], saved: set[int]) -> int:
    """The server's read/starred state against the last seen one and the queue; returns
    how many local flags changed."""
    connection = store.connection
    queued = {
        (int(row[0]), str(row[1])): int(row[2])
        for row in connection.execute(
            "SELECT remote_id, flag, value FROM account_push WHERE account_id = ?",
            (account.id,),
        )
    }
    changed = 0
    rows = connection.execute(
        "SELECT i.article_id, i.remote_id, i.server_read, i.server_starred, a.read, a.starred"
        " FROM account_items i JOIN articles a ON a.id = i.article_id WHERE i.account_id = ?",
        (account.id,),
    ).fetchall()
    for article_id, remote_id, seen_read, seen_starred, local_read, local_starred in rows:
        server = {"read": int(remote_id not in unread), "starred": int(remote_id in saved)}
        local = {"read": local_read, "starred": local_starred}
        for flag in ("read", "starred"):
            keep_local = False
            if (remote_id, flag) in queued:
                if queued[(remote_id, flag)] == server[flag]:  # both sides agree
                    connection.execute(
                        "DELETE FROM account_push WHERE account_id = ? AND remote_id = ?"
                        " AND flag = ?",
                        (account.id, remote_id, flag),
                    )
                else:  # a local change not yet sent: it is pushed after the pull
                    keep_local = True
            if not keep_local and local[flag] != server[flag]:
                connection.execute(
                    f"UPDATE articles SET {flag} = ? WHERE id = ?", (server[flag], article_id)
                )
                changed += 1
        if (seen_read, seen_starred) != (server["read"], server["starred"]):
            connection.execute(
                "UPDATE account_items SET server_read = ?, server_starred = ? WHERE article_id = ?",
                (server["read"], server["starred"], article_id),
            )
    return changed


def _push(store: Store, account: Account, client: AccountClient, result: SyncResult) -> None:
    """Send the queued changes, oldest first; stop at the first failure (it stays queued)."""
    rows = store.query(
        "SELECT remote_id, flag, value, changed FROM account_push WHERE account_id = ?"
        " ORDER BY changed",
        (account.id,),
    )
    for remote_id, flag, value, changed in rows:
        try:
            client.mark(int(remote_id), FLAG_ACTIONS[(flag, int(value))])
        except ItemGoneError:
            pass  # deleted on the server: nothing left to tell it
        except SyncError as error:
            with store.transaction() as connection:
                connection.execute(
                    "UPDATE account_push SET attempts = attempts + 1, last_error = ?"
                    " WHERE account_id = ? AND remote_id = ? AND flag = ?",
                    (str(error)[:500], account.id, remote_id, flag),
                )
            raise
        with store.transaction() as connection:
            # Only the change that was sent: a newer one made meanwhile stays queued.
            connection.execute(
                "DELETE FROM account_push WHERE account_id = ? AND remote_id = ? AND flag = ?"
                " AND changed = ? AND value = ?",
                (account.id, remote_id, flag, changed, value),
            )
            connection.execute(
                f"UPDATE account_items SET server_{flag} = ? WHERE account_id = ? AND remote_id = ?",
                (value, account.id, remote_id),
            )
        result.pushed += 1
