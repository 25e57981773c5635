"""Folders inside folders: ``news/korea`` is the folder ``korea`` inside ``news``. An
OPML import files nested outlines so, the folder filter and ``folder:`` take a folder
with the folders inside it, the export and the sidebar nest them again."""

from __future__ import annotations

SEPARATOR = "/"
"""Between a folder and the folder inside it."""


def folder_parts(folder: str, max_depth: int) -> list[str]:
    """The names from the outermost folder to ``folder`` (``["news", "korea"]``), at most
    ``max_depth`` of them: past it, the last is the rest of the path. A folder with a
    blank part (``a//b``) is one name, so writing it out and reading it back keeps it."""
    parts = folder.split(SEPARATOR)
    if any(not part.strip() for part in parts):
        return [folder]
    if len(parts) > max_depth:
        parts = [*parts[: max_depth - 1], SEPARATOR.join(parts[max_depth - 1 :])]
    return parts
