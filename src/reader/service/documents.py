"""Local documents: text, Markdown and HTML files, and pasted text, in the Local
collection."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.files import path_text, read_regular_file
from reader.core.models import (
    EntryData,
    FeedKind,
)
from reader.core.text import clean_line, detect_language, split_plain_text
from reader.service.errors import ServiceError
from reader.service.results import (
    OpenResult,
)

if TYPE_CHECKING:
    from reader.service.facade import ReaderService


MAX_LOCAL_FILE_BYTES = 20 * 1024 * 1024
"""Largest local file ``reader open`` imports; a bigger one is refused with a message."""


LOCAL_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"}


def open_path(service: ReaderService, path: Path) -> OpenResult:
    """Import a local text, Markdown or HTML file into the Local collection.

    The article's identity is the file's resolved path, so opening the same
    file again updates it instead of adding a copy.
    """
    paragraphs, title = _read_local_document(service, path)
    guid = "file:" + path_text(path.resolve())
    entry = EntryData(
        guid=guid,
        title=title,
        paragraphs=paragraphs,
        url=None,
        language=detect_language(" ".join(paragraphs[:20])),
    )
    return service.store_local_entry(entry)


def store_local_entry(service: ReaderService, entry: EntryData) -> OpenResult:
    """Put a document into the Local collection (files, pages, translator text)."""
    local = service.store.ensure_collection(FeedKind.LOCAL)
    new, updated = service.store.upsert_entries(local.id, [entry])
    article_id = service.store.article_id_by_guid(local.id, entry.guid)
    assert article_id is not None
    return OpenResult(service.article(article_id), created=new == 1, changed=bool(new or updated))


def save_text(service: ReaderService, text: str, title: str | None = None) -> OpenResult:
    """Save pasted text (from the translator screen) as a Local article."""
    paragraphs = split_plain_text(text)
    if not paragraphs:
        raise ServiceError("nothing to save: the text is empty")
    digest = hashlib.sha256("\n".join(paragraphs).encode()).hexdigest()[:16]
    entry = EntryData(
        guid="text:" + digest,
        title=clean_line(title) or paragraphs[0][:80],
        paragraphs=paragraphs,
        language=detect_language(" ".join(paragraphs[:20])),
    )
    return service.store_local_entry(entry)


def _read_local_document(service: ReaderService, path: Path) -> tuple[list[str], str]:
    """Paragraphs and title of a local file: only a regular file of at most
    MAX_LOCAL_FILE_BYTES is read (a FIFO or a device is refused without blocking)."""
    shown = path_text(path)
    if not path.exists():
        raise ServiceError(f"{shown}: no such file")
    if path.is_dir():
        raise ServiceError(f"{shown}: is a folder; give a .txt, .md or .html file")
    suffix = path.suffix.lower()
    if suffix not in LOCAL_SUFFIXES:
        raise ServiceError(
            f"{shown}: unsupported file type {suffix or '(none)'}; use .txt, .md or .html"
        )
    size = path.stat().st_size
    if size > MAX_LOCAL_FILE_BYTES:
        raise ServiceError(
            f"{shown}: file too large ({size / 2**20:.1f} MB; the limit is "
            f"{MAX_LOCAL_FILE_BYTES // 2**20} MB)"
        )
    try:
        data = read_regular_file(path, MAX_LOCAL_FILE_BYTES)
    except OSError as error:
        raise ServiceError(f"{shown}: cannot read: {error.strerror or error}") from None
    if b"\x00" in data[:8192]:
        raise ServiceError(f"{shown}: binary file, not text")
    text = _decode_text(data, path)
    if suffix in {".html", ".htm", ".xhtml"}:
        return _html_document(text, path)
    if suffix in {".md", ".markdown"}:
        return _markdown_document(text, path)
    return _text_document(text, path)


def _decode_text(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), else the encoding charset-normalizer finds."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ServiceError(
            f"{path_text(path)}: not valid UTF-8 and no text encoding could be detected"
        )
    return str(best)


def _text_document(text: str, path: Path) -> tuple[list[str], str]:
    """A text file: the first non-empty line is the title, the rest are paragraphs."""
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise ServiceError(f"{path_text(path)}: file is empty")
    paragraphs = split_plain_text("\n".join(lines[1:]))
    return paragraphs, clean_line(lines[0]) or path_text(path.stem)


def _markdown_document(text: str, path: Path) -> tuple[list[str], str]:
    """A Markdown file read as Markdown: an opening heading is the title, else the first
    paragraph (shortened) is, and stays in the text."""
    from reader.core.html import markdown_document

    title, paragraphs = markdown_document(text)
    if not title and not paragraphs:
        raise ServiceError(f"{path_text(path)}: file is empty")
    return paragraphs, title or _short_title(paragraphs) or path_text(path.stem)


def _short_title(paragraphs: list[str]) -> str:
    first = paragraphs[0] if paragraphs else ""
    return first if len(first) <= 80 else first[:79].rstrip() + "…"


def _html_document(text: str, path: Path) -> tuple[list[str], str]:
    from reader.core.html import html_title, html_to_paragraphs

    paragraphs = html_to_paragraphs(text)
    title = html_title(text) or (paragraphs[0][:80] if paragraphs else "")
    if not paragraphs and not title:
        raise ServiceError(f"{path_text(path)}: no text found in the HTML file")
    return paragraphs, title or path_text(path.stem)
