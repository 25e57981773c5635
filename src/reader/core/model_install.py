"""Installing OPUS-MT, NLLB-200 and M2M-100 models: from a folder, an archive, or the hub.

A model comes from outside and is hostile until checked. Every way in ends the same:
the files are copied (or extracted, or downloaded) into a locked hidden staging folder
beside the installed models with core/safe_archive.py's bounded, link-refusing
functions; the folder must then be recognised as a family (core/model_families.py),
its direction known, and the model must load and translate one sentence; only then is
it renamed into place, replacing an older install of the same name in one step.
Whatever fails, the staging folder is deleted and the installed models are untouched.

Downloads fetch each of a catalogue entry's files from
``{HF_ENDPOINT or https://huggingface.co}/{repo}/resolve/{revision}/{path}`` (the hub's
layout; ``HF_ENDPOINT`` is the hub's own convention for a mirror), with its size and
sha256 checked: from the catalogue, or for large files the sha256 the hub sends as the
ETag of an LFS file. The connect timeout is short, so offline it fails in seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from reader.core.bounded_http import DownloadError, TooLargeError, content_encodings, decoded_chunks
from reader.core.model_families import ARGOS, FamilyError, detect_family, infer_pair
from reader.core.model_registry import (
    MODEL_FILE,
    CatalogueEntry,
    CatalogueFile,
    ModelEntry,
    reader_model,
)
from reader.core.packages import InstalledModel, PackageError, parse_pair
from reader.core.safe_archive import (
    ArchiveError,
    ArchiveLimits,
    Member,
    Staging,
    check_folder,
    check_tar_members,
    check_zip_members,
    copy_folder,
    extract_tar,
    extract_zip,
    remove_stale_staging,
    remove_tree,
)
from reader.core.text import clean_line

STAGING_PREFIX = ".installing-"
DEFAULT_ENDPOINT = "https://huggingface.co"
CONNECT_TIMEOUT = 4.0
READ_TIMEOUT = 30.0
LIMITS = ArchiveLimits(max_total_bytes=4 * 1024**3, max_member_bytes=4 * 1024**3)
"""Model folders are larger than Argos packages (NLLB-200 1.3B int8 is 1.4 GB)."""
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,99}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SMOKE_TEXT = {"ko": "안녕하세요.", "en": "Hello."}

ProgressCallback = Callable[[int, int | None], None]


class InstallError(Exception):
    """A model cannot be installed; one line for the user. Nothing was left behind."""


@dataclass(frozen=True)
class Installed:
    """An installed model and the same-named one it replaced (whose cache is stale)."""

    model: ModelEntry
    replaced: ModelEntry | None


def valid_name(name: str) -> str:
    """A model name that is safe as a folder name; raises InstallError otherwise."""
    if not _NAME.fullmatch(name):
        raise InstallError(
            f"unsuitable model name {clean_line(name)[:80]!r}: use letters, digits, . _ + -"
        )
    return name


def archive_kind(path: Path) -> str | None:
    """``zip`` or ``tar`` for the archive suffixes reader accepts, else None."""
    name = path.name.lower()
    if name.endswith(".zip"):
        return "zip"
    if name.endswith((".tar.gz", ".tgz", ".tar")):
        return "tar"
    return None


def default_name(path: Path) -> str:
    """The folder's name, or the archive's without its suffix."""
    name = path.name
    for suffix in (".tar.gz", ".tgz", ".tar", ".zip"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


# -- from a folder or an archive -------------------------------------------------------------


def install_path(
    path: Path, own_dir: Path, name: str | None = None, pair: str | None = None
) -> Installed:
    """Install a model folder, or a ``.zip`` / ``.tar.gz`` of one, into ``own_dir``."""
    shown = clean_line(str(path))
    if path.is_symlink():
        raise InstallError(f"{shown}: is a symbolic link")
    if not path.exists():
        raise InstallError(f"{shown}: no such file or folder")
    model_name = valid_name(name or default_name(path))
    if own_dir.is_dir():
        remove_stale_staging(own_dir, STAGING_PREFIX)
    try:
        with Staging(own_dir, STAGING_PREFIX) as staging:
            folder = staging.path / "model"
            folder.mkdir()
            if path.is_dir():
                copy_folder(path, check_folder(path, LIMITS), folder, LIMITS)
            else:
                _extract(path, folder)
            return _finish(folder, own_dir, model_name, pair, {"source": str(path)})
    except ArchiveError as error:
        raise InstallError(f"{shown}: {error}") from None
    except OSError as error:
        raise InstallError(f"{shown}: cannot install: {clean_line(str(error))}") from None


def _extract(archive: Path, folder: Path) -> None:
    """Extract into ``folder``; a single top folder in the archive is dropped."""
    kind = archive_kind(archive)
    if kind == "zip":
        try:
            with zipfile.ZipFile(archive) as zip_file:
                members = check_zip_members(zip_file, LIMITS)
                extract_zip(zip_file, members, folder, LIMITS, strip=_strip(members))
        except zipfile.BadZipFile as error:
            raise ArchiveError(f"damaged zip archive ({error})") from None
    elif kind == "tar":
        try:
            with tarfile.open(archive, "r:*") as tar:
                members = check_tar_members(tar, LIMITS)
                extract_tar(tar, members, folder, LIMITS, strip=_strip(members))
        except (tarfile.TarError, EOFError, OSError) as error:
            raise ArchiveError(f"damaged tar archive ({clean_line(str(error))})") from None
    else:
        raise ArchiveError(
            "not a model: give a model folder, a .zip or .tar.gz of one, or a .argosmodel"
        )


def _strip(members: list[Member]) -> int:
    """1 when every member is inside one top folder (``opus-mt-ko-en/model.bin``), else 0."""
    tops = {member.path.parts[0] for member in members}
    nested = all(len(m.path.parts) > 1 or m.is_dir for m in members)
    return 1 if len(tops) == 1 and nested else 0


def _finish(
    folder: Path, own_dir: Path, name: str, pair: str | None, info: dict[str, Any]
) -> Installed:
    """Recognise, check and move a staged model folder into place."""
    try:
        layout = detect_family(folder)
    except FamilyError as error:
        raise InstallError(str(error).replace(str(folder), name, 1)) from None
    if layout.family == ARGOS:
        raise InstallError(f"{name}: an Argos package: install its .argosmodel file instead")
    pairs = list(layout.pairs)
    if not pairs:
        pairs = [_one_direction(name, pair)]
    info = {**info, "name": name, "family": layout.family}
    info["pairs"] = [f"{source}-{target}" for source, target in pairs]
    info.setdefault("version", "local-" + _fingerprint(folder))
    (folder / MODEL_FILE).write_text(json.dumps(info, indent=2), encoding="utf-8")
    entry = reader_model(folder)
    _check_it_translates(name, entry)
    destination = own_dir / name
    replaced = reader_model(destination) if _is_model(destination) else None
    _swap_in(folder, destination)
    return Installed(reader_model(destination), replaced)


def _fingerprint(folder: Path) -> str:
    """The start of a sha256 over the folder's files: a folder installed again under the
    same name with other files gets another version, so its cached translations go."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name == MODEL_FILE:
            continue
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()[:10]


