"""Translation packages: list, validate, install, download and remove Argos models.

The models folder is argostranslate's own (so packages installed for Argos or
LibreTranslate are reused) unless ``READER_HOME`` is set; the caller passes it in.
``argostranslate.package`` is cheap to import, but ``argostranslate.settings``
reads ``ARGOS_PACKAGES_DIR`` once at import time, so :func:`argos_package_module`
sets that variable first and re-points the settings at the folder on every call
(tests switch folders within one process).

Installing never goes through ``argostranslate.package.install_from_path``: that
extracts straight into the folder (a broken file leaves half a package behind) and
imports ``argostranslate.translate`` (torch, 2–3 s) to clear a cache. Here a file
is checked first, extracted into a hidden folder beside the others, its model
loaded once, and only then renamed into place.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import os
import re
import stat
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any

from reader.core.bounded_http import (
    ACCEPT_ENCODING,
    DownloadError,
    TooLargeError,
    content_encodings,
    decoded_chunks,
)
from reader.core.safe_archive import (
    ArchiveError,
    ArchiveLimits,
    Member,
    Staging,
    check_folder,
    check_zip_members,
    extract_zip,
    open_regular,
    os_reason,
    read_bounded,
    read_regular,
    remove_stale_staging,
    remove_tree,
    shown_name,
)
from reader.core.text import clean_line

log = logging.getLogger(__name__)

SUPPORTED_LANGUAGES = ("ko", "en")
DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
INDEX_FILE_NAME = "argos-index.json"
CONNECT_TIMEOUT = 4.0
READ_TIMEOUT = 30.0
MAX_ARCHIVE_BYTES = 2 * 1024**3
"""Largest uncompressed package accepted (real ko/en packages are ~120 MB)."""

ProgressCallback = Callable[[int, int | None], None]
"""Called with (bytes so far, total bytes or None) while downloading."""


class PackageError(Exception):
    """A package cannot be installed, found or removed; one line for the user."""


@dataclass(frozen=True)
class InstalledModel:
    """An installed translation package."""

    path: Path
    source: str
    target: str
    version: str
    tokenizer: str
    """``sentencepiece``, ``bpe`` or ``none``."""
    multilingual: bool
    target_prefix: str
    size_bytes: int
    family: str = "argos"
    """``argos``, ``marian``, ``nllb`` or ``m2m100`` (see core/model_families.py)."""
    label: str = ""
    """The model's name for the other families (its folder's name); empty for Argos."""
    licence: str | None = None

    @property
    def pair(self) -> str:
        return f"{self.source}-{self.target}"

    @property
    def name(self) -> str:
        """The cache key prefix of every version: ``translate-ko_en`` for an Argos package
        (the argospm name), the folder's name for the other families."""
        return self.label or f"translate-{self.source}_{self.target}"

    @property
    def model_id(self) -> str:
        return f"{self.name}@{self.version}"


@dataclass(frozen=True)
class AvailableModel:
    """A package listed in the Argos package index."""

    source: str
    target: str
    version: str
    links: tuple[str, ...]
    size_bytes: int | None
    checksum: str | None

    @property
    def pair(self) -> str:
        return f"{self.source}-{self.target}"


def install_command(source: str, target: str) -> str:
    return f"reader models install {source}-{target}"


def no_model_message(source: str, target: str) -> str:
    return (
        f"no {source}→{target} model installed: run `{install_command(source, target)}`"
        " (or `reader models install FILE.argosmodel`)"
    )


def argos_package_module(models_dir: Path) -> ModuleType:
    """``argostranslate.package`` with its settings pointed at ``models_dir``."""
    models_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ARGOS_PACKAGES_DIR", str(models_dir))
    import argostranslate.package
    import argostranslate.settings

    settings: Any = argostranslate.settings
    settings.package_data_dir = models_dir
    settings.package_dirs = [models_dir]
    module: ModuleType = argostranslate.package
    return module


# -- metadata.json -----------------------------------------------------------------------

