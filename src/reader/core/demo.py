"""The built-in Welcome collection: short articles written for reader, shown on first start."""

from __future__ import annotations

from importlib import resources

from reader.core.models import EntryData
from reader.core.text import clean_line, detect_language, split_plain_text

# Fixed dates keep the demo ordered the same way on every machine.
_PUBLISHED = "2026-01-01T09:00:00+00:00"


def demo_entries() -> list[EntryData]:
    """The demo articles, parsed from the text files shipped in ``reader/demo``."""
    folder = resources.files("reader") / "demo"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".txt")), key=lambda f: f.name)
    entries = []
    for position, file in enumerate(files):
        title, _, body = file.read_text(encoding="utf-8").partition("\n")
        paragraphs = split_plain_text(body)
        entries.append(
            EntryData(
                guid="demo:" + file.name.removesuffix(".txt"),
                title=clean_line(title),
                paragraphs=paragraphs,
                # Later files are listed first, so number the dates backwards.
                published=_PUBLISHED.replace("09:00", f"09:{59 - position:02d}"),
                language=detect_language(" ".join(paragraphs)),
            )
        )
    return entries
