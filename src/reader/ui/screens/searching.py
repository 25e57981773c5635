"""Searching the main screen's library: the search box takes words or a query (see
:mod:`reader.core.query`), an invalid query is shown with its position and asked again,
``ctrl+s`` saves it as a sidebar collection, and escape goes back to where the search
started, cursor and all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.ui.screens.library import Position
from reader.ui.screens.refreshing import RefreshingScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.collections import Collection, CollectionTree, saved_collection

if TYPE_CHECKING:
    from reader.core.query import QuerySyntaxError


class SearchingScreen(RefreshingScreen):
    """The search half of the main screen."""

    def __init__(self) -> None:
        super().__init__()
        self._before_search: tuple[Collection, Position | None] | None = None
        """The collection (and cursor) a search started from, for escape and ``q``."""

    def action_search(self, value: str = "", error: QuerySyntaxError | None = None) -> None:
        """Ask for words or a query (see :mod:`reader.core.query`); an invalid query is
        asked again with its ``error`` under it and the cursor where the error is;
        ``ctrl+s`` saves it as a collection."""
        from reader.ui.dialogs.prompt import PromptDialog

        def search(query: str | None) -> None:
            if not query or not self._valid_query(query):
                return
            if self.collection.key != "search":
                self._before_search = (self.collection, self._cursor_position())
            self.load_articles(Collection("search", f"Search: {query}", query=query))

        hint = "Words (Korean or English), or a query: unread has:외교 known>80% · ctrl+s saves"
        cursor = None
        if error is not None:
            hint, cursor = f"✗ {error}\n{hint}", min(error.position, len(value))
        dialog = PromptDialog(
            "Search", hint, "search", value=value, save=self._ask_search_name, cursor=cursor
        )
        self.app.push_screen(dialog, search)

    def _valid_query(self, query: str) -> bool:
        """True for a query that parses; else the error is shown and the box opens again."""
        from reader.core.query import QuerySyntaxError, parse

        try:
            parse(query)
        except QuerySyntaxError as error:
            self.notify(f"Search: {error}", severity="error", markup=False, timeout=8)
            self.call_later(self.action_search, query, error)
            return False
        return True

    def _ask_search_name(self, query: str) -> bool:
        """``ctrl+s`` in the search box: a valid query is saved under the name asked for."""
        from reader.core.query import QuerySyntaxError, parse
        from reader.ui.dialogs.prompt import PromptDialog

        try:
            parse(query)
        except QuerySyntaxError as error:
            self.notify(f"Search: {error}", severity="error", markup=False, timeout=8)
            return False

        def named(name: str | None) -> None:
            if name:
                self._save_search(name, query)

        name_prompt = PromptDialog(
            "Save search as", f"A name for: {query}", "saved-name", value=query[:100]
        )
        self.app.call_later(self.app.push_screen, name_prompt, named)  # once the box is gone
        return True

    def _save_search(self, name: str, query: str) -> None:
        def write() -> None:
            with self.guard("saving the search"):
                saved = self.service.add_saved_search(name, query)
                collection = saved_collection(saved.name, saved.query)
                self.app.call_from_thread(self.load_articles, collection)
                self.app.call_from_thread(self.load_collections)
                self.app.call_from_thread(
                    self.notify, f"Saved search {saved.name!r} added.", markup=False, timeout=4
                )

        self.run_worker(write, thread=True, group="saved-search")

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
