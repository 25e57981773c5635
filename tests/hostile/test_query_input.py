"""Hostile queries and saved-search names: SQL and FTS syntax stay text, LIKE wildcards
are literal, control characters go, and huge or deeply nested queries are refused
quickly with one line."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from reader.core.models import EntryData
from reader.core.query import MAX_QUERY_CHARS, QuerySyntaxError, parse
from reader.service import ReaderService, ServiceError


@pytest.fixture
def service() -> Iterator[ReaderService]:
    reader = ReaderService()
    feed, _ = reader.store.add_feed("https://news.example/rss", "News")
    reader.store.upsert_entries(
        feed.id,
        [
            EntryData("a", "100% sure", ["A body with NEAR and OR in it."]),
            EntryData("b", "snake_case names", ["Another body."]),
            EntryData("c", "plain title", ["Nothing special."]),
        ],
    )
    yield reader
    reader.close()


def _titles(service: ReaderService, query: str) -> list[str]:
    return sorted(summary.title for summary in service.query_articles(query))


def test_sql_and_fts_syntax_are_only_text(service: ReaderService) -> None:
    assert _titles(service, 'feed:"\'; DROP TABLE articles; --"') == []
    assert _titles(service, 'title:"x\') OR 1=1 --"') == []
    assert _titles(service, '"NEAR(body OR)"') == []
    assert _titles(service, '"NEAR and OR"') == ["100% sure"]
    assert len(service.list_articles()) == 3


def test_like_wildcards_are_literal(service: ReaderService) -> None:
    assert _titles(service, "title:%") == ["100% sure"]
    assert _titles(service, "title:_") == ["snake_case names"]
    assert _titles(service, "feed:%") == []


def test_control_characters_are_dropped_from_queries_and_names(service: ReaderService) -> None:
    assert _titles(service, "title:pla\x1b[31min\x07") == ["plain title"]  # escapes go whole
    assert _titles(service, "title:pl\u200bain") == ["plain title"]
    saved = service.add_saved_search("\x1b]0;owned\x07Red\x1b[0m\nnews", "title:plain\x00")
    assert "\x1b" not in saved.name and "\n" not in saved.name and "\x07" not in saved.name
    assert saved.query == "title:plain"
    with pytest.raises(ServiceError, match="longer than 100"):
        service.add_saved_search("n" * 101, "unread")
    with pytest.raises(ServiceError, match="needs a name"):
        service.add_saved_search("\x1b\x07 ", "unread")


def test_huge_and_deep_queries_fail_fast_in_one_line() -> None:
    cases = [
        "a " * 100_000,
        "(" * 1_999,
        "not " * 499,
        '"' + "x" * (MAX_QUERY_CHARS - 2),
        "known>" + "9" * 1_990,
        "has:" + "가" * 1_990,
    ]
    for query in cases:
        start = time.perf_counter()
        try:
            parse(query)
        except QuerySyntaxError as error:
            assert "\n" not in str(error)
        assert time.perf_counter() - start < 1.0


def test_a_query_of_many_terms_runs(service: ReaderService) -> None:
    query = " or ".join(f"title:word{number}" for number in range(100))
    assert _titles(service, query) == []
    assert service.count_query(" ".join(["unread"] * 200)) == 3
