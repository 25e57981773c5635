"""Writes from workers wait out another writer's lock longer than the busy timeout, and
what still fails is logged to reader.log instead of failing a translation."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from reader.core.models import Sentence
from reader.core.store import Store
from reader.core.store import base as store_module
from reader.core.translation_queue import JobFailed, JobProgress, SentenceDone
from reader.logfile import attach_log_file
from reader.service import ReaderService

HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    connection = sqlite3.connect(sys.argv[1], isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("INSERT OR REPLACE INTO meta VALUES ('holder', 'busy')")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    connection.execute("COMMIT")
    """
)


def hold_write_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the database's write lock for ``seconds``."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "locked"
    return process


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A busy timeout of 0.2 s, so that a lock held for 1.5 s outlasts it."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 200)


def test_a_write_waits_for_a_lock_held_longer_than_the_busy_timeout(
    tmp_path: Path, short_busy_timeout: None
) -> None:
    store = Store(tmp_path / "db.sqlite3")
    holder = hold_write_lock(store.path, 1.5)
    try:
        store.set_meta("waited", "yes")
    finally:
        holder.wait(10)
        store.close()
    again = Store(tmp_path / "db.sqlite3")
    assert again.get_meta("waited") == "yes"
    assert again.get_meta("holder") == "busy"
    again.close()


def test_a_write_from_another_thread_waits_too(tmp_path: Path, short_busy_timeout: None) -> None:
    store = Store(tmp_path / "db.sqlite3")
    errors: list[BaseException] = []

    def write() -> None:
        try:
            store.set_meta("from-thread", "yes")
        except BaseException as error:
            errors.append(error)

    holder = hold_write_lock(store.path, 1.0)
    thread = threading.Thread(target=write)
    thread.start()
    thread.join(30)
    holder.wait(10)
    assert errors == []
    assert store.get_meta("from-thread") == "yes"
    store.close()


def translate_while_locked(
    service: ReaderService, seconds: float
) -> tuple[list[SentenceDone], list[JobFailed]]:
    """Translate two English sentences while another process holds the write lock."""
    texts = ["The cat sleeps.", "We read a good book."]
    paragraphs = [[Sentence(text, 0, len(text))] for text in texts]
    done: list[SentenceDone] = []
    failed: list[JobFailed] = []
    finished = threading.Event()

    def callback(event: object) -> None:
        if isinstance(event, SentenceDone):
            done.append(event)
        elif isinstance(event, JobFailed):
            failed.append(event)
            finished.set()
        elif isinstance(event, JobProgress) and event.done >= event.total:
            finished.set()

    holder = hold_write_lock(service.store.path, seconds)
    try:
        service.translation_queue.submit(paragraphs, "en", "ko", callback)
        assert finished.wait(60)
    finally:
        holder.wait(30)
    return done, failed


def test_translations_are_cached_after_waiting_for_another_writer(
    installed_tiny_models: Path, short_busy_timeout: None
) -> None:
    service = ReaderService()
    try:
        done, failed = translate_while_locked(service, 1.5)
        assert failed == []
        assert len(done) == 2 and all(event.target and not event.error for event in done)
        again = service.translations.translate(["The cat sleeps."], "en", "ko")
        assert again[0] is not None and again[0].cached
    finally:
        service.close()


def test_a_lock_that_never_ends_costs_the_cache_not_the_translation_and_is_logged(
    installed_tiny_models: Path, short_busy_timeout: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "WRITE_WAIT_SECONDS", 0.5)
    service = ReaderService()
    handler = attach_log_file(service.paths.log_file)
    try:
        done, failed = translate_while_locked(service, 3.0)
        assert failed == [], "the reader never sees 'database is locked'"
        assert len(done) == 2 and all(event.target and not event.error for event in done)
        assert handler is not None
        handler.flush()
        log = service.paths.log_file.read_text(encoding="utf-8")
        assert "database is locked" in log
        assert "translation cache not written" in log
    finally:
        service.close()