def _one_direction(name: str, pair: str | None) -> tuple[str, str]:
    if pair:
        try:
            return parse_pair(pair)
        except PackageError as error:
            raise InstallError(str(error)) from None
    inferred = infer_pair(name)
    if inferred is None:
        raise InstallError(f"{name}: a one-direction model: say which with --pair ko-en or en-ko")
    return inferred


def _is_model(folder: Path) -> bool:
    try:
        reader_model(folder)
    except (FamilyError, OSError):
        return False
    return True


def _check_it_translates(name: str, entry: ModelEntry) -> None:
    """Load the model with its tokenizer and translate one short sentence each way it serves."""
    from reader.config import TranslationConfig
    from reader.core.translation import CTranslate2Engine

    for source, target in entry.pairs:
        model = entry.for_direction(source, target)
        engine = CTranslate2Engine(_with_path(model, entry.path), TranslationConfig(threads=1))
        try:
            outcome = engine.translate([_SMOKE_TEXT[source]])[0]
        except Exception as error:  # CTranslate2 and SentencePiece raise many kinds
            reason = clean_line(str(error)).split(". ")[0][:200] or type(error).__name__
            raise InstallError(f"{name}: the model does not load ({reason})") from None
        if outcome.error:
            raise InstallError(f"{name}: the model does not translate ({outcome.error})")


def _with_path(model: InstalledModel, path: Path) -> InstalledModel:
    from dataclasses import replace

    return replace(model, path=path)


def _swap_in(folder: Path, destination: Path) -> None:
    """Rename the new folder into place; an old one of the same name is moved aside first
    (into the staging folder, deleted with it) and put back if the rename fails."""
    aside = folder.parent / "replaced"
    moved = False
    try:
        if destination.exists() or destination.is_symlink():
            destination.rename(aside)
            moved = True
        folder.rename(destination)
    except OSError as error:
        if moved and not destination.exists():
            aside.rename(destination)
        raise InstallError(f"cannot install into {destination.parent}: {error}") from None


def remove_model_folder(model: ModelEntry) -> None:
    remove_tree(model.path)


