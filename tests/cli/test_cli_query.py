"""`reader saved add/list/remove` and `reader list --where` with the other list options,
through the real command."""

from __future__ import annotations

import json

from reader.core.models import EntryData
from reader.service import ReaderService
from tests.conftest import run_reader


def _library() -> None:
    service = ReaderService()
    feed, _ = service.store.add_feed("https://www.hani.co.kr/rss", "한겨레", folder="News")
    service.store.upsert_entries(
        feed.id,
        [
            EntryData(
                f"g{n}", f"기사 {n}", ["외교 소식입니다."], published=f"2026-11-0{n}T00:00:00Z"
            )
            for n in range(1, 6)
        ],
    )
    service.set_read([1, 2], True)
    service.set_starred([2, 3], True)
    service.close()


def test_list_where_combines_with_unread_starred_and_limit() -> None:
    _library()

    def ids(*args: str) -> list[int]:
        result = run_reader("list", *args, "--json")
        assert result.returncode == 0, result.stderr
        return [row["id"] for row in json.loads(result.stdout)]

    assert ids("--where", "folder:news") == [5, 4, 3, 2, 1]
    assert ids("--where", "folder:news", "--unread") == [5, 4, 3]
    assert ids("--where", "folder:news", "--starred") == [3, 2]
    assert ids("--where", "외교 not starred", "--limit", "2") == [5, 4]
    assert ids("--where", 'before:2026-11-03 or title:"기사 5"') == [5, 2, 1]
    text = run_reader("list", "--where", "starred unread")
    assert text.stdout.split()[0] == "3"


def test_saved_searches_add_list_replace_remove() -> None:
    _library()
    added = run_reader("saved", "add", "Hani unread", "feed:hani unread")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "saved search 'Hani unread': feed:hani unread"
    again = run_reader("saved", "add", "hani UNREAD", "starred")
    assert again.returncode == 1 and "exists" in again.stderr
    replaced = run_reader("saved", "add", "Hani unread", "feed:hani", "--replace")
    assert replaced.returncode == 0, replaced.stderr
    run_reader("saved", "add", "A starred", "starred")
    listed = run_reader("saved", "list")
    assert listed.stdout.splitlines() == [
        "A starred\t1 unread\tstarred",
        "Hani unread\t3 unread\tfeed:hani",
    ]
    removed = run_reader("saved", "remove", "hani unread")
    assert removed.stdout.strip() == "removed saved search 'Hani unread'"
    assert [s["name"] for s in json.loads(run_reader("saved", "list", "--json").stdout)] == [
        "A starred"
    ]
    run_reader("saved", "remove", "A starred")
    empty = run_reader("saved", "list", "--json")
    assert json.loads(empty.stdout) == []
