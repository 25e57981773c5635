"""A page of 300,000 short paragraphs: trafilatura took 472 s on it (its time grows with
the square of the elements); such a page is read by the plain cleaner instead."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from reader.service import ReaderService
from tests.feeds.conftest import fast_config

PARAGRAPHS = 300_000


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_open_url_of_300000_paragraphs_uses_the_plain_cleaner(httpserver: HTTPServer) -> None:
    page = (
        "<html><head><title>Many</title></head><body>"
        + "".join(f"<p>p{n}</p>" for n in range(PARAGRAPHS))
        + "</body></html>"
    )
    httpserver.expect_request("/page").respond_with_data(page, content_type="text/html")
    service = ReaderService(config=fast_config(total_timeout=60.0, read_timeout=30.0))
    try:
        article = service.open_url(httpserver.url_for("/page")).article
    finally:
        service.close()
    assert article.title == "Many"
    assert len(article.paragraphs) == PARAGRAPHS
    assert article.paragraphs[-1] == f"p{PARAGRAPHS - 1}"
