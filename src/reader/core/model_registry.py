"""Every installed translation model, whatever its family, and which one serves a direction.

Argos packages stay in argostranslate's folder (shared with LibreTranslate, which
would choke on anything else there); models of the other families live in reader's
own models folder, one folder each, with a ``reader-model.json`` written at install
time (name, family, pairs, licence, where it came from). The catalogue
(``model_catalogue.toml``) gives the licence, the published quality and the quality
order used when several models serve a direction and the user chose none.
"""

from __future__ import annotations

import json
import logging
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from reader.core.model_families import (
    ARGOS,
    FAMILIES,
    LANGUAGE_CODES,
    FamilyError,
    detect_family,
    infer_pair,
)
from reader.core.packages import InstalledModel, installed_models, parse_pair

log = logging.getLogger(__name__)

MODEL_FILE = "reader-model.json"
"""Written into each of reader's model folders at install time."""
PREFERENCE_KEY = "translation.model.{pair}"
"""The store's meta key holding the model the user chose for a direction."""


class RegistryError(Exception):
    """A model cannot be found or chosen; one line for the user."""


# -- the catalogue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueFile:
    path: str
    repo: str
    revision: str
    size: int | None
    sha256: str | None


@dataclass(frozen=True)
class Quality:
    pair: str
    figure: str
    source: str


@dataclass(frozen=True)
class CatalogueEntry:
    """A model reader knows, with its published quality and (maybe) a pinned download."""

    name: str
    family: str
    pairs: tuple[str, ...]
    licence: str
    non_commercial: bool
    size_bytes: int
    rank: int
    quality: tuple[Quality, ...]
    note: str
    verified: str
    repo: str | None = None
    revision: str | None = None
    files: tuple[CatalogueFile, ...] = ()
    argos_pair: str | None = None

    @property
    def downloadable(self) -> bool:
        """True when reader can fetch it: pinned files on the hub, or the Argos index."""
        return bool(self.files) or self.argos_pair is not None


@cache
def catalogue() -> tuple[CatalogueEntry, ...]:
    """The catalogue shipped in the package, best first."""
    text = resources.files("reader.core").joinpath("model_catalogue.toml").read_text("utf-8")
    entries = [_entry(item) for item in tomllib.loads(text)["model"]]
    return tuple(sorted(entries, key=lambda entry: entry.rank))


def _entry(item: dict[str, Any]) -> CatalogueEntry:
    repo, revision = item.get("repo"), item.get("revision")
    files = tuple(
        CatalogueFile(
            path=str(f["path"]),
            repo=str(f.get("repo", repo)),
            revision=str(f.get("revision", revision)),
            size=int(f["size"]) if "size" in f else None,
            sha256=str(f["sha256"]).lower() if "sha256" in f else None,
        )
        for f in item.get("files", [])
    )
    if item["family"] not in FAMILIES:
        raise ValueError(f"catalogue entry {item['name']}: unknown family {item['family']}")
    return CatalogueEntry(
        name=str(item["name"]),
        family=str(item["family"]),
        pairs=tuple(str(pair) for pair in item["pairs"]),
        licence=str(item["licence"]),
        non_commercial=bool(item["non_commercial"]),
        size_bytes=int(item["size_bytes"]),
        rank=int(item["rank"]),
        quality=tuple(
            Quality(str(q["pair"]), str(q["figure"]), str(q["source"])) for q in item["quality"]
        ),
        note=str(item.get("note", "")),
        verified=str(item.get("verified", "")),
        repo=str(repo) if repo else None,
        revision=str(revision) if revision else None,
        files=files,
        argos_pair=str(item["argos_pair"]) if "argos_pair" in item else None,
    )


def catalogue_entry(name: str) -> CatalogueEntry | None:
    for entry in catalogue():
        if entry.name.lower() == name.lower():
            return entry
    return None


