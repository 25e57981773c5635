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

The parts: :mod:`~reader.core.sync.accounts` (the accounts table, results),
:mod:`~reader.core.sync.pull` (applying the server's state) and
:mod:`~reader.core.sync.push` (sending the queue); this module runs a sync and
re-exports their names.
"""

from __future__ import annotations

from collections.abc import Callable

from reader.core.store import Store
from reader.core.sync.account import AccountClient, RemoteItem, SyncError
from reader.core.sync.accounts import ACCOUNT_NAME as ACCOUNT_NAME
from reader.core.sync.accounts import Account as Account
from reader.core.sync.accounts import SyncResult as SyncResult
from reader.core.sync.accounts import _set_account
from reader.core.sync.accounts import account_by_name as account_by_name
from reader.core.sync.accounts import account_of_feed as account_of_feed
from reader.core.sync.accounts import accounts as accounts
from reader.core.sync.accounts import delete_account as delete_account
from reader.core.sync.accounts import insert_account as insert_account
from reader.core.sync.pull import _apply_pull
from reader.core.sync.push import FLAG_ACTIONS as FLAG_ACTIONS
from reader.core.sync.push import _pending, _push
from reader.core.sync.push import precise_now as precise_now
from reader.core.sync.push import push_account as push_account

ITEM_LIMIT = 5000
"""Most items one sync pulls; the rest come with the next syncs."""


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
