"""Only http(s) links reach the browser, and only through the webbrowser module."""

from __future__ import annotations

import json
import webbrowser
from pathlib import Path

import pytest

from reader.core.links import LinkRefusedError, checked_web_url, open_in_browser
from tests.conftest import run_reader


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/news?id=1",
        "http://news.example.kr/기사/1",
        "HTTPS://EXAMPLE.COM/",
    ],
)
def test_web_links_pass(url: str) -> None:
    assert checked_web_url(url) == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "javascript: link"),
        ("JavaScript:alert(1)", "javascript: link"),
        ("file:///etc/passwd", "file: link"),
        ("data:text/html,<script>alert(1)</script>", "data: link"),
        ("vbscript:msgbox", "vbscript: link"),
        ("/relative/path", "a relative link"),
        ("https:///no-host", "without a host"),
        ("https://example.com/\x1b]0;x\x07", "control characters"),
        ("https://example.com/a b", "control characters or spaces"),
        ("https://example.com/;rm -rf ~", "control characters or spaces"),
        ("", "no link"),
        (None, "no link"),
    ],
)
def test_other_links_are_refused(url: str | None, reason: str) -> None:
    with pytest.raises(LinkRefusedError, match=reason):
        checked_web_url(url)


class RecordingBrowser(webbrowser.BaseBrowser):
    """A real webbrowser controller that records instead of launching a program."""

    opened: list[str] = []  # noqa: RUF012

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        return True


def test_open_goes_through_webbrowser_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webbrowser, "_tryorder", ["recording"])
    monkeypatch.setattr(
        webbrowser, "_browsers", {"recording": [None, RecordingBrowser("recording")]}
    )
    RecordingBrowser.opened = []

    assert open_in_browser("https://example.com/a") == "https://example.com/a"
    with pytest.raises(LinkRefusedError):
        open_in_browser("file:///etc/passwd")

    assert RecordingBrowser.opened == ["https://example.com/a"]


def test_opml_and_add_refuse_non_web_schemes(tmp_path: Path) -> None:
    opml = tmp_path / "schemes.opml"
    outlines = "".join(
        f'<outline text="{n}" type="rss" xmlUrl="{url}"/>'
        for n, url in enumerate(
            [
                "file:///etc/passwd",
                "javascript:alert(1)",
                "data:text/xml,&lt;rss/&gt;",
                "ftp://example.com/feed",
                "https://example.com/feed",
            ]
        )
    )
    opml.write_text(f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>')
    result = run_reader("import-opml", str(opml))
    assert result.returncode == 0
    assert "added 1, skipped 0, invalid 4" in result.stdout
    feeds = json.loads(run_reader("feeds", "--json").stdout)
    assert [feed["url"] for feed in feeds] == ["https://example.com/feed"]
    for url in ("file:///etc/passwd", "javascript:alert(1)", "data:,x", "/etc/passwd"):
        added = run_reader("add", url)
        assert added.returncode == 1 and added.stderr.count("\n") == 1, url


@pytest.mark.parametrize(
    "url", ["http://[bold]x/feed", "http://[x/", "https://x.test:99999/", "http://"]
)
def test_malformed_addresses_fail_in_one_line(url: str) -> None:
    for command in ("add", "open"):
        result = run_reader(command, url)
        assert result.returncode == 1, (command, url)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_redirect_to_a_malformed_address_is_a_feed_error() -> None:
    """A raw server: test HTTP libraries refuse to send such a Location header at all."""
    import socket
    import threading

    from reader.service import ReaderService

    listener = socket.create_server(("127.0.0.1", 0))
    reply = b"HTTP/1.1 301 Moved\r\nLocation: http://[bold]x/feed\r\nContent-Length: 0\r\n\r\n"

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(reply)

    threading.Thread(target=serve, daemon=True).start()
    service = ReaderService()
    feed, _ = service.store.add_feed(f"http://127.0.0.1:{listener.getsockname()[1]}/moved")
    (result,) = service.refresh(feed_ids=[feed.id])
    listener.close()
    service.close()
    assert result.error is not None
    assert "location header" in result.error or "malformed" in result.error
