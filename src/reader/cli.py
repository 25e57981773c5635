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
from reader.cli_translate import TRANSLATE_HELP, translate_new_articles

if TYPE_CHECKING:
    from reader.core.dictionary import Dictionary, LookupEntry, LookupResult
    from reader.core.feeds import FeedRefreshResult, RefreshResults
    from reader.core.mining import MinedSentence
    from reader.core.models import ArticleSummary, Feed, Term
    from reader.core.sync.engine import SyncResult
    from reader.service import ReaderService

Handler = Callable[["ReaderService", argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``reader`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    undecodable = _undecodable_argument(args)
    if undecodable is not None:
        print(f"reader: {undecodable}", file=sys.stderr)
        return 2
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
    from reader.paths import PathsError
    from reader.service import ServiceError

    return isinstance(error, ServiceError | StoreError | ConfigError | PathsError)


_PATH_ARGUMENTS = {"target", "file", "output", "what"}
"""Arguments that name files: any bytes are valid there (Path keeps them, see
:func:`reader.core.files.path_text`); every other argument is text."""


def _undecodable_argument(args: argparse.Namespace) -> str | None:
    """A one-line message for the first text argument that is not UTF-8, or None.

    Python hands over undecodable argument bytes as lone surrogates, which every
    later step (SQLite, output) refuses with a traceback; they are refused here.
    """
    for name, value in vars(args).items():
        if name in _PATH_ARGUMENTS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and not _is_utf8(item):
                shown = os.fsencode(item).decode("utf-8", "backslashreplace")
                label = f"--{name}" if name in _OPTION_NAMES else name.upper()
                return f"{label}: '{shown}' is not UTF-8 text; give it in UTF-8"
    return None


_OPTION_NAMES = {"title", "folder", "gloss", "note", "tag", "lang", "status", "theme", "since"}


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "locate":
        return _locate(args)
    from reader.analysis import HelperProcessAnalyser, InProcessAnalyser
    from reader.service import ReaderService

    interactive = args.command is None
    service = ReaderService(
        analyser=HelperProcessAnalyser() if interactive else InProcessAnalyser()
    )
    try:
        if interactive:
            return _run_tui(service, demo=args.demo)
        handler: Handler = args.handler
        return handler(service, args)
    finally:
        service.close()


def _run_tui(service: ReaderService, demo: bool) -> int:
    from reader.ui.app import ReaderApp

    app = ReaderApp(service, show_demo=demo)
    app.run()  # the main screen offers the demo, in a worker
    return app.return_code or 0  # 1 when the database could not be opened


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


def plural(count: int, word: str) -> str:
    """``1 article``, ``2 articles``: every count the CLI prints goes through here."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def local_time(stamp: str | None, with_time: bool = True) -> str:
    """A stored ISO date (UTC) in the local time zone, as people read it:
    ``2024-05-25 23:23 KST``, or just the date; unparsable text is shown as it is."""
    from datetime import datetime

    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M %Z" if with_time else "%Y-%m-%d").strip()


def _summary_line(article: ArticleSummary) -> str:
    marks = ("*" if article.starred else " ") + (" " if article.read else "N")
    date = local_time(article.published, with_time=False)
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
        verb = "imported" if result.created else "updated" if result.changed else "unchanged"
        paragraphs = plural(len(article.paragraphs), "paragraph")
        print(f"{article.id}\t{article.title}\t({verb}, {paragraphs})")
    return 0


def _list(service: ReaderService, args: argparse.Namespace) -> int:
    if args.where is not None:
        return _list_where(service, args)
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
    _print_summaries(shown, args.json)
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
    if args.keep:
        service.set_term_keep(term.id, True)
    verb = "added" if result.created else "merged into existing term"
    print(f"{verb}: {term.text} ({term.lemma}, {term.lang}) = {term.gloss}")
    return 0


def _terms_keep(service: ReaderService, args: argparse.Namespace) -> int:
    count = service.keep_term_text(args.text, lang=args.lang, keep=not args.off)
    state = "translated normally" if args.off else "kept as is in translations"
    print(f"{plural(count, 'term')} {state}")
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
    print(f"removed {plural(removed, 'term')}")
    return 0


def _terms_export(service: ReaderService, args: argparse.Namespace) -> int:
    """To FILE, or with ``-o -`` to standard output (the count then goes to stderr)."""
    from reader.core.exports import term_filter
    from reader.core.files import path_text
    from reader.service import ServiceError

    try:
        selection = term_filter(args.status or (), args.tag or (), args.since)
    except ValueError as error:
        raise ServiceError(str(error)) from None
    noun = "term" if args.cards == "term" else f"{args.cards} card"
    if args.output != "-":
        count = service.export_terms(
            args.format, Path(args.output), cards=args.cards, selection=selection
        )
        print(f"exported {plural(count, noun)} to {path_text(args.output)}")
        return 0
    if args.format == "anki" and sys.stdout.isatty():
        print(
            "reader: an Anki deck is binary: redirect it (`-o - > deck.apkg`) or give -o FILE",
            file=sys.stderr,
        )
        return 1
    sys.stdout.flush()
    count = service.export_terms(
        args.format, sys.stdout.buffer, cards=args.cards, selection=selection
    )
    sys.stdout.buffer.flush()
    print(f"exported {plural(count, noun)} to standard output", file=sys.stderr)
    return 0


def _terms_import(service: ReaderService, args: argparse.Namespace) -> int:
    result = service.import_terms(Path(args.file))
    print(f"imported {result.added} new, merged {result.merged} into existing terms")
    return 0


# -- bilingual export (issue 15) ------------------------------------------------------

_EXPORT_SUFFIXES = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".epub": "epub",
}


def _export_article(service: ReaderService, args: argparse.Namespace) -> int:
    """To FILE (atomically), or to standard output when no FILE or ``-o -`` is given
    (Markdown and HTML; an EPUB is binary and needs a redirection)."""
    from reader.core.files import path_text

    output: str | None = args.output
    suffix = Path(output or "").suffix.lower()
    format_name: str = args.format or _EXPORT_SUFFIXES.get(suffix, "md")
    if output is None or output == "-":
        if format_name == "epub" and sys.stdout.isatty():
            print(
                "reader: an EPUB is binary: give -o FILE (or redirect `-o - > book.epub`)",
                file=sys.stderr,
            )
            return 1
        sys.stdout.flush()
        service.export_article(args.id, format_name, args.layout, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return 0
    document = service.export_article(args.id, format_name, args.layout, Path(output))
    notes = plural(len(document.notes), "glossary note")
    print(f"exported article {args.id} ({format_name}, {notes}) to {path_text(output)}")
    return 0


def _add_export_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser(
        "export", help="write an article with its translation as Markdown, HTML or EPUB"
    )
    command.add_argument("id", type=int, metavar="ARTICLE")
    command.add_argument(
        "--format",
        choices=["md", "html", "epub"],
        help="default: from the -o file's name (.md, .html, .epub), else md",
    )
    command.add_argument(
        "--layout",
        choices=["interlinear", "side-by-side"],
        default="interlinear",
        help="each sentence above its translation (default), or two columns",
    )
    command.add_argument(
        "-o", "--output", metavar="FILE", help="a file, or - (the default) for standard output"
    )
    command.set_defaults(handler=_export_article)


# -- sentence mining (issue 15) -------------------------------------------------------


def mined_json(rank: int, sentence: MinedSentence) -> dict[str, Any]:
    return {
        "rank": rank,
        "word": sentence.word,
        "lemma": sentence.lemma,
        "lang": sentence.lang,
        "articles": sentence.articles,
        "sentences": sentence.sentences,
        "sentence": sentence.text,
        "translation": sentence.translation,
        "term_status": sentence.term_status,
        "article_id": sentence.article_id,
        "article_title": sentence.article_title,
        "paragraph": sentence.paragraph,
        "start": sentence.start,
        "end": sentence.end,
    }


def _mine(service: ReaderService, args: argparse.Namespace) -> int:
    if args.add is not None:
        chosen, result = service.mine_add(
            args.add, gloss=args.gloss, per_word=args.per_word, include_terms=args.include_terms
        )
        term = result.term
        verb = "added" if result.created else "merged into existing term"
        gloss = f" = {term.gloss}" if term.gloss else ""
        print(f"{verb}: {term.text} ({term.lemma}, {term.lang}){gloss}")
        print(f"  from: {chosen.text}")
        return 0
    if args.gloss is not None:
        print("reader: --gloss goes with --add N", file=sys.stderr)
        return 2
    found = service.mine_sentences(args.limit, args.per_word, args.include_terms)
    if args.json:
        print_json([mined_json(rank, s) for rank, s in enumerate(found, start=1)])
        return 0
    if not found:
        print(
            "reader: no sentence with exactly one new word; mark words known"
            " (`reader terms add WORD --gloss G --status known`) or add articles",
            file=sys.stderr,
        )
    for rank, sentence in enumerate(found, start=1):
        status = f", term {sentence.term_status}" if sentence.term_status else ""
        print(
            f"{rank}. {sentence.word} ({sentence.lemma}) · {plural(sentence.articles, 'article')}{status}"
        )
        print(f"   {sentence.text}")
        if sentence.translation:
            print(f"   {sentence.translation}")
    return 0


def _add_mine_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser(
        "mine", help="sentences with exactly one word you do not know yet, commonest first"
    )
    command.add_argument(
        "--limit", type=_positive_int, default=50, metavar="N", help="at most N (default 50)"
    )
    command.add_argument(
        "--per-word",
        type=_positive_int,
        default=1,
        metavar="N",
        help="sentences shown for each word (default 1, the shortest)",
    )
    command.add_argument(
        "--include-terms",
        action="store_true",
        help="also words already in the glossary (being learnt)",
    )
    command.add_argument(
        "--add",
        type=_positive_int,
        metavar="N",
        help="add the word of the N-th sentence as a term, with that sentence",
    )
    command.add_argument("--gloss", metavar="G", help="with --add (default: the dictionary's)")
    _json_flag(command)
    command.set_defaults(handler=_mine)


# -- feeds ---------------------------------------------------------------------------


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
        print(f"{feed.id:>5} {feed.unread:>5}  {folder}{title}\t{feed.url}{error}")
    return 0


def _refresh(service: ReaderService, args: argparse.Namespace) -> int:
    before = service.last_article_id()  # what the refresh adds comes after it
    if args.json or not sys.stdout.isatty():
        results = service.refresh(args.feed, force=args.force)
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
    command.add_argument("--translate", action="store_true", help=TRANSLATE_HELP)
    command.set_defaults(handler=_refresh)

    command = sub.add_parser("import-opml", help="subscribe to the feeds of an OPML file")
    command.add_argument("file", metavar="FILE")
    _json_flag(command)
    command.set_defaults(handler=_import_opml)

    command = sub.add_parser("export-opml", help="write the subscriptions as OPML")
    command.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE instead of stdout (- is stdout)"
    )
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
    _add_dictionary_commands(sub)
    _add_account_commands(sub)
    _add_export_command(sub)
    _add_mine_command(sub)
    _add_locate_command(sub)
    _add_saved_commands(sub)
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
    command.add_argument(
        "--where",
        metavar="QUERY",
        help="only articles matching a query, e.g. 'unread and known>80%%' (see README)",
    )
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
    command.add_argument(
        "--limit",
        type=_positive_int,
        default=100,
        metavar="N",
        help="show at most N matches (default 100)",
    )
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
    command.add_argument(
        "--keep", action="store_true", help="keep it as is in translations (a name, a brand)"
    )
    command.set_defaults(handler=_terms_add)

    command = terms_sub.add_parser(
        "keep", help="keep a term as is in translations (names, brands), or --off"
    )
    command.add_argument("text", metavar="TEXT")
    command.add_argument("--lang", choices=["ko", "en"])
    command.add_argument("--off", action="store_true", help="translate it normally again")
    command.set_defaults(handler=_terms_keep)

    command = terms_sub.add_parser("list", help="list terms, newest first")
    command.add_argument("--status", metavar="S", help=_STATUS_HELP)
    command.add_argument("--lang", choices=["ko", "en"])
    command.add_argument("--tag", metavar="T")
    _json_flag(command)
    command.set_defaults(handler=_terms_list)

    command = terms_sub.add_parser("remove", help="remove a term by its text or lemma")
    command.add_argument("text", metavar="TEXT")
    command.add_argument("--lang", choices=["ko", "en"])
    command.set_defaults(handler=_terms_remove)

    command = terms_sub.add_parser("export", help="write the glossary as an Anki deck, CSV or TSV")
    command.add_argument("--format", choices=["anki", "csv", "tsv"], required=True)
    command.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="a file, or - for standard output"
    )
    command.add_argument(
        "--cards",
        choices=["term", "sentence", "cloze"],
        default="term",
        help="Anki notes: term → gloss (default), the sentence with the term marked,"
        " or the sentence with the term as a cloze",
    )
    command.add_argument(
        "--status",
        action="append",
        metavar="S",
        help="1-5, known, ignored, or learning (any of 1-5); repeat for several",
    )
    command.add_argument("--tag", action="append", metavar="T", help="repeat for several tags")
    command.add_argument(
        "--since", metavar="DATE", help="only terms added on or after DATE (2026-03-01)"
    )
    command.set_defaults(handler=_terms_export)

    command = terms_sub.add_parser("import", help="read terms from a CSV or TSV file")
    command.add_argument("file", metavar="FILE")
    command.set_defaults(handler=_terms_import)


# -- translation ---------------------------------------------------------------------


def _translate(service: ReaderService, args: argparse.Namespace) -> int:
    text = _translation_input(args.file)
    if text is None:
        return 1
    if args.set is not None:
        sentence, direction, kept = service.set_text_translation(
            text, args.set, source=args.source, target=args.target
        )
        done = f"kept your translation ({direction})" if kept else "forgot your translation"
        print(f"{done}: {sentence}")
        return 0
    result = service.translate_text(
        text,
        source=args.source,
        target=args.target,
        model=args.model,
        glossary=False if args.no_glossary else None,
    )
    unsure = _mark_unsure(result["pairs"], args.min_confidence)
    if args.json:
        print_json(result)
        return 0
    paragraphs: dict[int, list[str]] = {}
    failed = [pair for pair in result["pairs"] if pair.get("error")]
    for pair in result["pairs"]:
        # A sentence the model failed on is kept in its own language, and said so below.
        target = pair["source"] if pair.get("error") else pair["target"]
        if pair.get("unsure"):
            target = UNSURE_MARK + target
        paragraphs.setdefault(pair["paragraph"], []).append(target)
    print("\n\n".join(" ".join(targets) for targets in paragraphs.values()))
    if failed:
        print(
            f"reader: {plural(len(failed), 'sentence')} left untranslated: {failed[0]['error']}",
            file=sys.stderr,
        )
    if unsure:
        print(
            f"reader: {plural(unsure, 'sentence')} below confidence {args.min_confidence:g}"
            f" (marked {UNSURE_MARK.strip()})",
            file=sys.stderr,
        )
    return 0


UNSURE_MARK = "(?) "
"""Put before a sentence below ``--min-confidence`` in plain output."""


def _mark_unsure(pairs: list[dict[str, Any]], minimum: float | None) -> int:
    """Mark the pairs below ``minimum`` confidence with ``"unsure": true``; how many.

    A pair without a measured confidence (an older cache entry) is not marked.
    """
    if minimum is None:
        return 0
    count = 0
    for pair in pairs:
        confidence = pair.get("confidence")
        if confidence is not None and confidence < minimum and not pair.get("error"):
            pair["unsure"] = True
            count += 1
    return count


def _confidence_value(text: str) -> float:
    """``--min-confidence``: a number from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def _translation_input(file: str | None) -> str | None:
    """The text to translate, from FILE or standard input, UTF-8 only (a BOM is
    allowed); None after printing a one-line error."""
    from reader.core.files import describe_size, path_text, read_regular_file
    from reader.service import MAX_LOCAL_FILE_BYTES

    if file in (None, "-"):
        where = "standard input"
        data = sys.stdin.buffer.read(MAX_LOCAL_FILE_BYTES + 1)
        if len(data) > MAX_LOCAL_FILE_BYTES:
            limit = describe_size(MAX_LOCAL_FILE_BYTES)
            print(f"reader: {where}: too much text (more than {limit})", file=sys.stderr)
            return None
    else:
        where = path_text(file)
        try:
            data = read_regular_file(Path(file), MAX_LOCAL_FILE_BYTES)
        except OSError as error:
            print(f"reader: {where}: cannot read: {error.strerror or error}", file=sys.stderr)
            return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        print(
            f"reader: {where}: not UTF-8 text (byte 0x{byte:02x} at offset {error.start}); "
            "convert it first, e.g. with `iconv -f latin1 -t utf-8`",
            file=sys.stderr,
        )
        return None


def _models_list(service: ReaderService, args: argparse.Namespace) -> int:
    from reader.core.packages import shown_path

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
                        "path": shown_path(model.path),
                    }
                    for model, serves in installed
                ],
                "damaged": [{"path": shown_path(d.path), "reason": d.reason} for d in damaged],
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
    from reader.core.packages import shown_path
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
    print(f"installed {what} {model.version} in {shown_path(model.path)}")
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
    command.add_argument(
        "--no-glossary",
        action="store_true",
        help="translate without the glossary steering terms (to compare)",
    )
    command.add_argument(
        "--set",
        metavar="TRANSLATION",
        help="keep TRANSLATION as your own translation of the one sentence given"
        ' (it beats every model until the sentence changes; "" forgets it)',
    )
    command.add_argument(
        "--min-confidence",
        type=_confidence_value,
        metavar="X",
        help="mark sentences whose confidence (0-1) is below X",
    )
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


# -- offline dictionaries (issue 15) -------------------------------------------------------


def _dict_install(service: ReaderService, args: argparse.Namespace) -> int:
    bar = _ImportBar() if sys.stderr.isatty() else None
    try:
        dictionary = service.dict_install(Path(args.file), progress=bar)
    finally:
        if bar is not None:
            bar.end_line()
    print(
        f"installed {dictionary.name}: {dictionary.title} ({dictionary.format}, "
        f"{dictionary.entry_count:,} entries)"
    )
    return 0


class _ImportBar:
    """A one-line progress bar on stderr (for a terminal), redrawn once per percent."""

    def __init__(self) -> None:
        self._shown = -1

    def __call__(self, done: int, total: int) -> None:
        percent = min(100, int(100 * done / total)) if total else 100
        if percent == self._shown:
            return
        self._shown = percent
        filled = percent * 30 // 100
        bar = f"[{'#' * filled}{'.' * (30 - filled)}] {percent:3d}%"
        print(f"\rimporting {bar}", end="", file=sys.stderr, flush=True)

    def end_line(self) -> None:
        """End the bar's line, so that what follows (an error, say) starts on its own."""
        if self._shown >= 0:
            print(file=sys.stderr, flush=True)


def dictionary_json(dictionary: Dictionary) -> dict[str, Any]:
    return {
        "name": dictionary.name,
        "title": dictionary.title,
        "format": dictionary.format,
        "revision": dictionary.revision,
        "entries": dictionary.entry_count,
        "licence": dictionary.licence,
        "attribution": dictionary.attribution,
        "installed": dictionary.installed,
        "file": dictionary.source_file,
    }


def _dict_list(service: ReaderService, args: argparse.Namespace) -> int:
    dictionaries = service.dict_list()
    if args.json:
        print_json([dictionary_json(dictionary) for dictionary in dictionaries])
        return 0
    if not dictionaries:
        print("no dictionaries installed: run `reader dict install FILE`")
    for dictionary in dictionaries:
        print(
            f"{dictionary.name}\t{dictionary.title}\t{dictionary.format}\t"
            f"{dictionary.entry_count:,} entries"
        )
        print(f"  {dictionary.credit}")
    return 0


def _dict_remove(service: ReaderService, args: argparse.Namespace) -> int:
    dictionary = service.dict_remove(args.name)
    print(f"removed {dictionary.name} ({dictionary.entry_count:,} entries)")
    return 0


def lookup_entry_json(entry: LookupEntry) -> dict[str, Any]:
    return {
        "headword": entry.headword,
        "lemma": entry.lemma,
        "match": entry.match,
        "reading": entry.reading,
        "hanja": entry.hanja,
        "pos": entry.pos,
        "level": entry.level,
        "senses": [
            {"gloss": s.gloss, "definition": s.definition, "native": s.native} for s in entry.senses
        ],
        "dictionary": entry.dictionary,
    }


_MATCH_HEADINGS = {
    "exact": "",
    "gloss": "Entries that translate it:",
    "compound": "Compounds and longer words:",
}


def _dict_lookup(service: ReaderService, args: argparse.Namespace) -> int:
    if not service.dict_list():
        print("reader: no dictionaries installed: run `reader dict install FILE`", file=sys.stderr)
        return 1
    result = service.dict_lookup(args.word, limit=args.limit)
    if args.json:
        print_json(_lookup_json(result))
        return 0
    if not result.entries:
        shown = result.query if result.lemma == result.query else f"{result.query} ({result.lemma})"
        print(f"reader: no dictionary entry for {shown}", file=sys.stderr)
        return 1
    _print_lookup(result)
    return 0


def _lookup_json(result: LookupResult) -> dict[str, Any]:
    return {
        "query": result.query,
        "lemma": result.lemma,
        "entries": [lookup_entry_json(entry) for entry in result.entries],
        "dictionaries": {
            name: {
                "title": d.title,
                "format": d.format,
                "licence": d.licence,
                "attribution": d.attribution,
            }
            for name, d in result.dictionaries.items()
        },
    }


def _print_lookup(result: LookupResult) -> None:
    if result.lemma != result.query:
        print(f"{result.query} → {result.lemma}")
    match = "exact"
    for entry in result.entries:
        if entry.match != match:
            match = entry.match
            print(_MATCH_HEADINGS[match])
        print(f"  {entry.heading}  [{entry.dictionary}]")
        for number, text in enumerate(entry.sense_lines(), 1):
            print(f"    {number}. {text}")
    print("Sources:")
    for name, dictionary in result.dictionaries.items():
        print(f"  [{name}] {dictionary.title}: {dictionary.credit}")


def _add_dictionary_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dictionary = sub.add_parser(
        "dict", help="offline dictionaries: install, list, remove, look up words"
    )
    dict_sub = dictionary.add_subparsers(dest="dict_command", metavar="ACTION", required=True)
    command = dict_sub.add_parser(
        "install", help="import a KRDict XML (or its zip), kengdic TSV or Yomitan zip"
    )
    command.add_argument("file", metavar="FILE")
    command.set_defaults(handler=_dict_install)
    command = dict_sub.add_parser("list", help="installed dictionaries with their licences")
    _json_flag(command)
    command.set_defaults(handler=_dict_list)
    command = dict_sub.add_parser("remove", help="remove an installed dictionary")
    command.add_argument("name", metavar="NAME", help="its name or title, as `dict list` shows")
    command.set_defaults(handler=_dict_remove)
    command = dict_sub.add_parser(
        "lookup", help="look a word up by its lemma (먹었다 finds 먹다, summits finds summit)"
    )
    command.add_argument("word", metavar="WORD")
    command.add_argument("--limit", type=_positive_int, default=50, metavar="N")
    _json_flag(command)
    command.set_defaults(handler=_dict_lookup)


# -- feed-server accounts (issue 16) ------------------------------------------------------

PASSWORD_VARIABLE = "READER_ACCOUNT_PASSWORD"


def _add_account_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    _json_flag(command)
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
    _json_flag(command)
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


def _add_locate_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser("locate", help="print where reader keeps a kind of file")
    command.add_argument(
        "what", choices=["config", "data", "database", "cache", "themes", "models", "log"]
    )


def _positive_int(text: str) -> int:
    """A count given on the command line; argparse shows the message as it is."""
    try:
        value = int(text)
    except ValueError:
        shown = text if len(text) <= 20 else text[:20] + "…"
        digits = text.strip().lstrip("+-").isdigit()  # int() refuses over 4300 digits
        problem = "is too large" if digits else "is not a whole number"
        raise argparse.ArgumentTypeError(f"{shown!r} {problem}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, not {value}")
    return value


# -- the query language and saved searches (issue 14) ---------------------------------


def _list_where(service: ReaderService, args: argparse.Namespace) -> int:
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
    _print_summaries(articles, args.json)
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


def _add_saved_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    _json_flag(command)
    command.set_defaults(handler=_saved_list)
    command = saved_sub.add_parser("remove", help="remove a saved search")
    command.add_argument("name", metavar="NAME")
    command.set_defaults(handler=_saved_remove)
