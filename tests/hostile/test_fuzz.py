"""Fuzzing: real feeds from the shared corpus, mutated, through parse → clean → store.

CI runs a bounded number of examples. For a long run:

    READER_FUZZ_EXAMPLES=20000 .venv/bin/pytest tests/hostile/test_fuzz.py
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.feedparse import FeedParseError, parse_feed
from reader.core.models import EntryData
from reader.core.store import Store
from tests.conftest import SHARED_CORPUS

EXAMPLES = int(os.environ.get("READER_FUZZ_EXAMPLES", "150"))
FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SEEDS = (
    sorted(
        path
        for folder in (
            "korean",
            "nasty",
            "feedparser/wellformed/rss",
            "feedparser/wellformed/atom10",
            "feedparser/encoding",
            "feedparser/illformed",
        )
        for path in (SHARED_CORPUS / folder).glob("*")
        if path.suffix in {".xml", ".rss", ".atom"} and path.stat().st_size < 3_000_000
    )
    if SHARED_CORPUS.is_dir()
    else []
)

pytestmark = pytest.mark.skipif(not SEEDS, reason="../shared/corpus is not available")


@st.composite
def mutated_feeds(draw: st.DrawFn) -> bytes:
    """A corpus feed with byte flips, a truncation, an inserted fragment or a re-encoding."""
    data = draw(st.sampled_from(SEEDS)).read_bytes()
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "reencode", "delete"]))
        if not data:
            break
        position = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data = (
                data[:position]
                + bytes([data[position] ^ draw(st.integers(1, 255))])
                + data[position + 1 :]
            )
        elif kind == "truncate":
            data = data[:position]
        elif kind == "delete":
            data = data[:position] + data[position + draw(st.integers(1, 64)) :]
        elif kind == "insert":
            fragment = draw(
                st.sampled_from(
                    [
                        b"\x1b]0;x\x07",
                        b"<!ENTITY a 'b'>",
                        b"&#27;[2J",
                        b"]]>",
                        b"<![CDATA[",
                        b"\xff\xfe",
                        b"\xed\x95\x9c",
                        b"\xc7\xd1",
                        b"<item>",
                        b"</channel>",
                        b"[bold]x[/]",
                    ]
                )
            )
            data = data[:position] + fragment + data[position:]
        else:
            encoding = draw(st.sampled_from(["utf-16", "euc-kr", "latin-1", "utf-8"]))
            data = data.decode("utf-8", "replace").encode(encoding, "replace")
    return data


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return Store(tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite3")


def assert_clean_entry(entry: EntryData) -> None:
    for text in (entry.title, entry.author or "", entry.guid, entry.url or "", *entry.paragraphs):
        assert not FORBIDDEN.search(text), repr(text)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
    database=None,
)
@given(data=mutated_feeds())
def test_mutated_feeds_never_raise_and_store_only_clean_text(store: Store, data: bytes) -> None:
    try:
        parsed = parse_feed(data, "https://fuzz.test/feed", "application/rss+xml")
    except FeedParseError:
        return
    assert not FORBIDDEN.search(parsed.title)
    for entry in parsed.entries:
        assert_clean_entry(entry)
    feed, _ = store.add_feed("https://fuzz.test/feed")
    store.upsert_entries(feed.id, parsed.entries)
    assert store.integrity_check() == "ok"
