"""Feed commands: ``add``, ``remove``, ``feeds``, ``refresh``, ``import-opml``,
``export-opml``, ``fetch-full``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.cli.output import json_flag, local_time, plural, print_json
from reader.cli.translate_new import TRANSLATE_HELP, translate_new_articles

if TYPE_CHECKING:
    from reader.core.feeds import FeedRefreshResult, RefreshResults
    from reader.core.models import Feed
    from reader.service import ReaderService


def feed_json(feed: Feed) -> dict[str, Any]:
    return {
        "id": feed.id,
        "title": feed.title,
        "url": feed.url,
        "site_url": feed.site_url,
        "folder": feed.folder,
        "unread": feed.unread,
        "last_checked": feed.last_checked,
        "last_error": feed.last_error,
        "settings": feed.settings.to_json(),
    }


def _add_feed(service: ReaderService, args: argparse.Namespace) -> int:
    result = service.add_feed(args.url, title=args.title, folder=args.folder)
    feed = result.feed
    if args.json:
        print_json(
            {
                **feed_json(feed),
                "folder": feed.folder,
                "created": result.created,
                "new": result.new,
                "changed": result.renamed,
            }
        )
    elif result.created:
        print(f"{feed.id}\t{feed.title}\t(subscribed, {plural(result.new, 'article')})")
    else:
        changes = [
            f"title set to {feed.title!r}" if name == "title" else _folder_change(feed.folder)
            for name in result.renamed
        ]
        print(f"{feed.id}\t{feed.title}\t(already subscribed{''.join('; ' + c for c in changes)})")
    return 0


def _folder_change(folder: str | None) -> str:
    return f"moved to folder {folder!r}" if folder else "taken out of its folder"


def _remove_feed(service: ReaderService, args: argparse.Namespace) -> int:
    feed = service.remove_feed(args.feed)
    if args.json:
        print_json(feed_json(feed))
    else:
        print(f"removed {feed.id}\t{feed.title or feed.url}")
    return 0


def _feeds(service: ReaderService, args: argparse.Namespace) -> int:
    from reader.core.models import FeedKind

    feeds = [feed for feed in service.feeds() if feed.kind is FeedKind.FEED]
    feeds.sort(key=lambda feed: (not feed.folder, (feed.folder or "").casefold()))
    if args.json:
        print_json([feed_json(feed) for feed in feeds])
        return 0
    for feed in feeds:  # folders first, by name; in each, the store's order (by title)
        error = f"\t! {feed.last_error}" if feed.last_error else ""
        folder = f"{feed.folder}/" if feed.folder else ""
        title = feed.title or "(untitled)"
        own = f"\t{feed.settings.describe()}" if feed.settings.changed_keys() else ""
        print(f"{feed.id:>5} {feed.unread:>5}  {folder}{title}\t{feed.url}{own}{error}")
    return 0


def _feeds_set(service: ReaderService, args: argparse.Namespace) -> int:
    feed = service.set_feed_settings(args.feed, args.assignments)
    if args.json:
        print_json(feed_json(feed))
    else:
        folder = f"{feed.folder}/" if feed.folder else ""
        print(f"{feed.id}\t{folder}{feed.title}\t{feed.settings.describe(every=True)}")
    return 0


def _refresh(service: ReaderService, args: argparse.Namespace) -> int:
    before = service.last_article_id()  # what the refresh adds comes after it
    if args.json or not sys.stdout.isatty():
        results = service.refresh(args.feed, force=args.force, all_feeds=args.all)
    else:
        results = _refresh_with_progress_bar(service, args)
    if args.json:
        titles = {feed.id: feed.title for feed in service.feeds()}
        # The stored title, as in `feeds --json`: "" for an untitled feed (its url is beside it).
        print_json([{**r.to_json(), "title": titles.get(r.feed_id, "")} for r in results])
    else:
        for result in results:
            print(_refresh_line(result))
        print(results.summary())
    translate_new_articles(service, before, every_feed=args.translate)
    return refresh_exit_code(results)


EVERY_FEED_FAILED = 3
"""Exit code of `reader refresh` when every feed it tried failed (README, Feeds)."""


def refresh_exit_code(results: RefreshResults) -> int:
    """0 when the refresh ran, even if some feeds failed (each failure is on its own
    line); :data:`EVERY_FEED_FAILED` when every feed tried failed — one named feed,
    or all of them. Feeds backing off were not tried and do not count."""
    tried = [result for result in results if not result.skipped]
    return EVERY_FEED_FAILED if tried and all(result.error for result in tried) else 0


def _refresh_with_progress_bar(service: ReaderService, args: argparse.Namespace) -> RefreshResults:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    total = 1 if args.feed else len([f for f in service.feeds() if f.kind.value == "feed"])
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, transient=True) as progress:
        task = progress.add_task("Refreshing", total=total)
        pages = progress.add_task("Full text", total=0, visible=False)
        return service.refresh(
            args.feed,
            force=args.force,
            all_feeds=args.all,
            progress=lambda _result: progress.advance(task),
            full_text_progress=lambda done, queued: progress.update(
                pages, completed=done, total=queued, visible=True
            ),
        )


def _refresh_line(result: FeedRefreshResult) -> str:
    if result.error:
        return f"{result.feed_id:>5} ! {result.feed}: {result.error}"
    if result.not_due:
        return f"{result.feed_id:>5}   {result.feed}: not due until {local_time(result.not_due)}"
    if result.status == 304:
        return f"{result.feed_id:>5}   {result.feed}: not modified"
    changes = f"{result.new} new" + (f", {result.updated} updated" if result.updated else "")
    if result.full_text or result.full_text_kept:
        changes += f", {result.full_text} full text" + (
            f" ({result.full_text_kept} kept the summary)" if result.full_text_kept else ""
        )
    return f"{result.feed_id:>5}   {result.feed}: {changes}"


def _import_opml(service: ReaderService, args: argparse.Namespace) -> int:
    result = service.import_opml(Path(args.file))
    if args.json:
        print_json(
            {
                "added": len(result.added),
                "skipped": result.skipped,
                "invalid": len(result.invalid),
                "feeds": [feed_json(feed) for feed in result.added],
            }
        )
    else:
        print(f"added {len(result.added)}, skipped {result.skipped}, invalid {len(result.invalid)}")
        for address in result.invalid:
            print(f"  invalid: {address}", file=sys.stderr)
        if result.added:
            print("run `reader refresh` to fetch them")
    return 0


def _export_opml(service: ReaderService, args: argparse.Namespace) -> int:
    if args.output and args.output != "-":
        service.export_opml(Path(args.output))
    else:
        sys.stdout.write(service.export_opml())
    return 0


def _fetch_full(service: ReaderService, args: argparse.Namespace) -> int:
    result = service.fetch_full(args.id)
    article = result.article
    if args.json:
        print_json(
            {"id": article.id, "extracted": result.extracted, "paragraphs": len(article.paragraphs)}
        )
    elif result.extracted:
        paragraphs = plural(len(article.paragraphs), "paragraph")
        print(f"{article.id}\t{article.title}\t(full text, {paragraphs})")
    else:
        print(f"{article.id}\t{article.title}\t(no main text found on the page; summary kept)")
    return 0


def add_feed_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser("add", help="subscribe to a feed (or the feed a web page links to)")
    command.add_argument("url", metavar="URL")
    command.add_argument("--title", help="name the feed instead of using its own title")
    command.add_argument("--folder", help="put the feed in this folder")
    json_flag(command)
    command.set_defaults(handler=_add_feed)

    command = sub.add_parser("remove", help="unsubscribe (starred articles stay readable)")
    command.add_argument("feed", metavar="FEED", help="feed id or URL")
    json_flag(command)
    command.set_defaults(handler=_remove_feed)

    command = sub.add_parser("feeds", help="list subscriptions (set: change a feed's settings)")
    json_flag(command)
    command.set_defaults(handler=_feeds)
    setting = command.add_subparsers(dest="feeds_command", metavar="set").add_parser(
        "set",
        help="set a feed's title, folder, full_text, translate, direction, refresh_minutes, retention_days",
    )
    setting.add_argument("feed", metavar="FEED", help="feed id, URL or title")
    setting.add_argument("assignments", nargs="+", metavar="KEY=VALUE")
    json_flag(setting)
    setting.set_defaults(handler=_feeds_set)

    command = sub.add_parser("refresh", help="fetch new articles of all feeds (or one)")
    command.add_argument("feed", nargs="?", metavar="FEED", help="feed id or URL")
    command.add_argument("--force", action="store_true", help="also fetch failing feeds")
    command.add_argument("--all", action="store_true", help="also feeds not due (refresh_minutes)")
    json_flag(command)
    command.add_argument("--translate", action="store_true", help=TRANSLATE_HELP)
    command.set_defaults(handler=_refresh)

    command = sub.add_parser("import-opml", help="subscribe to the feeds of an OPML file")
    command.add_argument("file", metavar="FILE")
    json_flag(command)
    command.set_defaults(handler=_import_opml)

    command = sub.add_parser("export-opml", help="write the subscriptions as OPML")
    command.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE instead of stdout (- is stdout)"
    )
    command.set_defaults(handler=_export_opml)

    command = sub.add_parser("fetch-full", help="replace an article's summary with its page's text")
    command.add_argument("id", type=int, metavar="ARTICLE")
    json_flag(command)
    command.set_defaults(handler=_fetch_full)
