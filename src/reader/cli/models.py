"""Translation model commands: ``models list``, ``available``, ``install``, ``use``,
``remove``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.cli.output import json_flag, print_json, safe

if TYPE_CHECKING:
    from reader.service import ReaderService


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
                        "name": safe(model.name),
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
            f"{safe(model.name)}\t{_family_label(model.family)}\t{','.join(model.pair_names)}"
            f"\t{model.version}\t{model.size_bytes / 2**20:.1f} MB\t{model.licence or '?'}\t{now}"
        )
    if available:
        print("available from the Argos index:")
        for entry in available:
            print(f"  {entry.pair}\t{entry.version}")
    return 0


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
    what = model.pair if model.family == "argos" else f"{safe(model.name)} ({model.pair})"
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
        what = ",".join(model.pair_names) if model.family == "argos" else safe(model.name)
        print(f"removed {what} {model.version}")
    return 0


def add_models_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    models = sub.add_parser(
        "models", help="translation models: list, available, install, use, remove"
    )
    models_sub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    command = models_sub.add_parser("list", help="installed models and the directions they serve")
    command.add_argument(
        "--available", action="store_true", help="also fetch the Argos index and list its models"
    )
    json_flag(command)
    command.set_defaults(handler=_models_list)
    command = models_sub.add_parser(
        "available", help="the catalogue of good models: size, licence, published quality"
    )
    json_flag(command)
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
