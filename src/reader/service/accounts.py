"""Feed-server accounts (Fever): add, list, remove, sync and push."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from reader.core.text import clean_line
from reader.core.urls import split_url
from reader.service import common
from reader.service.errors import ServiceError

if TYPE_CHECKING:
    from reader.core.sync.engine import Account, SyncResult
    from reader.core.sync.fever import FeverClient
    from reader.service.facade import ReaderService


def account_add(
    service: ReaderService, kind: str, url: str, user: str, password: str, name: str | None = None
) -> Account:
    """Check the credentials with the server, then keep the account and its API key
    (never the password). Raises ServiceError for a wrong password, a server that
    does not answer the API, or a name already used."""
    from reader.core.sync import engine, keys
    from reader.core.sync.account import SyncError
    from reader.core.sync.fever import FeverClient, fever_api_key

    if kind != "fever":
        raise ServiceError(f"unknown account kind {clean_line(kind)[:40]!r} (known: fever)")
    url = common.http_url_or_error(url)
    user = clean_line(user)
    if not user or not password:
        raise ServiceError("a user name and a password are needed")
    name = name or _account_name(url)
    if not engine.ACCOUNT_NAME.fullmatch(name):
        raise ServiceError(
            f"account name {clean_line(name)[:60]!r}: use up to 40 letters, digits, . _ -"
        )
    if engine.account_by_name(service.store, name) is not None:
        raise ServiceError(f"there is already an account named {name}")
    api_key = fever_api_key(user, password)
    client = FeverClient(url, api_key)
    try:
        client.check()
    except SyncError as error:
        raise ServiceError(str(error)) from None
    finally:
        client.close()
    try:
        where = keys.save_key(service.paths.data_dir, name, api_key)
    except keys.AccountKeyError as error:
        raise ServiceError(str(error)) from None
    return engine.insert_account(service.store, name, kind, url, user, where)


def accounts(service: ReaderService) -> list[Account]:
    from reader.core.sync import engine

    return engine.accounts(service.store)


def account(service: ReaderService, name: str) -> Account:
    from reader.core.sync import engine

    found = engine.account_by_name(service.store, name)
    if found is None:
        raise ServiceError(f"no account named {clean_line(name)[:60]!r}")
    return found


def account_of_feed(service: ReaderService, feed_id: int) -> Account | None:
    """The account whose server a feed comes from, or None for one of the user's own."""
    from reader.core.sync import engine

    return engine.account_of_feed(service.store, feed_id)


def account_remove(service: ReaderService, name: str) -> Account:
    """Forget the account and its key; its starred and annotated articles stay."""
    from reader.core.sync import engine, keys

    found = service.account(name)
    engine.delete_account(service.store, found)
    keys.delete_key(service.paths.data_dir, found.name, found.key_store)
    return found


def account_sync(
    service: ReaderService,
    name: str | None = None,
    progress: Callable[[str, str], None] | None = None,
) -> list[SyncResult]:
    """Sync one account (or all); each result carries its own error, if any."""
    from reader.core.auto_full_text import account_snapshot, fill_after_sync
    from reader.core.sync import engine

    chosen = [service.account(name)] if name else service.accounts()
    results = []
    before = account_snapshot(service.store)  # full_text=auto feeds: their pages follow
    for account in chosen:
        step = (lambda what, n=account.name: progress(n, what)) if progress else None
        work = partial(engine.sync_account, service.store, account, progress=step)
        results.append(_with_client(service, account, work))
    fill_after_sync(service.store, service.fetch_settings(), before)
    service.retention()  # the same rule as for feeds: never starred or annotated articles
    return results


def account_push(service: ReaderService, timeout: float | None = None) -> list[SyncResult]:
    """Send every account's queued flag changes now, without pulling (the app and
    ``reader read`` … call this after a change; a failure leaves the change queued
    for the next sync). ``timeout``: the most seconds one request may take."""
    from reader.core.sync import engine

    return [
        _with_client(
            service, account, partial(engine.push_account, service.store, account), timeout
        )
        for account in service.accounts()
        if account.pending
    ]


def _with_client(
    service: ReaderService,
    account: Account,
    work: Callable[[FeverClient], SyncResult],
    timeout: float | None = None,
) -> SyncResult:
    """``work`` with a client of the account's server (closed after); a key that
    cannot be found is the account's result, with its error."""
    from reader.core.sync import engine, keys
    from reader.core.sync.fever import REQUEST_SECONDS, FeverClient

    try:
        api_key = keys.load_key(service.paths.data_dir, account.name, account.key_store)
    except keys.AccountKeyError as error:
        return engine.SyncResult(account.name, error=str(error))
    client = FeverClient(account.url, api_key, timeout=timeout or REQUEST_SECONDS)
    try:
        return work(client)
    finally:
        client.close()


def _account_name(url: str) -> str:
    """A default account name from the server's address (``rss.example.org``)."""
    parts = split_url(url)
    host = (parts.hostname if parts else None) or "account"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", host).strip("-._")[:40] or "account"
