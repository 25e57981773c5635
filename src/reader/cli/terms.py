"""Glossary commands: ``terms add``, ``keep``, ``list``, ``remove``, ``export``,
``import``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.cli.output import json_flag, plural, print_json

if TYPE_CHECKING:
    from reader.core.models import Term
    from reader.service import ReaderService


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


_STATUS_HELP = "1-5 (learning), known or ignored"


def add_terms_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    json_flag(command)
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
