"""kill -9 of ``reader refresh`` at random moments never corrupts or loses user data."""

from __future__ import annotations

import itertools
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from reader.core.store import Store
from reader.paths import get_paths
from reader.service import ReaderService
from tests.conftest import run_reader

FEEDS = 24
KILLS = 20


@pytest.fixture
def changing_feeds() -> Iterator[list[str]]:
    """Feeds that gain new entries on every request, answered with a little latency."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    counter = itertools.count()

    def handler(request: Request) -> Response:
        time.sleep(0.05)
        batch = next(counter)
        items = "".join(
            f"<item><title>{request.path} 기사 {batch}-{n}</title><guid>{batch}-{n}</guid>"
            f"<description>본문 {batch} {n} " + "내용 " * 200 + "</description></item>"
            for n in range(20)
        )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{request.path}</title>{items}</channel></rss>'
        return Response(body.encode(), content_type="application/rss+xml")

    for number in range(FEEDS):
        server.expect_request(f"/feed{number}").respond_with_handler(handler)
    server.start()
    yield [server.url_for(f"/feed{number}") for number in range(FEEDS)]
    server.clear()
    server.stop()


def user_data(path: Path) -> dict[str, object]:
    """Everything a user made by hand: flags, terms and notes."""
    connection = sqlite3.connect(path)
    try:
        return {
            "read": connection.execute(
                "SELECT guid FROM articles WHERE read = 1 ORDER BY guid"
            ).fetchall(),
            "starred": connection.execute(
                "SELECT guid FROM articles WHERE starred = 1 ORDER BY guid"
            ).fetchall(),
            "terms": connection.execute(
                "SELECT lang, text, gloss, note, status FROM terms ORDER BY id"
            ).fetchall(),
        }
    finally:
        connection.close()


def test_kill_9_refresh_twenty_times(changing_feeds: list[str], reader_home: Path) -> None:
    service = ReaderService()
    for url in changing_feeds:
        service.store.add_feed(url)
    service.refresh()
    articles = service.list_articles(limit=30)
    service.set_read([a.id for a in articles[:10]])
    service.set_starred([a.id for a in articles[5:15]])
    service.close()
    assert (
        run_reader(
            "terms", "add", "외교", "--gloss", "diplomacy", "--note", '노트, "따옴표"'
        ).returncode
        == 0
    )
    database = get_paths().database
    before = user_data(database)
    rng = random.Random(20261128)

    started = time.perf_counter()
    assert run_reader("refresh", "--json", timeout=120).returncode == 0
    duration = time.perf_counter() - started  # kill moments spread over a whole refresh

    killed_while_running = 0
    for kill in range(KILLS):
        process = subprocess.Popen(
            [sys.executable, "-m", "reader", "refresh", "--json"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=os.environ.copy(),
        )
        time.sleep(rng.uniform(0.1, 0.9) * duration)
        if process.poll() is None:
            killed_while_running += 1
        process.send_signal(signal.SIGKILL)
        process.wait()

        store = Store(database)
        assert store.integrity_check() == "ok"
        store.close()
        assert user_data(database) == before, f"kill {kill}"

    assert killed_while_running >= KILLS // 2, killed_while_running
    final = run_reader("refresh", "--json", timeout=120)
    assert final.returncode == 0, final.stderr
    errors = [result["error"] for result in json.loads(final.stdout) if result["error"]]
    assert errors == []
    assert user_data(database) == before


def test_writes_during_a_cli_refresh_never_see_a_locked_database(changing_feeds: list[str]) -> None:
    service = ReaderService()
    for url in changing_feeds:
        service.store.add_feed(url)
    service.refresh()
    article_ids = [a.id for a in service.list_articles(limit=50)]

    refreshes = [
        subprocess.Popen(
            [sys.executable, "-m", "reader", "refresh", "--json"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        for _ in range(2)
    ]
    toggles = 0
    while any(process.poll() is None for process in refreshes):
        article_id = article_ids[toggles % len(article_ids)]
        service.set_starred([article_id], toggles % 2 == 0)
        service.set_read([article_id], toggles % 3 == 0)
        toggles += 1
    for process in refreshes:
        assert process.stderr is not None
        stderr = process.stderr.read()
        assert process.returncode == 0, stderr
        assert "locked" not in stderr
    assert toggles > 20
    service.close()


TERM_SAVER = """
import sys
from reader.service import ReaderService

service = ReaderService()
number = 0
while True:
    service.add_term(f"word{number}", lang="en", lemma=f"word{number}", gloss=f"gloss {number}",
                     note="노트 " * 50, tags=["news"])
    print(number, flush=True)
    number += 1
"""


def test_kill_9_while_saving_terms_loses_at_most_the_unsaved_one(reader_home: Path) -> None:
    rng = random.Random(7)
    saved: set[str] = set()
    for _ in range(5):
        process = subprocess.Popen(
            [sys.executable, "-c", TERM_SAVER],
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        assert process.stdout is not None
        process.stdout.readline()
        time.sleep(rng.uniform(0.05, 0.5))
        process.send_signal(signal.SIGKILL)
        saved |= {f"word{n}" for n in process.stdout.read().split()}
        process.wait()
        database = get_paths().database
        store = Store(database)
        assert store.integrity_check() == "ok"
        stored = {row[0] for row in store.query("SELECT text FROM terms")}
        store.close()
        assert saved <= stored
        assert all(row.startswith("word") for row in stored)
    assert len(saved) > 10
