"""`reader refresh --translate`, run as the real command: the new articles of a refresh
are translated into the cache newest first, at most ``[translation] per_refresh``,
with one progress line each on stderr; feeds set to ``translate = "auto"`` get theirs
translated without the flag."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from reader.paths import get_paths
from reader.service import ReaderService
from tests.conftest import run_reader

KO = ["고양이 가 잔다.", "친구 는 책 을 읽는다.", "사과 를 먹는다!"]


def feed_xml(name: str, count: int, start: int = 0) -> str:
    """``count`` Korean items, the newest first (item ``start`` is the newest)."""
    items = "".join(
        f"<item><title>{name} {number}</title><guid>{name}-{number}</guid>"
        f"<description>{number} {KO[number % 3]} {number} {KO[(number + 1) % 3]}</description>"
        f"<pubDate>Fri, 01 Mar 2030 {20 - number:02d}:00:00 GMT</pubDate></item>"
        for number in range(start, start + count)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>'
        f"{name}</title><link>http://127.0.0.1/</link>{items}</channel></rss>"
    )


def serve(server: HTTPServer, path: str, xml: str) -> str:
    server.expect_request(path).respond_with_data(xml, content_type="application/rss+xml")
    return server.url_for(path)


def ready_titles(service: ReaderService) -> set[str]:
    summaries = service.list_articles(limit=100)
    ready = service.translation_ready([summary.id for summary in summaries])
    return {summary.title for summary in summaries if summary.id in ready}


def write_config(text: str) -> None:
    path: Path = get_paths().config_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_refresh_translate_translates_the_new_articles_newest_first_up_to_the_cap(
    httpserver: HTTPServer, installed_tiny_models: object
) -> None:
    write_config("[translation]\nper_refresh = 3\n")
    url = serve(httpserver, "/feed.xml", feed_xml("뉴스", 5))
    added = run_reader("add", url)
    assert added.returncode == 0, added.stderr
    httpserver.clear()
    serve(httpserver, "/feed.xml", feed_xml("새", 5))
    refreshed = run_reader("refresh", "--translate", timeout=300)
    assert refreshed.returncode == 0, refreshed.stderr
    lines = refreshed.stderr.strip().splitlines()
    assert lines[0] == "translating 3 new articles, newest first"
    progress = [line for line in lines if line.startswith("translated ")]
    assert [line.split(": ", 1)[1].split(" ", 1)[1] for line in progress] == [
        "새 0 (2 sentences)",
        "새 1 (2 sentences)",
        "새 2 (2 sentences)",
    ]
    assert [line.split(":")[0] for line in progress] == [
        "translated 1/3",
        "translated 2/3",
        "translated 3/3",
    ]
    assert "5 new" in refreshed.stdout
    service = ReaderService()
    try:
        assert ready_titles(service) == {"새 0", "새 1", "새 2"}
    finally:
        service.close()


def test_without_the_flag_nothing_is_translated(
    httpserver: HTTPServer, installed_tiny_models: object
) -> None:
    url = serve(httpserver, "/feed.xml", feed_xml("뉴스", 2))
    assert run_reader("add", url).returncode == 0
    httpserver.clear()
    serve(httpserver, "/feed.xml", feed_xml("새", 2))
    refreshed = run_reader("refresh")
    assert refreshed.returncode == 0, refreshed.stderr
    assert "translat" not in refreshed.stderr
    service = ReaderService()
    try:
        assert ready_titles(service) == set()
    finally:
        service.close()


def test_without_a_model_each_article_says_why_in_one_line(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "/feed.xml", feed_xml("뉴스", 1))
    assert run_reader("add", url).returncode == 0
    httpserver.clear()
    serve(httpserver, "/feed.xml", feed_xml("새", 2))
    refreshed = run_reader("refresh", "--translate")
    assert refreshed.returncode == 0, refreshed.stderr
    failures = [line for line in refreshed.stderr.splitlines() if line.startswith("!")]
    assert len(failures) == 2
    assert all("reader models install ko-en" in line for line in failures)
    assert "Traceback" not in refreshed.stderr


def test_a_translate_auto_feed_gets_its_new_articles_translated_without_the_flag(
    httpserver: HTTPServer, installed_tiny_models: object
) -> None:
    auto_url = serve(httpserver, "/auto.xml", feed_xml("자동", 1))
    other_url = serve(httpserver, "/other.xml", feed_xml("수동", 1))
    assert run_reader("add", auto_url).returncode == 0
    assert run_reader("add", other_url).returncode == 0
    service = ReaderService()
    try:
        service.set_feed_settings(auto_url, ["translate=auto"])
    finally:
        service.close()
    httpserver.clear()
    serve(httpserver, "/auto.xml", feed_xml("자동", 3, start=1))
    serve(httpserver, "/other.xml", feed_xml("수동", 3, start=1))
    refreshed = run_reader("refresh", timeout=300)
    assert refreshed.returncode == 0, refreshed.stderr
    assert "translating 3 new articles, newest first" in refreshed.stderr
    service = ReaderService()
    try:
        assert ready_titles(service) == {"자동 1", "자동 2", "자동 3"}
    finally:
        service.close()
