"""The main screen: collections, the article list and a preview of the highlighted article."""

from __future__ import annotations

from dataclasses import dataclass
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
from reader.ui.widgets.key_hints import KeyHints, first_key

if TYPE_CHECKING:
    from reader.core.feeds import FeedRefreshResult
    from reader.service import AddFeedResult, ReaderService
    from reader.ui.app import ReaderApp


MAX_FAILURE_NOTICES = 3
RANK_ANALYSE_LIMIT = 500
"""Articles analysed, at most, before sorting by difficulty (the rest sort last)."""
PREVIEW_DELAY = 0.12
"""Seconds the list cursor must rest before the preview loads (holding j stays smooth)."""


class MainScreen(Screen[None]):
    """Collections on the left, the list and a preview on the right (stacked when narrow)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "refresh_feed",
            "Refresh",
            tooltip="Refresh this feed (in All unread, Starred, a folder or search results: "
            "the highlighted article's feed)",
            id="refresh_feed",
        ),
        Binding("R", "refresh_all", "Refresh all", tooltip="Refresh every feed", id="refresh_all"),
        Binding("a", "add_feed", "Add feed", id="add_feed"),
        Binding("s", "toggle_star", "Star", id="toggle_star"),
        Binding("m", "toggle_read", "Read/unread", id="toggle_read"),
        Binding("n", "next_unread", "Next unread", show=False, id="next_unread"),
        Binding("N", "previous_unread", "Previous unread", show=False, id="previous_unread"),
        Binding("o", "open_browser", "Open in browser", show=False, id="open_browser"),
        Binding("f", "fetch_full", "Full text", show=False, id="fetch_full"),
        Binding("slash", "search", "Search", id="search"),
        Binding(
            "A",
            "mark_all_read",
            "Mark all read",
            tooltip="Mark the articles of this collection or search read (asks first)",
            show=False,
            id="mark_all_read",
        ),
        Binding(
            "u",
            "undo_mark_read",
            "Undo mark read",
            tooltip="Undo the last mark-all-read (only the articles it changed)",
            show=False,
            id="undo_mark_read",
        ),
        Binding("g", "app.glossary", "Glossary", id="glossary"),
        Binding("D", "sort_by_difficulty", "Easiest first", show=False, id="sort_by_difficulty"),
        Binding("escape", "back", "Back", show=False, id="back"),
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
        self._before_search: tuple[Collection, _Position | None] | None = None
        """The collection (and cursor) a search started from, for escape and ``q``."""
        self._undo: _BulkChange | None = None
        """The last bulk change of read state, which ``u`` reverts."""

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

    def load_articles(self, collection: Collection, keep: _Position | None = None) -> None:
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

    def _cursor_position(self) -> _Position | None:
        article_list = self.query_one(ArticleList)
        summary = article_list.highlighted
        return _Position(summary.id, article_list.cursor) if summary is not None else None

    def _query(self, collection: Collection, offset: int, limit: int) -> list[ArticleSummary]:
        if self._ranked is not None:
            return self._ranked[offset : offset + limit]
        if collection.key == "search":
            return self._search_results[offset : offset + limit]
        return self.service.list_articles(**collection.filters(), limit=limit, offset=offset)

    def _load_articles_now(self, collection: Collection, keep: _Position | None = None) -> None:
        with self.reader_app.guard(f"loading {collection.title}"):
            if collection.key == "search":
                self._search_results = self.service.search(collection.query, limit=1000)
                total = len(self._search_results)
            else:
                total = self.service.count_articles(**collection.filters())
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

    def _find_kept(
        self,
        collection: Collection,
        first_page: list[ArticleSummary],
        keep: _Position | None,
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

    def _show_difficulties(self, shares: dict[int, float]) -> None:
        self.query_one(ArticleList).set_difficulties(shares)

    def _rank_by_difficulty(self, collection: Collection, total: int) -> list[ArticleSummary]:
        """Every row of the collection, easiest first; articles not analysed yet go last.

        Articles never analysed are analysed first.
        """
        if self.service.vocabulary_pending():
            self.service.index_vocabulary(RANK_ANALYSE_LIMIT)
        if collection.key == "search":
            rows = list(self._search_results)
        else:
            rows = self.service.list_articles(**collection.filters(), limit=max(total, 1))
        found = self.service.article_difficulties([row.id for row in rows])
        shares = {article_id: found[article_id].known_share for article_id in found}
        return sorted(rows, key=lambda row: -shares.get(row.id, -1.0))

    def action_sort_by_difficulty(self) -> None:
        self.by_difficulty = not self.by_difficulty
        order = "easiest first (most known words)" if self.by_difficulty else "newest first"
        self.notify(f"Articles {order}.", markup=False, timeout=3)
        self.load_articles(self.collection)

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

    def action_back(self) -> None:
        """Leave search results for the collection the search started from, else focus the list."""
        if not self.leave_search():
            self.query_one(ArticleList).focus()

    def leave_search(self) -> bool:
        """Back from search results to where the search started, cursor and all; False if
        no search is shown (``q`` then quits)."""
        if self.collection.key != "search" or self._before_search is None:
            return False
        collection, keep = self._before_search
        self._before_search = None
        self.load_articles(collection, keep)
        self.query_one(CollectionTree).select_key(collection.key, announce=False)
        self.query_one(ArticleList).focus()
        return True

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
            if not query:
                return
            if self.collection.key != "search":
                self._before_search = (self.collection, self._cursor_position())
            self.load_articles(Collection("search", f"Search: {query}", query=query))

        self.app.push_screen(
            PromptDialog("Search", "Words or part of a word, Korean or English", "search"), search
        )

    def action_mark_all_read(self) -> None:
        """Ask "Mark 12 articles read?" for exactly the articles shown, then mark them."""
        collection = self.collection

        def count() -> None:
            with self.reader_app.guard("counting unread articles"):
                unread = self._unread_ids(collection)
                self.app.call_from_thread(self._confirm_mark_read, collection, unread)

        self.run_worker(count, thread=True, group="flags")

    def _unread_ids(self, collection: Collection) -> list[int]:
        """The unread articles of the collection or search shown (worker thread)."""
        if collection.key == "search":
            return self.service.unread_among([row.id for row in self._search_results])
        return self.service.article_ids(**{**collection.filters(), "unread": True})

    def _confirm_mark_read(self, collection: Collection, unread: list[int]) -> None:
        from reader.ui.dialogs.confirm import ConfirmDialog

        if not unread:
            self.notify(f"Nothing unread in {collection.title}.", markup=False, timeout=3)
            return
        question = f"Mark {_articles(len(unread))} read?"

        def answered(yes: bool | None) -> None:
            if yes:
                self._mark_read(collection, unread)

        self.app.push_screen(ConfirmDialog(question), answered)

    def _mark_read(self, collection: Collection, article_ids: list[int]) -> None:
        def write() -> None:
            with self.reader_app.guard("marking articles read"):
                changed = self.service.mark_read(article_ids, True)
                self.app.call_from_thread(self._bulk_change_done, changed, True, collection)

        self.run_worker(write, thread=True, group="flags")

    def _bulk_change_done(self, changed: list[int], read: bool, collection: Collection) -> None:
        """Remember what changed for ``u`` (until the next bulk change) and say so."""
        self._undo = _BulkChange(changed, read, collection.title)
        state = "read" if read else "unread"
        undo_key = first_key(self.reader_app.keys_for(_binding("undo_mark_read")))
        self.notify(
            f"Marked {_articles(len(changed))} {state} in {collection.title}.",
            title=f"Undo: press {undo_key}",
            markup=False,
            timeout=8,
        )
        self.reload_keeping_cursor()
        self.load_collections()

    def action_undo_mark_read(self) -> None:
        """Put back the read state the last bulk change altered, and only that."""
        undo = self._undo
        if undo is None:
            self.notify("Nothing to undo.", markup=False, timeout=3)
            return
        self._undo = None

        def write() -> None:
            with self.reader_app.guard("undoing the change"):
                self.service.mark_read(undo.article_ids, not undo.read)
                state = "unread" if undo.read else "read"
                message = (
                    f"Undone: {_articles(len(undo.article_ids))} {state} again in {undo.where}."
                )
                self.app.call_from_thread(self.notify, message, markup=False, timeout=4)
                self.app.call_from_thread(self.reload_keeping_cursor)
                self.post_message(CollectionsChanged())

        self.run_worker(write, thread=True, group="flags")

    def action_add_feed(self) -> None:
        from reader.ui.dialogs.add_feed import AddFeedDialog

        self.app.push_screen(AddFeedDialog(self._feed_added))

    def _feed_added(self, result: AddFeedResult) -> None:
        title = plain(result.feed.title) or result.feed.url
        done = (
            f"Subscribed to {title} ({result.new} articles)"
            if result.created
            else f"Already subscribed to {title}"
        )
        self.notify(done, markup=False)
        self.load_collections()

    def action_refresh_feed(self) -> None:
        """Refresh the feed shown, or in a collection of many feeds the highlighted article's."""
        feed_id = self.collection.feed_id
        if feed_id is None:
            summary = self._highlighted()
            feed_id = summary.feed_id if summary is not None else None
        if feed_id is None:
            self.notify("No article highlighted; R refreshes every feed.", markup=False)
            return
        self.refresh_feeds([feed_id])

    def action_refresh_all(self) -> None:
        self.refresh_feeds(None)

    def refresh_feeds(self, feed_ids: list[int] | None) -> None:
        self._refresh_worker(feed_ids)

    @work(thread=True, exclusive=True, group="refresh")
    def _refresh_worker(self, feed_ids: list[int] | None) -> None:
        with self.reader_app.guard("refreshing feeds"):
            if feed_ids is None:
                count = len(self.service.store.feeds(FeedKind.FEED))
                self.app.call_from_thread(self.notify, "Refreshing…", markup=False, timeout=2)
            else:
                feeds = [self.service.store.feed(feed_id) for feed_id in feed_ids]
                subscribed = [f for f in feeds if f is not None and f.kind is FeedKind.FEED]
                if not subscribed:
                    note = "This article is not from a feed: nothing to refresh (R: all feeds)."
                    self.app.call_from_thread(self.notify, note, markup=False)
                    return
                feed_ids = [feed.id for feed in subscribed]
                count = len(feed_ids)
                names = ", ".join(plain(feed.title or feed.url) for feed in subscribed)
                self.app.call_from_thread(
                    self.notify, f"Refreshing {names}…", markup=False, timeout=2
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
        self.reload_keeping_cursor()

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


@dataclass(frozen=True)
class _Position:
    """The article under the list cursor and its row, to find it again after a reload."""

    article_id: int
    index: int


@dataclass(frozen=True)
class _Page:
    offset: int
    rows: list[ArticleSummary]


@dataclass(frozen=True)
class _BulkChange:
    """Articles whose read state one bulk change set to ``read``: what undo flips back."""

    article_ids: list[int]
    read: bool
    where: str


def _binding(binding_id: str) -> Binding:
    return next(
        binding
        for binding in MainScreen.BINDINGS
        if isinstance(binding, Binding) and binding.id == binding_id
    )


def _articles(count: int) -> str:
    return f"{count} article" if count == 1 else f"{count} articles"


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
