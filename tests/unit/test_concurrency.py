"""Two processes on one database, and a writer killed mid-transaction."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from reader.core.models import EntryData
from reader.core.store import Store

WRITER = textwrap.dedent(
    """
    import sys, time
    from reader.core.models import EntryData
    from reader.core.store import Store

    store = Store(__import__("pathlib").Path(sys.argv[1]))
    feed, _ = store.add_feed("http://writer.test/feed")
    batch = 0
    while True:
        entries = [EntryData(guid=f"{batch}-{i}", title="x" * 200, paragraphs=["본문 " * 200])
                   for i in range(50)]
        store.upsert_entries(feed.id, entries)
        print(batch, flush=True)
        batch += 1
    """
)

HOLDER = textwrap.dedent(
    """
    import sys, time
    from reader.core.store import Store

    store = Store(__import__("pathlib").Path(sys.argv[1]))
    with store.transaction() as connection:
        connection.execute("INSERT INTO meta VALUES ('holder', 'busy')")
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
    print("released", flush=True)
    """
)


def start(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


def test_second_process_waits_for_a_writer_instead_of_failing(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    store = Store(path)
    holder = start(HOLDER, str(path), "1.5")
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"

    feed, _ = store.add_feed("http://reader.test/feed")  # blocks until the holder commits
    assert store.count_articles() == 0  # reading during the lock works too (WAL)

    holder.wait(timeout=10)
    assert holder.returncode == 0
    assert feed.id > 0
    assert store.get_meta("holder") == "busy"


def test_reader_sees_consistent_data_while_another_process_writes(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    store = Store(path)
    writer = start(WRITER, str(path))
    try:
        assert writer.stdout is not None
        writer.stdout.readline()
        counts = []
        for _ in range(20):
            count = store.count_articles()
            assert count % 50 == 0  # whole batches only: a transaction is never seen half done
            counts.append(count)
            time.sleep(0.02)
        assert counts == sorted(counts)
    finally:
        writer.kill()
        writer.wait()


def test_kill_9_mid_transaction_leaves_a_consistent_database(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite3"
    store = Store(path)
    feed, _ = store.add_feed("http://keep.test/feed")
    store.upsert_entries(feed.id, [EntryData(guid="precious", title="starred", paragraphs=["p"])])
    precious = store.articles()[0].id
    store.set_flag([precious], "starred", True)

    for delay in (0.3, 0.55, 0.8):
        writer = start(WRITER, str(path))
        assert writer.stdout is not None
        writer.stdout.readline()
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        committed_batches = writer.stdout.read().split()
        writer.wait()

        fresh = Store(path)
        assert fresh.integrity_check() == "ok"
        stored = {row[0] for row in fresh.query("SELECT guid FROM articles")}
        for batch in committed_batches:
            assert {f"{batch}-{i}" for i in range(50)} <= stored
        assert fresh.count_articles() % 50 == 1  # whole batches plus the precious one
        article = fresh.article(precious)
        assert article is not None and article.starred
        fresh.close()
