"""The collection tree: smart collections first, then feeds (grouped by folder) with unread counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from reader.core.filters import EVERY_ARTICLE, ArticleFilter
from reader.core.models import Feed, FeedKind
from reader.ui.format import plain
from reader.ui.widgets.folders import folder_path, parent_and_name, tree_folders

if TYPE_CHECKING:
    from reader.core.sync.engine import Account


SAVED_PREFIX = "saved:"
"""The key prefix of a saved search's collection (``saved:<name>``)."""


@dataclass(frozen=True)
class Collection:
    """What an article list shows: a smart collection or one feed."""

    key: str
    """``unread``, ``starred``, ``local``, ``demo``, ``search``, ``saved:<name>``,
    ``folder:<name>``, ``account:<name>`` (every feed of a feed-server account) or
    ``feed:<id>``."""
    title: str
    articles: ArticleFilter = EVERY_ARTICLE
    """Which articles it shows (not for a query, see :attr:`is_query`)."""
    query: str = ""
    """For ``search``: what the user typed; for ``saved:<name>``: the saved query."""
    account: str | None = None
    """For an account and its folders: the account's name (its feeds are read-only)."""

    @property
    def is_query(self) -> bool:
        """A search or a saved search: its articles are those of :attr:`query`."""
        return self.key == "search" or self.saved_name is not None

    @property
    def saved_name(self) -> str | None:
        """For a saved search (``saved:<name>``): its name; else None."""
        return self.key.removeprefix(SAVED_PREFIX) if self.key.startswith(SAVED_PREFIX) else None


ALL_UNREAD = Collection("unread", "All unread", ArticleFilter(unread=True))
STARRED = Collection("starred", "Starred", ArticleFilter(starred=True))
LOCAL = Collection("local", "Local", ArticleFilter(kind=FeedKind.LOCAL))
WELCOME = Collection("demo", "Welcome", ArticleFilter(kind=FeedKind.DEMO))


GENERIC_FEED_FILES = frozenset(
    {"feed", "rss", "atom", "index.xml", "feed.xml", "rss.xml", "atom.xml", "rss2.xml"}
)
"""Last path segments that say nothing alone: the segment before is shown too."""


def feed_name(feed: Feed) -> str:
    """The feed's title, or for an untitled feed its host and the tail of its path."""
    title = plain(feed.title).strip()
    return title or url_name(feed.url)


def url_name(url: str) -> str:
    """``example.org/…/news/rss.xml`` for ``https://example.org/a/b/news/rss.xml``: the
    host and the end of the path, which tell feeds of one site apart."""
    from urllib.parse import urlsplit

    text = plain(url)
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    if not parts.netloc:
        return text
    segments = [segment for segment in parts.path.split("/") if segment]
    if not segments:
        return parts.netloc
    keep = 2 if segments[-1].lower() in GENERIC_FEED_FILES and len(segments) > 1 else 1
    tail = "/".join(segments[-keep:])
    return f"{parts.netloc}/{tail}" if len(segments) == keep else f"{parts.netloc}/…/{tail}"


def feed_collection(feed: Feed) -> Collection:
    return Collection(f"feed:{feed.id}", feed_name(feed), ArticleFilter(feed_id=feed.id))


def folder_collection(folder: str) -> Collection:
    """A folder of the user's own feeds (an account's feeds are not in it): every feed
    filed in it and in the folders inside it."""
    articles = ArticleFilter(kind=FeedKind.FEED, folder=folder)
    return Collection(f"folder:{folder}", plain(folder), articles)


def account_collection(name: str) -> Collection:
    """Every feed of one feed-server account (they are filed in the folder ``name``)."""
    articles = ArticleFilter(kind=FeedKind.ACCOUNT, folder=name)
    return Collection(f"account:{name}", plain(name), articles, account=name)


def account_folder_collection(account: str, folder: str) -> Collection:
    """One server-side group of an account (the folder ``account/group``)."""
    title = plain(folder.removeprefix(f"{account}/"))
    articles = ArticleFilter(kind=FeedKind.ACCOUNT, folder=folder)
    return Collection(f"account-folder:{folder}", title, articles, account=account)


def saved_collection(name: str, query: str) -> Collection:
    """A saved search (``reader saved add``, ``ctrl+s`` in the search box)."""
    return Collection(SAVED_PREFIX + name, plain(name), query=query)


@dataclass
class CollectionCounts:
    """Everything the tree shows, fetched in one worker."""

    unread: int
    starred: int
    local: int
    demo: int
    feeds: list[Feed]
    accounts: list[Account] = field(default_factory=list)
    saved: list[tuple[str, str, int]] = field(default_factory=list)
    """Saved searches: (name, query, unread articles)."""
    grouped: dict[str, int] = field(default_factory=dict)
    """Unread stories of every folder, account and account group the tree shows, by
    collection key (see :func:`grouping_collections`)."""


