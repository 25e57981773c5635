"""The argument parser: the global options, then each command group adds its commands
(in the order ``reader --help`` lists them)."""

from __future__ import annotations

import argparse

from reader import __version__
from reader.cli.accounts import add_account_commands
from reader.cli.articles import add_article_commands, add_locate_command
from reader.cli.dictionary import add_dictionary_commands
from reader.cli.feeds import add_feed_commands
from reader.cli.learning import add_export_command, add_mine_command
from reader.cli.models import add_models_commands
from reader.cli.queries import add_saved_commands
from reader.cli.terms import add_terms_commands
from reader.cli.translate import add_translate_command


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
    add_article_commands(sub)
    add_feed_commands(sub)
    add_terms_commands(sub)
    add_translate_command(sub)
    add_models_commands(sub)
    add_dictionary_commands(sub)
    add_account_commands(sub)
    add_export_command(sub)
    add_mine_command(sub)
    add_locate_command(sub)
    add_saved_commands(sub)
    return parser
