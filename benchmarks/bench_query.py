"""How fast `reader list --where` answers a learning attribute over a large library.

A real database gets 20,000 articles (default) whose stored vocabularies (the rows
the background analysis writes: ``article_vocab`` + ``article_words``, through
``Store.replace_vocab``) hold 120 distinct content words each out of 20,000 keys,
of which 3,000 are glossary terms marked known; each article draws 50-100 % of its
words from the known ones. Then, in the same run:

1. ``query``  — ``ReaderService.query_articles("known>80%")``, what
   ``reader list --where 'known>80%'`` runs: parse, compile, one SELECT over the
   per-article statistics the triggers keep (the known share of every article);
2. ``join``   — the store's difficulty join (``Store.known_word_counts``) for every
   article, then the same filter: what the query would cost without the statistics;
3. ``loop``   — the obvious per-article Python loop: each article's content words
   read and compared with the set of known patterns.

All three must find the same articles (checked). It also times marking one common
word known (the triggers move the count of every article containing it) and the
``reader list --where`` command itself in a subprocess (start-up included).
Last run (2026-12-02, 2 cores; 20,000 articles of 800 words, 7,925 of them matching):
query 58 ms, difficulty join 2,438 ms, per-article loop 2,231 ms (38x the query);
count of ``unread and known>80%`` 6 ms; one known word found in 617 articles set to
learning 3 ms; 1,000 such terms changed in one transaction 0.65-0.73 s; the command
with ``--limit 50``, start-up included, 299 ms. Run:

    .venv/bin/python benchmarks/bench_query.py [--articles N] [--home DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "src"))

KEYS = 20_000
KNOWN_KEYS = 3_000
WORDS_PER_ARTICLE = 120
BODY = [" ".join(["정부는 실용 외교를 내세웠다."] * 25)] * 8
"""A long news article: 8 paragraphs, 800 words, 8 KB stored (past a page, so reading
a column stored after the text, such as ``read``, reads its overflow pages too)."""
QUERY = "known>80%"
THRESHOLD = 80.0


def _article_keys(rng: random.Random) -> dict[str, int]:
    """An article's distinct content words: a share drawn between 50 and 100 % from the
    known keys, the rest from the others (so the known share varies across articles)."""
    known = round(WORDS_PER_ARTICLE * rng.uniform(0.5, 1.0))
    ranks = rng.sample(range(1, KNOWN_KEYS + 1), known) + rng.sample(
        range(KNOWN_KEYS + 1, KEYS + 1), WORDS_PER_ARTICLE - known
    )
    return {f"낱말{rank}/N": rng.randint(1, 4) for rank in ranks}


def build(home: Path, articles: int) -> None:
    """The library: feeds, articles, their vocabularies and the known terms. Titles
    differ from feed to feed: two feeds' articles under one title with one text would be
    one story (listed once), and the three ways are compared per article."""
    from reader.core.models import EntryData, Term
    from reader.service import ReaderService

    service = ReaderService()
    store = service.store
    with store.transaction():
        for rank in range(1, KNOWN_KEYS + 1):
            key = f"낱말{rank}/N"
            store.insert_term(Term(0, "ko", f"낱말{rank}", key[:-2], status="known", pattern=key))
    rng = random.Random(14)
    feeds = [store.add_feed(f"https://news{n}.example/rss", f"News {n}")[0] for n in range(30)]
    per_feed = articles // len(feeds) + 1
    stored = 0
    for feed in feeds:
        batch = [
            EntryData(f"{feed.id}-{n}", f"{feed.title} 기사 {n}", BODY, language="ko")
            for n in range(min(per_feed, articles - stored))
        ]
        store.upsert_entries(feed.id, batch)
        stored += len(batch)
    article_ids = [int(row[0]) for row in store.query("SELECT id FROM articles")]
    with store.transaction():
        for article_id in article_ids:
            words = _article_keys(rng)
            store.replace_vocab(article_id, "ko", f"3:{article_id}", words, {})
    service.close()


def timed(function: object, repeat: int = 3) -> tuple[float, object]:
    """The best of ``repeat`` runs, in seconds, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best, result


