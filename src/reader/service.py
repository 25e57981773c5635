"""The one object the CLI and the UI talk to: it owns the store and the engines.

Everything here is synchronous and thread-safe enough to be called from Textual
thread workers; nothing here imports Textual or Rich.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.config import Config, load_config
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
from reader.core.urls import is_web_url
from reader.paths import Paths, get_paths

if TYPE_CHECKING:
    from reader.core.feeds import FeedRefreshResult, FetchSettings, RefreshResults
    from reader.core.models import Sentence
    from reader.core.packages import AvailableModel, InstalledModel, ProgressCallback
    from reader.core.terms import (
        Analysis,
        Difficulty,
        Occurrence,
        Suggestion,
        TermIndex,
        TermMatch,
    )
    from reader.core.translation import Translations
    from reader.core.translation_queue import TranslationQueue

MAX_LOCAL_FILE_BYTES = 20 * 1024 * 1024
"""Largest local file ``reader open`` imports; a bigger one is refused with a message."""

LOCAL_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"}
PAGE_CONTENT_TYPES = {"text/html", "application/xhtml+xml", "text/plain"}
FEED_CONTENT_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}


class ServiceError(Exception):
    """An expected failure with a one-line message for the user."""


@dataclass
class TermResult:
    term: Term
    created: bool
    """False when the term was merged into one of the same lemma."""


@dataclass
class ImportResult:
    added: int
    merged: int


@dataclass
class OpenResult:
    article: Article
    created: bool


@dataclass
class AddFeedResult:
    feed: Feed
    created: bool
    new: int = 0
    """Entries stored from the first fetch."""


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

    def __init__(self, paths: Paths | None = None, config: Config | None = None) -> None:
        self.paths = paths or get_paths()
        self.paths.ensure()
        self.config = config or load_config(self.paths.config_file)
        self._store: Store | None = None
        self._term_index: TermIndex | None = None
        self._term_index_checked = 0.0
        self._term_signature: tuple[int, str, int] | None = None
        self._translations: Translations | None = None
        self._translation_queue: TranslationQueue | None = None

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

        url = _http_url_or_error(url)
        existing = self.store.feed_by_url(url)
        if existing is not None:
            return AddFeedResult(existing, created=False)
        try:
            probed = probe_feed(url, self.fetch_settings())
        except FetchError as error:
            raise ServiceError(f"cannot subscribe to {url}: {error}") from None
        feed_title = clean_line(title) or probed.parsed.title
        feed, created = self.store.add_feed(probed.url, feed_title, clean_line(folder) or None)
        if not created:
            return AddFeedResult(feed, created=False)
        new, _updated = store_parsed(self.store, feed, probed.fetched, probed.parsed)
        return AddFeedResult(self.resolve_feed(str(feed.id)), created=True, new=new)

    def remove_feed(self, feed: str) -> Feed:
        """Unsubscribe; starred and annotated articles of the feed stay readable."""
        found = self.resolve_feed(feed)
        if found.kind is FeedKind.LOCAL:
            raise ServiceError("the Local collection is built in and cannot be removed")
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
        elif feed_ids is not None:
            feeds = [self.resolve_feed(str(feed_id)) for feed_id in feed_ids]
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
        from reader.core.opml import OpmlError, parse_opml

        try:
            document = parse_opml(path.read_bytes())
        except OSError as error:
            raise ServiceError(f"{path}: cannot read: {error.strerror or error}") from None
        except OpmlError as error:
            raise ServiceError(f"{path}: {error}") from None
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
        from reader.core.opml import export_opml

        text = export_opml(self.store.feeds(FeedKind.FEED))
        if path is not None:
            temporary = path.with_name(path.name + ".tmp")
            try:
                temporary.write_text(text, encoding="utf-8")
                temporary.replace(path)
            except OSError as error:
                raise ServiceError(f"{path}: cannot write: {error.strerror or error}") from None
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

        incoming.lemma = incoming.lemma or terms.lemma_for(incoming.text, incoming.lang)
        incoming.pattern = terms.term_pattern(incoming.text, incoming.lang)
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
        term.lang = terms.normalize_lang(term.lang)
        term.lemma = clean_line(term.lemma) or terms.lemma_for(term.text, term.lang)
        try:
            term.status = terms.normalize_status(term.status)
        except ValueError as error:
            raise ServiceError(str(error)) from None
        term.tags = terms.normalize_tags(term.tags)
        term.pattern = terms.term_pattern(term.text, term.lang)
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
        from reader.core import terms

        text = clean_line(text)
        language = _term_lang(lang, text)
        wanted = {text, terms.lemma_for(text, language)}
        found = [
            term.id
            for term in self.store.terms(lang=language)
            if term.text in wanted or term.lemma in wanted
        ]
        if not found:
            raise ServiceError(f"no term {text!r} in the glossary")
        removed = self.store.delete_terms(found)
        self._term_index = None
        return removed

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
        from reader.core import terms

        return terms.lemma_for(surface, lang)

    def cache_analyses(self, analyses: Sequence[Analysis]) -> None:
        """Keep analyses made in another process (the TUI's helper), so that matching,
        lemmas and suggestions here never load kiwipiepy."""
        from reader.core import terms

        terms.cache_analyses(analyses)

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
        database from before patterns, or a new analyser); the TUI then has its helper
        process do that with :meth:`refresh_term_patterns`."""
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
            patterns = terms.term_patterns([text for _id, text in of_lang], lang)
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
        from reader.core import terms

        return terms.match_terms(paragraph, lang, self.term_index())

    def article_language(self, article: Article) -> str:
        """The language terms of this article are analysed and matched in."""
        return _article_lang(article)

    def article_term_matches(self, article: Article) -> list[list[TermMatch]]:
        """Glossary terms in each paragraph of an article (analysed in one batch)."""
        from reader.core import terms

        index = self.term_index()
        analyses = terms.analyse_many(article.paragraphs, _article_lang(article))
        return [index.match(analysis) for analysis in analyses]

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
        return terms.rank_suggestions(candidates, lang, frequencies, documents, existing, limit)

    def article_difficulty(self, article_id: int) -> Difficulty:
        """Share of the article's distinct content words that are known or ignored."""
        article = self.article(article_id)
        self._index_article_vocabulary(article)
        return self.article_difficulties([article_id])[article_id]

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
        """Analyse articles never analysed (a background worker's job); returns how many."""
        from reader.core.terms import ANALYSER_VERSION

        article_ids = self.store.articles_without_vocab(ANALYSER_VERSION, limit)
        for article_id in article_ids:
            article = self.store.article(article_id)
            if article is not None:
                self._index_article_vocabulary(article, keep=False)
        return len(article_ids)

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
        analyses = terms.analyse_many(texts, lang, keep=keep)
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
        return analyses

    def term_occurrences(self, term_id: int, limit: int = 20) -> list[Occurrence]:
        """Where a term occurs in the analysed articles (newest first), with sentences.

        Articles are preselected by their stored vocabulary, then matched for real;
        articles not analysed yet (see :meth:`index_vocabulary`) are not searched.
        """
        from reader.core import terms
        from reader.core.sentences import split_sentences

        term = self.term(term_id)
        index = terms.TermIndex([terms.IndexedTerm(term.id, term.lang, term.pattern, term.status)])
        found: list[Occurrence] = []
        keys = terms.word_keys(term.pattern)
        for article_id in self.store.articles_with_words(term.lang, keys):
            article = self.store.article(article_id)
            if article is None:
                continue
            analyses = terms.analyse_many(article.paragraphs, term.lang)
            for number, analysis in enumerate(analyses):
                for match in index.match(analysis):
                    sentence = next(
                        (
                            s.text
                            for s in split_sentences(analysis.text, term.lang)
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
        lemma = lemma or terms.lemma_for(surface, language)
        term = self.store.find_term(language, lemma, terms.term_pattern(surface, language))
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

    def export_terms(self, format_name: str, path: Path) -> int:
        """Write the glossary as an Anki deck, CSV or TSV; returns how many terms."""
        from reader.core import anki, exports

        terms = self.store.terms(order="lemma")
        try:
            if format_name == "anki":
                return anki.write_apkg(terms, path)
            return exports.write_terms(terms, path, exports.delimiter_for(path, format_name))
        except OSError as error:
            raise ServiceError(f"{path}: cannot write: {error.strerror}") from None

    def import_terms(self, path: Path) -> ImportResult:
        """Read a CSV/TSV glossary; terms of a lemma already stored are merged into it."""
        from reader.core import exports, terms

        try:
            rows = exports.read_terms(path)
        except exports.GlossaryFileError as error:
            raise ServiceError(str(error)) from None
        added = merged = 0
        for row in rows:
            row.lang = _term_lang(row.lang or None, row.text)
        with self.store.transaction():
            for start in range(0, len(rows), _IMPORT_CHUNK):
                chunk = rows[start : start + _IMPORT_CHUNK]
                for lang in {row.lang for row in chunk}:  # one kiwipiepy batch per chunk
                    terms.analyse_many([row.text for row in chunk if row.lang == lang], lang)
                for row in chunk:
                    result = self._save_term(row)
                    added += result.created
                    merged += not result.created
        self._term_index = None
        terms.clear_analysis_cache()
        return ImportResult(added=added, merged=merged)

    # -- translation ---------------------------------------------------------------------

    @property
    def translations(self) -> Translations:
        """One translation engine per direction, in front of the cache."""
        if self._translations is None:
            from reader.core.translation import Translations

            models_dir = self.paths.effective_models_dir()
            self._translations = Translations(self.store, models_dir, self.config.translation)
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
        from reader.core.sentences import split_sentences

        return split_sentences(paragraph, lang)

    def translate_paragraphs(
        self, paragraphs: list[str], source: str, target: str
    ) -> dict[str, Any]:
        """Translate sentence by sentence: ``{"source_lang", "target_lang", "model", "pairs"}``.

        A paragraph that is already in the target language is passed through as it is.
        """
        from reader.core.translation import NoModelError

        sentences = [
            (index, number, sentence.text)
            for index, paragraph in enumerate(paragraphs)
            for number, sentence in enumerate(self.split_sentences(paragraph, source))
        ]
        to_translate = [s for s in sentences if detect_language(paragraphs[s[0]]) != target]
        try:
            engine = self.translations.engine(source, target)
            outcomes = self.translations.translate([s[2] for s in to_translate], source, target)
        except NoModelError as error:
            raise ServiceError(str(error)) from None
        translated = {(s[0], s[1]): o for s, o in zip(to_translate, outcomes, strict=True)}
        pairs = []
        for index, number, text in sentences:
            outcome = translated.get((index, number))
            pair: dict[str, Any] = {"paragraph": index, "sentence": number, "source": text}
            pair["target"] = text if outcome is None else outcome.target
            if outcome is not None and outcome.error:
                pair["error"] = outcome.error
            pairs.append(pair)
        return {
            "source_lang": source,
            "target_lang": target,
            "model": engine.model.model_id,
            "pairs": pairs,
        }

    def translate_text(
        self, text: str, source: str = "auto", target: str | None = None
    ) -> dict[str, Any]:
        source, target = self.direction_for(text, source, target)
        return self.translate_paragraphs(split_plain_text(text), source, target)

    def translate_article_pairs(self, article: Article) -> dict[str, Any]:
        source, target = self.direction_for(article)
        return self.translate_paragraphs(article.paragraphs, source, target)

    def models_list(
        self, fetch_index: bool = False
    ) -> tuple[list[InstalledModel], list[AvailableModel] | None]:
        """Installed packages, and the Argos index (fetched now, or the last copy, or None)."""
        from reader.core import packages

        installed = packages.installed_models(self.paths.effective_models_dir())
        try:
            if fetch_index:
                return installed, packages.fetch_index(self.paths.cache_dir)
        except packages.PackageError as error:
            raise ServiceError(str(error)) from None
        return installed, packages.cached_index(self.paths.cache_dir)

    def models_install(self, what: str, progress: ProgressCallback | None = None) -> InstalledModel:
        """Install a ``.argosmodel`` file, or download ``ko-en``/``en-ko`` from the Argos index."""
        from reader.core import packages

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
        return model

    def models_remove(self, pair: str) -> list[InstalledModel]:
        """Remove a direction's package(s) and their cached translations."""
        from reader.core import packages

        try:
            removed = packages.remove_model(self.paths.effective_models_dir(), pair)
        except packages.PackageError as error:
            raise ServiceError(str(error)) from None
        for model in removed:
            self.store.drop_translations(model.name)
        self.translations.forget()
        return removed


def _http_url_or_error(url: str) -> str:
    """The URL, stripped, when it is http(s) with a host; otherwise a ServiceError."""
    url = clean_line(url)
    if not is_web_url(url):
        raise ServiceError(f"{url!r}: only http:// and https:// addresses can be fetched")
    return url


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


_IMPORT_CHUNK = 1000
"""Terms analysed together on import (well under what the analysis cache holds)."""


def _term_lang(lang: str | None, text: str) -> str:
    """The language given, else the one the text looks like."""
    from reader.core.terms import normalize_lang

    return normalize_lang(lang or detect_language(text) or "en")


def _article_lang(article: Article) -> str:
    from reader.core.terms import normalize_lang

    sample = " ".join([article.title, *article.paragraphs[:20]])
    return normalize_lang(article.language or detect_language(sample) or "en")
