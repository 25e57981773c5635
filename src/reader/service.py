"""The one object the CLI and the UI talk to: it owns the store and the engines.

Everything here is synchronous and thread-safe enough to be called from Textual
thread workers; nothing here imports Textual or Rich.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from reader.config import Config, load_config
from reader.core.models import (
    DEMO_FEED_URL,
    Article,
    ArticleSummary,
    EntryData,
    Feed,
    FeedKind,
)
from reader.core.store import Store
from reader.core.text import clean_line, detect_language, split_plain_text
from reader.paths import Paths, get_paths

MAX_LOCAL_FILE_BYTES = 20 * 1024 * 1024
"""Largest local file ``reader open`` imports; a bigger one is refused with a message."""

LOCAL_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"}


class ServiceError(Exception):
    """An expected failure with a one-line message for the user."""


@dataclass
class OpenResult:
    article: Article
    created: bool


class ReaderService:
    """Facade over the store, feeds, translation and terms."""

    def __init__(self, paths: Paths | None = None, config: Config | None = None) -> None:
        self.paths = paths or get_paths()
        self.paths.ensure()
        self.config = config or load_config(self.paths.config_file)
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.paths.database)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    # -- articles ----------------------------------------------------------------------

    def list_articles(
        self,
        *,
        feed_id: int | None = None,
        unread: bool = False,
        starred: bool = False,
        kind: FeedKind | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[ArticleSummary]:
        return self.store.articles(
            feed_id=feed_id, unread=unread, starred=starred, kind=kind, limit=limit, offset=offset
        )

    def article(self, article_id: int) -> Article:
        article = self.store.article(article_id)
        if article is None:
            raise ServiceError(f"no article with id {article_id}")
        return article

    def count_articles(
        self,
        *,
        feed_id: int | None = None,
        unread: bool = False,
        starred: bool = False,
        kind: FeedKind | None = None,
    ) -> int:
        """How many articles :meth:`list_articles` would return with the same filters."""
        if feed_id is None:
            return self.store.count_articles(unread=unread, starred=starred, kind=kind)
        sql = "SELECT count(*) FROM articles WHERE feed_id = ?"
        sql += " AND read = 0" if unread else ""
        sql += " AND starred = 1" if starred else ""
        return int(self.store.query(sql, (feed_id,))[0][0])

    def search(self, query: str, limit: int = 100) -> list[ArticleSummary]:
        return self.store.search(query, limit=limit)

    def set_read(self, article_ids: list[int], read: bool = True) -> None:
        self._require_articles(article_ids)
        self.store.set_flag(article_ids, "read", read)

    def set_starred(self, article_ids: list[int], starred: bool = True) -> None:
        self._require_articles(article_ids)
        self.store.set_flag(article_ids, "starred", starred)

    def mark_all_read(self, feed: str | None = None) -> int:
        feed_id = self.resolve_feed(feed).id if feed else None
        return self.store.mark_all_read(feed_id)

    def _require_articles(self, article_ids: list[int]) -> None:
        for article_id in article_ids:
            if self.store.article(article_id) is None:
                raise ServiceError(f"no article with id {article_id}")

    # -- feeds and collections --------------------------------------------------------

    def ensure_demo(self, force: bool = False) -> Feed | None:
        """Create the Welcome collection once per database, and again with ``force``.

        Returns the collection, or None when the user removed it and did not ask
        for it back (``reader --demo``).
        """
        from reader.core.demo import demo_entries

        if self.store.get_meta("demo_offered") and not force:
            return self.store.feed_by_url(DEMO_FEED_URL)
        demo = self.store.ensure_collection(FeedKind.DEMO)
        self.store.upsert_entries(demo.id, demo_entries())
        self.store.set_meta("demo_offered", "1")
        return self.store.feed(demo.id)

    def feeds(self) -> list[Feed]:
        return self.store.feeds()

    def resolve_feed(self, feed: str) -> Feed:
        """A feed by id or by URL, as the user typed it."""
        found = self.store.feed(int(feed)) if feed.isdigit() else self.store.feed_by_url(feed)
        if found is None:
            raise ServiceError(f"no feed {feed!r} (give a feed id or URL; see `reader feeds`)")
        return found

    # -- local documents -------------------------------------------------------------

    def open_path(self, path: Path) -> OpenResult:
        """Import a local text, Markdown or HTML file into the Local collection.

        The article's identity is the file's resolved path, so opening the same
        file again updates it instead of adding a copy.
        """
        paragraphs, title = self._read_local_document(path)
        guid = "file:" + str(path.resolve())
        entry = EntryData(
            guid=guid,
            title=title,
            paragraphs=paragraphs,
            url=None,
            language=detect_language(" ".join(paragraphs[:20])),
        )
        return self.store_local_entry(entry)

    def store_local_entry(self, entry: EntryData) -> OpenResult:
        """Put a document into the Local collection (files, pages, translator text)."""
        local = self.store.ensure_collection(FeedKind.LOCAL)
        new, _updated = self.store.upsert_entries(local.id, [entry])
        article_id = self.store.article_id_by_guid(local.id, entry.guid)
        assert article_id is not None
        return OpenResult(self.article(article_id), created=new == 1)

    def save_text(self, text: str, title: str | None = None) -> OpenResult:
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
        return self.store_local_entry(entry)

    def _read_local_document(self, path: Path) -> tuple[list[str], str]:
        if not path.exists():
            raise ServiceError(f"{path}: no such file")
        if path.is_dir():
            raise ServiceError(f"{path}: is a folder; give a .txt, .md or .html file")
        suffix = path.suffix.lower()
        if suffix not in LOCAL_SUFFIXES:
            raise ServiceError(
                f"{path}: unsupported file type {suffix or '(none)'}; use .txt, .md or .html"
            )
        size = path.stat().st_size
        if size > MAX_LOCAL_FILE_BYTES:
            raise ServiceError(
                f"{path}: file too large ({size / 2**20:.1f} MB; the limit is "
                f"{MAX_LOCAL_FILE_BYTES // 2**20} MB)"
            )
        data = path.read_bytes()
        if b"\x00" in data[:8192]:
            raise ServiceError(f"{path}: binary file, not text")
        text = _decode_text(data, path)
        if suffix in {".html", ".htm", ".xhtml"}:
            return _html_document(text, path)
        return _text_document(text, path, markdown=suffix in {".md", ".markdown"})


def _decode_text(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), else the encoding charset-normalizer finds."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ServiceError(f"{path}: not valid UTF-8 and no text encoding could be detected")
    return str(best)


def _text_document(text: str, path: Path, markdown: bool) -> tuple[list[str], str]:
    """A text file: the first non-empty line is the title, the rest are paragraphs."""
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise ServiceError(f"{path}: file is empty")
    title = lines[0].lstrip("# ").strip() if markdown else lines[0]
    paragraphs = split_plain_text("\n".join(lines[1:]))
    if markdown:
        paragraphs = [p.lstrip("#").strip() if p.startswith("#") else p for p in paragraphs]
    return paragraphs, clean_line(title) or path.stem


def _html_document(text: str, path: Path) -> tuple[list[str], str]:
    from reader.core.html import html_title, html_to_paragraphs

    paragraphs = html_to_paragraphs(text)
    title = html_title(text) or (paragraphs[0][:80] if paragraphs else "")
    if not paragraphs and not title:
        raise ServiceError(f"{path}: no text found in the HTML file")
    return paragraphs, title or path.stem
