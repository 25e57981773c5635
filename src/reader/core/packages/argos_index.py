"""The Argos package index, and downloading a package from it (size-capped, resumable
work folders, installed through :func:`~reader.core.packages.install.install_file`)."""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path
from typing import Any

from reader.core.bounded_http import (
    ACCEPT_ENCODING,
    DownloadError,
    TooLargeError,
    content_encodings,
    decoded_chunks,
)
from reader.core.packages.common import (
    CONNECT_TIMEOUT,
    DEFAULT_INDEX_URL,
    INDEX_FILE_NAME,
    MAX_ARCHIVE_BYTES,
    READ_TIMEOUT,
    SUPPORTED_LANGUAGES,
    AvailableModel,
    InstalledModel,
    PackageError,
    ProgressCallback,
    log,
)
from reader.core.packages.install import DOWNLOAD_PREFIX, install_file, remove_stale_work_folders
from reader.core.packages.installed import parse_pair, version_key
from reader.core.packages.metadata import (
    checked_version,
    load_json,
    shown_path,
)
from reader.core.safe_archive import (
    ArchiveError,
    Staging,
    os_reason,
    read_regular,
)
from reader.core.text import clean_line


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
        entries = load_json(data, "the Argos package index", MAX_INDEX_BYTES)
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
        return _available(load_json(data, "the cached index", MAX_INDEX_BYTES))
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
        version = checked_version(entry.get("package_version", "0"))
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
    model = max(available, key=lambda m: version_key(m.version))
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