def grouping_collections(feeds: list[Feed], accounts: list[Account]) -> list[Collection]:
    """The folders, accounts and account groups the tree shows. Their unread counts are
    counted as their lists are: a story carried by two of their feeds is listed, and
    counted, once (the sum of the feeds' counts would count it twice)."""
    folders = {feed.folder for feed in feeds if feed.kind is FeedKind.FEED and feed.folder}
    collections = [folder_collection(folder) for folder in tree_folders(folders)]
    for account in accounts:
        collections.append(account_collection(account.name))
        collections += [
            account_folder_collection(account.name, group)
            for group in account_groups(account, feeds)
        ]
    return collections


def account_groups(account: Account, feeds: list[Feed]) -> dict[str, list[Feed]]:
    """The server's groups of an account's feeds (the folders ``account/group``) sorted
    by name, each with its feeds in the order given; the feeds filed in the account's
    own folder are in none."""
    groups: dict[str, list[Feed]] = {}
    for feed in feeds:
        if account.holds(feed) and feed.folder != account.name:
            groups.setdefault(str(feed.folder), []).append(feed)
    return {name: groups[name] for name in sorted(groups, key=lambda n: (plain(n).casefold(), n))}


def _suffix(count: int | None = None, failed: bool = False) -> Text:
    """What follows a name and is never cut: the error mark and the unread count."""
    suffix = Text()
    if failed:
        suffix.append(" !", style="bold")
    if count:
        suffix.append(f" {count}", style="bold")
    return suffix


