"""Feed-server account commands: ``accounts add``, ``list``, ``remove``, ``sync``."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from reader.cli.feeds import EVERY_FEED_FAILED
from reader.cli.output import json_flag, print_json

if TYPE_CHECKING:
    from reader.core.sync.engine import SyncResult
    from reader.service import ReaderService


PASSWORD_VARIABLE = "READER_ACCOUNT_PASSWORD"


def add_account_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    accounts = sub.add_parser(
        "accounts", help="feed-server accounts (Fever): add, list, remove, sync"
    )
    accounts_sub = accounts.add_subparsers(dest="accounts_command", metavar="ACTION", required=True)
    command = accounts_sub.add_parser(
        "add", help="add a Fever account (FreshRSS, Miniflux, Tiny Tiny RSS …)"
    )
    command.add_argument("kind", choices=["fever"], help="the server API")
    command.add_argument("url", metavar="URL", help="the Fever API address")
    command.add_argument("--user", required=True, metavar="USER")
    command.add_argument("--name", metavar="NAME", help="the account's name (default: the host)")
    command.set_defaults(handler=_accounts_add)
    command = accounts_sub.add_parser("list", help="accounts, their feeds and sync state")
    json_flag(command)
    command.set_defaults(handler=_accounts_list)
    command = accounts_sub.add_parser(
        "remove", help="forget an account (its starred and annotated articles stay)"
    )
    command.add_argument("name", metavar="NAME")
    command.set_defaults(handler=_accounts_remove)
    command = accounts_sub.add_parser(
        "sync", help="pull new articles and flags, push local read/star changes"
    )
    command.add_argument("name", nargs="?", metavar="NAME", help="only this account")
    json_flag(command)
    command.set_defaults(handler=_accounts_sync)


def _account_password() -> str:
    """From READER_ACCOUNT_PASSWORD (scripts, tests), else asked without echo."""
    import getpass

    password = os.environ.get(PASSWORD_VARIABLE)
    if password:
        return password
    try:
        return getpass.getpass("Password: ")
    except EOFError:
        return ""


def _accounts_add(service: ReaderService, args: argparse.Namespace) -> int:
    account = service.account_add(args.kind, args.url, args.user, _account_password(), args.name)
    where = "the system keyring" if account.key_store == "keyring" else "a private file"
    print(f"added account {account.name} ({account.url}); its API key is kept in {where}")
    print(f"run `reader accounts sync {account.name}` to fetch its feeds")
    return 0


def _accounts_list(service: ReaderService, args: argparse.Namespace) -> int:
    accounts = service.accounts()
    feeds = service.feeds()
    if args.json:
        print_json([account.to_json() for account in accounts])
        return 0
    if not accounts:
        print("no accounts: add one with `reader accounts add fever URL --user USER`")
        return 0
    for account in accounts:
        synced = account.last_sync[:19].replace("T", " ") if account.last_sync else "never"
        print(
            f"{account.name}\t{account.kind} {account.username} @ {account.url}\t"
            f"{account.feeds} feeds, {account.unread}/{account.articles} unread, "
            f"{account.pending} to push, synced {synced}"
        )
        if account.last_error:
            print(f"  ! {account.last_error}")
        for feed in feeds:
            if account.holds(feed):
                print(f"  {feed.id:>5} {feed.unread:>5}  {feed.folder}/{feed.title}")
    return 0


def _accounts_remove(service: ReaderService, args: argparse.Namespace) -> int:
    account = service.account_remove(args.name)
    print(f"removed account {account.name}")
    return 0


def _accounts_sync(service: ReaderService, args: argparse.Namespace) -> int:
    results = service.account_sync(args.name)
    if args.json:
        print_json([result.to_json() for result in results])
    else:
        if not results:
            print("no accounts to sync")
        for result in results:
            print(_sync_line(result))
    failed = [result for result in results if result.error]
    return EVERY_FEED_FAILED if results and len(failed) == len(results) else 0


def _sync_line(result: SyncResult) -> str:
    if result.error:
        queued = f" ({result.pending} changes stay queued)" if result.pending else ""
        return f"{result.account}: ! {result.error}{queued}"
    more = "; more to fetch next sync" if result.more else ""
    return (
        f"{result.account}: {result.feeds} feeds, {result.new} new, "
        f"{result.flags_pulled} flags from the server, {result.pushed} pushed, "
        f"{result.pending} pending{more}"
    )
