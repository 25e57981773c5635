"""The ``reader`` command: argument parsing and output, nothing else.

Each subcommand is a small function that calls :class:`reader.service.ReaderService`
and prints either plain lines or JSON. Expected failures print one line to stderr
and exit 1; usage errors exit 2 (argparse). Heavy modules are imported lazily so
that ``reader --version`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader import __version__

if TYPE_CHECKING:
    from reader.core.feeds import FeedRefreshResult, RefreshResults
    from reader.core.models import ArticleSummary, Feed, Term
    from reader.service import ReaderService

Handler = Callable[["ReaderService", argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``reader`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.theme:
        os.environ["READER_THEME"] = args.theme
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        print("reader: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except sqlite3.DatabaseError as error:
        print(f"reader: database error: {error} (see `reader locate database`)", file=sys.stderr)
        return 1
    except Exception as error:
        if not _is_expected(error):
            raise
        print(f"reader: {error}", file=sys.stderr)
        return 1


def _is_expected(error: Exception) -> bool:
    from reader.config import ConfigError
    from reader.core.store import StoreError
    from reader.service import ServiceError

    return isinstance(error, ServiceError | StoreError | ConfigError)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "locate":
        return _locate(args)
    from reader.service import ReaderService

    service = ReaderService()
    try:
        if args.command is None:
            return _run_tui(service, demo=args.demo)
        handler: Handler = args.handler
        return handler(service, args)
    finally:
        service.close()


def _run_tui(service: ReaderService, demo: bool) -> int:
    from reader.ui.app import ReaderApp

    ReaderApp(service, show_demo=demo).run()  # the main screen offers the demo, in a worker
    return 0


# -- output helpers ------------------------------------------------------------------


def print_json(value: Any) -> None:
    """JSON on stdout, UTF-8 kept readable (Hangul is not escaped)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def summary_json(article: ArticleSummary) -> dict[str, Any]:
    return {
        "id": article.id,
        "feed_id": article.feed_id,
        "title": article.title,
        "url": article.url,
        "published": article.published,
        "read": article.read,
        "starred": article.starred,
    }


def _summary_line(article: ArticleSummary) -> str:
    marks = ("*" if article.starred else " ") + (" " if article.read else "N")
    date = (article.published or "")[:10]
    return f"{article.id:>6} {marks} {date:10} {article.title}"


def _print_summaries(articles: list[ArticleSummary], as_json: bool) -> None:
    if as_json:
        print_json([summary_json(article) for article in articles])
        return
    for article in articles:
        print(_summary_line(article))


# -- commands ------------------------------------------------------------------------


def _locate(args: argparse.Namespace) -> int:
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
        verb = "imported" if result.created else "already imported, updated"
        print(f"{article.id}\t{article.title}\t({verb}, {len(article.paragraphs)} paragraphs)")
    return 0


