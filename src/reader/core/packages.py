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

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any

from reader.core.text import clean_line

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


# -- installed packages ------------------------------------------------------------------


def installed_models(models_dir: Path) -> list[InstalledModel]:
    """Installed translation packages, skipping folders that are not packages."""
    if not models_dir.is_dir():
        return []
    package_module = argos_package_module(models_dir)
    models = []
    for folder in sorted(models_dir.iterdir()):
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        try:
            package = package_module.Package(folder)
        except (OSError, ValueError):
            continue
        if getattr(package, "type", "translate") != "translate" or not package.from_code:
            continue
        models.append(_installed(folder, package))
    return models


def _installed(folder: Path, package: Any) -> InstalledModel:
    if (folder / "sentencepiece.model").exists():
        tokenizer = "sentencepiece"
    elif (folder / "bpe.model").exists():
        tokenizer = "bpe"
    else:
        tokenizer = "none"
    return InstalledModel(
        path=folder,
        source=str(package.from_code),
        target=str(package.to_code),
        version=str(package.package_version or "0"),
        tokenizer=tokenizer,
        multilingual=bool(package.languages) or bool(package.from_codes),
        target_prefix=str(package.target_prefix or ""),
        size_bytes=sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()),
    )


def find_model(models_dir: Path, source: str, target: str) -> InstalledModel | None:
    """The installed package for a direction (the newest version when there are several)."""
    matches = [m for m in installed_models(models_dir) if (m.source, m.target) == (source, target)]
    if not matches:
        return None
    return max(matches, key=lambda m: _version_key(m.version))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


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
    """Delete every installed package of a direction; returns what was removed."""
    source, target = parse_pair(pair)
    removed = [m for m in installed_models(models_dir) if (m.source, m.target) == (source, target)]
    if not removed:
        raise PackageError(f"no {source}→{target} model is installed")
    for model in removed:
        shutil.rmtree(model.path)
    return removed


# -- installing a file -------------------------------------------------------------------


def validate_archive(archive: Path) -> tuple[str, dict[str, Any]]:
    """Check a ``.argosmodel`` without extracting it; returns (top folder, metadata)."""
    if not archive.is_file():
        raise PackageError(f"{archive}: no such file")
    if not zipfile.is_zipfile(archive):
        raise PackageError(f"{archive}: not an Argos package (not a zip archive)")
    try:
        with zipfile.ZipFile(archive) as zip_file:
            infos = zip_file.infolist()
            top = _single_top_folder(archive, [info.filename for info in infos])
            total = sum(info.file_size for info in infos)
            if total > MAX_ARCHIVE_BYTES:
                raise PackageError(f"{archive}: too large once extracted ({total / 2**30:.1f} GB)")
            names = {info.filename.rstrip("/") for info in infos}
            metadata = _read_metadata(archive, zip_file, top, names)
            _require_model_files(archive, top, names)
    except zipfile.BadZipFile as error:
        raise PackageError(f"{archive}: damaged zip archive ({error})") from None
    return top, metadata


def _single_top_folder(archive: Path, names: list[str]) -> str:
    tops = set()
    for name in names:
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or "\\" in name:
            raise PackageError(f"{archive}: unsafe path inside the archive: {clean_line(name)!r}")
        if len(path.parts) < 2 and not name.endswith("/"):
            raise PackageError(f"{archive}: file {clean_line(name)!r} outside the package folder")
        tops.add(path.parts[0])
    if len(tops) != 1:
        raise PackageError(f"{archive}: expected one top-level folder, found {len(tops)}")
    top = tops.pop()
    if top.startswith("."):
        raise PackageError(f"{archive}: the package folder name may not start with a dot")
    return top