def measure(articles: int) -> None:
    from reader.service import ReaderService

    service = ReaderService()
    store = service.store
    with store.transaction() as connection:  # as built, when the library is reused
        connection.execute("UPDATE terms SET status = 'known' WHERE status != 'known'")
    article_ids = [int(row[0]) for row in store.query("SELECT id FROM articles")]

    def by_query() -> set[int]:
        return {summary.id for summary in service.query_articles(QUERY)}

    def by_join() -> set[int]:
        counts = store.known_word_counts(article_ids)
        return {
            article_id
            for article_id, (words, known) in counts.items()
            if (known * 100.0 / words if words else 100.0) > THRESHOLD
        }

    def by_loop() -> set[int]:
        known = {row[0] for row in store.query("SELECT pattern FROM terms WHERE status = 'known'")}
        found = set()
        for article_id in article_ids:
            words = {
                row[0]
                for row in store.query(
                    "SELECT key FROM article_words WHERE article_id = ? AND kind = 'w'",
                    (article_id,),
                )
            }
            share = len(words & known) * 100.0 / len(words) if words else 100.0
            if share > THRESHOLD:
                found.add(article_id)
        return found

    query_seconds, query_found = timed(by_query, 5)
    join_seconds, join_found = timed(by_join, 1)
    loop_seconds, loop_found = timed(by_loop, 1)
    assert query_found == join_found == loop_found, "the three ways disagree"
    matched = len(query_found)  # type: ignore[arg-type]
    print(f"{articles} articles, {WORDS_PER_ARTICLE} content words each; {matched} match {QUERY}")
    print(f"  query (statistics):   {query_seconds * 1000:8.1f} ms")
    print(f"  difficulty join:      {join_seconds * 1000:8.1f} ms")
    print(f"  per-article loop:     {loop_seconds * 1000:8.1f} ms")
    print(f"  loop / query:         {loop_seconds / query_seconds:8.1f}x")
    print(f"  join / query:         {join_seconds / query_seconds:8.1f}x")
    count_seconds, _ = timed(lambda: service.count_query(f"unread and {QUERY}"), 5)
    print(f"  count 'unread and {QUERY}': {count_seconds * 1000:.1f} ms")

    common = store.find_term("ko", "낱말1")
    assert common is not None
    start = time.perf_counter()
    store.update_term(dataclasses.replace(common, status="3"))
    status_seconds = time.perf_counter() - start
    containing = store.query(
        "SELECT count(*) FROM article_words WHERE kind = 'w' AND key = ?", (common.pattern,)
    )[0][0]
    print(
        f"  a known word found in {containing} articles set to learning: "
        f"{status_seconds * 1000:.1f} ms (statistics updated by the triggers)"
    )
    store.update_term(dataclasses.replace(common, status="known"))
    batch = [store.find_term("ko", f"낱말{rank}") for rank in range(1001, 2001)]
    for status in ("3", "known"):
        start = time.perf_counter()
        with store.transaction():
            for term in batch:
                assert term is not None
                store.update_term(dataclasses.replace(term, status=status))
        print(
            f"  1,000 terms set to {status} in one transaction: "
            f"{(time.perf_counter() - start) * 1000:.0f} ms"
        )
    assert {summary.id for summary in service.query_articles(QUERY)} == query_found
    service.close()

    command = [sys.executable, "-m", "reader", "list", "--where", QUERY, "--limit", "50"]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=os.environ.copy())
    print(
        f"  `reader list --where '{QUERY}' --limit 50` (process): "
        f"{(time.perf_counter() - start) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument(
        "--home", type=Path, help="keep the library in this READER_HOME (built once, reused)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        home = args.home or Path(scratch)
        os.environ["READER_HOME"] = str(home)
        if args.home is None or not (home / "data" / "reader.sqlite3").exists():
            start = time.perf_counter()
            build(home, args.articles)
            print(f"built in {time.perf_counter() - start:.1f} s", flush=True)
        measure(args.articles)


if __name__ == "__main__":
    main()
