"""The one object the CLI and the UI talk to: it owns the store and the engines.

Everything here is synchronous and thread-safe enough to be called from Textual
thread workers; nothing here imports Textual or Rich.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from reader.analysis import Analyser, InProcessAnalyser
from reader.config import Config, load_config
from reader.core.files import path_text, read_regular_file
from reader.core.models import (
    DEMO_FEED_URL,
    Article,
    ArticleSummary,
    EntryData,
    Feed,
    FeedKind,
    Term,
)
from reader.core.store import Store
from reader.core.text import clean_line, detect_language, split_plain_text, strip_controls
from reader.core.urls import is_web_url, split_url
from reader.logfile import attach_log_file
from reader.paths import Paths, get_paths

if TYPE_CHECKING:
    from reader.core import bilingual_export
    from reader.core.bilingual_export import BilingualDocument
    from reader.core.dictionary import Dictionary, DictionaryStore, LookupResult
    from reader.core.dictionary_formats import ProgressCallback as DictionaryProgress
    from reader.core.exports import TermFilter
    from reader.core.feeds import FeedRefreshResult, FetchSettings, RefreshResults
    from reader.core.mining import MinedSentence, StoredArticle
    from reader.core.model_install import Installed
    from reader.core.model_registry import CatalogueEntry, ModelEntry
    from reader.core.models import Sentence
    from reader.core.packages import (
        AvailableModel,
        BrokenPackage,
        InstalledModel,
        ProgressCallback,
    )
    from reader.core.prefetch import ArticleWork, PrefetchDone
    from reader.core.query import Compiled
    from reader.core.query_store import SavedSearch
    from reader.core.steering import Glossary
    from reader.core.sync.engine import Account, SyncResult
    from reader.core.sync.fever import FeverClient
    from reader.core.terms import (
        Analysis,
        Difficulty,
        Occurrence,
        Suggestion,
        TermIndex,
        TermMatch,
    )
    from reader.core.translation import Outcome, Translations
    from reader.core.translation_queue import TranslationQueue

MAX_LOCAL_FILE_BYTES = 20 * 1024 * 1024
"""Largest local file ``reader open`` imports; a bigger one is refused with a message."""

MAX_LOOKUP_CHARS = 200
"""Longest text ``dict lookup`` analyses (a word or a short phrase)."""

MAX_SAVED_SEARCH_NAME = 100
"""Longest name of a saved search (it is shown in the sidebar)."""

LOCAL_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"}
PAGE_CONTENT_TYPES = {"text/html", "application/xhtml+xml", "text/plain"}
FEED_CONTENT_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}


class ServiceError(Exception):
    """An expected failure with a one-line message for the user."""


class LicenceNotAcceptedError(ServiceError):
    """A model's licence needs the user's yes (``--accept-licence``) before its download."""


def licence_notice(entry: CatalogueEntry) -> str:
    """One line naming a non-commercial licence and how to accept it."""
    return (
        f"{entry.name} is licensed {entry.licence}: non-commercial use only;"
        " run again with --accept-licence to download it"
    )


@dataclass
class TermResult:
    term: Term
    created: bool
    """False when the term was merged into one of the same lemma."""


@dataclass
class ImportResult:
    added: int
    merged: int
    refused: int = 0
    """Rows whose term is no word or phrase (``terms.check_term_text``), left out."""


@dataclass
class OpenResult:
    article: Article
    created: bool
    changed: bool = True
    """False when the document was imported before and its text is the same."""


@dataclass
class AddFeedResult:
    feed: Feed
    created: bool
    new: int = 0
    """Entries stored from the first fetch."""
    renamed: list[str] = field(default_factory=list)
    """For a feed already subscribed: which of ``title``/``folder`` were changed."""


@dataclass
class OpmlImportResult:
    added: list[Feed]
    skipped: int
    """Subscriptions already present (or listed twice in the file)."""
    invalid: list[str]
    """Outlines without a usable http(s) feed address."""


@dataclass
class FullTextResult:
    article: Article
    extracted: bool
    """False when no main text was found on the page and the summary was kept."""


class ReaderService:
    """Facade over the store, feeds, translation and terms."""

    def __init__(
        self,
        paths: Paths | None = None,
        config: Config | None = None,
        *,
        analyser: Analyser | None = None,
    ) -> None:
        self.paths = paths or get_paths()
        self.paths.ensure()
        attach_log_file(self.paths.log_file)  # warnings go to reader.log, not the screen
        self.config = config or load_config(self.paths.config_file)
        self.analyser: Analyser = analyser or InProcessAnalyser()
        """Where every analysis and sentence split is made (the TUI's: a helper process)."""
        self._store: Store | None = None
        self._term_index: TermIndex | None = None
        self._term_index_checked = 0.0
        self._term_signature: tuple[int, str, int] | None = None
        self._translations: Translations | None = None
        self._translation_queue: TranslationQueue | None = None
        self._dictionaries: DictionaryStore | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.paths.database)
        return self._store

    def close(self) -> None:
        if self._translation_queue is not None:
            self._translation_queue.close()
        if self._store is not None:
            self._store.close()
        if self._dictionaries is not None:
            self._dictionaries.close()

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
        folder: str | None = None,
    ) -> list[ArticleSummary]:
        return self.store.articles(
            feed_id=feed_id,
            unread=unread,
            starred=starred,
            kind=kind,
            limit=limit,
            offset=offset,
            folder=folder,
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
        folder: str | None = None,
    ) -> int:
        """How many articles :meth:`list_articles` would return with the same filters."""
        return self.store.count_articles(
            unread=unread, starred=starred, kind=kind, feed_id=feed_id, folder=folder
        )

    def article_ids(
        self,
        *,
        feed_id: int | None = None,
        unread: bool = False,
        starred: bool = False,
        kind: FeedKind | None = None,
        folder: str | None = None,
    ) -> list[int]:
        """The ids of every article :meth:`list_articles` would return with the same filters."""
        return self.store.article_ids(
            feed_id=feed_id, unread=unread, starred=starred, kind=kind, folder=folder
        )

    def unread_among(self, article_ids: Sequence[int]) -> list[int]:
        """Which of these articles are unread (for "Mark 12 articles read?")."""
        return self.store.unread_among(article_ids)

    def mark_read(self, article_ids: Sequence[int], read: bool = True) -> list[int]:
        """Set the read state of exactly these articles; returns the ids that changed.

        Passing the returned ids back with the opposite ``read`` undoes the change
        exactly: articles that already had the state are never touched.
        """
        return self.store.set_read_returning(article_ids, read)

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
        missing = self.store.missing_articles(article_ids)
        if missing:
            raise ServiceError(f"no article with id {missing[0]}")

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

    # -- subscriptions, refresh, web pages -------------------------------------------

    def fetch_settings(self) -> FetchSettings:
        from reader.core.feeds import FetchSettings

        return FetchSettings.from_config(self.config.refresh)

    def add_feed(
        self, url: str, title: str | None = None, folder: str | None = None
    ) -> AddFeedResult:
        """Subscribe to a feed, or to the feed a web page advertises, and store its entries."""
        from reader.core.feeds import FetchError, probe_feed, store_parsed

        url = _http_url_or_error(url, assume_http=True)
        existing = self.store.feed_by_url(url)
        if existing is not None:
            return self._rename_existing(existing, title, folder)
        try:
            probed = probe_feed(url, self.fetch_settings())
        except FetchError as error:
            raise ServiceError(f"cannot subscribe to {url}: {error}") from None
        feed_title = clean_line(title) or probed.parsed.title
        feed, created = self.store.add_feed(probed.url, feed_title, clean_line(folder) or None)
        if not created:
            return self._rename_existing(feed, title, folder)
        new, _updated = store_parsed(self.store, feed, probed.fetched, probed.parsed)
        return AddFeedResult(self.resolve_feed(str(feed.id)), created=True, new=new)

    def _rename_existing(self, feed: Feed, title: str | None, folder: str | None) -> AddFeedResult:
        """``add`` of a feed already subscribed: apply the ``--title``/``--folder``
        given (an empty folder takes the feed out of its folder)."""
        changes: dict[str, str | None] = {}
        if title is not None and clean_line(title) and clean_line(title) != feed.title:
            changes["title"] = clean_line(title)
        if folder is not None and (clean_line(folder) or None) != (feed.folder or None):
            changes["folder"] = clean_line(folder) or None
        if changes:
            self.store.update_feed(feed.id, **changes)
            feed = self.resolve_feed(str(feed.id))
        return AddFeedResult(feed, created=False, renamed=list(changes))

    def remove_feed(self, feed: str) -> Feed:
        """Unsubscribe; starred and annotated articles of the feed stay readable."""
        found = self.resolve_feed(feed)
        if found.kind is FeedKind.LOCAL:
            raise ServiceError("the Local collection is built in and cannot be removed")
        if found.kind is FeedKind.ACCOUNT:
            raise ServiceError(
                f"{found.title} belongs to a feed-server account: unsubscribe on the server"
                " (the next `reader accounts sync` removes it here)"
            )
        self.store.remove_feed(found.id)
        return found

    def refresh(
        self,
        feed: str | None = None,
        *,
        feed_ids: Sequence[int] | None = None,
        progress: Callable[[FeedRefreshResult], None] | None = None,
        force: bool = False,
    ) -> RefreshResults:
        """Fetch the feeds and store new entries; one result per feed.

        With ``feed`` (id or URL) or ``feed_ids`` only those are fetched, even if
        they are backing off; otherwise every subscription is, except feeds that
        keep failing and are waiting (``force`` includes them). ``progress`` is
        called after each feed finishes, on the calling thread. This method runs
        its own event loop and blocks until done: call it from a worker thread
        (called inside a running loop, it works, but blocks that loop).
        """
        from reader.core.feeds import refresh_feeds

        chosen = feed is not None or feed_ids is not None
        if feed is not None:
            feeds = [self.resolve_feed(feed)]
            if feeds[0].kind is FeedKind.ACCOUNT:
                raise ServiceError(
                    f"{feeds[0].title} belongs to a feed-server account: run `reader accounts sync`"
                )
        elif feed_ids is not None:
            feeds = [self.resolve_feed(str(feed_id)) for feed_id in feed_ids]
            feeds = [found for found in feeds if found.kind is not FeedKind.ACCOUNT]
        else:
            feeds = self.store.feeds(FeedKind.FEED)
        results = refresh_feeds(
            self.store, feeds, self.fetch_settings(), force=force or chosen, progress=progress
        )
        self.retention()
        return results

    def retention(self) -> int:
        """Delete read articles older than ``refresh.retention_days`` (never starred or annotated)."""
        days = self.config.refresh.retention_days
        if days <= 0:
            return 0
        before = (datetime.now(UTC) - timedelta(days=days)).replace(microsecond=0).isoformat()
        return self.store.delete_old_read(before)

    def import_opml(self, path: Path) -> OpmlImportResult:
        """Subscribe to every feed of an OPML file; folders become the feeds' folders."""
        from reader.core.opml import MAX_OPML_BYTES, OpmlError, parse_opml

        shown = path_text(path)
        try:
            document = parse_opml(read_regular_file(path, MAX_OPML_BYTES))
        except OSError as error:
            raise ServiceError(f"{shown}: cannot read: {error.strerror or error}") from None
        except OpmlError as error:
            raise ServiceError(f"{shown}: {error}") from None
        added: list[Feed] = []
        skipped = 0
        for item in document.feeds:
            feed, created = self.store.add_feed(item.url, item.title, item.folder)
            if created:
                if item.site_url:
                    self.store.update_feed(feed.id, site_url=item.site_url)
                added.append(feed)
            else:
                skipped += 1
        return OpmlImportResult(added=added, skipped=skipped, invalid=document.invalid)

    def export_opml(self, path: Path | None = None) -> str:
        """The subscriptions as OPML; written to ``path`` (atomically) when given."""
        from reader.core.files import write_file_atomically
        from reader.core.opml import export_opml

        text = export_opml(self.store.feeds(FeedKind.FEED))
        if path is not None:
            try:
                write_file_atomically(path, text.encode("utf-8"))
            except OSError as error:
                raise ServiceError(
                    f"{path_text(path)}: cannot write: {error.strerror or error}"
                ) from None
        return text

    def fetch_full(self, article_id: int) -> FullTextResult:
        """Replace an article's summary with its page's main text; the summary stays on failure."""
        from reader.core.fulltext import extract_main_text

        article = self.article(article_id)
        if not article.url:
            raise ServiceError(f"article {article_id} has no web address to fetch")
        html, final_url = self._fetch_page(_http_url_or_error(article.url))
        extracted = extract_main_text(html, final_url)
        if extracted is None:
            return FullTextResult(article, extracted=False)
        self.store.set_article_content(article_id, extracted.paragraphs, summary_only=False)
        return FullTextResult(self.article(article_id), extracted=True)

    def open_url(self, url: str) -> OpenResult:
        """Import a web page's main text into the Local collection (again: update it)."""
        from reader.core.fulltext import page_text

        url = _http_url_or_error(url)
        html, final_url = self._fetch_page(url)
        page = page_text(html, final_url)
        if not page.paragraphs:
            raise ServiceError(f"{url}: no text found on the page")
        entry = EntryData(
            guid="url:" + url,
            title=page.title or url,
            paragraphs=page.paragraphs,
            url=final_url,
            author=page.author,
            language=detect_language(" ".join([page.title, *page.paragraphs[:20]])),
        )
        return self.store_local_entry(entry)

    def _fetch_page(self, url: str) -> tuple[str, str]:
        """A web page's decoded HTML and final URL; feeds and non-HTML files are refused."""
        from reader.core.feedparse import decode_body
        from reader.core.feeds import ACCEPT_PAGES, fetch_one

        fetched = fetch_one(url, self.fetch_settings(), accept=ACCEPT_PAGES)
        if fetched.error or fetched.body is None:
            raise ServiceError(f"cannot fetch {url}: {fetched.error or 'empty response'}")
        kind = (fetched.content_type or "text/html").split(";")[0].strip().lower()
        if kind in FEED_CONTENT_TYPES:
            raise ServiceError(f"{url} is a feed; subscribe to it with `reader add {url}`")
        if kind not in PAGE_CONTENT_TYPES:
            raise ServiceError(f"{url} is not a web page ({kind})")
        return decode_body(fetched.body, fetched.content_type).text, fetched.final_url

    # -- local documents -------------------------------------------------------------

    def open_path(self, path: Path) -> OpenResult:
        """Import a local text, Markdown or HTML file into the Local collection.

        The article's identity is the file's resolved path, so opening the same
        file again updates it instead of adding a copy.
        """
        paragraphs, title = self._read_local_document(path)
        guid = "file:" + path_text(path.resolve())
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
        new, updated = self.store.upsert_entries(local.id, [entry])
        article_id = self.store.article_id_by_guid(local.id, entry.guid)
        assert article_id is not None
        return OpenResult(self.article(article_id), created=new == 1, changed=bool(new or updated))

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

    # -- terms -------------------------------------------------------------------------

    def add_term(
        self,
        text: str,
        *,
        gloss: str = "",
        lang: str | None = None,
        status: str | None = None,
        note: str = "",
        tags: Sequence[str] = (),
        lemma: str | None = None,
        sentence: str = "",
        sentence_translation: str = "",
        article_id: int | None = None,
    ) -> TermResult:
        """Add a term, or merge into the term of the same lemma (glosses and tags added)."""
        from reader.core import terms

        text = clean_line(text)
        if not text:
            raise ServiceError("the term is empty")
        _require_term_text(text)
        try:
            status_value = terms.normalize_status(status)
        except ValueError as error:
            raise ServiceError(str(error)) from None
        incoming = Term(
            id=0,
            lang=_term_lang(lang, text),
            text=text,
            lemma=clean_line(lemma),
            gloss=clean_line(gloss),
            note=strip_controls(note, keep_newlines=True).strip(),
            status=status_value,
            tags=terms.normalize_tags(tags),
            sentence=clean_line(sentence),
            sentence_translation=clean_line(sentence_translation),
            article_id=article_id,
        )
        return self._save_term(incoming, status_given=status is not None)

    def _save_term(self, incoming: Term, status_given: bool = True) -> TermResult:
        from reader.core import terms

        incoming.lemma = incoming.lemma or self.analyser.lemma_for(incoming.text, incoming.lang)
        incoming.pattern = self._term_pattern(incoming.text, incoming.lang)
        with self.store.transaction():
            existing = self.store.find_term(incoming.lang, incoming.lemma, incoming.pattern)
            if existing is None:
                result = TermResult(self.store.insert_term(incoming), created=True)
            else:
                merged = terms.merge_terms(existing, incoming, incoming_status=status_given)
                if merged != existing:
                    merged = self.store.update_term(merged)
                result = TermResult(merged, created=False)
        self._term_index = None
        return result

    def update_term(self, term: Term) -> Term:
        """Save an edited term (the annotation form); its pattern follows its text."""
        import sqlite3

        from reader.core import terms

        term.text = clean_line(term.text)
        if not term.text:
            raise ServiceError("the term is empty")
        _require_term_text(term.text)
        term.lang = terms.normalize_lang(term.lang)
        term.lemma = clean_line(term.lemma) or self.analyser.lemma_for(term.text, term.lang)
        try:
            term.status = terms.normalize_status(term.status)
        except ValueError as error:
            raise ServiceError(str(error)) from None
        term.tags = terms.normalize_tags(term.tags)
        term.pattern = self._term_pattern(term.text, term.lang)
        try:
            updated = self.store.update_term(term)
        except sqlite3.IntegrityError:
            raise ServiceError(f"another term already has the lemma {term.lemma!r}") from None
        self._term_index = None
        return updated

    def set_term_status(self, term_id: int, status: str) -> Term:
        """Set the status of a term (keys 1–5, K, I in the article view)."""
        term = self.term(term_id)
        term.status = status
        return self.update_term(term)

    def term(self, term_id: int) -> Term:
        found = self.store.term(term_id)
        if found is None:
            raise ServiceError(f"no term with id {term_id}")
        return found

    def delete_term(self, term_id: int) -> None:
        if not self.store.delete_terms([term_id]):
            raise ServiceError(f"no term with id {term_id}")
        self._term_index = None

    def remove_term(self, text: str, lang: str | None = None) -> int:
        """Delete the terms whose text or lemma is ``text`` (or its lemma); returns how many."""

        found = self._term_ids_named(text, lang)
        removed = self.store.delete_terms(found)
        self._term_index = None
        return removed

    def _term_ids_named(self, text: str, lang: str | None) -> list[int]:
        """The terms whose text or lemma is ``text`` (or its lemma); ServiceError if none."""
        text = clean_line(text)
        language = _term_lang(lang, text)
        wanted = {text, self.analyser.lemma_for(text, language)}
        found = [
            term.id
            for term in self.store.terms(lang=language)
            if term.text in wanted or term.lemma in wanted
        ]
        if not found:
            raise ServiceError(f"no term {text!r} in the glossary")
        return found

    def list_terms(
        self,
        *,
        lang: str | None = None,
        status: str | None = None,
        tag: str | None = None,
        text: str | None = None,
        order: str = "created",
        limit: int | None = None,
    ) -> list[Term]:
        from reader.core import terms

        try:
            status_value = terms.normalize_status(status) if status else None
        except ValueError as error:
            raise ServiceError(str(error)) from None
        return self.store.terms(
            lang=terms.normalize_lang(lang) if lang else None,
            status=status_value,
            tag=tag,
            text=text,
            order=order,
            limit=limit,
        )

    def lemma_for(self, surface: str, lang: str) -> str:
        """The dictionary form of a selected word or phrase (prefills the annotation form)."""
        return self.analyser.lemma_for(surface, lang)

    def _term_pattern(self, text: str, lang: str) -> str:
        """The pattern of a term's text (its analysis made by the analyser)."""
        from reader.core import terms

        return terms.pattern_of(self.analyser.analyse_many([text], lang)[0])

    def term_index(self) -> TermIndex:
        """The index used for highlighting; rebuilt when terms change (here or in another
        process — checked at most once a second)."""
        from reader.core import terms

        now = time.monotonic()
        if self._term_index is not None and now - self._term_index_checked < 1.0:
            return self._term_index
        signature = self.store.terms_signature()
        if self._term_index is None or signature != self._term_signature:
            self._fill_term_patterns()
            self._term_index = terms.TermIndex(
                terms.IndexedTerm(*row) for row in self.store.term_patterns()
            )
            self._term_signature = self.store.terms_signature()
        self._term_index_checked = now
        return self._term_index

    def term_patterns_outdated(self) -> bool:
        """Whether :meth:`term_index` would first analyse the texts of stored terms (a
        database from before patterns, or a new analyser)."""
        from reader.core import terms

        if self.store.get_meta("terms_analyser") != terms.ANALYSER_VERSION:
            return self.store.terms_signature()[0] > 0
        return bool(self.store.terms_without_pattern())

    def refresh_term_patterns(self) -> None:
        """Compute the patterns :meth:`term_patterns_outdated` reports missing."""
        self._fill_term_patterns()

    def _fill_term_patterns(self) -> None:
        """Compute the patterns of terms stored without one (older databases), or of
        every term when the analyser's keys changed (``ANALYSER_VERSION``)."""
        from reader.core import terms

        current = self.store.get_meta("terms_analyser") == terms.ANALYSER_VERSION
        missing = self.store.terms_without_pattern(every_term=not current)
        for lang in {lang for _id, lang, _text in missing}:
            of_lang = [(term_id, text) for term_id, term_lang, text in missing if term_lang == lang]
            analyses = self.analyser.analyse_many([text for _id, text in of_lang], lang, keep=False)
            patterns = [terms.pattern_of(analysis) for analysis in analyses]
            self.store.set_term_patterns(
                [
                    (term_id, pattern)
                    for (term_id, _text), pattern in zip(of_lang, patterns, strict=True)
                ]
            )
        if not current:
            self.store.set_meta("terms_analyser", terms.ANALYSER_VERSION)

    def match_terms(self, paragraph: str, lang: str) -> list[TermMatch]:
        """Glossary terms in one paragraph: (start, end, term id, status), NFC offsets."""
        index = self.term_index()
        return index.match(self.analyser.analyse_many([paragraph], lang)[0])

    def article_language(self, article: Article) -> str:
        """The language terms of this article are analysed and matched in."""
        return _article_lang(article)

    def article_term_matches(
        self, article: Article, lang: str | None = None
    ) -> list[list[TermMatch]]:
        """Glossary terms in each paragraph of an article (analysed in one batch, with
        its title, which suggestions need next), matched in ``lang`` (default: the
        article's own, :meth:`article_language`)."""
        index = self.term_index()
        lang = lang or _article_lang(article)
        analyses = self.analyser.analyse_many([article.title, *article.paragraphs], lang)
        return [index.match(analysis) for analysis in analyses[1:]]

    def suggest_terms(self, article_id: int, limit: int = 30) -> list[Suggestion]:
        """Candidate key terms of an article, ranked by TF-IDF over the analysed articles."""
        from reader.core import terms

        article = self.article(article_id)
        lang = _article_lang(article)
        analyses = self._index_article_vocabulary(article)
        candidates = terms.candidate_phrases(analyses)
        frequencies = self.store.document_frequencies(lang, "p", list(candidates))
        documents = self.store.vocab_documents(lang)
        existing = {
            pattern: (term_id, status)
            for term_id, term_lang, pattern, status in self.store.term_patterns()
            if term_lang == lang
        }
        levels, target = self._word_levels(lang, list(candidates), existing)
        return terms.rank_suggestions(
            candidates, lang, frequencies, documents, existing, limit, levels, target
        )

    def _word_levels(
        self, lang: str, patterns: list[str], existing: dict[str, tuple[int, str]]
    ) -> tuple[dict[str, int], int]:
        """The installed dictionaries' word levels of these Korean patterns, and the
        level the reader learns now (from the levels of the terms they know)."""
        from reader.core.dictionary import DictionaryError
        from reader.core.word_levels import pattern_lemma, target_level

        if lang != "ko" or not self.paths.dictionaries_database.exists():
            return {}, 1
        known = [pattern for pattern, (_, status) in existing.items() if status == "known"]
        lemmas = {pattern: pattern_lemma(pattern) for pattern in [*patterns, *known]}
        try:
            ranks = self.dictionaries.level_ranks(set(lemmas.values()))
        except DictionaryError:
            return {}, 1
        by_pattern = {pattern: ranks[lemma] for pattern, lemma in lemmas.items() if lemma in ranks}
        target = target_level(by_pattern[pattern] for pattern in known if pattern in by_pattern)
        return by_pattern, target

    def article_difficulty(self, article_id: int) -> Difficulty:
        """Share of the article's distinct content words that are known or ignored.

        Counting an article's words and phrases is the heaviest step of opening a long
        one, so the whole job runs on the analyser's side (the TUI's helper process).
        """
        article = self.article(article_id)
        return self.analyser.run_whole(self, _article_difficulty, article)

    def _article_difficulty(self, article: Article) -> Difficulty:
        self._index_article_vocabulary(article)
        return self.article_difficulties([article.id])[article.id]

    def article_difficulties(self, article_ids: Sequence[int]) -> dict[int, Difficulty]:
        """Difficulty of the articles already analysed (see :meth:`index_vocabulary`);
        one query, for sorting the article list."""
        from reader.core import terms

        counts = self.store.known_word_counts(article_ids)
        return {
            article_id: terms.Difficulty(article_id, words, known)
            for article_id, (words, known) in counts.items()
        }

    def index_vocabulary(self, limit: int | None = None) -> int:
        """Analyse articles never analysed (a background worker's job); returns how many.

        The whole job runs on the analyser's side (the TUI's helper process).
        """
        return self.analyser.run_whole(self, _index_vocabulary, limit)

    def vocabulary_pending_count(self) -> int:
        """How many articles :meth:`index_vocabulary` still has to analyse."""
        from reader.core.terms import ANALYSER_VERSION

        return len(self.store.articles_without_vocab(ANALYSER_VERSION))

    def vocabulary_pending(self) -> bool:
        """Whether some article was never analysed (:meth:`index_vocabulary` has work)."""
        from reader.core.terms import ANALYSER_VERSION

        return bool(self.store.articles_without_vocab(ANALYSER_VERSION, 1))

    def _index_article_vocabulary(self, article: Article, keep: bool = True) -> list[Analysis]:
        """The article's analyses (title and paragraphs, kept in the cache unless
        ``keep`` is false); its stored vocabulary is refreshed when its text changed."""
        from reader.core import terms

        lang = _article_lang(article)
        texts = [article.title, *article.paragraphs]
        analyses = self.analyser.analyse_many(texts, lang, keep=keep)
        digest = (
            terms.ANALYSER_VERSION
            + ":"
            + hashlib.sha256(json.dumps([lang, texts], ensure_ascii=False).encode()).hexdigest()
        )
        if self.store.vocab_hash(article.id) != digest:
            phrases = {p: c.count for p, c in terms.candidate_phrases(analyses).items()}
            words = terms.content_words(analyses)
            others = terms.other_words(analyses)
            self.store.replace_vocab(article.id, lang, digest, words, phrases, others)
        self._index_article_sentences(article)
        return analyses

    def term_occurrences(self, term_id: int, limit: int = 20) -> list[Occurrence]:
        """Where a term occurs in the analysed articles (newest first), with sentences.

        Articles are preselected by their stored vocabulary, then matched for real;
        articles not analysed yet (see :meth:`index_vocabulary`) are not searched. The
        whole search runs on the analyser's side (the TUI's helper process).
        """
        term = self.term(term_id)
        return self.analyser.run_whole(self, _term_occurrences, term, limit)

    def _term_occurrences(self, term: Term, limit: int) -> list[Occurrence]:
        from reader.core import terms

        index = terms.TermIndex([terms.IndexedTerm(term.id, term.lang, term.pattern, term.status)])
        found: list[Occurrence] = []
        keys = terms.word_keys(term.pattern)
        for article_id in self.store.articles_with_words(term.lang, keys):
            article = self.store.article(article_id)
            if article is None:
                continue
            analyses = self.analyser.analyse_many(article.paragraphs, term.lang)
            for number, analysis in enumerate(analyses):
                for match in index.match(analysis):
                    sentence = next(
                        (
                            s.text
                            for s in self.split_sentences(analysis.text, term.lang)
                            if s.start <= match.start < s.end
                        ),
                        analysis.text,
                    )
                    found.append(
                        terms.Occurrence(
                            article.id, article.title, number, match.start, match.end, sentence
                        )
                    )
                    if len(found) >= limit:
                        return found
        return found

    def term_frequencies(self) -> dict[int, int]:
        """Term id → how many analysed articles contain it (the glossary's frequency sort)."""
        return self.store.term_article_counts()

    def existing_glosses(self, surface: str, lang: str, lemma: str | None = None) -> list[str]:
        """Glosses the glossary already has for a word or phrase (the annotation form);
        pass ``lemma`` when it is known already."""
        from reader.core import terms

        language = terms.normalize_lang(lang)
        lemma = lemma or self.analyser.lemma_for(surface, language)
        term = self.store.find_term(language, lemma, self._term_pattern(surface, language))
        if term is None or not term.gloss:
            return []
        return term.gloss.split("; ")

    def gloss_suggestions(self, text: str, sentence: str, lang: str) -> list[tuple[str, str]]:
        """The engine's translations of a term and of the sentence it was met in, as
        (what, translation) pairs for the annotation form; empty without a model."""
        from reader.core.translation import NoModelError

        wanted = [
            (what, value) for what, value in (("term", text), ("sentence", sentence)) if value
        ]
        if not wanted:
            return []
        try:
            source, target = self.direction_for(text, lang)
            outcomes = self.translations.translate([value for _, value in wanted], source, target)
        except (NoModelError, ServiceError):
            return []
        return [
            (what, outcome.target)
            for (what, _), outcome in zip(wanted, outcomes, strict=True)
            if outcome is not None and not outcome.error and outcome.target.strip()
        ]

    def export_terms(
        self,
        format_name: str,
        target: Path | BinaryIO,
        *,
        cards: str = "term",
        selection: TermFilter | None = None,
    ) -> int:
        """Write the glossary as an Anki deck, CSV or TSV; returns how many terms (for
        sentence and cloze cards: how many notes, a term without a sentence has none).

        ``selection`` keeps only some terms (status, tag, created since); ``cards`` is
        ``term``, ``sentence`` or ``cloze`` (Anki only). A file is replaced atomically
        (:func:`reader.core.files.atomic_output`): a kill or a full disk leaves the
        previous file whole. ``target`` may also be an open binary stream (standard
        output); CSV/TSV then have no byte-order mark.
        """
        from reader.core.files import atomic_output

        if cards != "term" and format_name != "anki":
            raise ServiceError(f"--cards {cards} makes Anki notes: use it with --format anki")
        terms = self.store.terms(order="lemma")
        if selection is not None:
            terms = [term for term in terms if selection.keeps(term)]

        def write(output: BinaryIO, work_dir: Path | None, bom: bool) -> int:
            if cards == "term":
                return _write_glossary(format_name, terms, output, work_dir, bom)
            return self._write_sentence_cards(terms, cards, output, work_dir)

        if not isinstance(target, Path):
            try:
                return write(target, None, False)
            except BrokenPipeError:
                raise
            except OSError as error:
                reason = error.strerror or error
                raise ServiceError(f"standard output: cannot write: {reason}") from None
        try:
            with atomic_output(target) as handle:
                return write(handle, target.parent, True)
        except OSError as error:
            raise ServiceError(
                f"{path_text(target)}: cannot write: {error.strerror or error}"
            ) from None

    def import_terms(self, path: Path) -> ImportResult:
        """Read a CSV/TSV glossary; terms of a lemma already stored are merged into it."""
        from reader.core import exports, terms

        try:
            rows = exports.read_terms(path)
        except exports.GlossaryFileError as error:
            raise ServiceError(str(error)) from None
        added = merged = 0
        kept = [row for row in rows if _is_term_text(row.text)]
        refused, rows = len(rows) - len(kept), kept
        for row in rows:
            row.lang = _term_lang(row.lang or None, row.text)
        with self.store.transaction():
            for start in range(0, len(rows), _IMPORT_CHUNK):
                chunk = rows[start : start + _IMPORT_CHUNK]
                for lang in {row.lang for row in chunk}:  # one kiwipiepy batch per chunk
                    self.analyser.analyse_many(
                        [row.text for row in chunk if row.lang == lang], lang
                    )
                for row in chunk:
                    result = self._save_term(row)
                    added += result.created
                    merged += not result.created
        self._term_index = None
        terms.clear_analysis_cache()
        return ImportResult(added=added, merged=merged, refused=refused)

    # -- sentence cards (issue 15) -----------------------------------------------------

    def _write_sentence_cards(
        self, terms: list[Term], kind: str, output: BinaryIO, work_dir: Path | None
    ) -> int:
        """Sentence or cloze notes of ``terms``, each with its source article and the
        installed dictionaries' entry for its lemma."""
        from reader.core import sentence_cards

        articles: dict[int, Article | None] = {}
        lookup = self._card_dictionary()

        def cards() -> Any:
            for term in terms:
                if not term.sentence:
                    continue
                article = None
                if term.article_id is not None:
                    if term.article_id not in articles:
                        articles[term.article_id] = self.store.article(term.article_id)
                    article = articles[term.article_id]
                source = sentence_cards.CardSource(
                    title=article.title if article else "",
                    link=(article.url or "") if article else "",
                    dictionary=lookup(term),
                )
                yield term, source

        return sentence_cards.write_sentence_apkg(cards(), kind, output, work_dir)

    def _card_dictionary(self) -> Callable[[Term], str]:
        """A term's dictionary text for its card; empty when no dictionary is installed
        (the dictionaries file is not created just for an export)."""
        from reader.core import sentence_cards
        from reader.core.dictionary import DictionaryError

        if not self.paths.dictionaries_database.exists():
            return lambda term: ""
        store = self.dictionaries

        def lookup(term: Term) -> str:
            try:
                result = store.lookup(term.text, term.lemma, english=term.lang == "en", limit=5)
            except DictionaryError:
                return ""
            return sentence_cards.dictionary_text(result)

        return lookup

    # -- bilingual export (issue 15) ---------------------------------------------------

    def export_article(
        self, article_id: int, format_name: str, layout: str, target: Path | BinaryIO
    ) -> BilingualDocument:
        """Write an article with its translation as Markdown, HTML or EPUB (see
        :mod:`reader.core.bilingual_export`); a file is replaced atomically, a stream
        (standard output) written as it is. Raises :class:`ServiceError` (no model for
        the article's language, an unwritable file)."""
        from reader.core import bilingual_export, epub
        from reader.core.files import atomic_output
        from reader.core.store import utc_now

        if format_name not in bilingual_export.FORMATS:
            raise ServiceError(f"unknown format {format_name!r}: use md, html or epub")
        if layout not in bilingual_export.LAYOUTS:
            raise ServiceError(f"unknown layout {layout!r}: use interlinear or side-by-side")
        document = self.bilingual_document(article_id)
        if format_name == "epub":
            modified = utc_now().replace("+00:00", "Z")
            data = epub.epub_bytes(document, layout, modified)
        elif format_name == "html":
            data = bilingual_export.to_html(document, layout).encode("utf-8")
        else:
            data = bilingual_export.to_markdown(document, layout).encode("utf-8")
        if not isinstance(target, Path):
            try:
                target.write(data)
            except BrokenPipeError:
                raise
            except OSError as error:
                reason = error.strerror or error
                raise ServiceError(f"standard output: cannot write: {reason}") from None
            return document
        try:
            with atomic_output(target) as handle:
                handle.write(data)
        except OSError as error:
            raise ServiceError(
                f"{path_text(target)}: cannot write: {error.strerror or error}"
            ) from None
        return document

    def bilingual_document(self, article_id: int) -> BilingualDocument:
        """An article's sentences with their translations (cached ones reused, the
        others made now) and its glossary terms being learnt, numbered as footnotes."""
        import uuid

        from reader.core import bilingual_export as bilingual

        article = self.article(article_id)
        translated = self.translate_article_pairs(article)
        source, target = translated["source_lang"], translated["target_lang"]
        matches = self.article_term_matches(article)
        by_paragraph: dict[int, list[dict[str, Any]]] = {}
        for pair in translated["pairs"]:
            by_paragraph.setdefault(pair["paragraph"], []).append(pair)
        notes: dict[int, bilingual.Footnote] = {}
        paragraphs = []
        for index, paragraph in enumerate(article.paragraphs):
            sentences = self.split_sentences(paragraph, detect_language(paragraph) or source)
            segments = []
            for number, pair in enumerate(by_paragraph.get(index, [])):
                found = sentences[number] if number < len(sentences) else None
                marks: list[bilingual.Mark] = []
                if found is not None and found.text == pair["source"]:
                    marks = self._export_marks(matches[index], found, notes)
                own_source = pair.get("source_lang", source)
                own_target = pair.get("target_lang", target)
                segments.append(
                    bilingual.Segment(
                        pair["source"],
                        pair["target"],
                        own_source,
                        own_target,
                        tuple(marks),
                        edited=bool(pair.get("edited")),
                    )
                )
            paragraphs.append(segments)
        key = article.url or f"reader:article:{article.guid or article.id}"
        feed = self.store.feed(article.feed_id) if article.feed_id is not None else None
        publisher = article.feed_title if feed is not None and feed.kind == FeedKind.FEED else ""
        return bilingual.BilingualDocument(
            title=article.title,
            title_translation=self._title_translation(article.title, source, target),
            source_lang=source,
            target_lang=target,
            paragraphs=paragraphs,
            notes=sorted(notes.values(), key=lambda note: note.number),
            publisher=publisher,
            url=article.url or "",
            published=article.published or "",
            author=article.author or "",
            identifier=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}",
        )

    def _export_marks(
        self,
        matches: Sequence[TermMatch],
        sentence: Sentence,
        notes: dict[int, bilingual_export.Footnote],
    ) -> list[bilingual_export.Mark]:
        """The terms being learnt inside one sentence, offsets relative to it; a term met
        for the first time gets the next footnote number (``notes`` is filled in)."""
        from reader.core import bilingual_export as bilingual

        marks = []
        for match in matches:
            level = bilingual.status_level(match.status)
            if not level or match.start < sentence.start or match.end > sentence.end:
                continue
            note = notes.get(match.term_id)
            first = note is None
            if note is None:
                term = self.store.term(match.term_id)
                if term is None:
                    continue
                note = bilingual.Footnote(
                    len(notes) + 1, term.text, term.lemma, term.gloss, term.lang
                )
                notes[match.term_id] = note
            start, end = match.start - sentence.start, match.end - sentence.start
            marks.append(bilingual.Mark(start, end, note.number, level, first))
        return marks

    def _title_translation(self, title: str, source: str, target: str) -> str:
        """The title's translation, or empty when it cannot be made."""
        from reader.core.translation import NoModelError

        if not title.strip():
            return ""
        try:
            outcome = self.translations.translate([title], source, target)[0]
        except NoModelError:
            return ""
        if outcome is None or outcome.error:
            return ""
        return str(outcome.target)

    # -- sentence mining (issue 15) ----------------------------------------------------

    def mine_sentences(
        self, limit: int = 50, per_word: int = 1, include_terms: bool = False
    ) -> list[MinedSentence]:
        """Stored sentences with exactly one word not known yet (i+1), the most common
        words first, each with its cached translation (see :mod:`reader.core.mining`).
        Articles new or changed since the last call are analysed first, on the
        analyser's side (the TUI's helper process)."""
        return self.analyser.run_whole(self, _mine_sentences, limit, per_word, include_terms)

    def _mine_sentences(
        self, limit: int, per_word: int, include_terms: bool
    ) -> list[MinedSentence]:
        from reader.core import mining

        cache = mining.MiningCache(self.paths.cache_dir / mining.CACHE_FILE)
        try:
            cache.refresh(self._stored_articles())
            known, learning = self._mining_vocabulary()
            found = mining.mine(cache.rows(), known, learning, limit, per_word, include_terms)
        finally:
            cache.close()
        return self._with_cached_translations(found)

    def mine_add(
        self, number: int, gloss: str | None = None, per_word: int = 1, include_terms: bool = False
    ) -> tuple[MinedSentence, TermResult]:
        """Add the word of the ``number``-th mined sentence (1 is the first, as ``mine``
        lists them) as a term, with that sentence and its translation as its context;
        the gloss is ``gloss``, else the installed dictionaries' first glosses."""
        found = self.mine_sentences(number, per_word, include_terms)
        if number < 1 or number > len(found):
            raise ServiceError(f"no mined sentence {number}: `reader mine` lists {len(found)}")
        chosen = found[number - 1]
        return chosen, self.add_mined(chosen, gloss)

    def add_mined(self, chosen: MinedSentence, gloss: str | None = None) -> TermResult:
        """Add a mined sentence's word as a term, with that sentence and its translation
        as its context; the gloss is ``gloss``, else the dictionaries' first glosses."""
        return self.add_term(
            chosen.lemma,
            gloss=gloss if gloss is not None else self._dictionary_gloss(chosen),
            lang=chosen.lang,
            lemma=chosen.lemma,
            sentence=chosen.text,
            sentence_translation=chosen.translation,
            article_id=chosen.article_id,
        )

    def _stored_articles(self) -> Iterator[StoredArticle]:
        from reader.core.mining import StoredArticle

        rows = self.store.query("SELECT id, language, title, content FROM articles ORDER BY id")
        for row in rows:
            yield StoredArticle(int(row[0]), row[1], str(row[2]), str(row[3]))

    def _mining_vocabulary(self) -> tuple[dict[str, set[str]], dict[tuple[str, str], str]]:
        """Known patterns by language, and the statuses of the other terms' patterns."""
        from reader.core.terms import KNOWN_STATUSES

        self._fill_term_patterns()
        known: dict[str, set[str]] = {}
        learning: dict[tuple[str, str], str] = {}
        for _term_id, lang, pattern, status in self.store.term_patterns():
            if status in KNOWN_STATUSES:
                known.setdefault(lang, set()).add(pattern)
            else:
                learning[(lang, pattern)] = status
        return known, learning

    def _with_cached_translations(self, found: list[MinedSentence]) -> list[MinedSentence]:
        """The sentences with the translations the cache has (no model is run)."""
        import dataclasses

        from reader.core.translation import NoModelError

        translated: dict[tuple[str, str], str] = {}
        for lang in {sentence.lang for sentence in found}:
            target = "en" if lang == "ko" else "ko"
            texts = list(dict.fromkeys(s.text for s in found if s.lang == lang))
            try:
                # A cache-only pass (it stops before any model work), with the same
                # glossary and own translations as reading, so the keys are the same.
                outcomes = self.translations.translate(
                    texts,
                    lang,
                    target,
                    should_stop=lambda: True,
                    glossary=self.glossary_for((lang, target)),
                )
            except NoModelError:
                continue
            translated.update(
                ((lang, text), outcome.target)
                for text, outcome in zip(texts, outcomes, strict=True)
                if outcome is not None and outcome.error is None
            )
        return [
            dataclasses.replace(s, translation=translated.get((s.lang, s.text), "")) for s in found
        ]

    def _dictionary_gloss(self, sentence: MinedSentence) -> str:
        """The first glosses of the installed dictionaries' exact entry, or empty."""
        glosses = self.dictionary_glosses(sentence.word, sentence.lemma, sentence.lang, exact=True)
        return "; ".join(gloss for gloss, _ in glosses[:3])

    def dictionary_glosses(
        self, word: str, lemma: str, lang: str, *, exact: bool = False, limit: int = 6
    ) -> list[tuple[str, str]]:
        """Glosses the installed dictionaries give a word, as (gloss, dictionary name):
        for a Korean word its English equivalents, for an English word the Korean
        headwords that translate it; exact-lemma entries first (only those with
        ``exact``). Empty without dictionaries. ``lemma`` comes from the caller, so
        this never analyses text."""
        from reader.core.dictionary import DictionaryError

        if not self.paths.dictionaries_database.exists() or not word.strip():
            return []
        try:
            result = self.dictionaries.lookup(word, lemma or word, english=lang == "en", limit=20)
        except DictionaryError:
            return []
        found: list[tuple[str, str]] = []
        for entry in result.entries:
            if exact and entry.match != "exact":
                continue
            if entry.match == "compound":
                break
            if lang == "en":
                glosses = [entry.headword] if entry.match == "gloss" else []
            else:
                glosses = [
                    part.strip()
                    for sense in entry.senses
                    for part in sense.gloss.split(";")
                    if part.strip()
                ][:3]
            for gloss in glosses:
                if gloss not in (known for known, _ in found):
                    found.append((gloss, entry.dictionary))
        return found[:limit]

    # -- translation ---------------------------------------------------------------------

    @property
    def translations(self) -> Translations:
        """One translation engine per direction, in front of the cache."""
        if self._translations is None:
            from reader.core.translation import Translations

            models_dir = self.paths.effective_models_dir()
            self._translations = Translations(
                self.store, models_dir, self.config.translation, self.paths.own_models_dir
            )
        return self._translations

    @property
    def translation_queue(self) -> TranslationQueue:
        """The background translation queue (its worker starts with the first job)."""
        if self._translation_queue is None:
            from reader.core.translation_queue import TranslationQueue

            self._translation_queue = TranslationQueue(self.translations)
        return self._translation_queue

    def direction_for(
        self, item: Article | str, source: str = "auto", target: str | None = None
    ) -> tuple[str, str]:
        """(source, target): Korean text goes to English, anything else to Korean.

        Either side can be forced; a forced target alone implies the other language.
        """
        if source not in ("ko", "en") and target in ("ko", "en"):
            source = "en" if target == "ko" else "ko"
        elif source not in ("ko", "en"):
            if isinstance(item, str):
                source = detect_language(item[:5000]) or self.config.source_lang
            else:
                sample = " ".join([item.title, *item.paragraphs[:20]])
                source = detect_language(sample) or item.language or self.config.source_lang
        target = target or ("en" if source == "ko" else "ko")
        if target == source or target not in ("ko", "en"):
            raise ServiceError(f"cannot translate {source} to {target}: use ko→en or en→ko")
        return source, target

    def split_sentences(self, paragraph: str, lang: str) -> list[Sentence]:
        return self.analyser.split([paragraph], lang)[0]

    def split_paragraphs(self, paragraphs: Sequence[str], lang: str) -> list[list[Sentence]]:
        """The sentences of each paragraph, split in ``lang`` in one batch."""
        return self.analyser.split(paragraphs, lang)

    def warm_up_analysis(self, lang: str) -> None:
        """Get the analyser of ``lang`` ready in the background (the TUI's helper process
        loads kiwipiepy for Korean, which takes seconds); returns at once."""
        self.analyser.warm_up(lang)

    def paragraph_directions(
        self, paragraphs: list[str], direction: tuple[str, str], per_paragraph: bool | None = None
    ) -> list[tuple[str, str] | None]:
        """The direction each paragraph is translated in; None keeps it as it is.

        A paragraph written in the target language (a Korean quote in an English page)
        is translated the other way when ``per_paragraph`` (default: the
        ``[translation] per_paragraph`` setting) is on and both directions have a model;
        otherwise it is kept as it is. Pass ``per_paragraph=False`` for a direction the
        user forced.
        """
        source, target = direction
        languages = [detect_language(paragraph) for paragraph in paragraphs]
        if per_paragraph is None:
            per_paragraph = self.config.translation.per_paragraph
        if per_paragraph and target in languages and self.can_translate(target, source):
            return [(target, source) if lang == target else direction for lang in languages]
        return [None if lang == target else direction for lang in languages]

    def _serves(self, model: str | None, source: str, target: str) -> bool:
        """True when the installed model ``model`` translates ``source`` into ``target``."""
        from reader.core.model_registry import find_by_name

        found = find_by_name(self.translations.installed(), model) if model else None
        return found is not None and found.serves(source, target)

    def can_translate(self, source: str, target: str) -> bool:
        """True when a model (or a pivot) translates ``source`` into ``target``."""
        from reader.core.translation import NoModelError

        try:
            self.translations.engine(source, target)
        except NoModelError:
            return False
        return True

    def translate_paragraphs(
        self,
        paragraphs: list[str],
        source: str,
        target: str,
        per_paragraph: bool | None = None,
        model: str | None = None,
        glossary: bool | None = None,
    ) -> dict[str, Any]:
        """Translate sentence by sentence: ``{"source_lang", "target_lang", "model", "pairs"}``.

        Each paragraph goes the way :meth:`paragraph_directions` says: one in the target
        language is translated the other way (its pairs then carry their own
        ``source_lang``, ``target_lang`` and ``model``) or passed through as it is.
        ``model`` names the model for this call (``reader translate --model``) instead of
        the direction's chosen one; the other way uses it too when it serves it.
        ``glossary`` (default: the ``[translation] glossary`` setting) lets the glossary
        steer the translation; each pair then carries its ``terms``, ``confidence`` and
        ``reason`` (see :meth:`pair_details`).
        """
        from reader.core.translation import NoModelError

        directions = self.paragraph_directions(paragraphs, (source, target), per_paragraph)
        sentences = [
            (index, number, sentence.text)
            for index, paragraph in enumerate(paragraphs)
            for number, sentence in enumerate(
                self.split_sentences(paragraph, detect_language(paragraph) or source)
            )
        ]
        translated: dict[tuple[int, int], Any] = {}
        models: dict[tuple[str, str], str] = {}
        try:
            engine = self.translations.engine(source, target, model)
            models[(source, target)] = engine.model.model_id
            for way in dict.fromkeys(d for d in directions if d is not None):
                named = model if way == (source, target) or self._serves(model, *way) else None
                group = [s for s in sentences if directions[s[0]] == way]
                steering = self.glossary_for(way, glossary)
                outcomes = self.translations.translate(
                    [s[2] for s in group], *way, model=named, glossary=steering
                )
                models[way] = self.translations.engine(*way, named).model.model_id
                translated.update(((s[0], s[1]), o) for s, o in zip(group, outcomes, strict=True))
        except NoModelError as error:
            raise ServiceError(str(error)) from None
        pairs = []
        for index, number, text in sentences:
            outcome = translated.get((index, number))
            pair: dict[str, Any] = {"paragraph": index, "sentence": number, "source": text}
            pair["target"] = text if outcome is None else outcome.target
            if outcome is not None and outcome.error:
                pair["error"] = outcome.error
            if outcome is not None:
                pair.update(self.pair_details(outcome))
            own = directions[index]
            if own is not None and own != (source, target):
                pair.update(source_lang=own[0], target_lang=own[1], model=models[own])
            pairs.append(pair)
        return {
            "source_lang": source,
            "target_lang": target,
            "model": models[(source, target)],
            "pairs": pairs,
        }

    def translate_text(
        self,
        text: str,
        source: str = "auto",
        target: str | None = None,
        model: str | None = None,
        glossary: bool | None = None,
    ) -> dict[str, Any]:
        """Translate plain text; with the direction guessed (``source="auto"``, no target)
        each paragraph goes into the other language, a forced direction applies to all."""
        guessed = source not in ("ko", "en") and target not in ("ko", "en")
        source, target = self.direction_for(text, source, target)
        per_paragraph = None if guessed else False
        return self.translate_paragraphs(
            split_plain_text(text), source, target, per_paragraph, model=model, glossary=glossary
        )

    def translate_article_pairs(self, article: Article) -> dict[str, Any]:
        source, target = self.direction_for(article)
        return self.translate_paragraphs(article.paragraphs, source, target)

    def models_list(
        self, fetch_index: bool = False
    ) -> tuple[list[InstalledModel], list[AvailableModel] | None]:
        """Installed packages, and the Argos index (fetched now, or the last copy, or None)."""
        from reader.core import packages

        models_dir = self.paths.effective_models_dir()
        packages.remove_stale_work_folders(models_dir, self.paths.cache_dir)
        installed = packages.installed_models(models_dir, warn=False)
        try:
            if fetch_index:
                return installed, packages.fetch_index(self.paths.cache_dir)
        except packages.PackageError as error:
            raise ServiceError(str(error)) from None
        return installed, packages.cached_index(self.paths.cache_dir)

    def damaged_models(self) -> list[BrokenPackage]:
        """Installed folders that look like packages but are skipped, and why (`models list`
        shows them; every other command logs them once)."""
        from reader.core import packages

        return packages.broken_models(self.paths.effective_models_dir())

    def models_install(
        self,
        what: str,
        progress: ProgressCallback | None = None,
        name: str | None = None,
        pair: str | None = None,
        accept_licence: bool = False,
    ) -> ModelEntry:
        """Install a model: a ``.argosmodel`` file, a model folder or a ``.zip``/``.tar.gz``
        of one, a catalogue name (downloaded from the hub), or ``ko-en``/``en-ko`` (from
        the Argos index). A non-commercial licence needs ``accept_licence``.
        """
        from reader.core.model_install import archive_kind
        from reader.core.model_registry import catalogue_entry

        path = Path(what)
        if what.endswith(".argosmodel"):
            return self._install_argos(what, progress)
        if path.exists() or path.is_symlink() or archive_kind(path) is not None:
            return self._install_own(lambda own: self._install_path(path, own, name, pair))
        entry = catalogue_entry(what)
        if entry is None:
            if not _looks_like_pair(what):
                raise ServiceError(
                    f"{clean_line(what)[:200]}: no such file or folder, nor a model of"
                    " `reader models available`, nor ko-en / en-ko"
                )
            return self._install_argos(what, progress)
        if entry.argos_pair is not None:
            return self._install_argos(entry.argos_pair, progress)
        if entry.non_commercial and not accept_licence:
            raise LicenceNotAcceptedError(licence_notice(entry))
        return self._install_own(lambda own: self._download(entry, own, progress))

    @staticmethod
    def _install_path(path: Path, own: Path, name: str | None, pair: str | None) -> Installed:
        from reader.core.model_install import install_path

        return install_path(path, own, name, pair)

    @staticmethod
    def _download(entry: CatalogueEntry, own: Path, progress: ProgressCallback | None) -> Installed:
        from reader.core.model_install import download_entry

        return download_entry(entry, own, progress)

    def _install_own(self, install: Callable[[Path], Installed]) -> ModelEntry:
        """Run one of reader's own installs; the replaced model's cache is dropped."""
        from reader.core.model_install import InstallError

        try:
            installed = install(self.paths.own_models_dir)
        except InstallError as error:
            raise ServiceError(str(error)) from None
        old = installed.replaced
        if old is not None and old.model_id != installed.model.model_id:
            self.store.drop_translations(old.model_id)
        self.translations.forget()
        return installed.model

    def _install_argos(self, what: str, progress: ProgressCallback | None) -> ModelEntry:
        """Install a ``.argosmodel`` file, or download ``ko-en``/``en-ko`` from the Argos index."""
        from reader.core import packages
        from reader.core.model_registry import argos_entry

        models_dir = self.paths.effective_models_dir()
        try:
            if what.endswith(".argosmodel") or Path(what).exists():
                model, replaced = packages.install_file(Path(what), models_dir)
            else:
                model, replaced = packages.download_and_install(
                    what, models_dir, self.paths.cache_dir, progress
                )
        except packages.PackageError as error:
            raise ServiceError(str(error)) from None
        for old in replaced:
            if old.model_id != model.model_id:
                self.store.drop_translations(old.model_id)
        self.translations.forget()
        return argos_entry(model)

    def models_remove(self, what: str) -> list[ModelEntry]:
        """Remove a model by name (or a direction's Argos packages by pair), and only
        its cached translations."""
        from reader.core import packages
        from reader.core.model_install import remove_model_folder
        from reader.core.model_registry import argos_entry, find_by_name

        installed = self.translations.installed()
        model = find_by_name(installed, what)
        if model is not None and model.family != "argos":
            remove_model_folder(model)
            removed = [model]
        else:
            try:
                argos = packages.remove_model(
                    self.paths.effective_models_dir(),
                    model.argos.pair if model and model.argos else what,
                )
            except packages.PackageError as error:
                raise ServiceError(str(error)) from None
            removed = [argos_entry(m) for m in argos]
        for entry in removed:
            self.store.drop_translations(entry.name)
            for source, target in entry.pairs:
                if self.translations.preferred_model(source, target) == entry.name:
                    self.store.delete_meta(self._preference_key(source, target))
        self.translations.forget()
        return removed

    # -- offline dictionaries (issue 15) -------------------------------------------------

    @property
    def dictionaries(self) -> DictionaryStore:
        """The dictionaries database, opened on first use (a file apart from the store)."""
        if self._dictionaries is None:
            from reader.core.dictionary import DictionaryStore

            self._dictionaries = DictionaryStore(self.paths.dictionaries_database)
        return self._dictionaries

    def dict_install(self, path: Path, progress: DictionaryProgress | None = None) -> Dictionary:
        """Import a KRDict XML (or zip), kengdic TSV or Yomitan zip; replaces the same
        dictionary if installed. Raises :class:`ServiceError`; nothing changes then."""
        from reader.core.dictionary import DictionaryError

        try:
            return self.dictionaries.install(path, progress)
        except DictionaryError as error:
            raise ServiceError(str(error)) from None

    def dict_list(self) -> list[Dictionary]:
        from reader.core.dictionary import DictionaryError

        try:
            return self.dictionaries.dictionaries()
        except DictionaryError as error:
            raise ServiceError(str(error)) from None

    def dict_remove(self, name: str) -> Dictionary:
        from reader.core.dictionary import DictionaryError

        try:
            return self.dictionaries.remove(name)
        except DictionaryError as error:
            raise ServiceError(str(error)) from None

    def dict_lookup(self, word: str, limit: int = 50, lemma: str | None = None) -> LookupResult:
        """Entries for a word as it appears in text, found by its lemma (kiwipiepy is
        made by the analyser unless the caller gives ``lemma``), best first."""
        from reader.core.dictionary import DictionaryError, word_language

        word = clean_line(word)
        if not word:
            raise ServiceError("nothing to look up")
        if len(word) > MAX_LOOKUP_CHARS:
            raise ServiceError(f"too long to look up (more than {MAX_LOOKUP_CHARS} characters)")
        language = word_language(word)
        lemma = lemma or self._lookup_lemma(word, language)
        try:
            return self.dictionaries.lookup(word, lemma, english=language == "en", limit=limit)
        except DictionaryError as error:
            raise ServiceError(str(error)) from None

    def _lookup_lemma(self, word: str, language: str) -> str:
        """The lemma a looked-up word is found under (``dictionary.lemma_of``'s rule, the
        analysis made by the analyser)."""
        import unicodedata

        if language == "other":
            return unicodedata.normalize("NFC", word).strip()
        return self.analyser.lemma_for(word, language) or word

    # -- translation models (issue 11) ---------------------------------------------------

    @staticmethod
    def _preference_key(source: str, target: str) -> str:
        from reader.core.model_registry import PREFERENCE_KEY

        return PREFERENCE_KEY.format(pair=f"{source}-{target}")

    def models_installed(self) -> list[tuple[ModelEntry, list[str]]]:
        """Every installed model with the directions it serves now (``reader models list``)."""
        installed = self.translations.installed()
        serving: dict[str, list[str]] = {}
        for source, target in (("ko", "en"), ("en", "ko")):
            chosen = self.model_for(source, target, installed)
            if chosen is not None:
                serving.setdefault(chosen.model_id, []).append(f"{source}-{target}")
        return [(model, serving.get(model.model_id, [])) for model in installed]

    def model_for(
        self, source: str, target: str, installed: list[ModelEntry] | None = None
    ) -> ModelEntry | None:
        """The model that translates a direction now: the chosen one, else the best."""
        from reader.core.model_registry import choose

        models = self.translations.installed() if installed is None else installed
        return choose(models, source, target, self.translations.preferred_model(source, target))

    def models_for_direction(self, source: str, target: str) -> list[ModelEntry]:
        """The installed models that can translate a direction, best first."""
        serving = [m for m in self.translations.installed() if m.serves(source, target)]
        return sorted(serving, key=lambda m: (m.rank, m.name))

    def models_use(self, pair: str, name: str) -> ModelEntry:
        """Remember ``name`` as the model for a direction (raises ServiceError)."""
        from reader.core import packages
        from reader.core.model_registry import find_by_name

        try:
            source, target = packages.parse_pair(pair)
        except packages.PackageError as error:
            raise ServiceError(str(error)) from None
        model = find_by_name(self.translations.installed(), name)
        if model is None:
            raise ServiceError(f"no model named {name!r} is installed (see `reader models list`)")
        if not model.serves(source, target):
            served = ", ".join(model.pair_names)
            raise ServiceError(f"{model.name} translates {served}, not {source}-{target}")
        self.store.set_meta(self._preference_key(source, target), model.name)
        self.translations.forget()
        return model

    def models_available(self) -> list[CatalogueEntry]:
        """The catalogue of good models (shipped with reader, no network)."""
        from reader.core.model_registry import catalogue

        return list(catalogue())

    # -- feed-server accounts (issue 16) ----------------------------------------------

    def account_add(
        self, kind: str, url: str, user: str, password: str, name: str | None = None
    ) -> Account:
        """Check the credentials with the server, then keep the account and its API key
        (never the password). Raises ServiceError for a wrong password, a server that
        does not answer the API, or a name already used."""
        from reader.core.sync import engine, keys
        from reader.core.sync.account import SyncError
        from reader.core.sync.fever import FeverClient, fever_api_key

        if kind != "fever":
            raise ServiceError(f"unknown account kind {clean_line(kind)[:40]!r} (known: fever)")
        url = _http_url_or_error(url)
        user = clean_line(user)
        if not user or not password:
            raise ServiceError("a user name and a password are needed")
        name = name or _account_name(url)
        if not engine.ACCOUNT_NAME.fullmatch(name):
            raise ServiceError(
                f"account name {clean_line(name)[:60]!r}: use up to 40 letters, digits, . _ -"
            )
        if engine.account_by_name(self.store, name) is not None:
            raise ServiceError(f"there is already an account named {name}")
        api_key = fever_api_key(user, password)
        client = FeverClient(url, api_key)
        try:
            client.check()
        except SyncError as error:
            raise ServiceError(str(error)) from None
        finally:
            client.close()
        try:
            where = keys.save_key(self.paths.data_dir, name, api_key)
        except keys.AccountKeyError as error:
            raise ServiceError(str(error)) from None
        return engine.insert_account(self.store, name, kind, url, user, where)

    def accounts(self) -> list[Account]:
        from reader.core.sync import engine

        return engine.accounts(self.store)

    def account(self, name: str) -> Account:
        from reader.core.sync import engine

        found = engine.account_by_name(self.store, name)
        if found is None:
            raise ServiceError(f"no account named {clean_line(name)[:60]!r}")
        return found

    def account_of_feed(self, feed_id: int) -> Account | None:
        """The account whose server a feed comes from, or None for one of the user's own."""
        from reader.core.sync import engine

        return engine.account_of_feed(self.store, feed_id)

    def account_remove(self, name: str) -> Account:
        """Forget the account and its key; its starred and annotated articles stay."""
        from reader.core.sync import engine, keys

        found = self.account(name)
        engine.delete_account(self.store, found)
        keys.delete_key(self.paths.data_dir, found.name, found.key_store)
        return found

    def account_sync(
        self, name: str | None = None, progress: Callable[[str, str], None] | None = None
    ) -> list[SyncResult]:
        """Sync one account (or all); each result carries its own error, if any."""
        from reader.core.sync import engine

        chosen = [self.account(name)] if name else self.accounts()
        results = []
        for account in chosen:
            step = (lambda what, n=account.name: progress(n, what)) if progress else None
            work = partial(engine.sync_account, self.store, account, progress=step)
            results.append(self._with_client(account, work))
        self.retention()  # the same rule as for feeds: never starred or annotated articles
        return results

    def account_push(self, timeout: float | None = None) -> list[SyncResult]:
        """Send every account's queued flag changes now, without pulling (the app and
        ``reader read`` … call this after a change; a failure leaves the change queued
        for the next sync). ``timeout``: the most seconds one request may take."""
        from reader.core.sync import engine

        return [
            self._with_client(account, partial(engine.push_account, self.store, account), timeout)
            for account in self.accounts()
            if account.pending
        ]

    def _with_client(
        self,
        account: Account,
        work: Callable[[FeverClient], SyncResult],
        timeout: float | None = None,
    ) -> SyncResult:
        """``work`` with a client of the account's server (closed after); a key that
        cannot be found is the account's result, with its error."""
        from reader.core.sync import engine, keys
        from reader.core.sync.fever import REQUEST_SECONDS, FeverClient

        try:
            api_key = keys.load_key(self.paths.data_dir, account.name, account.key_store)
        except keys.AccountKeyError as error:
            return engine.SyncResult(account.name, error=str(error))
        client = FeverClient(account.url, api_key, timeout=timeout or REQUEST_SECONDS)
        try:
            return work(client)
        finally:
            client.close()

    # -- the query language and saved searches (issue 14) ----------------------------

    def query_articles(
        self,
        query: str,
        *,
        unread: bool = False,
        starred: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[ArticleSummary]:
        """Articles matching a query (see :mod:`reader.core.query`), newest first;
        ServiceError with the position for a query that is not valid."""
        from reader.core import query_store

        compiled = self._compiled_query(query)
        return query_store.select_articles(
            self.store.connection,
            compiled,
            unread=unread,
            starred=starred,
            limit=limit,
            offset=offset,
        )

    def count_query(self, query: str, *, unread: bool = False) -> int:
        """How many articles :meth:`query_articles` would list (``unread``: of them unread)."""
        from reader.core import query_store

        return query_store.count_articles(
            self.store.connection, self._compiled_query(query), unread=unread
        )

    def query_article_ids(self, query: str, *, unread: bool = False) -> list[int]:
        """The ids of every article matching a query (for mark-all-read), newest first."""
        from reader.core import query_store

        return query_store.article_ids(
            self.store.connection, self._compiled_query(query), unread=unread
        )

    def check_query(self, query: str) -> None:
        """ServiceError (with the position) unless ``query`` is valid."""
        self._compiled_query(query)

    def saved_searches(self) -> list[SavedSearch]:
        from reader.core import query_store

        return query_store.saved_searches(self.store.connection)

    def add_saved_search(self, name: str, query: str, replace: bool = False) -> SavedSearch:
        """Save a valid query under a name (one line, at most 100 characters); a name
        already taken is an error unless ``replace``."""
        from reader.core import query_store
        from reader.core.store import utc_now

        cleaned = clean_line(strip_controls(name))
        if not cleaned:
            raise ServiceError("a saved search needs a name")
        if len(cleaned) > MAX_SAVED_SEARCH_NAME:
            raise ServiceError(f"name longer than {MAX_SAVED_SEARCH_NAME} characters")
        text = clean_line(strip_controls(query))
        self.check_query(text)
        with self.store.transaction() as connection:
            if not query_store.add_saved_search(connection, cleaned, text, utc_now(), replace):
                raise ServiceError(
                    f"a saved search named {cleaned!r} exists; remove it first"
                    " (`reader saved remove`) or choose another name"
                )
            saved = query_store.saved_search(connection, cleaned)
        assert saved is not None
        return saved

    def remove_saved_search(self, name: str) -> SavedSearch:
        from reader.core import query_store

        with self.store.transaction() as connection:
            saved = query_store.saved_search(connection, clean_line(name))
            if saved is None:
                raise ServiceError(f"no saved search named {clean_line(name)!r}")
            query_store.remove_saved_search(connection, saved.name)
        return saved

    def saved_search_unread(self) -> dict[str, int]:
        """Each saved search's unread articles (a query this version cannot read: 0)."""
        counts: dict[str, int] = {}
        for saved in self.saved_searches():
            try:
                counts[saved.name] = self.count_query(saved.query, unread=True)
            except ServiceError:
                counts[saved.name] = 0
        return counts

    def query_needs_analysis(self, query: str) -> bool:
        """Whether a valid query reads analysed articles' data while some article was
        never analysed (or, for ``translated``, never split into sentences)."""
        from reader.core import query as query_language
        from reader.core import query_store

        try:
            node = query_language.parse(query)
        except query_language.QuerySyntaxError:
            return False
        if not query_language.uses_vocabulary(node):
            return False
        if self.vocabulary_pending():
            return True
        return query_language.uses_translation(node) and bool(
            query_store.articles_without_sentences(self.store.connection, 1)
        )

    def analyse_for_query(self, query: str, limit: int | None = None) -> int:
        """Analyse the articles a query's learning terms need (see
        :meth:`query_needs_analysis`); returns how many were analysed."""
        from reader.core import query as query_language
        from reader.core import query_store

        done = self.index_vocabulary(limit)
        if query_language.uses_translation(query_language.parse(query)):
            remaining = -1 if limit is None else max(0, limit - done)
            for article_id in query_store.articles_without_sentences(
                self.store.connection, remaining
            ):
                self._index_article_sentences(self.article(article_id))
                done += 1
        return done

    def _compiled_query(self, query: str) -> Compiled:
        from reader.core import query as query_language

        try:
            node = query_language.parse(query)
        except query_language.QuerySyntaxError as error:
            raise ServiceError(str(error)) from None
        context = query_language.QueryContext()
        if query_language.uses_translation(node):
            context = query_language.QueryContext(self._current_engines())
        return query_language.compile_query(node, context)

    def _current_engines(self) -> dict[tuple[str, str], tuple[str, str]]:
        """(model id, options) of the engine each direction translates with now."""
        from reader.core.translation import NoModelError

        engines: dict[tuple[str, str], tuple[str, str]] = {}
        for direction in (("ko", "en"), ("en", "ko")):
            try:
                engine = self.translations.engine(*direction)
            except NoModelError:
                continue
            engines[direction] = (engine.model.model_id, engine.options)
        return engines

    def _index_article_sentences(self, article: Article) -> None:
        """Store the hash of each sentence of an analysed article, in the direction its
        paragraph is translated (for ``translated``); once per analysis. The analyser
        splits them (in the app, in its helper process), one batch per language."""
        from reader.core import query_store
        from reader.core.translation import sentence_hash

        if not query_store.needs_sentences(self.store.connection, article.id):
            return
        try:
            direction = self.direction_for(article)
        except ServiceError:
            return
        directions = self.paragraph_directions(article.paragraphs, direction)
        by_lang: dict[str, list[tuple[str, tuple[str, str]]]] = {}
        for paragraph, way in zip(article.paragraphs, directions, strict=True):
            if way is not None:
                split_lang = detect_language(paragraph) or way[0]
                by_lang.setdefault(split_lang, []).append((paragraph, way))
        rows: list[tuple[str, str, str]] = []
        for split_lang, chosen in by_lang.items():
            split = self.split_paragraphs([paragraph for paragraph, _ in chosen], split_lang)
            for (_, way), sentences in zip(chosen, split, strict=True):
                rows.extend(
                    (way[0], way[1], sentence_hash(sentence.text))
                    for sentence in sentences
                    if sentence.text.strip()
                )
        with self.store.transaction() as connection:
            query_store.replace_sentences(connection, article.id, rows)

    # -- glossary steering, confidence, the reader's own translations (issue 12) ----------

    def glossary_for(self, direction: tuple[str, str], use: bool | None = None) -> Glossary | None:
        """The glossary that steers a direction, or None when steering is off (``use``
        False, or ``[translation] glossary = false`` when ``use`` is None)."""
        if not (self.config.translation.glossary if use is None else use):
            return None
        self.term_index()  # fills the patterns of terms stored without one
        return self.translations.glossary(*direction)

    @staticmethod
    def pair_details(outcome: Outcome) -> dict[str, Any]:
        """What a translated pair says beyond its target: the glossary terms it holds
        (``{"term", "gloss", "applied"}``), its confidence and reason, the n-best
        alternatives, and ``edited`` when the translation is the reader's own."""
        details: dict[str, Any] = {
            "terms": [term.as_json() for term in outcome.terms],
            "confidence": outcome.confidence,
            "reason": outcome.reason,
            "alternatives": list(outcome.alternatives),
        }
        if outcome.user:
            details["edited"] = outcome.user
        return details

    def set_term_keep(self, term_id: int, keep: bool = True) -> Term:
        """Flag a term "keep as is" (a name, a brand: shown untranslated) or unflag it."""
        from reader.core import translation_records

        term = self.term(term_id)
        with self.store.transaction() as connection:
            translation_records.set_kept(connection, term.id, keep)
        return term

    def keep_term_text(self, text: str, lang: str | None = None, keep: bool = True) -> int:
        """Flag (or unflag) "keep as is" the terms whose text or lemma is ``text``, as
        ``reader terms keep`` does; returns how many."""
        from reader.core import translation_records

        found = self._term_ids_named(text, lang)
        with self.store.transaction() as connection:
            for term_id in found:
                translation_records.set_kept(connection, term_id, keep)
        return len(found)

    def set_sentence_translation(
        self, source: str, source_lang: str, target_lang: str, target: str, kind: str = "edit"
    ) -> str:
        """Keep the reader's own translation of a sentence: ``kind`` is ``edit`` (written
        by the reader) or ``alternative`` (one of the model's n-best, chosen). It beats
        any model and any cache wherever the same sentence is translated the same way,
        and stays until the source sentence changes. An empty ``target`` forgets it.
        Returns the translation as kept (one line, control characters gone)."""
        from reader.core import translation_records as records
        from reader.core.translation import sentence_hash

        text = clean_line(target)
        if len(text) > records.MAX_USER_TRANSLATION_CHARS:
            raise ServiceError(
                f"a translation of at most {records.MAX_USER_TRANSLATION_CHARS} characters"
            )
        if kind not in records.USER_KINDS:
            raise ServiceError(f"unknown kind of translation {kind!r}")
        digest = sentence_hash(source)
        with self.store.transaction() as connection:
            if not text:
                records.delete_user_translation(connection, source_lang, target_lang, digest)
            else:
                records.set_user_translation(
                    connection, source_lang, target_lang, digest, source, text, kind
                )
        return text

    def set_text_translation(
        self, text: str, translation: str, source: str = "auto", target: str | None = None
    ) -> tuple[str, str, str]:
        """Keep the reader's translation of one sentence given as plain text (``reader
        translate --set``); the direction is guessed as for :meth:`translate_text`.
        Returns (sentence, direction as ``ko→en``, the translation kept — empty when
        forgotten). Raises ServiceError for more or less than one sentence."""
        source, target = self.direction_for(text, source, target)
        sentences = [
            sentence.text
            for paragraph in split_plain_text(text)
            for sentence in self.split_sentences(paragraph, source)
        ]
        if len(sentences) != 1:
            raise ServiceError(
                f"--set keeps the translation of one sentence; the text has {len(sentences)}"
            )
        kept = self.set_sentence_translation(sentences[0], source, target, translation)
        return sentences[0], f"{source}→{target}", kept

    def kept_terms(self) -> frozenset[int]:
        """Ids of the terms flagged "keep as is"."""
        from reader.core import translation_records

        return translation_records.kept_terms(self.store.connection)

    # -- feed settings (issue 14): the logic is in reader.core.feed_settings ----------

    def find_feed(self, feed: str) -> Feed:
        """A feed by id, URL or title (a title two feeds share needs the id)."""
        from reader.core.feed_settings import feeds_titled

        found = self.store.feed(int(feed)) if feed.isdigit() else self.store.feed_by_url(feed)
        titled = [found] if found is not None else feeds_titled(self.store.feeds(), feed)
        if len(titled) > 1:
            ids = ", ".join(str(each.id) for each in titled)
            raise ServiceError(f"{len(titled)} feeds are titled {feed!r}: give the id ({ids})")
        if not titled:
            raise ServiceError(
                f"no feed {feed!r} (give a feed id, URL or title; see `reader feeds`)"
            )
        return titled[0]

    def set_feed_settings(self, feed: str, assignments: Sequence[str]) -> Feed:
        """Apply ``key=value`` settings to a feed (id, URL or title), all or none."""
        from reader.core.feed_settings import FeedSettingError, apply_assignments

        try:
            return apply_assignments(self.store, self.find_feed(feed), assignments)
        except FeedSettingError as error:
            raise ServiceError(str(error)) from None

    # -- translating ahead: prefetch, new articles of a refresh (issue 14) -----------------

    def translation_ready(self, article_ids: Sequence[int]) -> set[int]:
        """The articles among these whose every sentence is in the translation cache of
        the model its direction uses now (analysed ones: see ``translated``); one query."""
        from reader.core import prefetch

        analysed = prefetch.with_sentences(self.store.connection, article_ids)
        if not analysed:
            return set()
        translated = self._compiled_query("translated")
        return prefetch.ready_among(self.store.connection, translated, analysed)

    def prepare_article(self, article_id: int) -> ArticleWork:
        """The article's sentences and directions, as the app submits them to the queue."""
        from reader.core import prefetch

        def split(paragraphs: list[str], lang: str) -> list[list[Sentence]]:
            return prefetch.split_by_language(self.split_paragraphs, paragraphs, lang)

        return prefetch.prepare_article(self, article_id, split)

    def translate_articles(
        self, article_ids: Sequence[int], on_done: Callable[[PrefetchDone], None] | None = None
    ) -> list[PrefetchDone]:
        """Translate articles into the cache in order, as the app would, then analyse each
        (so ``translated`` and the list's mark know it); one result per article."""
        from reader.core import prefetch

        def done(result: PrefetchDone) -> None:
            if result.error is None:
                self.article_difficulty(result.article_id)
            if on_done is not None:
                on_done(result)

        return prefetch.translate_articles(
            self.translation_queue, self.prepare_article, article_ids, done
        )

    def auto_translate_feed_ids(self) -> list[int]:
        """The feeds set to ``translate = "auto"``: their new articles are translated
        after each refresh."""
        from reader.core.feed_settings import AUTO

        return [feed.id for feed in self.store.feeds() if feed.settings.translate == AUTO]

    def last_article_id(self) -> int:
        """The newest article's id: :meth:`new_article_ids` takes what comes after it."""
        from reader.core import prefetch

        return prefetch.last_article_id(self.store.connection)

    def new_article_ids(
        self, after: int, feed_ids: Sequence[int] | None = None, limit: int | None = None
    ) -> list[int]:
        """Unread articles added after article ``after``, newest first, at most ``limit``
        (default: ``[translation] per_refresh``)."""
        from reader.core import prefetch

        cap = self.config.translation.per_refresh if limit is None else limit
        return prefetch.articles_after(self.store.connection, after, cap, feed_ids)


def _looks_like_pair(text: str) -> bool:
    """True for ``ko-en``-like text (a language pair, maybe of unsupported languages)."""
    return re.fullmatch(r"\s*[A-Za-z]{2,3}\s*[-_→:]\s*[A-Za-z]{2,3}\s*", text) is not None


_BARE_HOST = re.compile(
    r"(?:localhost|(?:[\w-]+\.)+[\w-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?(?:[/?#]|$)"
)
"""An address typed without a scheme: a dotted host or localhost, maybe a port
(``127.0.0.1:8765/feed.xml``, ``example.com/rss``); http:// is assumed for it."""


def _account_name(url: str) -> str:
    """A default account name from the server's address (``rss.example.org``)."""
    parts = split_url(url)
    host = (parts.hostname if parts else None) or "account"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", host).strip("-._")[:40] or "account"


def _http_url_or_error(url: str, assume_http: bool = False) -> str:
    """The URL, stripped, when it is http(s) with a host; otherwise a ServiceError.

    With ``assume_http`` an address without a scheme that starts with a host name
    gets ``http://``, as a browser's address bar does.
    """
    url = clean_line(url)
    if assume_http and "://" not in url and _BARE_HOST.match(url):
        url = "http://" + url
    if split_url(url) is None:
        raise ServiceError(f"{url!r}: not a valid address (malformed host or port)")
    if not is_web_url(url):
        raise ServiceError(f"{url!r}: only http:// and https:// addresses can be fetched")
    return url


def _write_glossary(
    format_name: str, terms: list[Term], output: BinaryIO, work_dir: Path | None, bom: bool
) -> int:
    from reader.core import anki, exports

    if format_name == "anki":
        return anki.write_apkg(terms, output, work_dir)
    delimiter = "\t" if format_name == "tsv" else ","
    return exports.write_terms(terms, output, delimiter, bom)


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


_IMPORT_CHUNK = 1000
"""Terms analysed together on import (well under what the analysis cache holds)."""


def _require_term_text(text: str) -> None:
    """ServiceError when ``text`` is no word or phrase (see ``terms.check_term_text``)."""
    from reader.core.terms import TermTextError, check_term_text

    try:
        check_term_text(text)
    except TermTextError as error:
        raise ServiceError(str(error)) from None


def _is_term_text(text: str) -> bool:
    try:
        _require_term_text(text)
    except ServiceError:
        return False
    return True


def _term_lang(lang: str | None, text: str) -> str:
    """The language given, else the one the text looks like."""
    from reader.core.terms import normalize_lang

    return normalize_lang(lang or detect_language(text) or "en")


def _article_lang(article: Article) -> str:
    from reader.core.terms import normalize_lang

    sample = " ".join([article.title, *article.paragraphs[:20]])
    return normalize_lang(article.language or detect_language(sample) or "en")


def _index_vocabulary(service: ReaderService, limit: int | None) -> int:
    """:meth:`ReaderService.index_vocabulary`'s work, on the analyser's side."""
    from reader.core.terms import ANALYSER_VERSION

    article_ids = service.store.articles_without_vocab(ANALYSER_VERSION, limit)
    for article_id in article_ids:
        article = service.store.article(article_id)
        if article is not None:
            service._index_article_vocabulary(article, keep=False)
    return len(article_ids)


def _article_difficulty(service: ReaderService, article: Article) -> Difficulty:
    """:meth:`ReaderService.article_difficulty`'s work, on the analyser's side."""
    return service._article_difficulty(article)


def _mine_sentences(
    service: ReaderService, limit: int, per_word: int, include_terms: bool
) -> list[MinedSentence]:
    """:meth:`ReaderService.mine_sentences`'s work, on the analyser's side."""
    return service._mine_sentences(limit, per_word, include_terms)


def _term_occurrences(service: ReaderService, term: Term, limit: int) -> list[Occurrence]:
    """:meth:`ReaderService.term_occurrences`'s work, on the analyser's side."""
    return service._term_occurrences(term, limit)
