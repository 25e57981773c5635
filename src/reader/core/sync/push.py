"""Sending the local flag changes the store queued (the triggers of migration 5),
oldest first, each removed from the queue only once the server took it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from reader.core.store import Store
from reader.core.sync.account import AccountClient, ItemGoneError, MarkAction, SyncError
from reader.core.sync.accounts import Account, SyncResult

FLAG_ACTIONS: dict[tuple[str, int], MarkAction] = {
    ("read", 1): "read",
    ("read", 0): "unread",
    ("starred", 1): "saved",
    ("starred", 0): "unsaved",
}


def precise_now() -> str:
    """Now, in the format the push triggers write (milliseconds, so they compare)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


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
