"""Feed-server accounts in the TUI: the sidebar shows each account with its server's
folders, R refreshes and syncs, r syncs an account's article, flag changes reach the
server right away, and a failing server is one notification, never a crash."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from reader.service import ReaderService
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.collections import CollectionTree
from tests.sync.mini_fever import PASSWORD, USER, MiniFever
from tests.ui.conftest import make_app, settle
from tests.ui.test_collections_tree import tree_lines


@pytest.fixture
def fever(httpserver: HTTPServer) -> Iterator[MiniFever]:
    server = MiniFever()
    server.add_items(7, 3)
    httpserver.expect_request("/fever/").respond_with_handler(server.handler)
    yield server


@pytest.fixture
def synced(service: ReaderService, fever: MiniFever, httpserver: HTTPServer) -> ReaderService:
    service.account_add("fever", httpserver.url_for("/fever/"), USER, PASSWORD, name="home")
    [result] = service.account_sync("home")
    assert result.error is None and result.new == 3
    return service


def marks(fever: MiniFever) -> list[str]:
    return [call for call in fever.calls if "mark" in call or call == "api"]


async def wait_for(pilot: object, condition: object, seconds: float = 10) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot) and callable(condition)
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met in time")


async def show_account(pilot: object) -> ArticleList:
    """Settle, open the account's collection and focus its list."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await settle(pilot)
    pilot.app.screen.query_one(CollectionTree).select_key("account:home")
    await settle(pilot)
    article_list = pilot.app.screen.query_one(ArticleList)
    article_list.focus()
    return article_list


async def test_the_sidebar_shows_the_account_its_folders_and_unread(
    synced: ReaderService,
) -> None:
    app = make_app(synced)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CollectionTree)
        lines = tree_lines(tree)
        home = next(index for index, line in enumerate(lines) if "home 3" in line)
        assert "News 3" in lines[home + 1]
        assert "Feed 7 3" in lines[home + 2]
        tree.select_key("account:home")
        await settle(pilot)
        assert app.screen.query_one(ArticleList).total == 3
        assert app.screen.sub_title == "home"


async def test_r_refreshes_and_syncs_and_a_read_key_reaches_the_server(
    synced: ReaderService, fever: MiniFever
) -> None:
    app = make_app(synced)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        article_list = await show_account(pilot)
        fever.add_items(7, 2)  # meanwhile on the phone: two new items, one old one read
        fever.unread.discard(1)
        await pilot.press("R")
        await settle(pilot)
        assert article_list.total == 5
        assert any("synced home 2 new" in str(n.message) for n in app._notifications)
        tree_text = tree_lines(app.screen.query_one(CollectionTree))
        assert any(line.strip().endswith("home 4") for line in tree_text), tree_text

        highlighted = article_list.highlighted
        assert highlighted is not None and not highlighted.read
        remote_id = int(str(highlighted.url).rsplit("/", 1)[1])
        await pilot.press("m")
        await settle(pilot)
        await wait_for(pilot, lambda: remote_id not in fever.unread)
        assert synced.accounts()[0].pending == 0


async def test_r_on_an_account_article_syncs_only_that_account(
    synced: ReaderService, fever: MiniFever
) -> None:
    app = make_app(synced)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        article_list = await show_account(pilot)
        fever.add_items(7, 1)
        before = len(fever.calls)
        await pilot.press("r")
        await settle(pilot)
        assert any("items" in call for call in fever.calls[before:])
        assert article_list.total == 4
        messages = [str(n.message) for n in app._notifications]
        assert not any("not from a feed" in message for message in messages)


async def test_a_server_down_is_one_notification_and_changes_stay_queued(
    synced: ReaderService, fever: MiniFever
) -> None:
    app = make_app(synced)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await show_account(pilot)
        fever.mode = "500"
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        failed = [n for n in app._notifications if n.title == "Sync failed"]
        assert len(failed) == 1
        assert str(failed[0].message).startswith("home: ")
        assert "\n" not in str(failed[0].message)
        assert synced.accounts()[0].pending == 1, "the read stays queued for the next sync"
        assert app.is_running
        tree = app.screen.query_one(CollectionTree)
        assert any("home !" in line for line in tree_lines(tree))

        fever.mode = "ok"
        await pilot.press("R")
        await settle(pilot)
        assert synced.accounts()[0].pending == 0
