"""Pilot tests of the main screen: collections, the article list, preview and keys."""

from __future__ import annotations

from reader.core.models import EntryData
from reader.service import ReaderService
from reader.ui.screens.article import ArticleScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.bilingual import BilingualView
from reader.ui.widgets.collections import CollectionTree
from tests.ui.conftest import make_app, settle


async def test_starts_on_all_unread_newest_first(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        assert app.screen.sub_title == "All unread"
        assert article_list.total == service.count_articles(unread=True)
        titles = [row.title for _, row in article_list.loaded_rows()]
        assert titles[0] == "기사 0: 학교와 친구"
        assert titles[1] == "Article 1: council budget"
        preview = app.screen.query_one("#preview", BilingualView)
        assert preview.units[0].source.startswith("오늘 학교에서")


async def test_j_and_k_move_the_cursor_and_the_preview(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "k")
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        assert article_list.cursor == 1
        preview = app.screen.query_one("#preview", BilingualView)
        assert preview.units[0].source.startswith("The city council")


async def test_enter_opens_the_article_and_marks_it_read(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert app.screen.article is not None
        assert service.article(app.screen.article_id).read
        await pilot.press("escape")
        await settle(pilot)
        row = app.screen.query_one(ArticleList).highlighted
        assert row is not None and row.read


async def test_s_and_m_toggle_star_and_read(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        article_id = app.screen.query_one(ArticleList).highlighted.id  # type: ignore[union-attr]
        await pilot.press("s", "m")
        await settle(pilot)
        article = service.article(article_id)
        assert article.starred and article.read
        await pilot.press("m")
        await settle(pilot)
        assert not service.article(article_id).read


async def test_collections_list_smart_ones_then_feeds(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CollectionTree)
        labels = [str(node.label) for node in tree.root.children]
        unread = service.count_articles(unread=True)
        assert labels[:3] == [f"All unread {unread}", "Starred", "Local"]
        assert labels[3].startswith("Welcome")
        assert labels[-1] == "Example News 12"


async def test_choosing_a_feed_lists_only_its_articles(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CollectionTree)
        tree.focus()
        tree.select_key(next(k for k in tree._collection_nodes if k.startswith("feed:")))
        await settle(pilot)
        assert app.screen.query_one(ArticleList).total == 12
        assert app.screen.sub_title == "Example News"


async def test_search_finds_a_korean_substring(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"고양", "enter")
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        assert article_list.total == 6
        assert app.screen.sub_title == "Search: 고양"


async def test_n_jumps_to_the_next_unread(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        rows = [row.id for _, row in article_list.loaded_rows()]
        service.set_read([rows[1]], True)
        article_list.update_summary(service.article(rows[1]))
        await pilot.press("n")
        await settle(pilot)
        assert article_list.cursor == 2


async def test_paints_at_80_by_24_without_error(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "-narrow" in app.screen.classes
        article_list = app.screen.query_one(ArticleList)
        assert article_list.size.width >= 40
        assert article_list.size.height >= 5


async def test_many_articles_are_paged_not_loaded_at_once(service: ReaderService) -> None:
    feed, _ = service.store.add_feed("https://big.example.org/feed.xml", "Big")
    service.store.upsert_entries(
        feed.id,
        [
            EntryData(
                guid=f"big-{n}",
                title=f"Big {n}",
                paragraphs=["x"],
                published=f"2025-01-01T00:{n % 60:02d}:00+00:00",
            )
            for n in range(1000)
        ],
    )
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        assert article_list.total == service.count_articles(unread=True) > 1000
        assert len(article_list.loaded_rows()) == 200
        await pilot.press("G")
        await settle(pilot)
        assert article_list.cursor == article_list.total - 1
        assert article_list.highlighted is not None


async def test_demo_flag_opens_the_welcome_collection(service: ReaderService) -> None:
    service.store.set_meta("demo_offered", "1")
    app = make_app(service, show_demo=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.screen.sub_title == "Welcome"
        article_list = app.screen.query_one(ArticleList)
        assert article_list.total >= 1
        assert all(row.feed_title == "Welcome" for _, row in article_list.loaded_rows())


async def test_escape_and_q_leave_search_results_for_where_the_search_began(
    service: ReaderService,
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CollectionTree)
        tree.select_key(next(k for k in tree._collection_nodes if k.startswith("feed:")))
        await settle(pilot)
        await pilot.press("j", "j")
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        kept = article_list.highlighted
        for leave in ("escape", "q"):
            await pilot.press("slash", *"고양", "enter")
            await settle(pilot)
            assert app.screen.sub_title == "Search: 고양"
            await pilot.press(leave)
            await settle(pilot)
            assert app.is_running
            assert app.screen.sub_title == "Example News"
            assert article_list.total == 12
            assert article_list.highlighted == kept
        await pilot.press("q")
        await settle(pilot)
        assert not app.is_running
