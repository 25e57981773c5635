"""The query language on the command line: ``list --where`` and ``saved add``,
``list``, ``remove``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from reader.cli.output import json_flag, print_json, print_summaries

if TYPE_CHECKING:
    from reader.service import ReaderService


def list_where(service: ReaderService, args: argparse.Namespace) -> int:
    """``reader list --where QUERY``: the query combined with --unread, --starred, --limit."""
    from reader.service import ServiceError

    if service.query_needs_analysis(args.where):
        print("reader: analysing articles for the query's learning terms…", file=sys.stderr)
        service.analyse_for_query(args.where)
    try:
        articles = service.query_articles(
            args.where, unread=args.unread, starred=args.starred, limit=args.limit
        )
    except ServiceError as error:
        raise ServiceError(f"--where: {error}") from None
    print_summaries(articles, args.json)
    return 0


def _saved_add(service: ReaderService, args: argparse.Namespace) -> int:
    from reader.service import ServiceError

    try:
        service.check_query(args.query)
    except ServiceError as error:
        raise ServiceError(f"query: {error}") from None
    saved = service.add_saved_search(args.name, args.query, replace=args.replace)
    print(f"saved search {saved.name!r}: {saved.query}")
    return 0


def _saved_list(service: ReaderService, args: argparse.Namespace) -> int:
    searches = service.saved_searches()
    unread = service.saved_search_unread()
    if args.json:
        print_json(
            [{"name": s.name, "query": s.query, "unread": unread.get(s.name, 0)} for s in searches]
        )
        return 0
    if not searches:
        print("no saved searches; add one with `reader saved add NAME QUERY`", file=sys.stderr)
    for saved in searches:
        print(f"{saved.name}\t{unread.get(saved.name, 0)} unread\t{saved.query}")
    return 0


def _saved_remove(service: ReaderService, args: argparse.Namespace) -> int:
    saved = service.remove_saved_search(args.name)
    print(f"removed saved search {saved.name!r}")
    return 0


def add_saved_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    saved = sub.add_parser("saved", help="saved searches: queries shown as collections")
    saved_sub = saved.add_subparsers(dest="saved_command", metavar="ACTION", required=True)
    command = saved_sub.add_parser("add", help="save a query under a name")
    command.add_argument("name", metavar="NAME")
    command.add_argument("query", metavar="QUERY")
    command.add_argument(
        "--replace", action="store_true", help="replace a saved search of the same name"
    )
    command.set_defaults(handler=_saved_add)
    command = saved_sub.add_parser("list", help="saved searches with their unread counts")
    json_flag(command)
    command.set_defaults(handler=_saved_list)
    command = saved_sub.add_parser("remove", help="remove a saved search")
    command.add_argument("name", metavar="NAME")
    command.set_defaults(handler=_saved_remove)