# -- installed models ------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelEntry:
    """One installed model, as ``reader models list`` shows it."""

    name: str
    family: str
    path: Path
    pairs: tuple[tuple[str, str], ...]
    version: str
    size_bytes: int
    licence: str | None
    argos: InstalledModel | None = field(default=None, compare=False)
    """The Argos package itself, for Argos models (the engine needs its details)."""

    @property
    def pair_names(self) -> list[str]:
        return [f"{source}-{target}" for source, target in self.pairs]

    @property
    def pair(self) -> str:
        """The directions as one string: ``ko-en``, or ``ko-en,en-ko`` for NLLB/M2M-100."""
        return ",".join(self.pair_names)

    @property
    def model_id(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def rank(self) -> int:
        """Its place in the catalogue's quality order (models it does not know come last)."""
        entry = catalogue_entry(self.name)
        return entry.rank if entry is not None else 1000

    def serves(self, source: str, target: str) -> bool:
        return (source, target) in self.pairs

    def for_direction(self, source: str, target: str) -> InstalledModel:
        """What the engine runs for one direction of this model."""
        if self.argos is not None:
            return self.argos
        codes = LANGUAGE_CODES.get(self.family)
        return InstalledModel(
            path=self.path,
            source=source,
            target=target,
            version=self.version,
            tokenizer="sentencepiece",
            multilingual=codes is not None,
            target_prefix=codes[target] if codes else "",
            size_bytes=self.size_bytes,
            family=self.family,
            label=self.name,
            licence=self.licence,
        )


def folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


def read_model_file(folder: Path) -> dict[str, Any]:
    """The folder's ``reader-model.json``, or an empty dict when it is missing or broken."""
    try:
        data = json.loads((folder / MODEL_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def reader_model(folder: Path) -> ModelEntry:
    """The model in one of reader's model folders; raises FamilyError when it is not one."""
    layout = detect_family(folder)
    info = read_model_file(folder)
    pairs = layout.pairs or _pairs_of(info, folder.name)
    if not pairs:
        raise FamilyError(f"{folder}: its direction is unknown (install it with --pair ko-en)")
    known = catalogue_entry(folder.name)
    licence = info.get("licence") or (known.licence if known else None)
    return ModelEntry(
        name=folder.name,
        family=layout.family,
        path=folder,
        pairs=pairs,
        version=str(info.get("version") or "local"),
        size_bytes=folder_size(folder),
        licence=str(licence) if licence else None,
    )


def _pairs_of(info: dict[str, Any], name: str) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for pair in info.get("pairs", []) if isinstance(info.get("pairs"), list) else []:
        try:
            pairs.append(parse_pair(str(pair)))
        except Exception:
            continue
    if not pairs and (inferred := infer_pair(name)) is not None:
        pairs.append(inferred)
    return tuple(pairs)


def reader_models(folder: Path) -> list[ModelEntry]:
    """The models in reader's own models folder, skipping folders that are not models."""
    if not folder.is_dir():
        return []
    entries = []
    for child in sorted(folder.iterdir()):
        if not child.is_dir() or child.name.startswith("."):
            continue
        try:
            entries.append(reader_model(child))
        except (FamilyError, OSError) as error:
            log.warning("models: %s is skipped: %s", child, error)
    return entries


def argos_entry(model: InstalledModel) -> ModelEntry:
    """An installed Argos package as a model entry (named ``translate-ko_en``)."""
    known = catalogue_entry(model.name)
    return ModelEntry(
        name=model.name,
        family=ARGOS,
        path=model.path,
        pairs=((model.source, model.target),),
        version=model.version,
        size_bytes=model.size_bytes,
        licence=known.licence if known else None,
        argos=model,
    )


def argos_models(argos_dir: Path) -> list[ModelEntry]:
    return [argos_entry(model) for model in installed_models(argos_dir)]


def all_models(argos_dir: Path, own_dir: Path) -> list[ModelEntry]:
    """Every installed model: reader's own folder first, then the Argos packages."""
    return [*reader_models(own_dir), *argos_models(argos_dir)]


def find_by_name(models: list[ModelEntry], name: str) -> ModelEntry | None:
    for model in models:
        if model.name == name or model.model_id == name:
            return model
    return None


def choose(
    models: list[ModelEntry], source: str, target: str, preferred: str | None = None
) -> ModelEntry | None:
    """The model for a direction: the user's choice when it is installed and serves it,
    otherwise the best by the catalogue's quality order (the newest version first)."""
    serving = [m for m in models if m.serves(source, target)]
    if preferred:
        chosen = find_by_name(serving, preferred)
        if chosen is not None:
            return chosen
    if not serving:
        return None
    return min(serving, key=lambda m: (m.rank, _version_order(m.version), m.name))


def _version_order(version: str) -> tuple[int, ...]:
    """Newer versions sort first."""
    return tuple(-int(part) if part.isdigit() else 0 for part in version.split("."))
