"""The collection tree: smart collections first, then feeds (grouped by folder) with unread counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from reader.core.models import Feed, FeedKind
from reader.ui.format import plain


@dataclass(frozen=True)
class Collection:
    """What an article list shows: a smart collection or one feed."""

    key: str
    """``unread``, ``starred``, ``local``, ``demo``, ``search``, ``folder:<name>`` or ``feed:<id>``."""
    title: str
    feed_id: int | None = None
    unread_only: bool = False
    starred_only: bool = False
    kind: FeedKind | None = None
    query: str = ""
    """For ``search``: what the user typed."""
    folder: str | None = None
    """For ``folder:<name>``: every feed filed in that folder."""

    def filters(self) -> dict[str, Any]:
        """The store's filters for this collection (not for ``search``, which has ids)."""
        return {
            "feed_id": self.feed_id,
            "unread": self.unread_only,
            "starred": self.starred_only,
            "kind": self.kind,
            "folder": self.folder,
        }


ALL_UNREAD = Collection("unread", "All unread", unread_only=True)
STARRED = Collection("starred", "Starred", starred_only=True)
LOCAL = Collection("local", "Local", kind=FeedKind.LOCAL)
WELCOME = Collection("demo", "Welcome", kind=FeedKind.DEMO)


def feed_collection(feed: Feed) -> Collection:
    return Collection(f"feed:{feed.id}", feed.title or feed.url, feed_id=feed.id)


@dataclass
class CollectionCounts:
    """Everything the tree shows, fetched in one worker."""

    unread: int
    starred: int
    local: int
    demo: int
    feeds: list[Feed]


def _label(title: str, count: int | None = None, failed: bool = False) -> Text:
    """A node label built from plain strings: feed titles are never read as markup."""
    label = Text(plain(title), no_wrap=True, overflow="ellipsis")
    if failed:
        label.append(" !", style="bold")
    if count:
        label.append(f" {count}", style="bold")
    return label


class CollectionTree(Tree[Collection]):
    """Smart collections and feeds; selecting one posts :class:`CollectionTree.Chosen`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="tree_down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="tree_up"),
    ]

    DEFAULT_CSS = """
    CollectionTree { width: 100%; }
    """

    @dataclass
    class Chosen(Message):
        tree: CollectionTree
        collection: Collection

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("Collections"), data=None, id=id)
        self.show_root = False
        self.guide_depth = 2
        self._collection_nodes: dict[str, TreeNode[Collection]] = {}

    def show_counts(self, counts: CollectionCounts) -> None:
        """Rebuild the tree from fresh counts, keeping the cursor on the same collection."""
        selected = (
            self.cursor_node.data.key if self.cursor_node and self.cursor_node.data else "unread"
        )
        self.clear()
        self._collection_nodes.clear()
        self._add(ALL_UNREAD, counts.unread)
        self._add(STARRED, counts.starred)
        self._add(LOCAL, counts.local)
        if counts.demo or any(feed.kind is FeedKind.DEMO for feed in counts.feeds):
            self._add(WELCOME, counts.demo)
        folders: dict[str, TreeNode[Collection]] = {}
        for feed in counts.feeds:
            if feed.kind is not FeedKind.FEED:
                continue
            parent = self.root
            if feed.folder:
                if feed.folder not in folders:
                    folders[feed.folder] = self.root.add(Text(plain(feed.folder)), expand=True)
                parent = folders[feed.folder]
            collection = feed_collection(feed)
            node = parent.add_leaf(
                _label(collection.title, feed.unread, bool(feed.last_error)), collection
            )
            self._collection_nodes[collection.key] = node
        self.select_key(selected, announce=False)

    def _add(self, collection: Collection, count: int) -> None:
        self._collection_nodes[collection.key] = self.root.add_leaf(
            _label(collection.title, count), collection
        )

    def select_key(self, key: str, announce: bool = True) -> None:
        node = self._collection_nodes.get(key) or self._collection_nodes.get("unread")
        if node is None:
            return
        self.move_cursor(node)
        if announce and node.data is not None:
            self.post_message(self.Chosen(self, node.data))

    def on_tree_node_selected(self, event: Tree.NodeSelected[Collection]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.Chosen(self, event.node.data))
