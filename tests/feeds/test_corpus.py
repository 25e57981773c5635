"""Every real feed of the shared corpus goes through parse + clean without an exception."""

from __future__ import annotations

import re
from dataclasses import astuple
from pathlib import Path

import pytest

from reader.core.feedparse import FeedParseError, parse_feed

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
FOLDERS = ["feedparser", "korean", "nasty"]


def feed_files(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and path.suffix.lower() not in {".md", ".txt"}
    )


def strings_of(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [text for item in value for text in strings_of(item)]
    return []


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_corpus_file_parses_cleanly(corpus: Path, folder: str) -> None:
    files = feed_files(corpus / folder)
    if not files:
        pytest.skip(f"{folder} is empty")
    parsed_count = refused = 0
    for path in files:
        try:
            parsed = parse_feed(path.read_bytes(), "https://example.com/feed.xml")
        except FeedParseError as error:
            refused += 1
            assert str(error) and not CONTROL.search(str(error)), path
            continue
        parsed_count += 1
        texts = [parsed.title, parsed.site_url or "", parsed.warning or ""]
        for entry in parsed.entries:
            texts += strings_of(astuple(entry))
            assert entry.guid, path
            assert entry.title, path
            assert entry.url is None or entry.url.lower().startswith(("http://", "https://")), path
        for text in texts:
            assert not CONTROL.search(text), (path, text[:80])
            assert text == text.strip(), (path, text[:80])
    assert parsed_count > refused


def test_feedparser_encoding_suite_is_never_mojibake(corpus: Path) -> None:
    """Every file in feedparser's encoding tests that holds Hangul comes out as Hangul."""
    for path in feed_files(corpus / "feedparser" / "encoding"):
        if "kr" not in path.name:
            continue
        parsed = parse_feed(path.read_bytes())
        text = parsed.title + " ".join(e.title + " ".join(e.paragraphs) for e in parsed.entries)
        assert "년" in text, path
