"""Terminal and markup injection: hostile feed text reaches no output as anything but literal text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import run_reader

# Every kind of sequence a terminal or Rich/Textual could interpret.
ESCAPES = {
    "osc_title": "\x1b]0;pwned\x07",
    "osc_st": "\x1b]8;;file:///etc/passwd\x1b\\",
    "csi_clear": "\x1b[2J",
    "csi_colour": "\x1b[31;1m",
    "c1_csi": "\x9b31m",
    "c1_osc": "\x9d0;x\x9c",
    "bell": "\x07",
    "backspace": "\x08\x08",
    "carriage_return": "\r",
    "nul": "\x00",
    "bidi_override": "\u202e",
    "bidi_isolate": "\u2066",
}
MARKUP = "[bold red]x[/] [link=file:///etc/passwd]click[/link] [@click=app.quit]q[/]"
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def nasty(label: str) -> str:
    return label + "".join(ESCAPES.values()) + " " + MARKUP


def xml_text(text: str) -> str:
    """Put ``text`` in XML: characters XML 1.0 forbids go in as character references."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(f"&#{ord(c)};" if ord(c) < 0x20 and c not in "\t\n" else c for c in escaped)


def hostile_feed() -> str:
    items = "".join(
        f"<item><title>{xml_text(nasty(f'title{number}'))}</title>"
        f"<author>{xml_text(nasty('author'))}</author>"
        f"<guid>g{number}</guid>"
        f"<description>{xml_text('<p>' + nasty('body') + '</p>')}</description></item>"
        for number in range(3)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{xml_text(nasty('feed'))}</title><link>https://x.test/</link>{items}"
        "</channel></rss>"
    )


def assert_clean(output: str) -> None:
    assert not FORBIDDEN.search(output.replace("\n", "").replace("\t", "")), repr(output)


@pytest.fixture
def hostile_feed_url(httpserver: HTTPServer) -> str:
    httpserver.expect_request("/feed").respond_with_data(
        hostile_feed().encode(), content_type="application/rss+xml"
    )
    url = httpserver.url_for("/feed")
    added = run_reader("add", url)
    assert added.returncode == 0, added.stderr
    return url


def test_feed_text_is_literal_in_every_cli_output(hostile_feed_url: str) -> None:
    outputs = {
        "list": run_reader("list").stdout,
        "feeds": run_reader("feeds").stdout,
        "search": run_reader("search", "title").stdout,
        "refresh": run_reader("refresh").stdout,
    }
    article_ids = [a["id"] for a in json.loads(run_reader("list", "--json").stdout)]
    assert len(article_ids) == 3
    outputs["show"] = run_reader("show", str(article_ids[0])).stdout
    for name, output in outputs.items():
        assert_clean(output)
        if name in ("list", "show", "search"):
            assert MARKUP in output, name


def test_json_output_is_valid_and_clean(hostile_feed_url: str) -> None:
    for args in (("list",), ("feeds",), ("search", "title"), ("refresh",)):
        output = run_reader(*args, "--json").stdout
        assert_clean(output)
        json.loads(output)
    article = json.loads(run_reader("list", "--json").stdout)[0]
    shown = json.loads(run_reader("show", str(article["id"]), "--json").stdout)
    assert shown["title"].startswith("title") and MARKUP in shown["title"]
    assert all(MARKUP in p or not p for p in shown["paragraphs"])
    feed = json.loads(run_reader("feeds", "--json").stdout)[0]
    assert feed["title"].startswith("feed") and feed["title"].endswith(MARKUP)


def test_opml_titles_are_cleaned(tmp_path: Path) -> None:
    opml = tmp_path / "nasty.opml"
    title = xml_text(nasty("opml")).replace('"', "&quot;")
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        f'<outline text="{title}" title="{title}" type="rss" xmlUrl="https://x.test/a.xml"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    imported = run_reader("import-opml", str(opml))
    assert imported.returncode == 0, imported.stderr
    assert_clean(run_reader("feeds").stdout)
    assert_clean(run_reader("export-opml").stdout)


def test_local_document_and_terms_are_cleaned(tmp_path: Path) -> None:
    document = tmp_path / "doc.txt"
    text = nasty("doc") + "\n\n" + nasty("para") + "\n"
    document.write_text(text.replace("\x00", ""), encoding="utf-8")  # a NUL makes it binary
    opened = json.loads(run_reader("open", str(document), "--json").stdout)
    assert_clean(json.dumps(opened, ensure_ascii=False))
    gloss, note = (nasty(x).replace("\x00", "") for x in ("gloss", "note"))  # argv has no NUL
    added = run_reader("terms", "add", "외교", "--gloss", gloss, "--note", note)
    assert added.returncode == 0, added.stderr
    listed = run_reader("terms", "list")
    assert_clean(listed.stdout)
    as_json = run_reader("terms", "list", "--json")
    assert_clean(as_json.stdout)
    assert MARKUP in json.loads(as_json.stdout)[0]["note"]
