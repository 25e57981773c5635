"""Local documents: which files ``reader open`` reads (a regular text, Markdown or HTML
file of at most :data:`MAX_LOCAL_FILE_BYTES`), how their bytes are decoded and their
title and paragraphs found. Raises :class:`DocumentError` with a one-line message.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from reader.core.files import path_text, read_regular_file
from reader.core.text import clean_line, split_plain_text

MAX_LOCAL_FILE_BYTES = 20 * 1024 * 1024
"""Largest local file ``reader open`` imports; a bigger one is refused with a message."""

LOCAL_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"}
"""The file types read, by suffix (the content is not trusted to say)."""


class DocumentError(Exception):
    """A local file that cannot be read as a document; the message names it."""


class LocalDocument(NamedTuple):
    """A local file read: its paragraphs and its title."""

    paragraphs: list[str]
    title: str


def read_local_document(path: Path) -> LocalDocument:
    """Paragraphs and title of a local file: only a regular file of at most
    MAX_LOCAL_FILE_BYTES is read (a FIFO or a device is refused without blocking)."""
    shown = path_text(path)
    if not path.exists():
        raise DocumentError(f"{shown}: no such file")
    if path.is_dir():
        raise DocumentError(f"{shown}: is a folder; give a .txt, .md or .html file")
    suffix = path.suffix.lower()
    if suffix not in LOCAL_SUFFIXES:
        raise DocumentError(
            f"{shown}: unsupported file type {suffix or '(none)'}; use .txt, .md or .html"
        )
    size = path.stat().st_size
    if size > MAX_LOCAL_FILE_BYTES:
        raise DocumentError(
            f"{shown}: file too large ({size / 2**20:.1f} MB; the limit is "
            f"{MAX_LOCAL_FILE_BYTES // 2**20} MB)"
        )
    try:
        data = read_regular_file(path, MAX_LOCAL_FILE_BYTES)
    except OSError as error:
        raise DocumentError(f"{shown}: cannot read: {error.strerror or error}") from None
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{shown}: binary file, not text")
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
        raise DocumentError(
            f"{path_text(path)}: not valid UTF-8 and no text encoding could be detected"
        )
    return str(best)


def _text_document(text: str, path: Path) -> LocalDocument:
    """A text file: the first non-empty line is the title, the rest are paragraphs."""
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise DocumentError(f"{path_text(path)}: file is empty")
    paragraphs = split_plain_text("\n".join(lines[1:]))
    return LocalDocument(paragraphs, clean_line(lines[0]) or path_text(path.stem))


def _markdown_document(text: str, path: Path) -> LocalDocument:
    """A Markdown file read as Markdown: an opening heading is the title, else the first
    paragraph (shortened) is, and stays in the text."""
    from reader.core.html import markdown_document

    title, paragraphs = markdown_document(text)
    if not title and not paragraphs:
        raise DocumentError(f"{path_text(path)}: file is empty")
    return LocalDocument(paragraphs, title or _short_title(paragraphs) or path_text(path.stem))


def _short_title(paragraphs: list[str]) -> str:
    first = paragraphs[0] if paragraphs else ""
    return first if len(first) <= 80 else first[:79].rstrip() + "…"


def _html_document(text: str, path: Path) -> LocalDocument:
    from reader.core.html import html_title, html_to_paragraphs

    paragraphs = html_to_paragraphs(text)
    title = html_title(text) or (paragraphs[0][:80] if paragraphs else "")
    if not paragraphs and not title:
        raise DocumentError(f"{path_text(path)}: no text found in the HTML file")
    return LocalDocument(paragraphs, title or path_text(path.stem))