class CollectionTree(Tree[Collection]):
    """Smart collections and feeds; selecting one posts :class:`CollectionTree.Chosen`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="tree_down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="tree_up"),
        Binding("home", "first", "First", show=False, id="tree_first"),
        Binding("G,end", "last", "Last", show=False, id="tree_last"),
        Binding("enter", "select_cursor", "Open", show=False, id="tree_open"),
        Binding("space", "toggle_node", "Fold/unfold a folder", show=False, id="tree_toggle"),
        Binding(
            "d,delete",
            "remove",
            "Remove saved search",
            tooltip="Remove the highlighted saved search (asks first)",
            show=False,
            id="tree_remove",
        ),
    ]

    DEFAULT_CSS = """
    CollectionTree { width: 100%; }
    """

    @dataclass
    class Chosen(Message):
        tree: CollectionTree
        collection: Collection

    @dataclass
    class RemoveAsked(Message):
        """``d`` on a collection: the screen decides whether it can go and asks first."""

        tree: CollectionTree
        collection: Collection

    def __init__(self, *, id: str | None = None) -> None:
        self._suffixes: dict[int, Text] = {}
        """Count and error mark of each node, by node id: drawn whole, after the name
        (set before the tree is built: building renders the root's label)."""
        self._keep_tail: set[int] = set()
        """Nodes named by their URL: cut in the middle, the end of the path tells them apart."""
        super().__init__(Text("Collections"), data=None, id=id)
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = False
        """enter opens a folder as a collection; space (or a click on ▶) folds it."""
        self._collection_nodes: dict[str, TreeNode[Collection]] = {}

    def show_counts(self, counts: CollectionCounts) -> None:
        """Rebuild the tree from fresh counts, keeping the cursor on the same collection.

        Folders come first, sorted by name, each with the unread count of its feeds;
        then the feeds filed in no folder, sorted by the name shown.
        """
        selected = (
            self.cursor_node.data.key if self.cursor_node and self.cursor_node.data else "unread"
        )
        folded = {
            key
            for key, node in self._collection_nodes.items()
            if key.startswith(("folder:", "account:", "account-folder:")) and not node.is_expanded
        }
        self.clear()
        self._collection_nodes.clear()
        self._suffixes.clear()
        self._keep_tail.clear()
        self._add(self.root, ALL_UNREAD, _suffix(counts.unread))
        self._add(self.root, STARRED, _suffix(counts.starred))
        self._add(self.root, LOCAL, _suffix(counts.local))
        if counts.demo or any(feed.kind is FeedKind.DEMO for feed in counts.feeds):
            self._add(self.root, WELCOME, _suffix(counts.demo))
        for name, query, unread in counts.saved:
            self._add(self.root, saved_collection(name, query), _suffix(unread))
        subscribed = sorted(
            (feed for feed in counts.feeds if feed.kind is FeedKind.FEED),
            key=lambda feed: (feed_name(feed).casefold(), feed.id),
        )
        self._add_folders([feed for feed in subscribed if feed.folder], counts, folded)
        for feed in subscribed:
            if not feed.folder:
                self._add_feed(self.root, feed)
        for account in counts.accounts:
            self._add_account(account, counts, folded)
        self.select_key(selected, announce=False)

    def _add_folders(self, filed: list[Feed], counts: CollectionCounts, folded: set[str]) -> None:
        """The folders of these feeds, each with its unread count: a folder inside another
        (``news/korea``) under it, a folder's own folders before its feeds."""
        failed: set[str] = set()  # the folders holding a failing feed, at any depth
        for feed in filed:
            if feed.last_error:
                failed.update(folder_path(feed.folder or ""))
        nodes: dict[str, TreeNode[Collection]] = {}
        for folder in tree_folders(feed.folder or "" for feed in filed):
            parent, name = parent_and_name(folder)
            collection = folder_collection(folder)
            nodes[folder] = self._add(
                nodes[parent] if parent else self.root,
                collection,
                _suffix(counts.grouped[collection.key], folder in failed),
                expand=collection.key not in folded,
                label=plain(name),
            )
        for feed in filed:
            self._add_feed(nodes[feed.folder or ""], feed)

    def _add_account(self, account: Account, counts: CollectionCounts, folded: set[str]) -> None:
        """The account, then its server's groups with their feeds, then its other feeds."""
        feeds = counts.feeds
        collection = account_collection(account.name)
        node = self._add(
            self.root,
            collection,
            _suffix(counts.grouped[collection.key], bool(account.last_error)),
            expand=collection.key not in folded,
        )
        own = sorted(
            (feed for feed in feeds if account.holds(feed)),
            key=lambda feed: (feed_name(feed).casefold(), feed.id),
        )
        for folder, grouped in account_groups(account, own).items():
            group = account_folder_collection(account.name, folder)
            parent = self._add(
                node,
                group,
                _suffix(counts.grouped[group.key]),
                expand=group.key not in folded,
            )
            for feed in grouped:
                self._add_feed(parent, feed)
        for feed in own:
            if feed.folder == account.name:
                self._add_feed(node, feed)

    def _add_feed(self, parent: TreeNode[Collection], feed: Feed) -> None:
        node = self._add(parent, feed_collection(feed), _suffix(feed.unread, bool(feed.last_error)))
        if not plain(feed.title).strip():
            self._keep_tail.add(node.id)

    def _add(
        self,
        parent: TreeNode[Collection],
        collection: Collection,
        suffix: Text,
        expand: bool | None = None,
        label: str | None = None,
    ) -> TreeNode[Collection]:
        """A node for ``collection`` named ``label`` (default: its title)."""
        text = Text(collection.title if label is None else label, no_wrap=True)
        text.append_text(suffix)
        if expand is None:
            node = parent.add_leaf(text, collection)
        else:
            node = parent.add(text, collection, expand=expand)
        self._collection_nodes[collection.key] = node
        self._suffixes[node.id] = suffix
        return node

    def render_label(self, node: TreeNode[Collection], base_style: Style, style: Style) -> Text:
        """The name cut with an ellipsis to leave room for the count and mark, never those."""
        text = super().render_label(node, base_style, style)
        suffix = self._suffixes.get(node.id)
        if suffix is None:
            return text
        room = self.scrollable_content_region.width - _depth(node) * self.guide_depth
        if room <= 0 or text.cell_len <= room:
            return text
        cut = len(text) - len(suffix)
        name, width = text[:cut], max(1, room - suffix.cell_len)
        if node.id in self._keep_tail:
            short = _cut_middle(name, width)
            short.stylize(style)
            return Text.assemble(short, text[cut:])
        name.truncate(width, overflow="ellipsis")
        return Text.assemble(name, text[cut:])

    def action_first(self) -> None:
        self.cursor_line = 0

    def action_last(self) -> None:
        self.cursor_line = self.last_line

    def action_remove(self) -> None:
        node = self.cursor_node
        if node is not None and node.data is not None:
            self.post_message(self.RemoveAsked(self, node.data))

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


def _depth(node: TreeNode[Collection]) -> int:
    """How many levels below the top the node is drawn (the root is hidden)."""
    depth = 0
    parent = node.parent
    while parent is not None and parent.parent is not None:
        depth += 1
        parent = parent.parent
    return depth


def _cut_middle(name: Text, width: int) -> Text:
    """``127.0.0.…/news/rss.xml`` for a name made by :func:`url_name`: the host is cut,
    the path's end kept (it is what tells the feeds of one host apart)."""
    if name.cell_len <= width:
        return name
    host, slash, path = name.plain.partition("/")
    tail = "/" + path.removeprefix("…/") if slash else ""
    head = width - 1 - len(tail)
    if head < 3:
        head = max(1, (width - 1) // 3)
        tail = name.plain[len(name.plain) - max(0, width - 1 - head) :]
    return Text(host[:head] + "…" + tail)
