"""The ``translate`` command: text or a file, sentence by sentence, with
``--min-confidence`` marks and ``--set`` for the reader's own translation."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.cli.output import json_flag, plural, print_json

if TYPE_CHECKING:
    from reader.service import ReaderService


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
    shown: list[dict[str, Any]] = [dict(pair) for pair in result["pairs"]]  # marked below
    unsure = _mark_unsure(shown, args.min_confidence)
    if args.json:
        print_json({**result, "pairs": shown})
        return 0
    paragraphs: dict[int, list[str]] = {}
    failed = [pair for pair in shown if pair.get("error")]
    for pair in shown:
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


def add_translate_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    json_flag(command)
    command.set_defaults(handler=_translate)
