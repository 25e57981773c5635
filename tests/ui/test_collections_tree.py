"""The collection tree: names cut before counts, untitled feeds named by URL, folders."""

from __future__ import annotations

from reader.core.models import EntryData
from reader.service import ReaderService
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.collections import CollectionTree, url_name
from tests.ui.conftest import entries, make_app, settle


def tree_lines(tree: CollectionTree) -> list[str]:
    return [tree.render_line(y).text.rstrip() for y in range(tree.last_line + 1)]


def many(count: int, prefix: str) -> list[EntryData]:
    return [
        EntryData(guid=f"{prefix}-{n}", title=f"{prefix} {n}", paragraphs=["x"])
        for n in range(count)
    ]


async def test_long_names_are_cut_with_an_ellipsis_but_counts_and_marks_never(
    service: ReaderService,
) -> None:
    long_feed, _ = service.store.add_feed("https://w.example/rss", "여성신문 - 전체기사 모음 전체")
    service.store.upsert_entries(long_feed.id, many(1027, "w"))
    service.store.update_feed(long_feed.id, last_error="HTTP 500")
    app = make_app(service)
    for width in (80, 160):
        async with app.run_test(size=(width, 30)) as pilot:
            await settle(pilot)
            tree = app.screen.query_one(CollectionTree)
            line = next(text for text in tree_lines(tree) if text.startswith("여성"))
            assert line.endswith(" ! 1027"), line
            assert "…" in line
            assert len(line) <= tree.scrollable_content_region.width
        app = make_app(service)


async def test_untitled_feeds_show_host_and_path_tail(service: ReaderService) -> None:
    one, _ = service.store.add_feed("http://127.0.0.1:8765/korea/news/rss.xml")
    service.store.add_feed("http://127.0.0.1:8765/kultur/feed")
    service.store.upsert_entries(one.id, many(3, "k"))
    app = make_app(service)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CollectionTree)
        lines = tree_lines(tree)
        assert "127.0.0.1…/news/rss.xml 3" in lines
        assert "127.0.0.1:87…/kultur/feed" in lines
        assert tree.root.children[-2].data.title == "127.0.0.1:8765/…/news/rss.xml"  # type: ignore[union-attr]
    assert url_name("https://example.org/") == "example.org"
    assert url_name("https://example.org/feed.xml") == "example.org/feed.xml"


async def test_a_folder_inside_a_folder_is_shown_inside_it(service: ReaderService) -> None:
    """``news/korea`` (as an OPML import of nested outlines files it) is ``korea``
    under ``news``, before news' own feeds; ``news`` counts and lists both, and
    ``korea`` only its own. A folder with only folders inside still shows."""
    hani, _ = service.store.add_feed("https://h.example/rss", "Hani", folder="news/korea")
    world, _ = service.store.add_feed("https://w.example/rss", "World", folder="news")
    deep, _ = service.store.add_feed("https://d.example/rss", "Deep", folder="blogs/tech/ai")
    service.store.upsert_entries(hani.id, entries(2, start=500))
    service.store.upsert_entries(world.id, entries(3, start=600))
    service.store.upsert_entries(deep.id, entries(1, start=700))
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CollectionTree)
        nodes = tree._collection_nodes
        assert str(nodes["folder:news"].label) == "news 5"
        assert [str(n.label) for n in nodes["folder:news"].children] == ["korea 2", "World 3"]
        assert str(nodes["folder:blogs"].label) == "blogs 1"
        assert [str(n.label) for n in nodes["folder:blogs/tech"].children] == ["ai 1"]
        assert nodes["folder:blogs/tech"].parent is nodes["folder:blogs"]
        tree.select_key("folder:news/korea")
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        assert app.screen.sub_title == "news/korea"
        assert {row.feed_id for _, row in article_list.loaded_rows()} == {hani.id}
        tree.select_key("folder:news")
        await settle(pilot)
        assert article_list.total == 5


async def test_folders_come_first_sorted_counted_and_open_as_a_collection(
    service: ReaderService,
) -> None:
    zeta, _ = service.store.add_feed("https://z.example/feed.xml", "Zeta", folder="news")
    alpha, _ = service.store.add_feed("https://a.example/feed.xml", "Alpha", folder="News B")
    beta, _ = service.store.add_feed("https://b.example/feed.xml", "Beta", folder="news")
    service.store.upsert_entries(zeta.id, entries(2, start=200))
    service.store.upsert_entries(beta.id, entries(3, start=300))
    service.store.upsert_entries(alpha.id, entries(1, start=400))
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CollectionTree)
        labels = [str(node.label) for node in tree.root.children]
        first_feed = next(i for i, label in enumerate(labels) if label.startswith("news"))
        assert labels[first_feed:] == ["news 5", "News B 1", "Example News 12"]
        assert [str(n.label) for n in tree.root.children[first_feed].children] == [
            "Beta 3",
            "Zeta 2",
        ]
        tree.focus()
        tree.move_cursor(tree.root.children[first_feed])
        await pilot.press("enter")
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        assert app.screen.sub_title == "news"
        assert article_list.total == 5
        assert {row.feed_id for _, row in article_list.loaded_rows()} == {zeta.id, beta.id}
        assert tree.root.children[first_feed].is_expanded, "enter opens, it does not fold"
        tree.focus()
        await pilot.press("G")
        assert tree.cursor_node is not None and str(tree.cursor_node.label) == "Example News 12"
        await pilot.press("home")
        assert tree.cursor_line == 0
