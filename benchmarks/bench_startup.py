"""How fast the ``reader`` command starts.

Prints the wall time of ``reader --version`` and of ``reader list --limit 20`` on a
store of 20,000 articles, next to the floor (a bare ``python -c pass``) and the
obvious alternative (importing the libraries eagerly, as a naive CLI would).

Run: .venv/bin/python benchmarks/bench_startup.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 10


def wall_time(command: list[str], env: dict[str, str]) -> float:
    """Median wall time of ``command`` over RUNS runs, in seconds."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fill_store(home: Path, count: int) -> None:
    """A store of ``count`` Korean articles in one feed."""
    from reader.core.models import EntryData
    from reader.core.store import Store
    from reader.paths import get_paths

    os.environ["READER_HOME"] = str(home)
    store = Store(get_paths().database)
    feed, _ = store.add_feed("http://bench.test/feed", "Bench")
    store.upsert_entries(
        feed.id,
        [
            EntryData(
                guid=str(number),
                title=f"기사 {number} 제목",
                paragraphs=["본문 문장입니다. " * 40],
                published=f"2026-01-01T00:{number % 60:02d}:00+00:00",
            )
            for number in range(count)
        ],
    )
    store.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        env = {**os.environ, "READER_HOME": str(home)}
        fill_store(home, 20_000)
        python = sys.executable
        floor = wall_time([python, "-c", "pass"], env)
        version = wall_time([python, "-m", "reader", "--version"], env)
        listing = wall_time([python, "-m", "reader", "list", "--limit", "20"], env)
        eager = wall_time(
            [python, "-c", "import textual.app, feedparser, httpx, argostranslate.package"], env
        )
    print(f"python -c pass (floor)            {floor * 1000:7.1f} ms")
    print(f"reader --version                  {version * 1000:7.1f} ms  (target < 300 ms)")
    print(f"reader list --limit 20 (20k rows) {listing * 1000:7.1f} ms")
    print(f"eager imports a naive CLI pays    {eager * 1000:7.1f} ms")
    print(f"ratio eager / reader --version    {eager / version:7.1f}x")


if __name__ == "__main__":
    main()