def _read_metadata(
    archive: Path, zip_file: zipfile.ZipFile, top: str, names: set[str]
) -> dict[str, Any]:
    if f"{top}/metadata.json" not in names:
        raise PackageError(f"{archive}: no metadata.json in {top}/")
    try:
        metadata = json.loads(zip_file.read(f"{top}/metadata.json").decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PackageError(f"{archive}: metadata.json is not valid JSON ({error})") from None
    if not isinstance(metadata, dict):
        raise PackageError(f"{archive}: metadata.json must hold an object")
    source, target = metadata.get("from_code"), metadata.get("to_code")
    if source not in SUPPORTED_LANGUAGES or target not in SUPPORTED_LANGUAGES or source == target:
        raise PackageError(
            f"{archive}: metadata.json from_code/to_code are {source!r}/{target!r};"
            " reader uses ko→en and en→ko packages"
        )
    return metadata


def _require_model_files(archive: Path, top: str, names: set[str]) -> None:
    for required in ("model/model.bin", "model/config.json"):
        if f"{top}/{required}" not in names:
            raise PackageError(f"{archive}: no {required} in {top}/ (not a CTranslate2 model)")
    if f"{top}/sentencepiece.model" not in names and f"{top}/bpe.model" not in names:
        raise PackageError(f"{archive}: no sentencepiece.model or bpe.model in {top}/")


def install_file(archive: Path, models_dir: Path) -> tuple[InstalledModel, list[InstalledModel]]:
    """Install a package file atomically; returns it and the packages it replaced.

    Nothing is left in ``models_dir`` when any step fails.
    """
    top, metadata = validate_archive(archive)
    models_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=models_dir))
    try:
        with zipfile.ZipFile(archive) as zip_file:
            zip_file.extractall(staging)
        _check_model_loads(archive, staging / top / "model")
        replaced = [
            m
            for m in installed_models(models_dir)
            if (m.source, m.target) == (metadata["from_code"], metadata["to_code"])
        ]
        _swap_in(staging, staging / top, models_dir / top, [m.path for m in replaced])
    except zipfile.BadZipFile as error:
        raise PackageError(f"{archive}: damaged zip archive ({error})") from None
    except OSError as error:  # disk full, permissions …
        raise PackageError(f"{archive}: cannot install: {error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    installed = find_model(models_dir, metadata["from_code"], metadata["to_code"])
    assert installed is not None
    return installed, replaced


def _swap_in(staging: Path, new: Path, destination: Path, old_paths: list[Path]) -> None:
    """Move the old package folders aside (into ``staging``, deleted with it), then the
    new one into place; if that fails, the old ones are put back."""
    moved: list[tuple[Path, Path]] = []
    if destination.exists() and destination not in old_paths:
        old_paths = [*old_paths, destination]
    try:
        for index, old in enumerate(old_paths):
            aside = staging / f".replaced-{index}"
            old.rename(aside)
            moved.append((aside, old))
        new.rename(destination)
    except OSError as error:
        for aside, old in reversed(moved):
            aside.rename(old)
        raise PackageError(f"cannot install into {destination.parent}: {error}") from None


def _check_model_loads(archive: Path, model_dir: Path) -> None:
    import ctranslate2

    try:
        ctranslate2.Translator(str(model_dir), device="cpu", compute_type="auto")
    except (RuntimeError, ValueError, OSError) as error:
        reason = clean_line(str(error)).split(". ")[0][:200]
        raise PackageError(f"{archive}: the CTranslate2 model does not load ({reason})") from None


# -- the Argos package index -------------------------------------------------------------


def index_url() -> str:
    """Where the package index lives (``ARGOS_PACKAGE_INDEX`` overrides, as in argostranslate)."""
    base = os.environ.get("ARGOS_PACKAGE_INDEX") or DEFAULT_INDEX_URL
    return base if base.endswith(".json") else base.rstrip("/") + "/index.json"


def fetch_index(cache_dir: Path) -> list[AvailableModel]:
    """Download the index (short connect timeout) and keep a copy in ``cache_dir``."""
    data = _http_get(index_url(), what="the Argos package index")
    try:
        entries = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackageError(f"the Argos package index at {index_url()} is not valid JSON") from None
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / INDEX_FILE_NAME).write_bytes(data)
    return _available(entries)