def _list(service: ReaderService, args: argparse.Namespace) -> int:
    articles = service.list_articles(unread=args.unread, starred=args.starred, limit=args.limit)
    _print_summaries(articles, args.json)
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
    details = " · ".join(
        x for x in (article.feed_title, article.author, article.published, article.url) if x
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
    _print_summaries(service.search(args.query, limit=args.limit), args.json)
    return 0


def _set_flag(flag: str, value: bool) -> Handler:
    def handler(service: ReaderService, args: argparse.Namespace) -> int:
        ids: list[int] = args.ids
        if flag == "read":
            service.set_read(ids, value)
        else:
            service.set_starred(ids, value)
        return 0

    return handler


def _mark_all_read(service: ReaderService, args: argparse.Namespace) -> int:
    count = service.mark_all_read(args.feed)
    print(f"marked {count} article{'s' if count != 1 else ''} read")
    return 0


# -- terms ---------------------------------------------------------------------------


def term_json(term: Term) -> dict[str, Any]:
    return {
        "term": term.text,
        "lemma": term.lemma,
        "lang": term.lang,
        "gloss": term.gloss,
        "note": term.note,
        "status": term.status,
        "tags": term.tags,
        "created": term.created,
    }


def _terms_add(service: ReaderService, args: argparse.Namespace) -> int:
    result = service.add_term(
        args.text,
        gloss=args.gloss,
        lang=args.lang,
        status=args.status,
        note=args.note or "",
        tags=args.tag or [],
    )
    term = result.term
    verb = "added" if result.created else "merged into existing term"
    print(f"{verb}: {term.text} ({term.lemma}, {term.lang}) = {term.gloss}")
    return 0


def _terms_list(service: ReaderService, args: argparse.Namespace) -> int:
    terms = service.list_terms(status=args.status, lang=args.lang, tag=args.tag)
    if args.json:
        print_json([term_json(term) for term in terms])
        return 0
    for term in terms:
        tags = " ".join("#" + tag for tag in term.tags)
        print("\t".join((term.text, term.lemma, term.lang, term.status, term.gloss, tags)).rstrip())
    return 0


def _terms_remove(service: ReaderService, args: argparse.Namespace) -> int:
    removed = service.remove_term(args.text, lang=args.lang)
    print(f"removed {removed} term{'s' if removed != 1 else ''}")
    return 0


def _terms_export(service: ReaderService, args: argparse.Namespace) -> int:
    count = service.export_terms(args.format, Path(args.output))
    print(f"exported {count} term{'s' if count != 1 else ''} to {args.output}")
    return 0


def _terms_import(service: ReaderService, args: argparse.Namespace) -> int:
    result = service.import_terms(Path(args.file))
    print(f"imported {result.added} new, merged {result.merged} into existing terms")
    return 0


# -- feeds ---------------------------------------------------------------------------


def feed_json(feed: Feed) -> dict[str, Any]:
    return {
        "id": feed.id,
        "title": feed.title,
        "url": feed.url,
        "site_url": feed.site_url,
        "unread": feed.unread,
        "last_checked": feed.last_checked,
        "last_error": feed.last_error,
    }


def _add_feed(service: ReaderService, args: argparse.Namespace) -> int:
    result = service.add_feed(args.url, title=args.title, folder=args.folder)
    if args.json:
        print_json({**feed_json(result.feed), "created": result.created, "new": result.new})
    elif result.created:
        print(f"{result.feed.id}\t{result.feed.title}\t(subscribed, {result.new} articles)")
    else:
        print(f"{result.feed.id}\t{result.feed.title}\t(already subscribed)")
    return 0


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
    if args.json:
        print_json([feed_json(feed) for feed in feeds])
        return 0
    for feed in feeds:
        error = f"\t! {feed.last_error}" if feed.last_error else ""
        print(f"{feed.id:>5} {feed.unread:>5}  {feed.title or '(untitled)'}\t{feed.url}{error}")
    return 0


def _refresh(service: ReaderService, args: argparse.Namespace) -> int:
    if args.json or not sys.stdout.isatty():
        results = service.refresh(args.feed, force=args.force)
    else:
        results = _refresh_with_progress_bar(service, args)
    if args.json:
        print_json([result.to_json() for result in results])
    else:
        for result in results:
            print(_refresh_line(result))
        print(results.summary())
    fetched = [result for result in results if not result.skipped]
    return 1 if fetched and all(result.error for result in fetched) else 0


def _refresh_with_progress_bar(service: ReaderService, args: argparse.Namespace) -> RefreshResults:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    total = 1 if args.feed else len([f for f in service.feeds() if f.kind.value == "feed"])
    columns = (TextColumn("Refreshing"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, transient=True) as progress:
        task = progress.add_task("refresh", total=total)
        return service.refresh(
            args.feed, force=args.force, progress=lambda _result: progress.advance(task)
        )


def _refresh_line(result: FeedRefreshResult) -> str:
    if result.error:
        return f"{result.feed_id:>5} ! {result.feed}: {result.error}"
    if result.status == 304:
        return f"{result.feed_id:>5}   {result.feed}: not modified"
    changes = f"{result.new} new" + (f", {result.updated} updated" if result.updated else "")
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
    if args.output:
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
        print(f"{article.id}\t{article.title}\t(full text, {len(article.paragraphs)} paragraphs)")
    else:
        print(f"{article.id}\t{article.title}\t(no main text found on the page; summary kept)")
    return 0


def _add_feed_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser("add", help="subscribe to a feed (or the feed a web page links to)")
    command.add_argument("url", metavar="URL")
    command.add_argument("--title", help="name the feed instead of using its own title")
    command.add_argument("--folder", help="put the feed in this folder")
    _json_flag(command)
    command.set_defaults(handler=_add_feed)

    command = sub.add_parser("remove", help="unsubscribe (starred articles stay readable)")
    command.add_argument("feed", metavar="FEED", help="feed id or URL")
    _json_flag(command)
    command.set_defaults(handler=_remove_feed)

    command = sub.add_parser("feeds", help="list subscriptions")
    _json_flag(command)
    command.set_defaults(handler=_feeds)

    command = sub.add_parser("refresh", help="fetch new articles of all feeds (or one)")
    command.add_argument("feed", nargs="?", metavar="FEED", help="feed id or URL")
    command.add_argument("--force", action="store_true", help="also fetch failing feeds")
    _json_flag(command)
    command.set_defaults(handler=_refresh)

    command = sub.add_parser("import-opml", help="subscribe to the feeds of an OPML file")
    command.add_argument("file", metavar="FILE")
    _json_flag(command)
    command.set_defaults(handler=_import_opml)

    command = sub.add_parser("export-opml", help="write the subscriptions as OPML")
    command.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    command.set_defaults(handler=_export_opml)

    command = sub.add_parser("fetch-full", help="replace an article's summary with its page's text")
    command.add_argument("id", type=int, metavar="ARTICLE")
    _json_flag(command)
    command.set_defaults(handler=_fetch_full)


# -- parser --------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader",
        description="A bilingual Korean/English feed reader with offline translation. "
        "With no command, starts the terminal app.",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    parser.add_argument("--demo", action="store_true", help="open the built-in Welcome articles")
    parser.add_argument("--theme", metavar="NAME", help="use this theme for this run")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_article_commands(sub)
    _add_feed_commands(sub)
    _add_terms_commands(sub)
    _add_translation_commands(sub)
    _add_locate_command(sub)
    return parser


def _json_flag(command: argparse.ArgumentParser) -> None:
    command.add_argument("--json", action="store_true", help="print JSON")


def _add_article_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser(
        "open", help="import a local .txt/.md/.html file or a web page as an article"
    )
    command.add_argument("target", metavar="PATH_OR_URL")
    _json_flag(command)
    command.set_defaults(handler=_open)

    command = sub.add_parser("list", help="list articles, newest first")
    command.add_argument("--unread", action="store_true", help="only unread articles")
    command.add_argument("--starred", action="store_true", help="only starred articles")
    command.add_argument("--limit", type=_positive_int, default=None, metavar="N")
    _json_flag(command)
    command.set_defaults(handler=_list)

    command = sub.add_parser("show", help="print an article")
    command.add_argument("id", type=int, metavar="ID")
    command.add_argument(
        "--translate", action="store_true", help="add the translation, sentence by sentence"
    )
    _json_flag(command)
    command.set_defaults(handler=_show)

    command = sub.add_parser("search", help="full-text search (Korean substrings work)")
    command.add_argument("query", metavar="QUERY")
    command.add_argument("--limit", type=_positive_int, default=100, metavar="N")
    _json_flag(command)
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


_STATUS_HELP = "1-5 (learning), known or ignored"


def _add_terms_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    terms = sub.add_parser("terms", help="the glossary: add, list, remove, export, import terms")
    terms_sub = terms.add_subparsers(dest="terms_command", metavar="ACTION", required=True)

    command = terms_sub.add_parser("add", help="add a term (merged with the same lemma)")
    command.add_argument("text", metavar="TEXT")
    command.add_argument("--gloss", required=True, metavar="G")
    command.add_argument("--lang", choices=["ko", "en"], help="default: guessed from the text")
    command.add_argument("--status", metavar="S", help=_STATUS_HELP + " (default 1)")
    command.add_argument("--note", metavar="N")
    command.add_argument("--tag", action="append", metavar="T", help="repeat for several tags")
    command.set_defaults(handler=_terms_add)

    command = terms_sub.add_parser("list", help="list terms, newest first")
    command.add_argument("--status", metavar="S", help=_STATUS_HELP)
    command.add_argument("--lang", metavar="LANG")
    command.add_argument("--tag", metavar="T")
    _json_flag(command)
    command.set_defaults(handler=_terms_list)

    command = terms_sub.add_parser("remove", help="remove a term by its text or lemma")
    command.add_argument("text", metavar="TEXT")
    command.add_argument("--lang", choices=["ko", "en"])
    command.set_defaults(handler=_terms_remove)

    command = terms_sub.add_parser("export", help="write the glossary as an Anki deck, CSV or TSV")
    command.add_argument("--format", choices=["anki", "csv", "tsv"], required=True)
    command.add_argument("-o", "--output", required=True, metavar="FILE")
    command.set_defaults(handler=_terms_export)

    command = terms_sub.add_parser("import", help="read terms from a CSV or TSV file")
    command.add_argument("file", metavar="FILE")
    command.set_defaults(handler=_terms_import)


# -- translation ---------------------------------------------------------------------


def _translate(service: ReaderService, args: argparse.Namespace) -> int:
    if args.file in (None, "-"):
        text = sys.stdin.read()
    else:
        path = Path(args.file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            print(f"reader: {path}: cannot read: {error}", file=sys.stderr)
            return 1
    result = service.translate_text(text, source=args.source, target=args.target, model=args.model)
    if args.json:
        print_json(result)
        return 0
    paragraphs: dict[int, list[str]] = {}
    failed = [pair for pair in result["pairs"] if pair.get("error")]
    for pair in result["pairs"]:
        # A sentence the model failed on is kept in its own language, and said so below.
        target = pair["source"] if pair.get("error") else pair["target"]
        paragraphs.setdefault(pair["paragraph"], []).append(target)
    print("\n\n".join(" ".join(targets) for targets in paragraphs.values()))
    if failed:
        print(
            f"reader: {len(failed)} sentence(s) left untranslated: {failed[0]['error']}",
            file=sys.stderr,
        )
    return 0


def _models_list(service: ReaderService, args: argparse.Namespace) -> int:
    installed = service.models_installed()
    _unused, available = service.models_list(fetch_index=args.available)
    damaged = service.damaged_models()
    if args.json:
        print_json(
            {
                "installed": [
                    {
                        "name": _safe(model.name),
                        "family": model.family,
                        "pair": model.pair,
                        "pairs": model.pair_names,
                        "version": model.version,
                        "size_bytes": model.size_bytes,
                        "licence": model.licence,
                        "serves": serves,
                        "path": _safe(str(model.path)),
                    }
                    for model, serves in installed
                ],
                "damaged": [{"path": _safe(str(d.path)), "reason": d.reason} for d in damaged],
                "available": None
                if available is None
                else [{"pair": m.pair, "version": m.version} for m in available],
            }
        )
        return 0
    for package in damaged:
        print(f"reader: warning: {package.warning}", file=sys.stderr)
    if not installed:
        print("no models installed: run `reader models install ko-en` (and en-ko),")
        print("or see `reader models available`")
    for model, serves in installed:
        now = f"serves {', '.join(serves)}" if serves else "not in use"
        print(
            f"{_safe(model.name)}\t{_family_label(model.family)}\t{','.join(model.pair_names)}"
            f"\t{model.version}\t{model.size_bytes / 2**20:.1f} MB\t{model.licence or '?'}\t{now}"
        )
    if available:
        print("available from the Argos index:")
        for entry in available:
            print(f"  {entry.pair}\t{entry.version}")
    return 0


def _safe(text: str) -> str:
    """A name from a model folder, as one line without control characters."""
    from reader.core.text import clean_line

    return clean_line(text)


def _family_label(family: str) -> str:
    from reader.core.model_families import FAMILY_LABELS

    return FAMILY_LABELS.get(family, family)


def _models_use(service: ReaderService, args: argparse.Namespace) -> int:
    model = service.models_use(args.pair, args.name)
    print(f"{args.pair}: {model.name}")
    return 0


def _models_available(service: ReaderService, args: argparse.Namespace) -> int:
    entries = service.models_available()
    installed = {model.name for model, _serves in service.models_installed()}
    if args.json:
        print_json(
            [
                {
                    "name": e.name,
                    "family": e.family,
                    "pairs": list(e.pairs),
                    "size_bytes": e.size_bytes or None,
                    "licence": e.licence,
                    "non_commercial": e.non_commercial,
                    "quality": [
                        {"pair": q.pair, "figure": q.figure, "source": q.source} for q in e.quality
                    ],
                    "rank": e.rank,
                    "downloadable": e.downloadable,
                    "repo": e.repo,
                    "revision": e.revision,
                    "verified": e.verified,
                    "note": e.note,
                    "installed": e.name in installed,
                }
                for e in entries
            ]
        )
        return 0
    for e in entries:
        size = f"{e.size_bytes / 2**20:.0f} MB" if e.size_bytes else "size n/a"
        quality = "; ".join(f"{q.pair} {q.figure}" for q in e.quality)
        how = (
            "installed"
            if e.name in installed
            else (
                f"reader models install {e.argos_pair or e.name}"
                if e.downloadable
                else "convert it yourself"
            )
        )
        licence = f"{e.licence} (non-commercial)" if e.non_commercial else e.licence
        print(f"{e.name}\t{_family_label(e.family)}\t{','.join(e.pairs)}\t{size}\t{licence}")
        print(f"    {quality}  [{how}]")
    return 0


def _models_install(service: ReaderService, args: argparse.Namespace) -> int:
    from reader.core.model_registry import catalogue_entry
    from reader.service import licence_notice

    entry = None if Path(args.what).exists() else catalogue_entry(args.what)
    accepted = args.accept_licence
    if entry is not None and entry.non_commercial and not accepted:
        print(
            f"reader: {entry.name} is licensed {entry.licence}: non-commercial use only",
            file=sys.stderr,
        )
        if not (sys.stdin.isatty() and sys.stderr.isatty()):
            print(f"reader: {licence_notice(entry)}", file=sys.stderr)
            return 1
        print("accept this licence and download it? [y/N] ", end="", file=sys.stderr, flush=True)
        accepted = sys.stdin.readline().strip().lower() in ("y", "yes")
        if not accepted:
            print("reader: not downloaded", file=sys.stderr)
            return 1
    model = service.models_install(
        args.what,
        progress=_download_progress(),
        name=args.name,
        pair=args.pair,
        accept_licence=accepted,
    )
    what = model.pair if model.family == "argos" else f"{_safe(model.name)} ({model.pair})"
    print(f"installed {what} {model.version} in {_safe(str(model.path))}")
    return 0


def _download_progress() -> Callable[[int, int | None], None] | None:
    """A one-line progress bar on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(received: int, total: int | None) -> None:
        done = f"{received / 2**20:.1f} MB"
        if total:
            filled = int(30 * received / total)
            done = f"[{'#' * filled}{'.' * (30 - filled)}] {done} of {total / 2**20:.1f} MB"
        end = "\n" if total and received >= total else ""
        print(f"\rdownloading {done}", end=end, file=sys.stderr, flush=True)

    return show


def _models_remove(service: ReaderService, args: argparse.Namespace) -> int:
    for model in service.models_remove(args.what):
        what = ",".join(model.pair_names) if model.family == "argos" else _safe(model.name)
        print(f"removed {what} {model.version}")
    return 0


def _add_translation_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser("translate", help="translate text offline, sentence by sentence")
    command.add_argument("file", nargs="?", metavar="FILE", help="a text file, or - for stdin")
    command.add_argument("--from", dest="source", choices=["ko", "en", "auto"], default="auto")
    command.add_argument("--to", dest="target", choices=["ko", "en"], default=None)
    command.add_argument("--model", metavar="NAME", help="an installed model, for this run only")
    _json_flag(command)
    command.set_defaults(handler=_translate)

    models = sub.add_parser(
        "models", help="translation models: list, available, install, use, remove"
    )
    models_sub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    command = models_sub.add_parser("list", help="installed models and the directions they serve")
    command.add_argument(
        "--available", action="store_true", help="also fetch the Argos index and list its models"
    )
    _json_flag(command)
    command.set_defaults(handler=_models_list)
    command = models_sub.add_parser(
        "available", help="the catalogue of good models: size, licence, published quality"
    )
    _json_flag(command)
    command.set_defaults(handler=_models_available)
    command = models_sub.add_parser(
        "install",
        help="install a catalogue model by NAME, ko-en / en-ko from the Argos index,"
        " or a FILE.argosmodel, a model folder, or a .zip / .tar.gz of one",
    )
    command.add_argument("what", metavar="NAME_OR_PATH")
    command.add_argument("--name", help="the installed model's name (default: the folder's)")
    command.add_argument("--pair", help="ko-en or en-ko, for a one-direction model")
    command.add_argument(
        "--accept-licence",
        action="store_true",
        help="accept a non-commercial licence (NLLB-200) without being asked",
    )
    command.set_defaults(handler=_models_install)
    command = models_sub.add_parser("use", help="choose the model for a direction (remembered)")
    command.add_argument("pair", metavar="PAIR", help="ko-en or en-ko")
    command.add_argument("name", metavar="NAME")
    command.set_defaults(handler=_models_use)
    command = models_sub.add_parser("remove", help="remove a model and its cached translations")
    command.add_argument("what", metavar="NAME_OR_PAIR", help="a model's name, or ko-en / en-ko")
    command.set_defaults(handler=_models_remove)


def _add_locate_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser("locate", help="print where reader keeps a kind of file")
    command.add_argument(
        "what", choices=["config", "data", "database", "cache", "themes", "models", "log"]
    )


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return value