MAX_METADATA_BYTES = 1024**2
"""metadata.json is a few hundred bytes in every real package."""
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}")
_CODE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})?")
_MAX_KEYS = 200
_MAX_LIST = 500
_MAX_TEXT = 10_000
_SHORT_TEXT_FIELDS = {"from_name": 100, "to_name": 100, "argos_version": 32, "code": 100}
_CODE_LIST_FIELDS = ("from_codes", "to_codes")
_LANGUAGE_LIST_FIELDS = ("languages", "source_languages", "target_languages")
_TEXT_LIST_FIELDS = {"links": 2048, "dependencies": 200}


@dataclass(frozen=True)
class PackageMetadata:
    """A package's metadata.json, every field checked for type and size, controls removed."""

    source: str
    target: str
    version: str
    type: str
    target_prefix: str
    multilingual: bool
    fields: dict[str, Any]
    """The cleaned fields, as written back into the installed package."""

    @property
    def pair(self) -> tuple[str, str]:
        return self.source, self.target


def parse_metadata(data: bytes) -> PackageMetadata:
    """Parse and check metadata.json; raises PackageError (a line starting ``metadata.json``).

    Every field argostranslate reads is checked for its type and size; other fields are
    kept only when they are short scalars. Text is cleaned of control characters and
    escape sequences; a version or language code that is not plain afterwards is refused.
    """
    raw = _load_json(data, "metadata.json", MAX_METADATA_BYTES)
    if not isinstance(raw, dict):
        raise PackageError("metadata.json must hold an object")
    if len(raw) > _MAX_KEYS:
        raise PackageError(f"metadata.json has over {_MAX_KEYS} fields")
    fields: dict[str, Any] = {}
    for key, value in raw.items():
        if len(key) > 64 or _clean_text(key) != key:
            raise PackageError(f"metadata.json has a field name that is not plain: {_shown(key)}")
        fields[key] = _checked_field(key, value)
    fields = {key: value for key, value in fields.items() if value is not _DROP}
    source, target = (
        _code(fields.get("from_code"), "from_code"),
        _code(fields.get("to_code"), "to_code"),
    )
    if source == target:
        raise PackageError(f"metadata.json translates {source} into itself")
    version = fields.get("package_version") or "0"
    return PackageMetadata(
        source=source,
        target=target,
        version=version,
        type=fields.get("type") or "translate",
        target_prefix=fields.get("target_prefix") or "",
        multilingual=bool(fields.get("languages")) or bool(fields.get("from_codes")),
        fields=fields,
    )


_DROP: Any = object()


def _checked_field(key: str, value: Any) -> Any:
    """A field's cleaned value, or _DROP for an unknown field that is not a short scalar."""
    if key == "package_version":
        return _version(value)
    if key in ("from_code", "to_code"):
        return _code(value, key)
    if key in ("type", "target_prefix"):
        return _text(value, key, 64)
    if key in _SHORT_TEXT_FIELDS:
        return _text(value, key, _SHORT_TEXT_FIELDS[key])
    if key in _CODE_LIST_FIELDS:
        return [_code(item, key) for item in _list(value, key)]
    if key in _LANGUAGE_LIST_FIELDS:
        return [_language(item, key) for item in _list(value, key)]
    if key in _TEXT_LIST_FIELDS:
        return [_text(item, key, _TEXT_LIST_FIELDS[key]) for item in _list(value, key)]
    if isinstance(value, str):
        return _text(value, key, _MAX_TEXT)
    if (
        value is None
        or isinstance(value, bool | int)
        or (isinstance(value, float) and math.isfinite(value))
    ):
        return value
    return _DROP


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), "a number" if isinstance(value, int | float) else "null"
    )


def _text(value: Any, key: str, limit: int) -> str:
    if not isinstance(value, str):
        raise PackageError(f"metadata.json: {key} must be text, not {_type_name(value)}")
    if len(value) > limit:
        raise PackageError(f"metadata.json: {key} is over {limit} characters")
    return _clean_text(value)