# -- from the hub -----------------------------------------------------------------------------


def endpoint() -> str:
    """The hub's base URL: ``HF_ENDPOINT`` (the hub's own variable for mirrors) or the hub."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def file_url(file: CatalogueFile) -> str:
    return f"{endpoint()}/{file.repo}/resolve/{file.revision}/{file.path}"


def download_entry(
    entry: CatalogueEntry, own_dir: Path, progress: ProgressCallback | None = None
) -> Installed:
    """Download a catalogue entry's pinned files, check them, and install the model."""
    if not entry.files:
        raise InstallError(f"{entry.name} has no download reader can verify: {entry.note}")
    for file in entry.files:
        if PurePosixPath(file.path).name != file.path or not _NAME.fullmatch(file.path):
            raise InstallError(f"{entry.name}: unsafe file name in the catalogue: {file.path!r}")
    known = sum(file.size or 0 for file in entry.files)
    total = entry.size_bytes or known or None
    done = 0

    def report(received: int) -> None:
        if progress is not None:
            progress(done + received, total)

    if own_dir.is_dir():
        remove_stale_staging(own_dir, STAGING_PREFIX)
    with Staging(own_dir, STAGING_PREFIX) as staging:
        folder = staging.path / "model"
        folder.mkdir()
        # A file whose size neither the catalogue nor the server gives may not outgrow
        # the whole model's stated size (a hostile server could stream forever).
        ceiling = int(entry.size_bytes * 1.1) + 2**20 if entry.size_bytes else None
        with _client() as client:
            for file in entry.files:
                done += _download_file(client, file, folder / file.path, report, ceiling)
        info = {
            "source": f"{endpoint()}/{entry.repo}",
            "catalogue": entry.name,
            "version": (entry.revision or "")[:12] or "hub",
            "licence": entry.licence,
        }
        pair = entry.pairs[0] if len(entry.pairs) == 1 else None
        return _finish(folder, own_dir, entry.name, pair, info)


def _client() -> Any:
    import httpx

    timeout = httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT)
    return httpx.Client(timeout=timeout, follow_redirects=True, trust_env=True)


def _download_file(
    client: Any,
    file: CatalogueFile,
    target: Path,
    report: Callable[[int], None],
    ceiling: int | None = None,
) -> int:
    """Stream one file to ``target``; returns its size. Raises InstallError when it is cut
    short, too long, or its sha256 is not the one expected."""
    import httpx

    url = file_url(file)
    shown = clean_line(url)
    digest = hashlib.sha256()
    received = 0
    try:
        with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise InstallError(f"download of {shown} failed: HTTP {response.status_code}")
            encodings = content_encodings(response.headers)
            length = _content_length(response.headers) if not encodings else None
            expected_size = file.size if file.size is not None else length
            limit = (
                expected_size if expected_size is not None else ceiling or LIMITS.max_member_bytes
            )
            if file.size is None and ceiling is not None and limit > ceiling:
                raise InstallError(f"download of {shown} is larger than expected ({limit} bytes)")
            expected_sha = file.sha256 or _lfs_sha256(response)
            with target.open("xb") as handle:
                for chunk in decoded_chunks(response.iter_raw(1 << 16), encodings, limit):
                    handle.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    report(received)
    except (httpx.ConnectError, httpx.ConnectTimeout) as error:
        reason = clean_line(str(error)) or type(error).__name__
        raise InstallError(f"cannot download {shown} ({reason}); are you offline?") from None
    except httpx.HTTPError as error:
        reason = clean_line(str(error)) or type(error).__name__
        raise InstallError(f"download of {shown} was cut short ({reason})") from None
    except TooLargeError:
        raise InstallError(f"download of {shown} is larger than expected ({limit} bytes)") from None
    except DownloadError as error:
        raise InstallError(f"download of {shown} failed: {error}") from None
    if expected_size is not None and received != expected_size:
        raise InstallError(
            f"download of {shown} is incomplete ({received} of {expected_size} bytes)"
        )
    if expected_sha is not None and digest.hexdigest() != expected_sha:
        raise InstallError(f"download of {shown} is damaged (its sha256 does not match)")
    return received


def _content_length(headers: Any) -> int | None:
    value = headers.get("content-length", "")
    return int(value) if value.isdigit() and len(value) <= 18 else None


def _lfs_sha256(response: Any) -> str | None:
    """The sha256 the hub gives an LFS file as its ETag (on the redirect, or the answer)."""
    for answer in [*response.history, response]:
        for header in ("x-linked-etag", "etag"):
            value = str(answer.headers.get(header, "")).strip().strip('"').lower()
            if value.startswith("w/"):
                continue
            if _SHA256.fullmatch(value):
                return value
    return None
