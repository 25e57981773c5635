"""The main screen: collections, the article list and a preview of the highlighted article.

Loading and showing them is :class:`~reader.ui.screens.library.LibraryScreen`'s; this
module holds the screen's keys and what they do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.widgets import Header, Static

from reader.core.models import ArticleSummary
from reader.service.errors import ServiceError
from reader.ui.format import plain
from reader.ui.messages import ArticleFlagsChanged, CollectionsChanged
from reader.ui.screens.bulk_changes import BulkChangesScreen
from reader.ui.screens.library import PREVIEW_DELAY
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.bilingual import BilingualView
from reader.ui.widgets.collections import (
    ALL_UNREAD,
    WELCOME,
    CollectionTree,
)
from reader.ui.widgets.key_hints import KeyHints

if TYPE_CHECKING:
    from reader.core.models import Feed
    from reader.service import AddFeedResult


__all__ = ["PREVIEW_DELAY", "MainScreen"]


class MainScreen(BulkChangesScreen):
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
        Binding(
            "R",
            "refresh_all",
            "Refresh all",
            tooltip="Refresh every feed and sync every account",
            id="refresh_all",
        ),
        Binding("a", "add_feed", "Add feed", id="add_feed"),
        Binding(
            "e",
            "feed_settings",
            "Feed settings",
            tooltip="Settings of this feed (in a collection of many feeds: the highlighted"
            " article's feed): title, folder, full text, translation, direction, interval",
            show=False,
            id="feed_settings",
        ),
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
            "Undo",
            tooltip="Undo the last mark-all-read or removed saved search",
            show=False,
            id="undo_mark_read",
        ),
        Binding("g", "app.glossary", "Glossary", id="glossary"),
        Binding("M", "app.mining", "Sentence mining", show=False, id="open_mining"),
        Binding("D", "sort_by_difficulty", "Easiest first", show=False, id="sort_by_difficulty"),
        Binding("escape", "back", "Back", show=False, id="back"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="next_pane"),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False, id="previous_pane"),
    ]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        with Horizontal(id="columns"):
            yield CollectionTree(id="collections")
            with Container(id="reading"):
                yield ArticleList(id="articles", clock=self.host.clock)
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
        with self.guard("opening the library"):
            demo_feed = self.service.ensure_demo(force=self.host.show_demo)
            start_with = WELCOME if self.host.show_demo and demo_feed else ALL_UNREAD
            self.app.call_from_thread(self._set_collection, start_with)
            self._load_articles_now(start_with)
            self._load_collections_now()

    def action_sort_by_difficulty(self) -> None:
        self.by_difficulty = not self.by_difficulty
        order = "easiest first (most known words)" if self.by_difficulty else "newest first"
        self.notify(f"Articles {order}.", markup=False, timeout=3)
        self.load_articles(self.collection)

    # -- collections -----------------------------------------------------------------

    @on(CollectionTree.Chosen)
    def choose_collection(self, message: CollectionTree.Chosen) -> None:
        self.prefetch.pause()  # the new list's cursor says what is next
        self.load_articles(message.collection)
        self.query_one(ArticleList).focus()

    @on(ArticleList.Selected)
    def open_selected(self, message: ArticleList.Selected) -> None:
        self.open_article(message.summary.id)

    @on(ArticleFlagsChanged)
    def article_flags_changed(self, message: ArticleFlagsChanged) -> None:
        self.query_one(ArticleList).update_summary(message.summary)
        self.load_collections()

    @on(CollectionsChanged)
    def collections_changed(self) -> None:
        self.load_collections()

    def on_screen_resume(self) -> None:
        self.load_collections()
        self.prefetch.follow_cursor()

    def on_screen_suspend(self) -> None:
        """Reading an article keeps translating ahead; another screen stops it."""
        from textual.screen import ModalScreen

        from reader.ui.screens.article import ArticleScreen

        if not isinstance(self.app.screen, ArticleScreen | ModalScreen):
            self.prefetch.pause()

    def on_unmount(self) -> None:
        self.prefetch.close()

    # -- actions ---------------------------------------------------------------------

    def _highlighted(self) -> ArticleSummary | None:
        return self.query_one(ArticleList).highlighted

    def action_back(self) -> None:
        """Leave search results for the collection the search started from, else focus the list."""
        if not self.leave_search():
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
            with self.guard("saving the article"):
                if flag == "read":
                    self.service.set_read([summary.id], value)
                else:
                    self.service.set_starred([summary.id], value)
                changed = ArticleSummary(**{**summary.__dict__, flag: value})
                self.post_message(ArticleFlagsChanged(changed))
                self.push_flag_changes()

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
            self.open_in_browser(summary.url)

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
        feed_id = self.collection.articles.feed_id
        if feed_id is None:
            summary = self._highlighted()
            feed_id = summary.feed_id if summary is not None else None
        if feed_id is None:
            self.notify("No article highlighted; R refreshes every feed.", markup=False)
            return
        self.refresh_feeds([feed_id])

    def action_refresh_all(self) -> None:
        self.refresh_feeds(None)

    def action_feed_settings(self) -> None:
        """The settings dialog of the feed shown, or of the highlighted article's feed."""
        from reader.core.models import FeedKind
        from reader.ui.dialogs.feed_settings import FeedSettingsDialog

        feed_id = self.collection.articles.feed_id
        if feed_id is None:
            summary = self._highlighted()
            feed_id = summary.feed_id if summary is not None else None
        feed = self._feed_of(feed_id)
        if feed is None or feed.kind not in (FeedKind.FEED, FeedKind.ACCOUNT):
            self.notify("Choose a feed (or an article of one) for its settings.", markup=False)
            return
        self.app.push_screen(FeedSettingsDialog(feed, self._feed_settings_saved))

    def _feed_of(self, feed_id: int | None) -> Feed | None:
        if feed_id is None:
            return None
        try:
            return self.service.find_feed(str(feed_id))
        except ServiceError:
            return None

    def _feed_settings_saved(self, feed: Feed) -> None:
        from reader.ui.dialogs.feed_settings import describe_settings

        name = plain(feed.title) or feed.url
        self.notify(f"Saved {name}: {describe_settings(feed.settings)}", markup=False)
        self.load_collections()

    def action_fetch_full(self) -> None:
        summary = self._highlighted()
        if summary is None:
            return

        def fetch() -> None:
            with self.guard("fetching the full text"):
                result = self.service.fetch_full(summary.id)
                self.app.call_from_thread(self._show_preview, result.article)
                done = (
                    "Full text fetched."
                    if result.extracted
                    else "No main text found; kept the summary."
                )
                self.app.call_from_thread(self.notify, done, markup=False)

        self.run_worker(fetch, thread=True, exclusive=True, group="full-text")