def _version(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # some packages write 1.1 as a number
    text = _text(value, "package_version", 64)
    if not _VERSION.fullmatch(text):
        raise PackageError(f"metadata.json: package_version {_shown(text)} is not a version")
    return text


def _code(value: Any, key: str) -> str:
    text = _text(value, key, 32)
    if not _CODE.fullmatch(text):
        raise PackageError(f"metadata.json: {key} {_shown(text)} is not a language code")
    return text


def _list(value: Any, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise PackageError(f"metadata.json: {key} must be a list, not {_type_name(value)}")
    if len(value) > _MAX_LIST:
        raise PackageError(f"metadata.json: {key} has over {_MAX_LIST} items")
    return value


def _language(value: Any, key: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise PackageError(f"metadata.json: {key} items must be objects, not {_type_name(value)}")
    language = {"code": _code(value.get("code"), f"{key} code")}
    if "name" in value:
        language["name"] = _text(value["name"], f"{key} name", 100)
    return language


def _clean_text(text: str) -> str:
    """Controls and escape sequences removed; a lone surrogate becomes U+FFFD."""
    return clean_line(text.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))


def shown_path(path: Path) -> str:
    """A path for a message or a listing: controls removed, undecodable bytes as U+FFFD."""
    return _clean_text(str(path))


def _shown(text: str) -> str:
    cleaned = _clean_text(text)
    return repr(cleaned if len(cleaned) <= 40 else cleaned[:37] + "…")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _bounded_int(digits: str) -> int:
    if len(digits) > 20:
        raise ValueError("a number of over 20 digits")
    return int(digits)


def _load_json(data: bytes, what: str, limit: int) -> Any:
    """JSON from outside: size-capped, strict UTF-8, no NaN, no huge numbers, no deep nesting."""
    if len(data) > limit:
        raise PackageError(f"{what} is over {limit // 1024**2 or 1} MB")
    try:
        return json.loads(
            data.decode("utf-8-sig"), parse_constant=_refuse_constant, parse_int=_bounded_int
        )
    except RecursionError:
        raise PackageError(f"{what} is nested too deeply") from None
    except UnicodeDecodeError:
        raise PackageError(f"{what} is not UTF-8 text") from None
    except ValueError as error:  # JSONDecodeError included
        reason = clean_line(str(error))[:120]
        raise PackageError(f"{what} is not valid JSON ({reason})") from None


# -- installed packages ------------------------------------------------------------------

INSTALLED_LIMITS = ArchiveLimits()
"""What an installed package folder may hold (the same as an archive)."""


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
            model = _inspect_package(folder)
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


def _inspect_package(folder: Path) -> InstalledModel | None:
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
        problem = _sentencepiece_problem(
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
        raw = _load_json(read_regular(folder / "metadata.json", MAX_METADATA_BYTES), "", 2**20)
    except (ArchiveError, PackageError, OSError):
        return None
    if not isinstance(raw, dict):
        return None
    source, target = raw.get("from_code"), raw.get("to_code")
    plain = [isinstance(code, str) and _CODE.fullmatch(code) for code in (source, target)]
    return (str(source), str(target)) if all(plain) and source != target else None


def find_model(models_dir: Path, source: str, target: str) -> InstalledModel | None:
    """The installed package for a direction (the newest version when there are several)."""
    matches = [m for m in installed_models(models_dir) if (m.source, m.target) == (source, target)]
    if not matches:
        return None
    return max(matches, key=lambda m: _version_key(m.version))


def _version_key(version: str) -> tuple[int, ...]:
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


# -- installing a file -------------------------------------------------------------------

ARCHIVE_LIMITS = ArchiveLimits(
    max_total_bytes=MAX_ARCHIVE_BYTES, max_member_bytes=MAX_ARCHIVE_BYTES
)
STAGING_PREFIX = ".installing-"
"""Hidden work folders in the models folder (removed at the next install or listing when
their process is gone)."""
DOWNLOAD_PREFIX = "download-"
"""Work folders of downloads in the cache folder."""
_SMOKE_TEXT = {"ko": "안녕하세요.", "en": "Hello."}


def install_folder_name(source: str, target: str, version: str) -> str:
    """The folder a package is installed as, from its checked metadata (never the archive):
    argospm's own naming, ``translate-ko_en-1_1``."""
    return f"translate-{source}_{target}-{version.replace('.', '_')}"


def remove_stale_work_folders(models_dir: Path, cache_dir: Path | None = None) -> list[Path]:
    """Delete install and download work folders left by a killed process; returns them."""
    removed = remove_stale_staging(models_dir, STAGING_PREFIX)
    if cache_dir is not None:
        removed += remove_stale_staging(cache_dir, DOWNLOAD_PREFIX)
    return removed


def validate_archive(archive: Path) -> tuple[str, dict[str, Any]]:
    """Check a ``.argosmodel`` without extracting it; returns (top folder, cleaned metadata)."""
    with _opened_archive(archive) as (_zip_file, top, _members, metadata):
        return top, metadata.fields


_DAMAGED_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    zlib.error,
    NotImplementedError,  # a compression method zipfile does not know
    ValueError,
    OverflowError,
)
"""What zipfile raises for a damaged or crafted archive (sizes, offsets, methods, data)."""


@contextmanager
def _opened_archive(
    archive: Path,
) -> Iterator[tuple[zipfile.ZipFile, str, list[Member], PackageMetadata]]:
    """The open zip, its top folder, its checked members and its checked metadata."""
    try:
        handle = open_regular(archive)
    except ArchiveError as error:
        if not archive.exists():
            raise PackageError(f"{shown_path(archive)}: no such file") from None
        raise PackageError(f"{shown_path(archive)}: {error}") from None
    with handle:
        if not zipfile.is_zipfile(handle):
            raise PackageError(f"{shown_path(archive)}: not an Argos package (not a zip archive)")
        try:
            with zipfile.ZipFile(handle) as zip_file:
                members = check_zip_members(zip_file, ARCHIVE_LIMITS)
                top = _single_top_folder(archive, members)
                metadata = _read_metadata(archive, zip_file, top, members)
                _require_model_files(archive, top, {m.path.as_posix() for m in members})
                yield zip_file, top, members, metadata
        except ArchiveError as error:
            raise PackageError(f"{shown_path(archive)}: {error}") from None
        except _DAMAGED_ZIP_ERRORS as error:
            reason = clean_line(str(error))[:120] or type(error).__name__
            raise PackageError(f"{shown_path(archive)}: damaged zip archive ({reason})") from None


def _single_top_folder(archive: Path, members: list[Member]) -> str:
    tops = set()
    for member in members:
        if len(member.path.parts) < 2 and not member.is_dir:
            raise PackageError(
                f"{shown_path(archive)}: file {shown_name(member.name)} outside the package folder"
            )
        tops.add(member.path.parts[0])
    if len(tops) != 1:
        raise PackageError(
            f"{shown_path(archive)}: expected one top-level folder, found {len(tops)}"
        )
    return tops.pop()


def _read_metadata(
    archive: Path, zip_file: zipfile.ZipFile, top: str, members: list[Member]
) -> PackageMetadata:
    if not any(m.path.as_posix() == f"{top}/metadata.json" for m in members):
        raise PackageError(f"{shown_path(archive)}: no metadata.json in the package folder")
    with zip_file.open(f"{top}/metadata.json") as stream:
        data = read_bounded(stream, MAX_METADATA_BYTES, "metadata.json")
    try:
        metadata = parse_metadata(data)
    except PackageError as error:
        raise PackageError(f"{shown_path(archive)}: {error}") from None
    if metadata.type != "translate":
        raise PackageError(
            f"{shown_path(archive)}: a {_shown(metadata.type)} package, not a translation model"
        )
    source, target = metadata.pair
    if source not in SUPPORTED_LANGUAGES or target not in SUPPORTED_LANGUAGES:
        raise PackageError(
            f"{shown_path(archive)}: metadata.json from_code/to_code are {source!r}/{target!r};"
            " reader uses ko→en and en→ko packages"
        )
    return metadata


def _require_model_files(archive: Path, top: str, names: set[str]) -> None:
    for required in ("model/model.bin", "model/config.json"):
        if f"{top}/{required}" not in names:
            raise PackageError(
                f"{shown_path(archive)}: no {required} in the package (not a CTranslate2 model)"
            )
    if f"{top}/sentencepiece.model" not in names and f"{top}/bpe.model" not in names:
        raise PackageError(
            f"{shown_path(archive)}: no sentencepiece.model or bpe.model in the package"
        )


def install_file(archive: Path, models_dir: Path) -> tuple[InstalledModel, list[InstalledModel]]:
    """Install a package file atomically; returns it and the packages it replaced.

    The install folder is named from the checked metadata, and only packages of the same
    direction are replaced. Nothing is left in ``models_dir`` when any step fails, and
    work folders of installs that were killed are removed first.
    """
    remove_stale_work_folders(models_dir)
    try:
        with (
            _opened_archive(archive) as (zip_file, _top, members, metadata),
            Staging(models_dir, STAGING_PREFIX) as staging,
        ):
            package = staging.path / "package"
            extract_zip(zip_file, members, package, ARCHIVE_LIMITS, strip=1)
            check_package_folder(archive, package, metadata)
            return _swap_in_package(staging.path, package, models_dir, metadata)
    except ArchiveError as error:
        raise PackageError(f"{shown_path(archive)}: {error}") from None
    except OSError as error:  # disk full, permissions …
        raise PackageError(f"{shown_path(archive)}: cannot install: {os_reason(error)}") from None


def check_package_folder(archive: Path, package: Path, metadata: PackageMetadata) -> None:
    """Check an extracted package before it is accepted: regular files under their caps,
    the tokenizer loads, the CTranslate2 model loads and translates a short sentence.

    The cleaned metadata is written back, so nothing unchecked stays in the package.
    Raises PackageError naming ``archive``.
    """
    try:
        check_folder(package, ARCHIVE_LIMITS)
    except ArchiveError as error:
        raise PackageError(f"{shown_path(archive)}: {error}") from None
    tokenizer = _check_tokenizer(archive, package)
    _check_model_loads(archive, package / "model", tokenizer, metadata)
    metadata_file = package / "metadata.json"
    metadata_file.unlink()
    text = json.dumps(metadata.fields, ensure_ascii=False, indent=2) + "\n"
    metadata_file.write_text(text, encoding="utf-8")


def _swap_in_package(
    staging: Path, package: Path, models_dir: Path, metadata: PackageMetadata
) -> tuple[InstalledModel, list[InstalledModel]]:
    installed, broken = scan_models(models_dir)
    replaced = [m for m in installed if m.pair == f"{metadata.source}-{metadata.target}"]
    old_paths = [m.path for m in replaced] + [b.path for b in broken if b.pair == metadata.pair]
    destination = models_dir / install_folder_name(
        metadata.source, metadata.target, metadata.version
    )
    if os.path.lexists(destination) and destination not in old_paths:
        raise PackageError(
            f"{shown_path(destination)} already exists and is not a"
            f" {metadata.source}→{metadata.target} package: move it away first"
        )
    _swap_in(staging, package, destination, old_paths)
    model = _inspect_package(destination)
    assert model is not None
    return model, replaced


def _swap_in(staging: Path, new: Path, destination: Path, old_paths: list[Path]) -> None:
    """Move the old package folders aside (into ``staging``, deleted with it), then the
    new one into place; if that fails, the old ones are put back."""
    moved: list[tuple[Path, Path]] = []
    try:
        for index, old in enumerate(old_paths):
            aside = staging / f".replaced-{index}"
            old.rename(aside)
            moved.append((aside, old))
        new.rename(destination)
    except OSError as error:
        for aside, old in reversed(moved):
            aside.rename(old)
        raise PackageError(
            f"cannot install into {shown_path(destination.parent)}: {os_reason(error)}"
        ) from None


def _check_tokenizer(archive: Path, package: Path) -> Any:
    """Load the SentencePiece model (returned), or check a BPE file is text (None)."""
    spm_file = package / "sentencepiece.model"
    try:
        if spm_file.exists():
            return load_sentencepiece(spm_file)
        _check_bpe(package / "bpe.model")
    except PackageError as error:
        raise PackageError(f"{shown_path(archive)}: {error}") from None
    return None


def load_sentencepiece(path: Path) -> Any:
    """A SentencePiece processor for ``path``, which must have a vocabulary and encode;
    raises PackageError (``sentencepiece.model does not load (…)``)."""
    import sentencepiece

    try:
        data = read_regular(path, ARCHIVE_LIMITS.member_cap(PurePosixPath(path.name)))
        if not data:
            raise ValueError("the file is empty")
        processor = sentencepiece.SentencePieceProcessor(model_proto=data)
        if processor.get_piece_size() < 2:
            raise ValueError("no vocabulary")
        processor.encode("test", out_type=str)
    except Exception as error:  # sentencepiece raises OSError, RuntimeError …
        reason = clean_line(str(error)).split(". ")[0][:120] or type(error).__name__
        raise PackageError(f"{path.name} does not load ({reason})") from None
    return processor


def _check_bpe(path: Path) -> None:
    try:
        data = read_regular(path, ARCHIVE_LIMITS.member_cap(PurePosixPath(path.name)))
        lines = data.decode("utf-8").splitlines()
    except (ArchiveError, UnicodeDecodeError):
        raise PackageError("bpe.model is not a readable UTF-8 text file") from None
    if not any(len(line.split()) == 2 for line in lines[:10]):
        raise PackageError("bpe.model holds no BPE merges")


@functools.lru_cache(maxsize=64)
def _sentencepiece_problem(path: str, size: int, modified: int) -> str | None:
    """Why an installed sentencepiece.model does not load (checked once per version of it)."""
    try:
        load_sentencepiece(Path(path))
    except PackageError as error:
        return str(error)
    return None


def _check_model_loads(
    archive: Path, model_dir: Path, tokenizer: Any = None, metadata: PackageMetadata | None = None
) -> None:
    """Load the CTranslate2 model; with a tokenizer, translate one short sentence too."""
    import ctranslate2

    try:
        translator = ctranslate2.Translator(
            str(model_dir), device="cpu", compute_type="auto", intra_threads=1
        )
        if tokenizer is not None and metadata is not None and not metadata.multilingual:
            tokens = tokenizer.encode(_SMOKE_TEXT.get(metadata.source, "Hello."), out_type=str)
            prefix = metadata.target_prefix
            translator.translate_batch(
                [tokens],
                target_prefix=[[prefix]] if prefix else None,
                beam_size=1,
                max_decoding_length=16,
            )
    except Exception as error:  # CTranslate2 raises RuntimeError, ValueError, OSError …
        reason = clean_line(str(error)).split(". ")[0][:200] or type(error).__name__
        raise PackageError(
            f"{shown_path(archive)}: the CTranslate2 model does not load ({reason})"
        ) from None


# -- the Argos package index -------------------------------------------------------------


def index_url() -> str:
    """Where the package index lives (``ARGOS_PACKAGE_INDEX`` overrides, as in argostranslate)."""
    base = os.environ.get("ARGOS_PACKAGE_INDEX") or DEFAULT_INDEX_URL
    return base if base.endswith(".json") else base.rstrip("/") + "/index.json"


MAX_INDEX_BYTES = 4 * 1024**2
"""The Argos index is ~100 KB; anything past this (once decompressed) is refused."""
INDEX_DEADLINE = 60.0
"""Seconds the whole index download may take."""
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_MAX_LINK_CHARS = 2048


def fetch_index(cache_dir: Path) -> list[AvailableModel]:
    """Download the index (short connect timeout, size-capped) and keep a copy in ``cache_dir``."""
    url = index_url()
    data = _http_get(url, what="the Argos package index", limit=MAX_INDEX_BYTES)
    try:
        entries = _load_json(data, "the Argos package index", MAX_INDEX_BYTES)
    except PackageError as error:
        raise PackageError(f"{error} (at {clean_line(url)})") from None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = cache_dir / (INDEX_FILE_NAME + ".part")
        partial.write_bytes(data)
        partial.replace(cache_dir / INDEX_FILE_NAME)
    except OSError as error:  # the copy is a convenience: the index itself was fetched
        log.warning("cannot keep a copy of the Argos index: %s", os_reason(error))
    return _available(entries)


def cached_index(cache_dir: Path) -> list[AvailableModel] | None:
    """The index fetched last time, or None when it never was (or the copy is unreadable)."""
    try:
        data = read_regular(cache_dir / INDEX_FILE_NAME, MAX_INDEX_BYTES)
        return _available(_load_json(data, "the cached index", MAX_INDEX_BYTES))
    except (ArchiveError, PackageError, OSError):
        return None


def _available(entries: Any) -> list[AvailableModel]:
    models = []
    for entry in entries[:10_000] if isinstance(entries, list) else []:
        model = _available_entry(entry)
        if model is not None:
            models.append(model)
    return models


def _available_entry(entry: Any) -> AvailableModel | None:
    """One index entry, checked like a package's metadata; None when unusable."""
    if not isinstance(entry, dict) or entry.get("type", "translate") != "translate":
        return None
    source, target = entry.get("from_code"), entry.get("to_code")
    if source not in SUPPORTED_LANGUAGES or target not in SUPPORTED_LANGUAGES or source == target:
        return None
    try:
        version = _version(entry.get("package_version", "0"))
    except PackageError:
        return None
    raw_links = entry.get("links")
    links = tuple(
        clean_line(link)
        for link in (raw_links[:20] if isinstance(raw_links, list) else [])
        if isinstance(link, str)
        and len(link) <= _MAX_LINK_CHARS
        and clean_line(link).startswith(("http://", "https://"))
    )
    size = entry.get("size") or entry.get("filesize")
    checksum = entry.get("sha256") or entry.get("checksum")
    return AvailableModel(
        source=source,
        target=target,
        version=version,
        links=links,
        size_bytes=size
        if isinstance(size, int) and not isinstance(size, bool) and size > 0
        else None,
        checksum=checksum.lower()
        if isinstance(checksum, str) and _HEX64.fullmatch(checksum)
        else None,
    )


def download_and_install(
    pair: str, models_dir: Path, cache_dir: Path, progress: ProgressCallback | None = None
) -> tuple[InstalledModel, list[InstalledModel]]:
    """Fetch ``pair`` from the Argos index, check it and install it.

    The download goes into a locked work folder in ``cache_dir`` (removed afterwards, or
    at the next install when the process was killed).
    """
    source, target = parse_pair(pair)
    remove_stale_work_folders(models_dir, cache_dir)
    available = [m for m in fetch_index(cache_dir) if (m.source, m.target) == (source, target)]
    available = [m for m in available if m.links]
    if not available:
        raise PackageError(f"the Argos package index has no {source}→{target} package")
    model = max(available, key=lambda m: _version_key(m.version))
    if model.size_bytes is not None and model.size_bytes > MAX_ARCHIVE_BYTES:
        raise PackageError(
            f"the index lists {source}→{target} at {model.size_bytes / 2**30:.1f} GB;"
            f" reader installs packages of at most {MAX_ARCHIVE_BYTES / 2**30:.0f} GB"
        )
    try:
        folder = Staging(cache_dir, DOWNLOAD_PREFIX)
    except OSError as error:
        where = shown_path(cache_dir)
        raise PackageError(f"cannot download into {where}: {os_reason(error)}") from None
    with folder:
        archive = folder.path / f"translate-{source}_{target}.argosmodel"
        _download(model, archive, progress)
        return install_file(archive, models_dir)


def _download(model: AvailableModel, archive: Path, progress: ProgressCallback | None) -> None:
    """Stream a package to ``archive``: at most the size the index states (or the ceiling)."""
    download_file(
        model.links[0],
        archive,
        progress,
        expected_size=model.size_bytes,
        sha256=model.checksum,
        source="the index",
    )


def download_file(
    url: str,
    destination: Path,
    progress: ProgressCallback | None = None,
    expected_size: int | None = None,
    sha256: str | None = None,
    source: str = "the catalogue",
) -> None:
    """Stream ``url`` into ``destination`` (a new file, in a :class:`Staging` folder).

    At most ``expected_size`` bytes (when known, else :data:`MAX_ARCHIVE_BYTES`),
    counted after every layer of Content-Encoding is inflated; then the size and the
    sha256 are checked against what ``source`` said. Raises PackageError (one line).
    """
    import httpx

    shown = clean_line(url)
    limit = expected_size if expected_size is not None else MAX_ARCHIVE_BYTES
    digest = hashlib.sha256()
    received = 0
    total = expected_size
    try:
        with _client() as client, client.stream("GET", url) as response:
            if response.status_code != 200:
                raise PackageError(f"download of {shown} failed: HTTP {response.status_code}")
            encodings = content_encodings(response.headers)
            length = _content_length(response.headers)
            if length is not None and length > limit + 65536 and not encodings:
                raise PackageError(f"download of {shown} is too large ({length} bytes)")
            if total is None and not encodings:
                total = length
            with destination.open("xb") as handle:
                for chunk in decoded_chunks(response.iter_raw(1 << 16), encodings, limit):
                    handle.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    if progress is not None:
                        progress(received, total)
    except httpx.HTTPError as error:
        raise PackageError(_network_message(url, error, "the package")) from None
    except TooLargeError:
        said = f"the size {source} states" if expected_size is not None else "the ceiling"
        raise PackageError(f"download of {shown} is larger than {said} ({limit} bytes)") from None
    except DownloadError as error:
        raise PackageError(f"download of {shown} failed: {error}") from None
    except OSError as error:  # the cache folder is full or not writable
        raise PackageError(f"cannot save the download of {shown}: {os_reason(error)}") from None
    if total is not None and received != total:
        raise PackageError(f"download of {shown} is incomplete ({received} of {total} bytes)")
    if sha256 and digest.hexdigest() != sha256.lower():
        raise PackageError(f"download of {shown} is damaged (sha256 does not match {source})")


def _content_length(headers: Any) -> int | None:
    value = headers.get("content-length", "")
    return int(value) if value.isdigit() and len(value) <= 18 else None


def _client() -> Any:
    import httpx

    timeout = httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT)
    return httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        trust_env=True,
        headers={"Accept-Encoding": ACCEPT_ENCODING},
    )


def _http_get(url: str, what: str, limit: int) -> bytes:
    """A whole response body of at most ``limit`` bytes once decompressed (every layer)."""
    import httpx

    shown = clean_line(url)
    deadline = time.monotonic() + INDEX_DEADLINE
    try:
        with _client() as client, client.stream("GET", url) as response:
            if response.status_code != 200:
                raise PackageError(f"cannot fetch {what} from {shown}: HTTP {response.status_code}")
            chunks = decoded_chunks(
                response.iter_raw(1 << 16), content_encodings(response.headers), limit, deadline
            )
            return b"".join(chunks)
    except httpx.HTTPError as error:
        raise PackageError(_network_message(url, error, what)) from None
    except DownloadError as error:
        raise PackageError(f"cannot fetch {what} from {shown}: {error}") from None


def _network_message(url: str, error: Exception, what: str) -> str:
    reason = clean_line(str(error))[:200] or type(error).__name__
    return (
        f"cannot download {what} from {clean_line(url)} ({reason}); are you offline? "
        "Get the .argosmodel file elsewhere and run `reader models install FILE.argosmodel`"
    )
