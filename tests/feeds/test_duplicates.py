"""Duplicates across feeds (issue 14, item 6): one story carried by two real HTTP feeds
on 127.0.0.1 is listed once with both sources, and its reading state follows across
the copies."""

from __future__ import annotations

import json
import time
from html import escape
from pathlib import Path

from pytest_httpserver import HTTPServer

from reader.core import duplicates
from reader.core.models import EntryData
from reader.core.store import Store
from reader.service import ReaderService
from tests.conftest import run_reader

RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}

POLICY = (
    "정부는 오늘 새로운 외교 정책을 발표했다. 이번 정책은 주변국과의 협력을 강화하고"
    " 경제 교류를 넓히는 데 초점을 맞췄다. 외교부 장관은 기자회견에서 구체적인 일정을 밝혔다."
)
WEATHER_HANI = "서울은 맑고 낮 기온이 15도까지 오르겠다. 동해안에는 바람이 강하게 불겠다."
WEATHER_YNA = "전국에 비가 내리겠고 제주에는 최대 80밀리미터의 많은 비가 예상된다."
ECONOMY = "한국은행이 기준금리를 동결했다. 물가 상승률이 안정세를 보이고 있다는 판단이다."


def rss(title: str, items: list[tuple[str, str, str, str]]) -> str:
    """An RSS document: each item is (guid, title, link, text)."""
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{escape(name)}</title><link>{escape(link)}</link>"
        f"<description>{escape(text)}</description>"
        f"<pubDate>Tue, 01 Dec 2026 0{n}:00:00 +0000</pubDate></item>"
        for n, (guid, name, link, text) in enumerate(items)
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>{title}</title><link>http://127.0.0.1/</link>{entries}</channel></rss>"
    )


HANI = rss(
    "한겨레",
    [
        (
            "h1",
            "금리 동결",
            "http://news.example/2026/12/01/rate?id=5&utm_source=hani&utm_medium=rss",
            ECONOMY,
        ),
        ("h2", "정부, 새 외교 정책 발표", "http://hani.example/a/1", POLICY),
        ("h3", "오늘의 날씨", "http://hani.example/a/2", WEATHER_HANI),
        ("h4", "한겨레만의 기사", "http://hani.example/a/3", "이 기사는 한겨레에만 있다."),
    ],
)
YNA = rss(
    "연합뉴스",
    [
        (
            "y1",
            "한은, 기준금리 동결",
            "https://www.news.example/2026/12/01/rate/?fbclid=abc&id=5&gclid=x#top",
            "(서울=연합뉴스) " + ECONOMY,
        ),
        (
            "y2",
            "정부, 새 외교 정책 발표",
            "http://yna.example/b/2",
            "(서울=연합뉴스) " + POLICY + " 홍길동 기자",
        ),
        ("y3", "오늘의 날씨", "http://yna.example/b/3", WEATHER_YNA),
    ],
)


def subscribe_both(server: HTTPServer, service: ReaderService) -> tuple[int, int]:
    server.expect_request("/hani.xml").respond_with_data(HANI, headers=RSS)
    server.expect_request("/yna.xml").respond_with_data(YNA, headers=RSS)
    hani = service.add_feed(server.url_for("/hani.xml")).feed.id
    yna = service.add_feed(server.url_for("/yna.xml")).feed.id
    return hani, yna


def by_title(service: ReaderService, **filters: object) -> dict[str, object]:
    return {row.title: row for row in service.list_articles(**filters)}  # type: ignore[arg-type]


def test_keys_normalise_tracking_parameters_and_refuse_front_pages() -> None:
    same = duplicates.link_key("http://news.example/a?id=5&utm_source=x")
    assert same == duplicates.link_key("https://www.news.example/a/?fbclid=1&id=5#frag")
    assert same != duplicates.link_key("http://news.example/a?id=6")
    assert duplicates.link_key("http://news.example/") is None
    assert duplicates.link_key("javascript:alert(1)") is None
    assert duplicates.link_key("http://[bad/") is None
    assert duplicates.title_key("Rate  hold!") == duplicates.title_key("rate hold")


def test_the_same_story_from_two_feeds_is_listed_once_with_both_sources(
    server: HTTPServer, service: ReaderService
) -> None:
    subscribe_both(server, service)
    rows = service.list_articles()
    assert len(rows) == 5  # 7 articles stored: two stories carried twice
    listed = {row.title: row for row in rows}
    assert set(listed) == {"금리 동결", "정부, 새 외교 정책 발표", "오늘의 날씨", "한겨레만의 기사"}
    for title in ("금리 동결", "정부, 새 외교 정책 발표"):  # same link; same title and text
        assert listed[title].sources == ["한겨레", "연합뉴스"]
        assert len(listed[title].copies) == 1
    weather = [row for row in rows if row.title == "오늘의 날씨"]
    assert len(weather) == 2 and all(not row.copies for row in weather)  # different stories
    assert service.count_articles(unread=True) == 5
    assert service.count_articles() == 5
    assert len(service.article_ids(unread=True)) == 5
    assert len(service.search("외교 정책")) == 1
    assert len(service.query_articles("unread")) == 5
    assert service.count_query("unread", unread=True) == 5
    opened = service.article(listed["금리 동결"].id)
    assert opened.sources == ["한겨레", "연합뉴스"]


