"""Per-feed auto full text during a refresh, against a real HTTP server on 127.0.0.1:
summary-only feeds whose entries link to article pages on the same server."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from reader.core.auto_full_text import HostPacer
from reader.core.models import FeedKind
from reader.core.refresh import FeedRefreshResult
from reader.service import ReaderService, ServiceError
from tests.conftest import run_reader
from tests.feeds.conftest import fast_config
from tests.sync.mini_fever import PASSWORD, USER, MiniFever

SUMMARY = "Only the summary of the story."
STORY = [
    "The whole story is much longer than the summary that the feed carried for it.",
    "It also has a second paragraph, which the feed never carried at all, with more detail.",
    "And a third one, so that the extractor sees an article and not a menu of links.",
]
PAGE = (
    "<html><head><title>Story</title></head><body><article>\n<h1>Story</h1>\n"
    + "\n".join(f"<p>{p}</p>" for p in STORY)
    + "\n</article></body></html>"
)
NO_MAIN_TEXT = "<html><head><title>Empty</title></head><body></body></html>"
SHORT_PAGE = "<html><body><article><p>Short.</p></article></body></html>"
SLOW_SECONDS = 4.0


def feed_xml(title: str, base: str, pages: list[str]) -> str:
    items = "".join(
        f"<item><title>{title} {page}</title><guid>{title}-{page}</guid>"
        f"<link>{base}/pages/{page}</link><description>{SUMMARY}</description></item>"
        for page in pages
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'


def html(body: str) -> Response:
    return Response(body, content_type="text/html; charset=utf-8")


def test_auto_full_text_fills_new_entries_and_keeps_summaries_of_bad_pages(
    server: HTTPServer,
) -> None:
    base = server.url_for("").rstrip("/")
    slow_answered = threading.Event()

    def slow(_request: Request) -> Response:
        time.sleep(SLOW_SECONDS)
        slow_answered.set()
        return html(PAGE)

    feeds = {
        "Full": ["good", "slow", "missing", "big", "empty", "short"],
        "Other": ["other"],
        "Third": ["third"],
    }
    for title, pages in feeds.items():
        server.expect_request(f"/{title}.xml").respond_with_data(
            feed_xml(title, base, pages), content_type="application/rss+xml"
        )
    for page in ("good", "other", "third"):
        server.expect_request(f"/pages/{page}").respond_with_response(html(PAGE))
    server.expect_request("/pages/slow").respond_with_handler(slow)
    server.expect_request("/pages/missing").respond_with_data("gone", status=404)
    server.expect_request("/pages/big").respond_with_response(html(PAGE + "<p>x</p>" * 20_000))
    server.expect_request("/pages/empty").respond_with_response(html(NO_MAIN_TEXT))
    server.expect_request("/pages/short").respond_with_response(html(SHORT_PAGE))

    service = ReaderService(
        config=fast_config(total_timeout=1.5, page_delay=0.0, max_body_bytes=64 * 1024)
    )
    for title in feeds:
        service.store.add_feed(server.url_for(f"/{title}.xml"), title)
    service.set_feed_settings("Full", ["full_text=auto"])
    service.set_feed_settings("Third", ["full_text=auto"])
    reported: dict[str, bool] = {}
    pages_done: list[tuple[int, int]] = []

    def progress(result: FeedRefreshResult) -> None:
        reported[result.feed] = slow_answered.is_set()

    results = service.refresh(
        progress=progress, full_text_progress=lambda done, queued: pages_done.append((done, queued))
    )

    # Every feed's result came while the slow page was still being waited for.
    assert reported == {"Full": False, "Other": False, "Third": False}
    by_title = {result.feed: result for result in results}
    assert (by_title["Full"].new, by_title["Full"].full_text, by_title["Full"].full_text_kept) == (
        6,
        1,
        5,
    )
    assert (by_title["Third"].full_text, by_title["Other"].full_text) == (1, 0)
    assert pages_done[-1] == (7, 7)
    assert "2 full texts (5 kept the summary)" in results.summary()
    articles = {a.title: service.article(a.id) for a in service.list_articles()}
    for name in ("Full good", "Third third"):
        assert articles[name].paragraphs[-3:] == STORY and not articles[name].summary_only
    for name in (
        "Full slow",
        "Full missing",
        "Full big",
        "Full empty",
        "Full short",
        "Other other",
    ):
        assert articles[name].paragraphs == [SUMMARY], name
    assert not [request for request, _ in server.log if request.path == "/pages/other"]

    # A second refresh finds nothing new: no page is asked for again.
    asked = len(server.log)
    again = service.refresh()
    assert sum(r.full_text + r.full_text_kept for r in again) == 0
    assert not [r for r, _ in server.log[asked:] if r.path.startswith("/pages/")]
    service.close()


def test_a_failing_host_is_left_after_a_few_failures(server: HTTPServer) -> None:
    base = server.url_for("").rstrip("/")
    pages = [f"flaky{number}" for number in range(6)]
    server.expect_request("/Flaky.xml").respond_with_data(
        feed_xml("Flaky", base, pages), content_type="application/rss+xml"
    )
    for page in pages:
        server.expect_request(f"/pages/{page}").respond_with_data("down", status=503)
    service = ReaderService(config=fast_config(page_delay=0.0, per_host=1))
    service.store.add_feed(server.url_for("/Flaky.xml"), "Flaky")
    service.set_feed_settings("Flaky", ["full_text=auto"])
    [result] = service.refresh()
    assert (result.new, result.full_text, result.full_text_kept) == (6, 0, 6)
    asked = [request for request, _ in server.log if request.path.startswith("/pages/")]
    assert len(asked) == 3
    service.close()


def test_the_pacer_spaces_one_hosts_requests_and_not_other_hosts() -> None:
    async def starts() -> dict[str, list[float]]:
        pacer = HostPacer(0.2)
        loop = asyncio.get_running_loop()
        began = loop.time()
        seen: dict[str, list[float]] = {"a": [], "b": []}

        async def one(host: str) -> None:
            await pacer.wait_turn(f"http://{host}.example/page")
            seen[host].append(loop.time() - began)

        await asyncio.gather(*(one(host) for host in ("a", "a", "a", "b")))
        return seen

    seen = asyncio.run(starts())
    gaps = [later - earlier for earlier, later in zip(seen["a"], seen["a"][1:], strict=False)]
    assert len(gaps) == 2 and min(gaps) >= 0.2 * 0.9
    assert seen["b"][0] < seen["a"][1]  # another host does not wait for host a's turns


def test_reader_refresh_fills_the_full_text_and_says_so(server: HTTPServer) -> None:
    base = server.url_for("").rstrip("/")
    listed = ["good"]
    server.expect_request("/Cli.xml").respond_with_handler(
        lambda _request: Response(feed_xml("Cli", base, listed), content_type="application/rss+xml")
    )
    server.expect_request("/pages/good").respond_with_response(html(PAGE))
    server.expect_request("/pages/later").respond_with_response(html(PAGE))
    assert run_reader("add", server.url_for("/Cli.xml")).returncode == 0
    listed.append("later")
    assert run_reader("feeds", "set", "Cli", "full_text=auto").returncode == 0
    done = run_reader("refresh", "--json")
    assert done.returncode == 0, done.stderr
    [result] = json.loads(done.stdout)
    assert (result["new"], result["full_text"], result["full_text_kept"]) == (1, 1, 0)
    # Only the new entry's page is fetched; the one stored at `add` is left as it was.
    asked = [r.path for r, _ in server.log]
    assert "/pages/later" in asked and "/pages/good" not in asked
    shown = run_reader("refresh", "--all")
    assert "0 new" in shown.stdout


def test_an_account_feeds_new_articles_get_their_pages_after_a_sync(
    httpserver: HTTPServer,
) -> None:
    fever = MiniFever()
    fever.add_items(7, 1)
    httpserver.expect_request("/fever/").respond_with_handler(fever.handler)
    httpserver.expect_request("/item/page").respond_with_response(html(PAGE))
    service = ReaderService(config=fast_config(page_delay=0.0))
    service.account_add("fever", httpserver.url_for("/fever/"), USER, PASSWORD, name="home")
    assert service.account_sync("home")[0].new == 1
    [feed] = service.store.feeds(FeedKind.ACCOUNT)
    with pytest.raises(ServiceError, match="server's"):
        service.set_feed_settings(str(feed.id), ["title=Mine"])
    service.set_feed_settings(str(feed.id), ["full_text=auto"])
    fever.add_items(7, 1, html=f"<p>{SUMMARY}</p>")
    fever.items[max(fever.items)]["url"] = httpserver.url_for("/item/page")
    assert service.account_sync("home")[0].new == 1
    newest = service.article(service.list_articles()[0].id)
    assert newest.paragraphs[-3:] == STORY
    assert [r.path for r, _ in httpserver.log].count("/item/page") == 1
    service.close()
