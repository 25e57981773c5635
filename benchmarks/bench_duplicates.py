"""What recognising one story across feeds costs: storing, listing and counting.

A real database gets 20,000 articles (default) from 20 feeds, one in ten of them a
copy of another feed's article (the same link with tracking parameters). Then, in the
same run, each figure the best of five:

1. ``store``  — ``Store.upsert_entries`` for every article, with the linking of
   copies (two indexed look-ups per 500 articles, one insert) against the same with
   linking switched off;
2. ``list``   — a page of 200 (``Store.articles``, what the app's list asks), one per
   story, against the plain query without the collapse; the same for unread only;
3. ``count``  — ``Store.count_articles`` of the unread (the sidebar's "All unread",
   copies counted once) against a plain ``count(*)``.

Last run (2 cores, 2026-12-02, the machine otherwise idle; 20,000 articles, 1,900 of
them copies): storing 2.06 s against 1.00 s without linking (about 50 µs an article,
most of it computing the keys); a page of 200 4.5 ms against 1.6 ms for the plain
query; the unread page 19.6 ms against 8.0 ms; the unread count 8.0 ms against 0.9 ms.
Run:

    .venv/bin/python benchmarks/bench_duplicates.py [--articles N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import reader.core.store.articles as store_articles
from reader.core.filters import ArticleFilter
from reader.core.models import EntryData
from reader.core.store import Store

UNREAD = ArticleFilter(unread=True)

FEEDS = 20
PLAIN_PAGE = (
    "SELECT articles.id, articles.title FROM articles"
    " LEFT JOIN feeds ON feeds.id = articles.feed_id WHERE {where}"
    " ORDER BY coalesce(articles.published, articles.fetched) DESC, articles.id DESC LIMIT 200"
)


def entries(feed: int, count: int) -> list[EntryData]:
    """``count`` entries of one feed; one in ten links to the story of feed 0."""
    made = []
    for n in range(count):
        copy = feed > 0 and n % 10 == 0
        url = f"https://news.example/0/{n}?utm_source=feed{feed}" if copy else None
        made.append(
            EntryData(
                guid=f"{feed}-{n}",
                title=f"제목 {feed} {n}",
                paragraphs=[f"본문 {n} {feed} 내용입니다. " * 5],
                url=url or f"https://news.example/{feed}/{n}",
                published=f"2026-11-{1 + n % 28:02d}T00:00:00+00:00",
            )
        )
    return made


def fill(path: Path, per_feed: int) -> tuple[Store, float]:
    store = Store(path)
    feeds = [store.add_feed(f"http://127.0.0.1:1/{n}.xml", f"Feed {n}")[0].id for n in range(FEEDS)]
    started = time.perf_counter()
    for number, feed_id in enumerate(feeds):
        store.upsert_entries(feed_id, entries(number, per_feed))
    return store, time.perf_counter() - started


def best_ms(work: Callable[[], Any]) -> float:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    args = parser.parse_args()
    per_feed = max(1, args.articles // FEEDS)
    folder = Path(tempfile.mkdtemp(prefix="reader-bench-duplicates-"))
    store, linked_seconds = fill(folder / "linked.db", per_feed)
    stories = store.count_articles()
    print(f"store {per_feed * FEEDS} articles ({stories} stories): {linked_seconds:.2f} s")
    print(f"  page of 200: {best_ms(lambda: store.articles(limit=200)):.1f} ms,", end=" ")
    plain = PLAIN_PAGE.format(where="1")
    print(f"plain query {best_ms(lambda: store.query(plain)):.1f} ms")
    print(f"  unread page: {best_ms(lambda: store.articles(UNREAD, limit=200)):.1f} ms,", end=" ")
    plain_unread = PLAIN_PAGE.format(where="articles.read = 0")
    print(f"plain query {best_ms(lambda: store.query(plain_unread)):.1f} ms")
    print(f"  unread count: {best_ms(lambda: store.count_articles(UNREAD)):.1f} ms,", end=" ")
    count = "SELECT count(*) FROM articles WHERE read = 0"
    print(f"plain count {best_ms(lambda: store.query(count)):.1f} ms")
    store.close()
    with mock.patch.object(store_articles, "link_articles", lambda _connection, _ids: None):
        unlinked, unlinked_seconds = fill(folder / "unlinked.db", per_feed)
        unlinked.close()
    print(f"store without linking: {unlinked_seconds:.2f} s")


if __name__ == "__main__":
    main()
