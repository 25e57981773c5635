"""What the main screen shows and how it gets it: the collections and their counts,
the article list page by page (kept on the same article across reloads, optionally
easiest first), and the preview of the highlighted article with its terms marked.

The main screen is built in layers: :class:`LibraryScreen` loads and shows,
:mod:`~reader.ui.screens.refreshing` refreshes feeds and syncs accounts,
:mod:`~reader.ui.screens.searching` searches, and
:class:`~reader.ui.screens.main.MainScreen` adds the keys (flags, marking read and
undoing it, adding feeds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.timer import Timer
from textual.widgets import Static

from reader.core.models import Article, ArticleSummary
from reader.ui.format import literal, plain
from reader.ui.highlights import find_terms, term_levels
from reader.ui.host import ReaderScreen
from reader.ui.prefetch import ListPrefetch
from reader.ui.translation import warm_up
from reader.ui.widgets.article_list import PAGE_SIZE, ArticleList
from reader.ui.widgets.bilingual import BilingualView, ParagraphUnit, TermMark
from reader.ui.widgets.collections import (
    ALL_UNREAD,
    LOCAL,
    STARRED,
    WELCOME,
    Collection,
    CollectionCounts,
    CollectionTree,
    grouping_collections,
)

if TYPE_CHECKING:
    from reader.service import ReaderService

    pass


RANK_ANALYSE_LIMIT = 500
"""Articles analysed, at most, before sorting by difficulty (the rest sort last)."""
PREVIEW_DELAY = 0.12
"""Seconds the list cursor must rest before the preview loads (holding j stays smooth)."""


class LibraryScreen(ReaderScreen[None]):
    """Loads the collections, the article list and the preview."""

    def __init__(self) -> None:
        super().__init__()
        self.collection: Collection = ALL_UNREAD
        self.by_difficulty = False
        """Rows ordered easiest first (most known words) instead of newest first."""
        self._ranked: list[ArticleSummary] | None = None
        self._preview_timer: Timer | None = None
        self.prefetch = ListPrefetch(self)
        """The article under the cursor and the next unread ones, translated ahead."""

    # -- collections and the list (workers) --------------------------------------------

    def _set_collection(self, collection: Collection) -> None:
        self.collection = collection
        self.sub_title = collection.title

    def load_collections(self) -> None:
        self.run_worker(
            self._load_collections_now, thread=True, exclusive=True, group="collections"
        )

    def _load_collections_now(self) -> None:
        with self.guard("loading collections"):
            service = self.service
            feeds, accounts = service.feeds(), service.accounts()
            counts = CollectionCounts(
                unread=service.count_articles(ALL_UNREAD.articles),
                starred=service.count_articles(STARRED.articles),
                local=service.count_articles(LOCAL.articles.only_unread()),
                demo=service.count_articles(WELCOME.articles.only_unread()),
                feeds=feeds,
                accounts=accounts,
                saved=_saved_counts(service),
                grouped={
                    group.key: service.count_articles(group.articles.only_unread())
                    for group in grouping_collections(feeds, accounts)
                },
            )
            self.app.call_from_thread(self._show_counts, counts)

    def _show_counts(self, counts: CollectionCounts) -> None:
        tree = self.query_one(CollectionTree)
        tree.show_counts(counts)
        tree.select_key(self.collection.key, announce=False)

    def load_articles(self, collection: Collection, keep: Position | None = None) -> None:
        """Show ``collection`` from its first row, or with the cursor kept at ``keep``."""
        self._set_collection(collection)
        self.run_worker(
            lambda: self._load_articles_now(collection, keep),
            thread=True,
            exclusive=True,
            group="articles",
        )

    def reload_keeping_cursor(self) -> None:
        """Load the collection again (after a refresh or a bulk change) on the same article.

        When that article left the collection (read, in All unread) the cursor stays
        at the same row, so the next article comes up instead of the first.
        """
        self.load_articles(self.collection, self._cursor_position())

    def _cursor_position(self) -> Position | None:
        article_list = self.query_one(ArticleList)
        summary = article_list.highlighted
        return Position(summary.id, article_list.cursor) if summary is not None else None

    def _query(self, collection: Collection, offset: int, limit: int) -> list[ArticleSummary]:
        if self._ranked is not None:
            return self._ranked[offset : offset + limit]
        if collection.is_query:
            return self.service.query_articles(collection.query, limit=limit, offset=offset)
        return self.service.list_articles(collection.articles, limit=limit, offset=offset)

    def _load_articles_now(self, collection: Collection, keep: Position | None = None) -> None:
        with self.guard(f"loading {collection.title}"):
            if collection.is_query:
                self._analyse_for_query(collection)
                total = self.service.count_query(collection.query)
            else:
                total = self.service.count_articles(collection.articles)
            self._ranked = None
            if self.by_difficulty:
                self._ranked = self._rank_by_difficulty(collection, total)
            rows = self._query(collection, 0, PAGE_SIZE)
            empty = _empty_text(collection)
            cursor, pages = self._find_kept(collection, rows, keep, total)
            self.app.call_from_thread(
                self._show_articles, collection, total, rows, empty, cursor, pages
            )
            self._send_difficulties(rows)

    def _analyse_for_query(self, collection: Collection) -> None:
        """Analyse pending articles (at most :data:`RANK_ANALYSE_LIMIT`, in the helper
        process for Korean) when the query's learning terms need them (worker thread).
        Meanwhile the list says so, rather than show the last collection's rows under
        the query's title."""
        query = collection.query
        if self.service.vocabulary_pending() and self.service.query_needs_analysis(query):
            waiting = "Analysing the articles this query needs…"
            self.app.call_from_thread(self._show_articles, collection, 0, [], waiting)
            self.service.index_vocabulary(RANK_ANALYSE_LIMIT)

    def _find_kept(
        self,
        collection: Collection,
        first_page: list[ArticleSummary],
        keep: Position | None,
        total: int,
    ) -> tuple[int, list[_Page]]:
        """Where the kept article now is, and the pages read to find it (worker thread).

        It is looked for on its old page and the pages either side (new articles
        push it down, read ones leave above it); when gone, the cursor keeps its row.
        """
        if keep is None or total == 0:
            return 0, []
        old_page = (keep.index // PAGE_SIZE) * PAGE_SIZE
        pages = [_Page(0, first_page)]
        for offset in (old_page - PAGE_SIZE, old_page, old_page + PAGE_SIZE):
            if 0 < offset < total:
                pages.append(_Page(offset, self._query(collection, offset, PAGE_SIZE)))
        for page in pages:
            for index, row in enumerate(page.rows, start=page.offset):
                if row.id == keep.article_id:
                    return index, pages[1:]
        return min(keep.index, total - 1), pages[1:]

    def _send_difficulties(self, rows: list[ArticleSummary]) -> None:
        """Show the known share of the analysed articles among ``rows`` (worker thread)."""
        found = self.service.article_difficulties([row.id for row in rows])
        shares = {article_id: found[article_id].known_share for article_id in found}
        if shares:
            self.app.call_from_thread(self._show_difficulties, shares)
        ready = self.service.translation_ready([row.id for row in rows])
        if ready:
            self.app.call_from_thread(lambda: self.query_one(ArticleList).set_ready(ready))

    def _show_difficulties(self, shares: dict[int, float]) -> None:
        self.query_one(ArticleList).set_difficulties(shares)

    def _rank_by_difficulty(self, collection: Collection, total: int) -> list[ArticleSummary]:
        """Every row of the collection, easiest first; articles not analysed yet go last.

        Articles never analysed are analysed first, in the helper process for Korean.
        """
        if self.service.vocabulary_pending():
            self.service.index_vocabulary(RANK_ANALYSE_LIMIT)
        if collection.is_query:
            rows = self.service.query_articles(collection.query)
        else:
            rows = self.service.list_articles(collection.articles, limit=max(total, 1))
        found = self.service.article_difficulties([row.id for row in rows])
        shares = {article_id: found[article_id].known_share for article_id in found}
        return sorted(rows, key=lambda row: -shares.get(row.id, -1.0))

    def _show_articles(
        self,
        collection: Collection,
        total: int,
        rows: list[ArticleSummary],
        empty: str,
        cursor: int = 0,
        pages: list[_Page] | None = None,
    ) -> None:
        if collection != self.collection:
            return
        article_list = self.query_one(ArticleList)
        article_list.reset(total, rows, empty)
        for page in pages or []:
            article_list.add_loaded_page(page.offset, page.rows)
        if cursor:
            article_list.cursor = cursor
        if not rows:
            self._show_preview(None)

    @on(ArticleList.PageNeeded)
    def load_page(self, message: ArticleList.PageNeeded) -> None:
        collection = self.collection
        generation, offset = message.generation, message.offset

        def fetch() -> None:
            with self.guard("loading articles"):
                rows = self._query(collection, offset, PAGE_SIZE)
                self.app.call_from_thread(message.article_list.add_page, generation, offset, rows)
                self._send_difficulties(rows)

        self.run_worker(fetch, thread=True, group=f"page-{offset}")

    # -- the preview -------------------------------------------------------------------

    @on(ArticleList.Highlighted)
    def schedule_preview(self, message: ArticleList.Highlighted) -> None:
        """Preview the highlighted article once the cursor rests, not on every key."""
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(
            PREVIEW_DELAY, lambda: self.preview_article(message.summary.id)
        )

    def preview_article(self, article_id: int) -> None:
        self.prefetch.follow_cursor()

        def fetch() -> None:
            with self.guard("opening the article"):
                article = self.service.article(article_id)
                self.app.call_from_thread(self._show_preview, article)
                warm_up(self.service, article)
                if self.service.list_terms(limit=1):  # no glossary, nothing to analyse
                    self._highlight_preview(article)

        self.run_worker(fetch, thread=True, exclusive=True, group="preview")

    def _highlight_preview(self, article: Article) -> None:
        """Mark the glossary's terms in the preview (worker thread; Korean is analysed in
        the helper process)."""
        article.paragraphs = [plain(paragraph) for paragraph in article.paragraphs]
        matches = find_terms(self.service, article, self.service.article_language(article))
        self.app.call_from_thread(self._show_preview_terms, article.id, term_levels(matches))

    def _show_preview_terms(self, article_id: int, levels: dict[int, list[TermMark]]) -> None:
        summary = self.query_one(ArticleList).highlighted
        if summary is not None and summary.id == article_id:
            self.query_one("#preview", BilingualView).set_terms(levels)

    def _show_preview(self, article: Article | None) -> None:
        title = self.query_one("#preview-title", Static)
        meta = self.query_one("#preview-meta", Static)
        view = self.query_one("#preview", BilingualView)
        if article is None:
            title.update("", layout=False)
            meta.update("", layout=False)
            view.show([])
            return
        title.update(literal(article.title or "(untitled)"), layout=False)
        meta.update(
            literal(" · ".join(part for part in _meta_parts(article) if part)), layout=False
        )
        view.show([ParagraphUnit(plain(paragraph), []) for paragraph in article.paragraphs])


@dataclass(frozen=True)
class Position:
    """The article under the list cursor and its row, to find it again after a reload."""

    article_id: int
    index: int


@dataclass(frozen=True)
class _Page:
    offset: int
    rows: list[ArticleSummary]


def _meta_parts(article: Article | ArticleSummary) -> list[str]:
    published = (article.published or "")[:16].replace("T", " ")
    source = " · ".join(article.sources) if article.copies else article.feed_title
    return [source, published, article.language or ""]


def _saved_counts(service: ReaderService) -> list[tuple[str, str, int]]:
    """Each saved search with its unread count, for the sidebar (worker thread)."""
    unread = service.saved_search_unread()
    return [(s.name, s.query, unread.get(s.name, 0)) for s in service.saved_searches()]


def _empty_text(collection: Collection) -> str:
    if collection.key == "unread":
        return "Nothing unread. Press R to refresh, a to add a feed."
    if collection.key == "starred":
        return "No starred articles yet: press s on one to keep it here."
    if collection.key == "local":
        return "Nothing here yet: `reader open FILE` or ctrl+s in the translator (T) adds articles."
    if collection.is_query:
        return f"Nothing matches {collection.query!r}."
    return "No articles in this collection."
