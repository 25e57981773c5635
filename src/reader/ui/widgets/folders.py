"""Folders inside folders, for the collection tree: a feed filed in ``news/korea`` sits
in ``korea`` under ``news`` (an OPML import files nested outlines so), and the ``news``
collection lists both, as the folder filter does. Plain functions: no Textual."""

from __future__ import annotations

from collections.abc import Iterable

from reader.core.folders import SEPARATOR, folder_parts

MAX_DEPTH = 8
"""Deeper folders are shown as one node named by the rest of their path: the tree
indents each level, and a narrow sidebar has no room for more."""


def folder_path(folder: str) -> list[str]:
    """The folders from the outermost to ``folder`` itself (``news``, ``news/korea``);
    only ``folder`` when a part of it is blank (``a//b`` is a name, not a path)."""
    parts = folder_parts(folder, MAX_DEPTH)
    return [SEPARATOR.join(parts[: level + 1]) for level in range(len(parts))]


def tree_folders(folders: Iterable[str]) -> list[str]:
    """Every folder the tree shows for these: each with the folders around it, a folder
    before those inside it, and each level sorted by name, ignoring case."""
    shown = {path for folder in folders for path in folder_path(folder)}
    return sorted(shown, key=_order)


def parent_and_name(folder: str) -> tuple[str | None, str]:
    """The folder ``folder`` is shown inside (None: the tree's root) and the name it is
    shown under there (``korea`` for ``news/korea``; past :data:`MAX_DEPTH`, the rest of
    the path)."""
    path = folder_path(folder)
    if len(path) == 1:
        return None, folder
    parent = path[-2]
    return parent, folder[len(parent) + len(SEPARATOR) :]


def _order(folder: str) -> tuple[tuple[str, str], ...]:
    return tuple((part.casefold(), part) for part in folder.split(SEPARATOR))