def test_a_feeds_own_list_shows_its_own_copy(server: HTTPServer, service: ReaderService) -> None:
    _hani, yna = subscribe_both(server, service)
    own = by_title(service, feed_id=yna)
    assert set(own) == {"한은, 기준금리 동결", "정부, 새 외교 정책 발표", "오늘의 날씨"}
    assert service.count_articles(feed_id=yna, unread=True) == 3


def test_reading_state_follows_across_the_copies(
    server: HTTPServer, service: ReaderService
) -> None:
    hani, yna = subscribe_both(server, service)
    first = by_title(service, feed_id=hani)["금리 동결"]
    copy = by_title(service, feed_id=yna)["한은, 기준금리 동결"]
    assert service.mark_read([copy.id]) == [copy.id]  # type: ignore[attr-defined]
    assert service.article(first.id).read is True  # type: ignore[attr-defined]
    assert service.count_articles(unread=True) == 4
    service.set_starred([first.id])  # type: ignore[attr-defined]
    assert service.article(copy.id).starred is True  # type: ignore[attr-defined]
    service.set_read([first.id], False)  # type: ignore[attr-defined]
    assert service.article(copy.id).read is False  # type: ignore[attr-defined]
    service.mark_all_read(str(hani))
    assert service.article(copy.id).read is True  # type: ignore[attr-defined]
    weather = by_title(service, feed_id=yna)["오늘의 날씨"]
    assert service.article(weather.id).read is False  # type: ignore[attr-defined]


def test_a_copy_arriving_later_takes_the_storys_state(
    server: HTTPServer, service: ReaderService
) -> None:
    server.expect_request("/hani.xml").respond_with_data(HANI, headers=RSS)
    server.expect_request("/yna.xml").respond_with_data(YNA, headers=RSS)
    hani = service.add_feed(server.url_for("/hani.xml")).feed.id
    policy = by_title(service, feed_id=hani)["정부, 새 외교 정책 발표"]
    service.set_read([policy.id])  # type: ignore[attr-defined]
    service.set_starred([policy.id])  # type: ignore[attr-defined]
    unread_before = service.count_articles(unread=True)
    yna = service.add_feed(server.url_for("/yna.xml")).feed.id
    copy = by_title(service, feed_id=yna)["정부, 새 외교 정책 발표"]
    assert (copy.read, copy.starred) == (True, True)  # type: ignore[attr-defined]
    assert service.count_articles(unread=True) == unread_before + 1  # only the weather


def test_the_cli_lists_the_story_once_with_its_sources(
    server: HTTPServer, service: ReaderService
) -> None:
    subscribe_both(server, service)
    done = run_reader("list", "--json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert len(listed) == 5
    rate = next(row for row in listed if row["title"] == "금리 동결")
    assert rate["sources"] == ["한겨레", "연합뉴스"] and len(rate["duplicates"]) == 1
    alone = next(row for row in listed if row["title"] == "한겨레만의 기사")
    assert "sources" not in alone and "duplicates" not in alone  # as before duplicates
    text = run_reader("list").stdout
    assert "금리 동결  (한겨레 · 연합뉴스)" in text
    assert text.count("외교 정책") == 1
    where = json.loads(run_reader("list", "--where", "unread", "--json").stdout)
    assert len(where) == 5


def _store_same_titled(count: int, path: Path) -> float:
    """Seconds to store ``count`` articles under one title, alternating two feeds, each
    text different (every earlier one is a candidate by title): the worst case."""
    store = Store(path)
    feeds = [store.add_feed(f"http://127.0.0.1:1/{n}.xml", f"F{n}")[0].id for n in (0, 1)]
    started = time.perf_counter()
    for batch in range(0, count, 50):
        for feed_id in feeds:
            store.upsert_entries(
                feed_id,
                [
                    EntryData(
                        f"{feed_id}-{n}", "속보", [f"기사 {n}번의 본문은 서로 다르다 {n * 7919}."]
                    )
                    for n in range(batch, batch + 25)
                ],
            )
    elapsed = time.perf_counter() - started
    assert store.count_articles() == count
    store.close()
    return elapsed


def test_finding_copies_is_bounded_per_article(tmp_path: Path) -> None:
    """Storing 4n articles under one title takes at most ~5 times as long as n (a scan
    over every earlier article would take 16 times as long)."""
    for attempt in range(3):
        small = _store_same_titled(200, tmp_path / f"small{attempt}.db")
        large = _store_same_titled(800, tmp_path / f"large{attempt}.db")
        if large <= 5.5 * small:
            break
    assert large <= 5.5 * small, f"200: {small:.3f} s, 800: {large:.3f} s"
