"""Changes of the reader's data the main screen asks about first and ``u`` undoes:
marking the articles of a collection or a search read (``A``), and removing a saved
search (``d`` on it in the sidebar). ``u`` puts back the last of them, and only what it
changed (articles that were read before stay read; the saved search comes back with
its name and query).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.binding import Binding

from reader.ui.messages import CollectionsChanged
from reader.ui.screens.searching import SearchingScreen
from reader.ui.widgets.collections import ALL_UNREAD, Collection, CollectionTree
from reader.ui.widgets.key_hints import first_key

if TYPE_CHECKING:
    from reader.core.query_store import SavedSearch


@dataclass(frozen=True)
class _BulkChange:
    """Articles whose read state one bulk change set to ``read``: what undo flips back."""

    article_ids: list[int]
    read: bool
    where: str


@dataclass(frozen=True)
class _RemovedSearch:
    """A saved search ``d`` removed: what undo saves again."""

    saved: SavedSearch


class BulkChangesScreen(SearchingScreen):
    """The main screen's undoable changes; the keys are :class:`MainScreen`'s."""

    def __init__(self) -> None:
        super().__init__()
        self._undo: _BulkChange | _RemovedSearch | None = None
        """The last undoable change, which ``u`` reverts."""

    def _undo_key(self) -> str:
        """The key that runs undo now (the user's keymap may have moved it)."""
        binding = next(
            binding
            for binding in type(self).BINDINGS
            if isinstance(binding, Binding) and binding.id == "undo_mark_read"
        )
        return first_key(self.keys_for(binding))

    # -- marking read --------------------------------------------------------------

    def action_mark_all_read(self) -> None:
        """Ask "Mark 12 articles read?" for exactly the articles shown, then mark them."""
        collection = self.collection

        def count() -> None:
            with self.guard("counting unread articles"):
                unread = self._unread_ids(collection)
                self.app.call_from_thread(self._confirm_mark_read, collection, unread)

        self.run_worker(count, thread=True, group="flags")

    def _unread_ids(self, collection: Collection) -> list[int]:
        """The unread articles of the collection or search shown (worker thread)."""
        if collection.is_query:
            return self.service.query_article_ids(collection.query, unread=True)
        return self.service.article_ids(collection.articles.only_unread())

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
            with self.guard("marking articles read"):
                changed = self.service.mark_read(article_ids, True)
                self.app.call_from_thread(self._bulk_change_done, changed, True, collection)
                self.push_flag_changes()

        self.run_worker(write, thread=True, group="flags")

    def _bulk_change_done(self, changed: list[int], read: bool, collection: Collection) -> None:
        """Remember what changed for ``u`` (until the next undoable change) and say so."""
        self._undo = _BulkChange(changed, read, collection.title)
        state = "read" if read else "unread"
        self.notify(
            f"Marked {_articles(len(changed))} {state} in {collection.title}.",
            title=f"Undo: press {self._undo_key()}",
            markup=False,
            timeout=8,
        )
        self.reload_keeping_cursor()
        self.load_collections()

    # -- removing a saved search ---------------------------------------------------

    @on(CollectionTree.RemoveAsked)
    def ask_remove_saved_search(self, message: CollectionTree.RemoveAsked) -> None:
        """``d`` in the sidebar: ask before removing the highlighted saved search."""
        from reader.ui.dialogs.confirm import ConfirmDialog

        collection = message.collection
        name = collection.saved_name
        if name is None:
            note = "Only a saved search is removed here (a feed: reader remove FEED)."
            self.notify(note, markup=False, timeout=4)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove_saved_search(name)

        question = f"Remove the saved search {collection.title!r}?"
        self.app.push_screen(ConfirmDialog(question), answered)

    def _remove_saved_search(self, name: str) -> None:
        def write() -> None:
            with self.guard("removing the saved search"):
                saved = self.service.remove_saved_search(name)
                self.app.call_from_thread(self._saved_search_removed, saved)

        self.run_worker(write, thread=True, group="saved-search")

    def _saved_search_removed(self, saved: SavedSearch) -> None:
        """Remember it for ``u``, say so with its query (enough to make it again), and
        leave its articles if they are shown."""
        self._undo = _RemovedSearch(saved)
        self.notify(
            f"Removed the saved search {saved.name!r}: {saved.query}",
            title=f"Undo: press {self._undo_key()}",
            markup=False,
            timeout=8,
        )
        if self.collection.saved_name == saved.name:
            self.load_articles(ALL_UNREAD)
            self.query_one(CollectionTree).select_key(ALL_UNREAD.key, announce=False)
        self.load_collections()

    # -- undo ----------------------------------------------------------------------

    def action_undo_mark_read(self) -> None:
        """Put back what the last undoable change altered, and only that."""
        undo = self._undo
        if undo is None:
            self.notify("Nothing to undo.", markup=False, timeout=3)
            return
        self._undo = None
        if isinstance(undo, _RemovedSearch):
            self._restore_saved_search(undo.saved)
            return

        def write() -> None:
            with self.guard("undoing the change"):
                self.service.mark_read(undo.article_ids, not undo.read)
                self.push_flag_changes()
                state = "unread" if undo.read else "read"
                message = (
                    f"Undone: {_articles(len(undo.article_ids))} {state} again in {undo.where}."
                )
                self.app.call_from_thread(self.notify, message, markup=False, timeout=4)
                self.app.call_from_thread(self.reload_keeping_cursor)
                self.post_message(CollectionsChanged())

        self.run_worker(write, thread=True, group="flags")

    def _restore_saved_search(self, saved: SavedSearch) -> None:
        def write() -> None:
            with self.guard("restoring the saved search"):
                back = self.service.add_saved_search(saved.name, saved.query)
                message = f"Undone: the saved search {back.name!r} is back."
                self.app.call_from_thread(self.notify, message, markup=False, timeout=4)
                self.post_message(CollectionsChanged())

        self.run_worker(write, thread=True, group="saved-search")


def _articles(count: int) -> str:
    return f"{count} article" if count == 1 else f"{count} articles"
