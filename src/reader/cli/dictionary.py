"""Offline dictionary commands: ``dict install``, ``list``, ``remove``, ``lookup``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.cli.output import json_flag, positive_int, print_json

if TYPE_CHECKING:
    from reader.core.dictionary import Dictionary, LookupEntry, LookupResult
    from reader.service import ReaderService


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


def add_dictionary_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    json_flag(command)
    command.set_defaults(handler=_dict_list)
    command = dict_sub.add_parser("remove", help="remove an installed dictionary")
    command.add_argument("name", metavar="NAME", help="its name or title, as `dict list` shows")
    command.set_defaults(handler=_dict_remove)
    command = dict_sub.add_parser(
        "lookup", help="look a word up by its lemma (먹었다 finds 먹다, summits finds summit)"
    )
    command.add_argument("word", metavar="WORD")
    command.add_argument("--limit", type=positive_int, default=50, metavar="N")
    json_flag(command)
    command.set_defaults(handler=_dict_lookup)
