"""Local documents: text, Markdown and HTML files, and pasted text, in the Local
collection."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.documents import DocumentError, read_local_document
from reader.core.files import path_text
from reader.core.models import (
    EntryData,
    FeedKind,
)
from reader.core.text import clean_line, sample_language, split_plain_text
from reader.service.errors import ServiceError
from reader.service.results import (
    OpenResult,
)

if TYPE_CHECKING:
    from reader.service.facade import ReaderService


def open_path(service: ReaderService, path: Path) -> OpenResult:
    """Import a local text, Markdown or HTML file into the Local collection.

    The article's identity is the file's resolved path, so opening the same
    file again updates it instead of adding a copy.
    """
    try:
        paragraphs, title = read_local_document(path)
    except DocumentError as error:
        raise ServiceError(str(error)) from None
    guid = "file:" + path_text(path.resolve())
    entry = EntryData(
        guid=guid,
        title=title,
        paragraphs=paragraphs,
        url=None,
        language=sample_language(paragraphs),
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
        language=sample_language(paragraphs),
    )
    return service.store_local_entry(entry)
