"""``d`` on a saved search in the sidebar asks first, ``n`` keeps it, ``y`` removes it
(its query in the notification, the sidebar without it), and ``u`` brings it back."""

from __future__ import annotations

from reader.service import ReaderService
from reader.ui.dialogs.confirm import ConfirmDialog
from reader.ui.widgets.collections import CollectionTree
from tests.ui.conftest import make_app, settle

QUERY = "unread and council"


def _saved(service: ReaderService) -> list[tuple[str, str]]:
    return [(saved.name, saved.query) for saved in service.saved_searches()]


async def test_d_asks_n_keeps_y_removes_and_u_restores(service: ReaderService) -> None:
    service.add_saved_search("Council", QUERY)
    app = make_app(service)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CollectionTree)
        tree.focus()
        tree.select_key("saved:Council")
        await settle(pilot)
        tree.focus()
        assert app.screen.sub_title == "Council"

        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question == "Remove the saved search 'Council'?"
        await pilot.press("n")
        await settle(pilot)
        assert _saved(service) == [("Council", QUERY)], "n keeps it"
        assert "saved:Council" in tree._collection_nodes

        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert _saved(service) == []
        assert "saved:Council" not in tree._collection_nodes, "the sidebar reloaded"
        assert app.screen.sub_title == "All unread", "its articles are no longer shown"
        removed = [n for n in app._notifications if n.title.startswith("Undo")]
        assert [n.message for n in removed] == [f"Removed the saved search 'Council': {QUERY}"]
        assert removed[0].title == "Undo: press u"

        await pilot.press("u")
        await settle(pilot)
        assert _saved(service) == [("Council", QUERY)]
        assert "saved:Council" in tree._collection_nodes


async def test_d_on_a_feed_or_smart_collection_removes_nothing(service: ReaderService) -> None:
    service.add_saved_search("Council", QUERY)
    app = make_app(service)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        feeds_before = [feed.id for feed in service.store.feeds()]
        tree = app.screen.query_one(CollectionTree)
        tree.focus()
        tree.select_key("unread", announce=False)
        await pilot.press("delete")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        notes = [n.message for n in app._notifications]
        assert notes[-1] == "Only a saved search is removed here (a feed: reader remove FEED)."
        assert _saved(service) == [("Council", QUERY)]
        assert [feed.id for feed in service.store.feeds()] == feeds_before
