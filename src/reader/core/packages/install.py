"""Installing a package file: checked, extracted into a hidden folder beside the others,
its model loaded once, and only then renamed into place."""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reader.core.packages.common import (
    ARCHIVE_LIMITS,
    SUPPORTED_LANGUAGES,
    InstalledModel,
    PackageError,
)
from reader.core.packages.installed import inspect_package, scan_models
from reader.core.packages.metadata import (
    MAX_METADATA_BYTES,
    PackageMetadata,
    parse_metadata,
    shown_path,
    shown_text,
)
from reader.core.packages.tokenizers import check_bpe, load_sentencepiece
from reader.core.safe_archive import (
    ArchiveError,
    Member,
    Staging,
    check_folder,
    check_zip_members,
    extract_zip,
    open_regular,
    os_reason,
    read_bounded,
    remove_stale_staging,
    shown_name,
)
from reader.core.text import clean_line

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
            f"{shown_path(archive)}: a {shown_text(metadata.type)} package, not a translation model"
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
    model = inspect_package(destination)
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
        check_bpe(package / "bpe.model")
    except PackageError as error:
        raise PackageError(f"{shown_path(archive)}: {error}") from None
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
