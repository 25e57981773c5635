"""Learning commands: ``export`` (an article with its translation) and ``mine``
(sentences with one new word)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.cli.output import json_flag, plural, positive_int, print_json

if TYPE_CHECKING:
    from reader.core.mining import MinedSentence
    from reader.service import ReaderService


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


def add_export_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


def add_mine_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser(
        "mine", help="sentences with exactly one word you do not know yet, commonest first"
    )
    command.add_argument(
        "--limit", type=positive_int, default=50, metavar="N", help="at most N (default 50)"
    )
    command.add_argument(
        "--per-word",
        type=positive_int,
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
        type=positive_int,
        metavar="N",
        help="add the word of the N-th sentence as a term, with that sentence",
    )
    command.add_argument("--gloss", metavar="G", help="with --add (default: the dictionary's)")
    json_flag(command)
    command.set_defaults(handler=_mine)
