"""The main screen: collections, the article list and a preview of the highlighted article."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Static

from reader.core.models import Article, ArticleSummary, FeedKind
from reader.ui.format import literal, plain
from reader.ui.messages import ArticleFlagsChanged, CollectionsChanged
from reader.ui.translation import warm_up
from reader.ui.widgets.article_list import PAGE_SIZE, ArticleList
from reader.ui.widgets.bilingual import BilingualView, ParagraphUnit
from reader.ui.widgets.collections import (
    ALL_UNREAD,
    WELCOME,
    Collection,
    CollectionCounts,
    CollectionTree,
)
from reader.ui.widgets.key_hints import KeyHints

if TYPE_CHECKING:
    from reader.core.feeds import FeedRefreshResult
    from reader.service import ReaderService
    from reader.ui.app import ReaderApp


MAX_FAILURE_NOTICES = 3
RANK_ANALYSE_LIMIT = 500
"""Articles analysed, at most, before sorting by difficulty (the rest sort last)."""
PREVIEW_DELAY = 0.12
"""Seconds the list cursor must rest before the preview loads (holding j stays smooth)."""


class MainScreen(Screen[None]):
    """Collections on the left, the list and a preview on the right (stacked when narrow)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh_feed", "Refresh", id="refresh_feed"),
        Binding("R", "refresh_all", "Refresh all", id="refresh_all"),
        Binding("a", "add_feed", "Add feed", id="add_feed"),
        Binding("s", "toggle_star", "Star", id="toggle_star"),
        Binding("m", "toggle_read", "Read/unread", id="toggle_read"),
        Binding("n", "next_unread", "Next unread", show=False, id="next_unread"),
        Binding("N", "previous_unread", "Previous unread", show=False, id="previous_unread"),
        Binding("o", "open_browser", "Open in browser", show=False, id="open_browser"),
        Binding("f", "fetch_full", "Full text", show=False, id="fetch_full"),
        Binding("slash", "search", "Search", id="search"),
        Binding("A", "mark_all_read", "Mark all read", show=False, id="mark_all_read"),
        Binding("g", "app.glossary", "Glossary", id="glossary"),
        Binding("D", "sort_by_difficulty", "Easiest first", show=False, id="sort_by_difficulty"),
        Binding("escape", "focus_list", "Back", show=False, id="back"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="next_pane"),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False, id="previous_pane"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.collection: Collection = ALL_UNREAD
        self._search_results: list[ArticleSummary] = []
        self.by_difficulty = False
        """Rows ordered easiest first (most known words) instead of newest first."""
        self._ranked: list[ArticleSummary] | None = None
        self._preview_timer: Timer | None = None

    @property
    def reader_app(self) -> ReaderApp:
        return cast("ReaderApp", self.app)

    @property
    def service(self) -> ReaderService:
        return self.reader_app.service

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        with Horizontal(id="columns"):
            yield CollectionTree(id="collections")
            with Container(id="reading"):
                yield ArticleList(id="articles", clock=self.reader_app.clock)
                with Vertical(id="preview-pane"):
                    yield Static(id="preview-title")
                    yield Static(id="preview-meta")
                    yield BilingualView(id="preview", reading_layout="source", show_cursor=False)
        yield KeyHints([*ArticleList.BINDINGS, *self.BINDINGS])

    def on_mount(self) -> None:
        self.query_one(ArticleList).focus()
        self.start()

    @work(thread=True, exclusive=True, group="startup")
    def start(self) -> None:
        """Offer the demo on a fresh home, then load the tree and the first collection."""
        with self.reader_app.guard("opening the library"):
            demo_feed = self.service.ensure_demo(force=self.reader_app.show_demo)
            start_with = WELCOME if self.reader_app.show_demo and demo_feed else ALL_UNREAD
            self.app.call_from_thread(self._set_collection, start_with)
            self._load_articles_now(start_with)
            self._load_collections_now()

    def _set_collection(self, collection: Collection) -> None:
        self.collection = collection
        self.sub_title = collection.title

    # -- loading (workers) -------------------------------------------------------------

    def load_collections(self) -> None:
        self.run_worker(
            self._load_collections_now, thread=True, exclusive=True, group="collections"
        )

    def _load_collections_now(self) -> None:
        with self.reader_app.guard("loading collections"):
            service = self.service
            counts = CollectionCounts(
                unread=service.count_articles(unread=True),
                starred=service.count_articles(starred=True),
                local=service.count_articles(kind=FeedKind.LOCAL, unread=True),
                demo=service.count_articles(kind=FeedKind.DEMO, unread=True),
                feeds=service.feeds(),
            )
            self.app.call_from_thread(self._show_counts, counts)

    def _show_counts(self, counts: CollectionCounts) -> None:
        tree = self.query_one(CollectionTree)
        tree.show_counts(counts)
        tree.select_key(self.collection.key, announce=False)

    def load_articles(self, collection: Collection) -> None:
        self._set_collection(collection)
        self.run_worker(
            lambda: self._load_articles_now(collection),
            thread=True,
            exclusive=True,
            group="articles",
        )

    def _query(self, collection: Collection, offset: int, limit: int) -> list[ArticleSummary]:
        if self._ranked is not None:
            return self._ranked[offset : offset + limit]
        if collection.key == "search":
            return self._search_results[offset : offset + limit]
        return self.service.list_articles(
            feed_id=collection.feed_id,
            unread=collection.unread_only,
            starred=collection.starred_only,
            kind=collection.kind,
            limit=limit,
            offset=offset,
        )

    def _load_articles_now(self, collection: Collection) -> None:
        with self.reader_app.guard(f"loading {collection.title}"):
            if collection.key == "search":
                self._search_results = self.service.search(collection.query, limit=1000)
                total = len(self._search_results)
            else:
                total = self.service.count_articles(
                    feed_id=collection.feed_id,
                    unread=collection.unread_only,
                    starred=collection.starred_only,
                    kind=collection.kind,
                )
            self._ranked = None
            if self.by_difficulty:
                self._ranked = self._rank_by_difficulty(collection, total)
            rows = self._query(collection, 0, PAGE_SIZE)
            empty = _empty_text(collection)
            self.app.call_from_thread(self._show_articles, collection, total, rows, empty)
            self._send_difficulties(rows)

    def _send_difficulties(self, rows: list[ArticleSummary]) -> None:
        """Show the known share of the analysed articles among ``rows`` (worker thread)."""
        found = self.service.article_difficulties([row.id for row in rows])
        shares = {article_id: found[article_id].known_share for article_id in found}
        if shares:
            self.app.call_from_thread(self._show_difficulties, shares)

    def _show_difficulties(self, shares: dict[int, float]) -> None:
        self.query_one(ArticleList).set_difficulties(shares)

    def _rank_by_difficulty(self, collection: Collection, total: int) -> list[ArticleSummary]:
        """Every row of the collection, easiest first; articles not analysed yet go last.

        Articles never analysed are analysed first, in the helper process for Korean.
        """
        from reader.ui import term_worker

        if self.service.vocabulary_pending():
            term_worker.call(self.service, "ko", "index_vocabulary", RANK_ANALYSE_LIMIT)
        if collection.key == "search":
            rows = list(self._search_results)
        else:
            rows = self.service.list_articles(
                feed_id=collection.feed_id,
                unread=collection.unread_only,
                starred=collection.starred_only,
                kind=collection.kind,
                limit=max(total, 1),
                offset=0,
            )
        found = self.service.article_difficulties([row.id for row in rows])
        shares = {article_id: found[article_id].known_share for article_id in found}
        return sorted(rows, key=lambda row: -shares.get(row.id, -1.0))

    def action_sort_by_difficulty(self) -> None:
        self.by_difficulty = not self.by_difficulty
        order = "easiest first (most known words)" if self.by_difficulty else "newest first"
        self.notify(f"Articles {order}.", markup=False, timeout=3)
        self.load_articles(self.collection)

    def _show_articles(
        self, collection: Collection, total: int, rows: list[ArticleSummary], empty: str
    ) -> None:
        if collection != self.collection:
            return
        article_list = self.query_one(ArticleList)
        article_list.reset(total, rows, empty)
        if not rows:
            self._show_preview(None)

    @on(ArticleList.PageNeeded)
    def load_page(self, message: ArticleList.PageNeeded) -> None:
        collection = self.collection
        generation, offset = message.generation, message.offset

        def fetch() -> None:
            with self.reader_app.guard("loading articles"):
                rows = self._query(collection, offset, PAGE_SIZE)
                self.app.call_from_thread(message.article_list.add_page, generation, offset, rows)
                self._send_difficulties(rows)

        self.run_worker(fetch, thread=True, group=f"page-{offset}")

    @on(ArticleList.Highlighted)
    def schedule_preview(self, message: ArticleList.Highlighted) -> None:
        """Preview the highlighted article once the cursor rests, not on every key."""
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(
            PREVIEW_DELAY, lambda: self.preview_article(message.summary.id)
        )

    def preview_article(self, article_id: int) -> None:
        def fetch() -> None:
            with self.reader_app.guard("opening the article"):
                article = self.service.article(article_id)
                self.app.call_from_thread(self._show_preview, article)
                warm_up(self.service, article)
                if self.service.list_terms(limit=1):  # no glossary, nothing to analyse
                    self._highlight_preview(article)

        self.run_worker(fetch, thread=True, exclusive=True, group="preview")

    def _highlight_preview(self, article: Article) -> None:
        """Mark the glossary's terms in the preview (worker thread; Korean is analysed in
        the helper process)."""
        from reader.ui.screens.article_terms import find_terms, term_levels

        article.paragraphs = [plain(paragraph) for paragraph in article.paragraphs]
        matches = find_terms(self.service, article, self.service.article_language(article))
        self.app.call_from_thread(self._show_preview_terms, article.id, term_levels(matches))

    def _show_preview_terms(
        self, article_id: int, levels: dict[int, list[tuple[int, int, int]]]
    ) -> None:
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

    # -- collections -----------------------------------------------------------------

    @on(CollectionTree.Chosen)
    def choose_collection(self, message: CollectionTree.Chosen) -> None:
        self.load_articles(message.collection)
        self.query_one(ArticleList).focus()

    @on(ArticleList.Selected)
    def open_article(self, message: ArticleList.Selected) -> None:
        self.reader_app.open_article(message.summary.id)

    @on(ArticleFlagsChanged)
    def article_flags_changed(self, message: ArticleFlagsChanged) -> None:
        self.query_one(ArticleList).update_summary(message.summary)
        self.load_collections()

    @on(CollectionsChanged)
    def collections_changed(self) -> None:
        self.load_collections()

    def on_screen_resume(self) -> None:
        self.load_collections()

    # -- actions ---------------------------------------------------------------------

    def _highlighted(self) -> ArticleSummary | None:
        return self.query_one(ArticleList).highlighted

    def action_focus_list(self) -> None:
        self.query_one(ArticleList).focus()

    def action_toggle_read(self) -> None:
        summary = self._highlighted()
        if summary is not None:
            self.set_flag(summary, "read", not summary.read)

    def action_toggle_star(self) -> None:
        summary = self._highlighted()
        if summary is not None:
            self.set_flag(summary, "starred", not summary.starred)

    def set_flag(self, summary: ArticleSummary, flag: str, value: bool) -> None:
        """Flip read or starred in a worker, then tell every list and count."""

        def write() -> None:
            with self.reader_app.guard("saving the article"):
                if flag == "read":
                    self.service.set_read([summary.id], value)
                else:
                    self.service.set_starred([summary.id], value)
                changed = ArticleSummary(**{**summary.__dict__, flag: value})
                self.post_message(ArticleFlagsChanged(changed))

        self.run_worker(write, thread=True, group="flags")

    def action_next_unread(self) -> None:
        self._jump_unread(1)

    def action_previous_unread(self) -> None:
        self._jump_unread(-1)

    def _jump_unread(self, direction: int) -> None:
        article_list = self.query_one(ArticleList)
        index = self.unread_index(direction)
        if index is None:
            self.notify("No more unread articles in the loaded part of this list.", markup=False)
            return
        article_list.cursor = index

    def unread_index(self, direction: int) -> int | None:
        """The next (1) or previous (-1) unread row after the cursor, among loaded rows."""
        article_list = self.query_one(ArticleList)
        rows = article_list.loaded_rows()
        if direction < 0:
            rows.reverse()
        for index, summary in rows:
            if (index - article_list.cursor) * direction > 0 and not summary.read:
                return index
        return None

    def step_to_unread(self, direction: int) -> ArticleSummary | None:
        """Move the list cursor to the next unread article and return it (for the reader)."""
        index = self.unread_index(direction)
        if index is None:
            return None
        article_list = self.query_one(ArticleList)
        article_list.cursor = index
        return article_list.highlighted

    def action_open_browser(self) -> None:
        summary = self._highlighted()
        if summary is not None:
            self.reader_app.open_in_browser(summary.url)

    def action_search(self) -> None:
        from reader.ui.dialogs.prompt import PromptDialog

        def search(query: str | None) -> None:
            if query:
                self.load_articles(Collection("search", f"Search: {query}", query=query))

        self.app.push_screen(
            PromptDialog("Search", "Words or part of a word, Korean or English", "search"), search
        )

    def action_mark_all_read(self) -> None:
        feed_id = self.collection.feed_id

        def write() -> None:
            with self.reader_app.guard("marking articles read"):
                count = self.service.mark_all_read(str(feed_id) if feed_id else None)
                self.app.call_from_thread(self.notify, f"Marked {count} read.", markup=False)
                self.app.call_from_thread(self.load_articles, self.collection)
                self.post_message(CollectionsChanged())

        self.run_worker(write, thread=True, group="flags")

    def action_add_feed(self) -> None:
        from reader.ui.dialogs.prompt import PromptDialog

        self.app.push_screen(
            PromptDialog(
                "Add a feed", "The address of a feed or of a web page that links one", "add"
            ),
            self._add_feed,
        )

    def _add_feed(self, url: str | None) -> None:
        if not url:
            return

        def add() -> None:
            with self.reader_app.guard(f"adding {url}"):
                result = self.service.add_feed(url)
                title = result.feed.title or result.feed.url
                done = (
                    f"Subscribed to {title} ({result.new} articles)"
                    if result.created
                    else f"Already subscribed to {title}"
                )
                self.app.call_from_thread(self.notify, done, markup=False)
                self.post_message(CollectionsChanged())

        self.run_worker(add, thread=True, group="add-feed")

    def action_refresh_feed(self) -> None:
        feed_id = self.collection.feed_id
        self.refresh_feeds([feed_id] if feed_id is not None else None)

    def action_refresh_all(self) -> None:
        self.refresh_feeds(None)

    def refresh_feeds(self, feed_ids: list[int] | None) -> None:
        self.notify("Refreshing…", markup=False, timeout=2)
        self._refresh_worker(feed_ids)

    @work(thread=True, exclusive=True, group="refresh")
    def _refresh_worker(self, feed_ids: list[int] | None) -> None:
        with self.reader_app.guard("refreshing feeds"):
            count = (
                len(feed_ids)
                if feed_ids is not None
                else len(self.service.store.feeds(FeedKind.FEED))
            )
            progress = _RefreshProgress(self, count)
            results = self.service.refresh(feed_ids=feed_ids, progress=progress)
            failures = [f"{r.feed}: {r.error}" for r in results if r.error]
            self.app.call_from_thread(self._refresh_done, results.summary(), failures)
        self.app.call_from_thread(setattr, self, "sub_title", self.collection.title)

    def show_refresh_progress(self, result: FeedRefreshResult, done: int, total: int) -> None:
        state = f"failed: {result.error}" if result.error else f"{result.new} new"
        self.sub_title = (
            f"{self.collection.title} — refreshing {done}/{total}: {result.feed} {state}"
        )

    def _refresh_done(self, summary: str, failures: list[str]) -> None:
        self.notify(summary, markup=False)
        for failure in failures[:MAX_FAILURE_NOTICES]:
            self.notify(failure, title="Feed failed", severity="warning", markup=False, timeout=8)
        if len(failures) > MAX_FAILURE_NOTICES:
            more = len(failures) - MAX_FAILURE_NOTICES
            self.notify(f"{more} more feeds failed; see `reader feeds`.", markup=False)
        self.load_collections()
        self.load_articles(self.collection)

    def action_fetch_full(self) -> None:
        summary = self._highlighted()
        if summary is None:
            return

        def fetch() -> None:
            with self.reader_app.guard("fetching the full text"):
                result = self.service.fetch_full(summary.id)
                self.app.call_from_thread(self._show_preview, result.article)
                done = (
                    "Full text fetched."
                    if result.extracted
                    else "No main text found; kept the summary."
                )
                self.app.call_from_thread(self.notify, done, markup=False)

        self.run_worker(fetch, thread=True, exclusive=True, group="full-text")


class _RefreshProgress:
    """The refresh callback: counts finished feeds and shows them in the header."""

    def __init__(self, screen: MainScreen, total: int) -> None:
        self.screen = screen
        self.total = total
        self.done = 0

    def __call__(self, result: FeedRefreshResult) -> None:
        self.done += 1
        self.screen.app.call_from_thread(
            self.screen.show_refresh_progress, result, self.done, self.total
        )


def _meta_parts(article: Article | ArticleSummary) -> list[str]:
    published = (article.published or "")[:16].replace("T", " ")
    return [article.feed_title, published, article.language or ""]


def _empty_text(collection: Collection) -> str:
    if collection.key == "unread":
        return "Nothing unread. Press R to refresh, a to add a feed."
    if collection.key == "starred":
        return "No starred articles yet: press s on one to keep it here."
    if collection.key == "local":
        return "Nothing here yet: `reader open FILE` or ctrl+s in the translator (T) adds articles."
    if collection.key == "search":
        return f"Nothing matches {collection.query!r}."
    return "No articles in this collection."
