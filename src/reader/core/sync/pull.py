"""Applying what the server said, in one transaction with queueing switched off: its
groups and feeds as store feeds, its new items as articles, and its read and starred
flags by the conflict rules of :mod:`reader.core.sync.engine`.
"""

from __future__ import annotations

from collections.abc import Sequence

from reader.core.store import Store, utc_now
from reader.core.sync.account import GroupsAndFeeds, RemoteItem
from reader.core.sync.accounts import Account, SyncResult
from reader.core.sync.push import precise_now


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
