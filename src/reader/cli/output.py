"""What every command shares: JSON and plain-line output, counts and times, the
``--json`` flag, whole-number arguments."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.core.models import ArticleSummary
    from reader.service import ReaderService


Handler = Callable[["ReaderService", argparse.Namespace], int]


def print_json(value: Any) -> None:
    """JSON on stdout, UTF-8 kept readable (Hangul is not escaped)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def summary_json(article: ArticleSummary) -> dict[str, Any]:
    """An article as ``list --json`` prints it; a story carried by several feeds adds
    ``sources`` (their titles) and ``duplicates`` (the other copies' ids)."""
    payload: dict[str, Any] = {
        "id": article.id,
        "feed_id": article.feed_id,
        "title": article.title,
        "url": article.url,
        "published": article.published,
        "read": article.read,
        "starred": article.starred,
    }
    if article.copies:
        payload.update(sources=article.sources, duplicates=article.copies)
    return payload


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
    sources = f"  ({' · '.join(article.sources)})" if article.copies else ""
    return f"{article.id:>6} {marks} {date:10} {article.title}{sources}"


def print_summaries(articles: list[ArticleSummary], as_json: bool) -> None:
    if as_json:
        print_json([summary_json(article) for article in articles])
        return
    for article in articles:
        print(_summary_line(article))


def json_flag(command: argparse.ArgumentParser) -> None:
    command.add_argument("--json", action="store_true", help="print JSON")


def positive_int(text: str) -> int:
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


def safe(text: str) -> str:
    """A name from a model folder, as one line without control characters."""
    from reader.core.text import clean_line

    return clean_line(text)
