"""Full text of summary-only entries and ``open URL``, against a real server."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from reader.core.fulltext import (
    MAX_EXTRACT_CHARS,
    MAX_EXTRACT_ELEMENTS,
    extract_main_text,
    page_text,
    too_large_to_extract,
)
from reader.service import ReaderService, ServiceError

ARTICLE_PAGE = """<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<title>경찰국 논란 — 예시 신문</title><script>track()</script></head><body>
<nav><a href="/">홈</a> <a href="/politics">정치</a> <a href="/society">사회</a></nav>
<article><h1>경찰국 논란, 무엇이 문제인가</h1>
<p>행정안전부에 경찰국을 설치하는 문제로 온 나라가 극심한 논란과 갈등에 휩싸였습니다. 정부는 26일 국무회의에서 관련 시행령을 통과시켰습니다.</p>
<p>\x1b]0;pwned\x07야당은 이에 대해 강하게 반발하며 국회 차원의 대응을 예고했습니다. 전문가들은 경찰의 중립성이 훼손될 수 있다고 우려합니다.</p>
<p>The debate continues in the National Assembly, where [bold]lawmakers[/bold] are preparing hearings on the decree next month.</p>
</article><footer>© 예시 신문 · 무단 전재 금지</footer></body></html>"""

SUMMARY_FEED = """<rss version="2.0"><channel><title>예시 신문</title>
<item><title>경찰국 논란</title><guid>a1</guid><link>{link}</link>
<description>짧은 요약입니다.</description></item></channel></rss>"""


def test_extract_main_text_keeps_the_article_only() -> None:
    page = extract_main_text(ARTICLE_PAGE, "https://news.example/a")
    assert page is not None
    text = " ".join(page.paragraphs)
    assert "행정안전부에 경찰국을" in text
    assert "[bold]lawmakers[/bold]" in text
    assert "track()" not in text and "무단 전재" not in text
    assert "\x1b" not in text and "]0;pwned" not in text


def test_page_text_falls_back_to_every_paragraph() -> None:
    page = page_text("<html><head><title>T</title></head><body><p>tiny</p></body></html>")
    assert page.paragraphs == ["tiny"]
    assert page.title == "T"


def test_fetch_full_replaces_the_summary(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/article").respond_with_data(
        ARTICLE_PAGE, content_type="text/html; charset=utf-8"
    )
    httpserver.expect_request("/feed").respond_with_data(
        SUMMARY_FEED.format(link=httpserver.url_for("/article")),
        content_type="application/rss+xml",
    )
    service = ReaderService()
    service.add_feed(httpserver.url_for("/feed"))
    summary = service.list_articles()[0]
    assert service.article(summary.id).summary_only
    result = service.fetch_full(summary.id)
    assert result.extracted
    assert not result.article.summary_only
    assert any("국무회의" in p for p in result.article.paragraphs)
    # The next refresh brings the summary again, but the full text is kept.
    service.refresh()
    assert any("국무회의" in p for p in service.article(summary.id).paragraphs)
    service.close()


def test_fetch_full_failure_keeps_the_summary(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/article").respond_with_data("gone", status=404)
    httpserver.expect_request("/feed").respond_with_data(
        SUMMARY_FEED.format(link=httpserver.url_for("/article")),
        content_type="application/rss+xml",
    )
    service = ReaderService()
    service.add_feed(httpserver.url_for("/feed"))
    article_id = service.list_articles()[0].id
    with pytest.raises(ServiceError, match="HTTP 404"):
        service.fetch_full(article_id)
    assert service.article(article_id).paragraphs == ["짧은 요약입니다."]
    service.close()


def test_open_url_imports_a_page_once(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/page").respond_with_data(
        ARTICLE_PAGE.encode("cp949", errors="replace"), content_type="text/html; charset=euc-kr"
    )
    service = ReaderService()
    first = service.open_url(httpserver.url_for("/page"))
    assert first.created
    assert first.article.title == "경찰국 논란, 무엇이 문제인가"
    assert first.article.language == "ko"
    again = service.open_url(httpserver.url_for("/page"))
    assert not again.created and again.article.id == first.article.id
    service.close()


def test_open_url_refuses_feeds_and_files(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        SUMMARY_FEED.format(link="http://x"), content_type="application/rss+xml"
    )
    httpserver.expect_request("/pdf").respond_with_data(b"%PDF-1.4", content_type="application/pdf")
    service = ReaderService()
    with pytest.raises(ServiceError, match="reader add"):
        service.open_url(httpserver.url_for("/feed"))
    with pytest.raises(ServiceError, match="not a web page"):
        service.open_url(httpserver.url_for("/pdf"))
    with pytest.raises(ServiceError, match="only http"):
        service.open_url("file:///etc/passwd")
    service.close()


def test_pages_too_large_for_extraction_are_recognised_in_one_pass() -> None:
    assert not too_large_to_extract(ARTICLE_PAGE)
    assert not too_large_to_extract("<p>x</p>" * MAX_EXTRACT_ELEMENTS)
    assert too_large_to_extract("<p>x</p>" * (MAX_EXTRACT_ELEMENTS + 1))
    assert too_large_to_extract(" " * (MAX_EXTRACT_CHARS + 1))
    assert not too_large_to_extract("a < b " * 100_000)  # a '<' that opens no element
