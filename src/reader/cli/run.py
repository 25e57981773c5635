"""The ``reader`` command's entry point: parse, refuse arguments that are not UTF-8,
open the service (an in-process analyser; the TUI's in a helper process), run the
command, and turn expected failures into one line on stderr and exit status 1."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.cli.articles import locate
from reader.cli.output import Handler
from reader.cli.parser import build_parser

if TYPE_CHECKING:
    from reader.service import ReaderService


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
        return locate(args)
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
