"""The feed commands, run as the real ``reader`` command in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import run_reader

FEED = """<?xml version="1.0" encoding="euc-kr"?>
<rss version="2.0"><channel><title>한국 블로그</title><link>https://blog.example/</link>
<item><title>\x1b[31m첫 글 [bold]제목[/bold]</title><guid>1</guid><pubDate>2004-05-25 오후 11:23:17</pubDate>
<description>본문입니다.</description></item>
<item><title>둘째 글</title><guid>2</guid><pubDate>2004년 05월 28일 01:31:15</pubDate></item>
</channel></rss>"""


def serve_feed(server: HTTPServer) -> str:
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"1"':
            return Response(status=304)
        body = FEED.encode("cp949")
        return Response(body, headers={"Content-Type": "application/rss+xml", "ETag": '"1"'})

    server.expect_request("/feed.xml").respond_with_handler(handler)
    return server.url_for("/feed.xml")


def test_add_feeds_refresh_remove(httpserver: HTTPServer) -> None:
    url = serve_feed(httpserver)
    added = run_reader("add", url, "--json")
    assert added.returncode == 0, added.stderr
    payload = json.loads(added.stdout)
    assert (payload["title"], payload["created"], payload["new"]) == ("한국 블로그", True, 2)

    feeds = json.loads(run_reader("feeds", "--json").stdout)
    assert [set(f) for f in feeds] == [
        {
            "id",
            "title",
            "url",
            "site_url",
            "folder",
            "unread",
            "last_checked",
            "last_error",
            "settings",
        }
    ]
    assert (feeds[0]["unread"], feeds[0]["site_url"]) == (2, "https://blog.example/")

    refreshed = run_reader("refresh", "--json")
    assert refreshed.returncode == 0, refreshed.stderr
    results = json.loads(refreshed.stdout)
    assert results[0]["status"] == 304
    assert {"feed", "url", "status", "new", "updated", "error"} <= set(results[0])

    listing = json.loads(run_reader("list", "--json").stdout)
    titles = {a["title"]: a for a in listing}
    assert "첫 글 [bold]제목[/bold]" in titles
    assert titles["첫 글 [bold]제목[/bold]"]["published"] == "2004-05-25T14:23:17+00:00"
    assert titles["둘째 글"]["published"] == "2004-05-27T16:31:15+00:00"

    plain = run_reader("refresh")
    assert "not modified" in plain.stdout and "\x1b" not in plain.stdout

    removed = run_reader("remove", url)
    assert removed.returncode == 0
    assert json.loads(run_reader("feeds", "--json").stdout) == []


def test_refresh_failure_exit_code_and_message(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("", status=410)
    add = run_reader("add", httpserver.url_for("/gone"))
    assert add.returncode == 1
    assert "HTTP 410" in add.stderr and "Traceback" not in add.stderr


def test_refused_scheme() -> None:
    result = run_reader("add", "file:///etc/passwd")
    assert result.returncode == 1
    assert "only http" in result.stderr


def test_opml_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "in.opml"
    source.write_text(
        '<opml version="2.0"><body><outline text="뉴스">'
        '<outline text="A" type="rss" xmlUrl="https://a.example/rss"/>'
        '<outline text="B" type="rss" xmlUrl="https://b.example/rss"/></outline>'
        '<outline text="bad" type="rss" xmlUrl="file:///etc/passwd"/></body></opml>',
        encoding="utf-8",
    )
    imported = run_reader("import-opml", str(source))
    assert imported.returncode == 0, imported.stderr
    assert "added 2, skipped 0, invalid 1" in imported.stdout
    again = json.loads(run_reader("import-opml", str(source), "--json").stdout)
    assert (again["added"], again["skipped"], again["invalid"]) == (0, 2, 1)

    out = tmp_path / "out.opml"
    assert run_reader("export-opml", "-o", str(out)).returncode == 0
    stdout = run_reader("export-opml").stdout
    assert stdout == out.read_text(encoding="utf-8")
    assert 'xmlUrl="https://a.example/rss"' in stdout and 'text="뉴스"' in stdout


def test_fetch_full_of_an_unknown_article() -> None:
    result = run_reader("fetch-full", "999")
    assert result.returncode == 1
    assert "no article with id 999" in result.stderr


def test_feeds_lists_folders_first_with_a_folder_field() -> None:
    from reader.service import ReaderService

    service = ReaderService()
    service.store.add_feed("https://a.example/feed.xml", "Alone")
    service.store.add_feed("https://b.example/feed.xml", "Zeta news", folder="News")
    service.store.add_feed("https://c.example/feed.xml", "Blog one", folder="Blogs")
    service.close()

    listing = run_reader("feeds")
    assert listing.returncode == 0, listing.stderr
    titles = [line.split("\t")[0].split("  ")[-1] for line in listing.stdout.splitlines()]
    assert titles == ["Blogs/Blog one", "News/Zeta news", "Alone"]
    feeds = json.loads(run_reader("feeds", "--json").stdout)
    assert [(feed["title"], feed["folder"]) for feed in feeds] == [
        ("Blog one", "Blogs"),
        ("Zeta news", "News"),
        ("Alone", None),
    ]
