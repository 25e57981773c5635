"""Installed packages: scanning the models folder (usable and broken packages),
finding the one for a direction, and removing them."""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from reader.core.packages.common import (
    INSTALLED_LIMITS,
    SUPPORTED_LANGUAGES,
    InstalledModel,
    PackageError,
    argos_package_module,
    log,
)
from reader.core.packages.metadata import (
    LANGUAGE_CODE,
    MAX_METADATA_BYTES,
    load_json,
    parse_metadata,
    shown_path,
)
from reader.core.packages.tokenizers import sentencepiece_problem
from reader.core.safe_archive import (
    ArchiveError,
    check_folder,
    os_reason,
    read_regular,
    remove_tree,
)


@dataclass(frozen=True)
class BrokenPackage:
    """An installed folder that looks like a package but cannot be used."""

    path: Path
    reason: str
    pair: tuple[str, str] | None
    """The direction, when its metadata says so plainly (so `models remove` can remove it)."""

    @property
    def warning(self) -> str:
        """One line for the user: which folder, why, and what to do."""
        remedy = (
            f"`reader models remove {self.pair[0]}-{self.pair[1]}`"
            if self.pair
            else "delete the folder"
        )
        return (
            f"skipped the damaged model package {shown_path(self.path)}: {self.reason};"
            f" reinstall it or {remedy}"
        )


_warned: set[tuple[str, str]] = set()


def scan_models(models_dir: Path) -> tuple[list[InstalledModel], list[BrokenPackage]]:
    """The usable packages in ``models_dir`` and the broken ones; never raises for a package.

    Folders without a metadata.json, packages of another type (e.g. Argos sentence
    splitters) and hidden work folders are neither.
    """
    if not models_dir.is_dir():
        return [], []
    argos_package_module(models_dir)  # argostranslate's settings follow this folder
    installed, broken = [], []
    try:
        folders = sorted(models_dir.iterdir())
    except OSError:
        return [], []
    for folder in folders:
        if folder.name.startswith("."):
            continue
        try:
            model = inspect_package(folder)
        except PackageError as error:
            broken.append(BrokenPackage(folder, str(error), _pair_if_plain(folder)))
            continue
        except OSError as error:  # permissions, a folder removed meanwhile …
            broken.append(BrokenPackage(folder, os_reason(error), _pair_if_plain(folder)))
            continue
        if model is not None:
            installed.append(model)
    return installed, broken


def installed_models(models_dir: Path, warn: bool = True) -> list[InstalledModel]:
    """Installed translation packages; a broken one is skipped and logged once per process."""
    installed, broken = scan_models(models_dir)
    for package in broken if warn else []:
        key = (str(package.path), package.reason)
        if key not in _warned:
            _warned.add(key)
            log.warning("%s", package.warning)
    return installed


def broken_models(models_dir: Path) -> list[BrokenPackage]:
    """Installed folders that look like packages but cannot be used, and why."""
    return scan_models(models_dir)[1]


def inspect_package(folder: Path) -> InstalledModel | None:
    """The package in ``folder``, None when it is not a translation package; raises
    PackageError when it is one but cannot be used."""
    info = folder.lstat()
    if stat.S_ISLNK(info.st_mode):
        raise PackageError("the package folder is a symbolic link")
    if not stat.S_ISDIR(info.st_mode):
        return None
    try:
        (folder / "metadata.json").lstat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise PackageError(f"metadata.json cannot be read ({os_reason(error)})") from None
    try:
        metadata = parse_metadata(read_regular(folder / "metadata.json", MAX_METADATA_BYTES))
    except ArchiveError as error:
        raise PackageError(f"metadata.json: {error}") from None
    if metadata.type != "translate":
        return None
    try:
        members = check_folder(folder, INSTALLED_LIMITS)
    except ArchiveError as error:
        raise PackageError(str(error)) from None
    sizes = {member.path.as_posix(): member.size for member in members if not member.is_dir}
    if "model/model.bin" not in sizes:
        raise PackageError("no model/model.bin")
    if sizes.get("sentencepiece.model"):
        tokenizer = "sentencepiece"
        spm_info = (folder / "sentencepiece.model").stat()
        problem = sentencepiece_problem(
            str(folder / "sentencepiece.model"), spm_info.st_size, spm_info.st_mtime_ns
        )
        if problem is not None:
            raise PackageError(problem)
    elif sizes.get("bpe.model"):
        tokenizer = "bpe"
    else:
        raise PackageError("no sentencepiece.model or bpe.model (or it is empty)")
    return InstalledModel(
        path=folder,
        source=metadata.source,
        target=metadata.target,
        version=metadata.version,
        tokenizer=tokenizer,
        multilingual=metadata.multilingual,
        target_prefix=metadata.target_prefix,
        size_bytes=sum(sizes.values()),
    )


def _pair_if_plain(folder: Path) -> tuple[str, str] | None:
    """from_code/to_code of a broken package's metadata.json, when they are plain codes."""
    try:
        raw = load_json(read_regular(folder / "metadata.json", MAX_METADATA_BYTES), "", 2**20)
    except (ArchiveError, PackageError, OSError):
        return None
    if not isinstance(raw, dict):
        return None
    source, target = raw.get("from_code"), raw.get("to_code")
    plain = [isinstance(code, str) and LANGUAGE_CODE.fullmatch(code) for code in (source, target)]
    return (str(source), str(target)) if all(plain) and source != target else None


def find_model(models_dir: Path, source: str, target: str) -> InstalledModel | None:
    """The installed package for a direction (the newest version when there are several)."""
    matches = [m for m in installed_models(models_dir) if (m.source, m.target) == (source, target)]
    if not matches:
        return None
    return max(matches, key=lambda m: version_key(m.version))


def version_key(version: str) -> tuple[int, ...]:
    """Numeric parts compare as numbers (at most 9 digits each; versions are checked)."""
    return tuple(int(part[:9]) if part.isdigit() else 0 for part in version.split(".")[:8])


def parse_pair(pair: str) -> tuple[str, str]:
    """``ko-en`` (or ``ko_en``, ``ko→en``) as a (source, target) tuple."""
    for separator in ("-", "_", "→", ":"):
        if separator in pair:
            source, _, target = pair.partition(separator)
            source, target = source.strip().lower(), target.strip().lower()
            if source in SUPPORTED_LANGUAGES and target in SUPPORTED_LANGUAGES and source != target:
                return source, target
    raise PackageError(f"unknown language pair {pair!r}: use ko-en or en-ko")


def remove_model(models_dir: Path, pair: str) -> list[InstalledModel]:
    """Delete every installed package of a direction, damaged ones included; returns what
    was removed (a damaged one with the version ``damaged``)."""
    source, target = parse_pair(pair)
    installed, broken = scan_models(models_dir)
    removed = [m for m in installed if (m.source, m.target) == (source, target)]
    removed += [_damaged(b, source, target) for b in broken if b.pair == (source, target)]
    if not removed:
        raise PackageError(f"no {source}→{target} model is installed")
    for model in removed:
        try:
            remove_tree(model.path)
        except OSError as error:
            shown = shown_path(model.path)
            raise PackageError(f"cannot remove {shown}: {os_reason(error)}") from None
    return removed


def _damaged(package: BrokenPackage, source: str, target: str) -> InstalledModel:
    return InstalledModel(package.path, source, target, "damaged", "none", False, "", 0)