def cached_index(cache_dir: Path) -> list[AvailableModel] | None:
    """The index fetched last time, or None when it never was."""
    try:
        return _available(json.loads((cache_dir / INDEX_FILE_NAME).read_bytes()))
    except (OSError, ValueError):
        return None


def _available(entries: Any) -> list[AvailableModel]:
    models = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("type", "translate") != "translate":
            continue
        source, target = entry.get("from_code"), entry.get("to_code")
        if source not in SUPPORTED_LANGUAGES or target not in SUPPORTED_LANGUAGES:
            continue
        links = tuple(str(link) for link in entry.get("links", []) if isinstance(link, str))
        size = entry.get("size") or entry.get("filesize")
        checksum = entry.get("sha256") or entry.get("checksum")
        models.append(
            AvailableModel(
                source=source,
                target=target,
                version=str(entry.get("package_version", "")),
                links=links,
                size_bytes=int(size) if isinstance(size, int | float) else None,
                checksum=str(checksum) if checksum else None,
            )
        )
    return models


def download_and_install(
    pair: str, models_dir: Path, cache_dir: Path, progress: ProgressCallback | None = None
) -> tuple[InstalledModel, list[InstalledModel]]:
    """Fetch ``pair`` from the Argos index, check it and install it."""
    source, target = parse_pair(pair)
    available = [m for m in fetch_index(cache_dir) if (m.source, m.target) == (source, target)]
    if not available or not available[0].links:
        raise PackageError(f"the Argos package index has no {source}→{target} package")
    model = max(available, key=lambda m: _version_key(m.version))
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="download-", dir=cache_dir) as folder:
        archive = Path(folder) / f"translate-{source}_{target}.argosmodel"
        _download(model, archive, progress)
        return install_file(archive, models_dir)


def _download(model: AvailableModel, archive: Path, progress: ProgressCallback | None) -> None:
    import httpx

    link = model.links[0]
    digest = hashlib.sha256()
    received = 0
    try:
        with _client() as client, client.stream("GET", link) as response:
            if response.status_code != 200:
                raise PackageError(f"download of {link} failed: HTTP {response.status_code}")
            header = response.headers.get("content-length")
            total = int(header) if header and header.isdigit() else model.size_bytes
            with archive.open("wb") as handle:
                for chunk in response.iter_bytes(1 << 16):
                    handle.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    if progress is not None:
                        progress(received, total)
    except httpx.HTTPError as error:
        raise PackageError(_network_message(link, error, "the package")) from None
    expected = model.size_bytes if model.size_bytes is not None else total
    if expected is not None and received != expected:
        raise PackageError(f"download of {link} is incomplete ({received} of {expected} bytes)")
    if model.checksum and digest.hexdigest() != model.checksum.lower():
        raise PackageError(f"download of {link} is damaged (sha256 does not match the index)")


def _client() -> Any:
    import httpx

    timeout = httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT)
    return httpx.Client(timeout=timeout, follow_redirects=True, trust_env=True)


def _http_get(url: str, what: str) -> bytes:
    import httpx

    try:
        with _client() as client:
            response = client.get(url)
    except httpx.HTTPError as error:
        raise PackageError(_network_message(url, error, what)) from None
    if response.status_code != 200:
        raise PackageError(f"cannot fetch {what} from {url}: HTTP {response.status_code}")
    content: bytes = response.content
    return content


def _network_message(url: str, error: Exception, what: str) -> str:
    reason = clean_line(str(error)) or type(error).__name__
    return (
        f"cannot download {what} from {url} ({reason}); are you offline? "
        "Get the .argosmodel file elsewhere and run `reader models install FILE.argosmodel`"
    )
