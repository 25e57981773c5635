"""Article commands: ``open``, ``list``, ``show``, ``search``, ``read``/``unread``/
``star``/``unstar``, ``mark-all-read``, and ``locate``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.cli.output import (
    Handler,
    json_flag,
    local_time,
    plural,
    positive_int,
    print_json,
    print_summaries,
)
from reader.cli.queries import list_where

if TYPE_CHECKING:
    from reader.service import ReaderService


def locate(args: argparse.Namespace) -> int:
    from reader.paths import get_paths

    paths = get_paths()
    where = {
        "config": paths.config_file,
        "data": paths.data_dir,
        "database": paths.database,
        "cache": paths.cache_dir,
        "themes": paths.themes_dir,
        "models": paths.effective_models_dir(),
        "log": paths.log_file,
    }
    print(where[args.what])
    return 0


def _open(service: ReaderService, args: argparse.Namespace) -> int:
    target: str = args.target
    if target.startswith(("http://", "https://")):
        result = service.open_url(target)
    else:
        result = service.open_path(Path(target))
    article = result.article
    if args.json:
        print_json(
            {"id": article.id, "title": article.title, "paragraphs": len(article.paragraphs)}
        )
    else:
        verb = "imported" if result.created else "updated" if result.changed else "unchanged"
        paragraphs = plural(len(article.paragraphs), "paragraph")
        print(f"{article.id}\t{article.title}\t({verb}, {paragraphs})")
    return 0


def _list(service: ReaderService, args: argparse.Namespace) -> int:
    if args.where is not None:
        return list_where(service, args)
    articles = service.list_articles(unread=args.unread, starred=args.starred, limit=args.limit)
    print_summaries(articles, args.json)
    return 0


def _show(service: ReaderService, args: argparse.Namespace) -> int:
    article = service.article(args.id)
    pairs = service.translate_article_pairs(article) if args.translate else None
    if args.json:
        payload: dict[str, Any] = {
            "id": article.id,
            "title": article.title,
            "url": article.url,
            "published": article.published,
            "paragraphs": article.paragraphs,
        }
        if pairs is not None:
            payload.update(pairs)
        print_json(payload)
        return 0
    print(article.title)
    published = local_time(article.published)
    details = " · ".join(
        x for x in (article.feed_title, article.author, published, article.url) if x
    )
    if details:
        print(details)
    print()
    if pairs is not None:
        for pair in pairs["pairs"]:
            print(pair["source"])
            print("  " + pair["target"])
            print()
        return 0
    for paragraph in article.paragraphs:
        print(paragraph)
        print()
    return 0


def _search(service: ReaderService, args: argparse.Namespace) -> int:
    """Matches on stdout; "no articles match" and the cap, when reached, on stderr."""
    limit: int = args.limit
    found = service.search(args.query, limit=limit + 1)
    shown = found[:limit]
    print_summaries(shown, args.json)
    if not args.query.strip():
        print("reader: the search is empty; give a word to look for", file=sys.stderr)
    elif not shown:
        print(f"reader: no articles match {args.query.strip()!r}", file=sys.stderr)
    elif len(found) > limit:
        print(
            f"reader: showing the first {limit} matches; use --limit N for more",
            file=sys.stderr,
        )
    return 0


def _set_flag(flag: str, value: bool) -> Handler:
    def handler(service: ReaderService, args: argparse.Namespace) -> int:
        ids: list[int] = args.ids
        if flag == "read":
            service.set_read(ids, value)
        else:
            service.set_starred(ids, value)
        _push_flag_changes(service)
        return 0

    return handler


def _mark_all_read(service: ReaderService, args: argparse.Namespace) -> int:
    count = service.mark_all_read(args.feed)
    print(f"marked {plural(count, 'article')} read")
    _push_flag_changes(service)
    return 0


PUSH_SECONDS = 5.0
"""How long a flag command waits for a feed server before leaving the change queued."""


def _push_flag_changes(service: ReaderService) -> None:
    """Send a change of an account's article to its server right away; when that fails
    the change stays queued for the next sync, and the command still succeeds."""
    for result in service.account_push(timeout=PUSH_SECONDS):
        if result.error:
            print(
                f"reader: {result.account}: {result.error};"
                " the change stays queued for the next `reader accounts sync`",
                file=sys.stderr,
            )


def add_article_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser(
        "open", help="import a local .txt/.md/.html file or a web page as an article"
    )
    command.add_argument("target", metavar="PATH_OR_URL")
    json_flag(command)
    command.set_defaults(handler=_open)

    command = sub.add_parser("list", help="list articles, newest first")
    command.add_argument("--unread", action="store_true", help="only unread articles")
    command.add_argument("--starred", action="store_true", help="only starred articles")
    command.add_argument("--limit", type=positive_int, default=None, metavar="N")
    command.add_argument(
        "--where",
        metavar="QUERY",
        help="only articles matching a query, e.g. 'unread and known>80%%' (see README)",
    )
    json_flag(command)
    command.set_defaults(handler=_list)

    command = sub.add_parser("show", help="print an article")
    command.add_argument("id", type=int, metavar="ID")
    command.add_argument(
        "--translate", action="store_true", help="add the translation, sentence by sentence"
    )
    json_flag(command)
    command.set_defaults(handler=_show)

    command = sub.add_parser("search", help="full-text search (Korean substrings work)")
    command.add_argument("query", metavar="QUERY")
    command.add_argument(
        "--limit",
        type=positive_int,
        default=100,
        metavar="N",
        help="show at most N matches (default 100)",
    )
    json_flag(command)
    command.set_defaults(handler=_search)

    for name, flag, value, text in (
        ("read", "read", True, "mark articles read"),
        ("unread", "read", False, "mark articles unread"),
        ("star", "starred", True, "star articles"),
        ("unstar", "starred", False, "unstar articles"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("ids", type=int, nargs="+", metavar="ARTICLE")
        command.set_defaults(handler=_set_flag(flag, value))

    command = sub.add_parser("mark-all-read", help="mark every article (of one feed) read")
    command.add_argument("feed", nargs="?", metavar="FEED", help="feed id or URL")
    command.set_defaults(handler=_mark_all_read)


def add_locate_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser("locate", help="print where reader keeps a kind of file")
    command.add_argument(
        "what", choices=["config", "data", "database", "cache", "themes", "models", "log"]
    )
