"""A full disk says "disk full" in one line, for every command, and a refresh records it.

Two real full disks: SQLite's own size limit (``PRAGMA max_page_count``, which gives
the real SQLITE_FULL error, on any machine) and, where the tests run as root, a
1 MB tmpfs filled to the last byte.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from reader.core.refresh import _writer_for
from reader.core.store import DiskFullError, Store
from reader.service import ReaderService
from tests.conftest import run_reader
from tests.feeds.conftest import fast_config


def big_feed(entries: int = 300) -> str:
    items = "".join(
        f"<item><title>기사 {n}</title><guid>{n}</guid><description>{'본문 ' * 200}</description></item>"
        for n in range(entries)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'


def limit_pages(store: Store, spare: int = 2) -> None:
    """Let the store's connection on this thread grow by ``spare`` pages at most."""
    pages = store.connection.execute("PRAGMA page_count").fetchone()[0]
    store.connection.execute(f"PRAGMA max_page_count = {pages + spare}")


def test_a_write_past_the_limit_is_disk_full_not_cannot_rollback(tmp_path: Path) -> None:
    store = Store(tmp_path / "reader.sqlite3")
    try:
        feed, _ = store.add_feed("http://127.0.0.1:9/feed.xml")
        limit_pages(store)
        full = pytest.raises(DiskFullError, match=r"^disk full: cannot write to .*reader\.sqlite3")
        with full, store.transaction() as connection:
            connection.execute("UPDATE feeds SET title = ? WHERE id = ?", ("x" * 10**6, feed.id))
        assert not store.connection.in_transaction
        store.update_feed(feed.id, title="still writable")  # the store goes on working
    finally:
        store.close()


def test_refresh_on_a_full_database_says_so_and_records_it(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        big_feed(), content_type="application/rss+xml"
    )
    service = ReaderService(config=fast_config())
    try:
        feed, _ = service.store.add_feed(httpserver.url_for("/feed.xml"))
        _writer_for(service.store).submit(lambda: limit_pages(service.store)).result()
        (result,) = service.refresh(feed_ids=[feed.id])
        assert result.error is not None and result.error.startswith("disk full")
        assert "rollback" not in result.error
        stored = service.resolve_feed(str(feed.id))
        assert stored.last_error == result.error
        assert stored.failure_count == 1
    finally:
        service.close()


@pytest.fixture
def tiny_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """READER_HOME on a 1 MB tmpfs (root only)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    monkeypatch.setenv("READER_HOME", str(disk / "home"))
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill the disk up to its last ``leave`` bytes (about: tmpfs counts whole pages)."""
    filler = disk / "filler"
    size = max(0, shutil.disk_usage(disk).free - leave)
    with contextlib.suppress(OSError), filler.open("wb", buffering=0) as handle:
        while size > 0:
            size -= handle.write(b"\0" * min(size, 65536))
    return filler


def test_every_command_on_a_really_full_disk(tiny_disk: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        big_feed(), content_type="application/rss+xml"
    )
    url = httpserver.url_for("/feed.xml")
    service = ReaderService()
    feed, _ = service.store.add_feed(url)
    service.close()
    # Room to open the database and record a feed's state, not to store 300 articles.
    filler = fill(tiny_disk, leave=160 * 1024)
    refreshed = run_reader("refresh", str(feed.id))
    filler.unlink()
    filler = fill(tiny_disk)
    added = run_reader("add", url + "?another")
    listed = run_reader("list")
    for completed in (refreshed, added, listed):
        output = completed.stdout + completed.stderr
        assert "disk full" in output, output
        assert "Traceback" not in output and "rollback" not in output
    assert added.returncode == listed.returncode == 1
    filler.unlink()
    service = ReaderService()
    try:
        stored = service.resolve_feed(str(feed.id))
        assert stored.last_error is not None and stored.last_error.startswith("disk full")
    finally:
        service.close()
