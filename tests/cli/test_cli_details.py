"""Messages, exit codes and output details of the ``reader`` command (issue 17),
run as the real command in a subprocess with its own READER_HOME."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.cli.test_cli import assert_clean_failure, open_json
from tests.conftest import run_reader

RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
    "<item><title>Entry one</title><guid>1</guid><description>Body.</description></item>"
    "</channel></rss>"
)


def serve_rss(server: HTTPServer, path: str = "/feed.xml", title: str = "A feed") -> str:
    server.expect_request(path).respond_with_data(
        RSS.format(title=title), content_type="application/rss+xml"
    )
    return server.url_for(path)


def test_a_limit_that_is_not_a_number_says_so_in_words() -> None:
    result = run_reader("list", "--limit", "abc")
    assert_clean_failure(result, "argument --limit: 'abc' is not a whole number", code=2)
    assert "_positive_int" not in result.stderr
    assert_clean_failure(run_reader("list", "--limit", "0"), "must be a positive number", code=2)


def test_terms_list_validates_the_language_as_well_as_the_status() -> None:
    assert_clean_failure(run_reader("terms", "list", "--lang", "xx"), "--lang", code=2)
    assert_clean_failure(run_reader("terms", "list", "--status", "9"), "unknown status")
    assert run_reader("terms", "list", "--lang", "ko").returncode == 0


def test_a_malformed_address_is_called_malformed() -> None:
    result = run_reader("add", "http://[bold]x/")
    assert_clean_failure(result, "not a valid address (malformed host or port)")
    assert_clean_failure(run_reader("add", "file:///etc/passwd"), "only http")
    assert_clean_failure(run_reader("add", "x"), "only http")
    assert_clean_failure(run_reader("add", "mailto:a@example.com"), "only http")


def test_an_address_without_a_scheme_is_taken_as_http(httpserver: HTTPServer) -> None:
    url = serve_rss(httpserver)
    bare = url.removeprefix("http://")
    added = run_reader("add", bare, "--json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["url"] == url


def test_search_says_when_nothing_matches_and_when_results_are_capped(tmp_path: Path) -> None:
    for number in range(3):
        document = tmp_path / f"{number}.txt"
        document.write_text(f"Title {number}\n\nA shared body.\n", encoding="utf-8")
        open_json(document)

    empty = run_reader("search", "")
    assert (empty.returncode, empty.stdout) == (0, "")
    assert "the search is empty" in empty.stderr

    nothing = run_reader("search", "absent")
    assert (nothing.returncode, nothing.stdout) == (0, "")
    assert "no articles match 'absent'" in nothing.stderr
    nothing_json = run_reader("search", "absent", "--json")
    assert json.loads(nothing_json.stdout) == []

    capped = run_reader("search", "shared", "--limit", "2")
    assert capped.returncode == 0
    assert len(capped.stdout.splitlines()) == 2
    assert "showing the first 2 matches; use --limit N for more" in capped.stderr

    everything = run_reader("search", "shared", "--limit", "3")
    assert len(everything.stdout.splitlines()) == 3
    assert everything.stderr == ""


def opml_of(*urls: str) -> str:
    outlines = "".join(f'<outline type="rss" text="f" xmlUrl="{url}"/>' for url in urls)
    return f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'


def test_refresh_exit_code_follows_one_rule(httpserver: HTTPServer, tmp_path: Path) -> None:
    good = serve_rss(httpserver, "/good")
    httpserver.expect_request("/gone-1").respond_with_data("", status=410)
    httpserver.expect_request("/gone-2").respond_with_data("", status=410)
    gone = [httpserver.url_for("/gone-1"), httpserver.url_for("/gone-2")]
    subscriptions = tmp_path / "subs.opml"
    subscriptions.write_text(opml_of(good, *gone), encoding="utf-8")
    assert run_reader("import-opml", str(subscriptions)).returncode == 0

    some_failed = run_reader("refresh")
    assert some_failed.returncode == 0, some_failed.stdout
    assert "2 failed" in some_failed.stdout
    one_named = run_reader("refresh", gone[0])
    assert one_named.returncode == 3, one_named.stdout
    assert "HTTP 410" in one_named.stdout

    run_reader("remove", good)
    every_feed = run_reader("refresh", "--force")
    assert every_feed.returncode == 3
    assert "2 feeds refreshed, 0 new, 2 failed" in every_feed.stdout


def test_terms_export_to_standard_output(tmp_path: Path) -> None:
    import subprocess
    import sys
    import zipfile
    from io import BytesIO

    assert run_reader("terms", "add", "외교", "--gloss", "diplomacy").returncode == 0
    work = tmp_path / "work"
    work.mkdir()
    for format_name in ("csv", "tsv", "anki"):
        process = subprocess.run(
            [sys.executable, "-m", "reader", "terms", "export", "--format", format_name, "-o", "-"],
            capture_output=True,
            cwd=work,
            timeout=60,
        )
        assert process.returncode == 0, process.stderr
        assert b"exported 1 term to standard output" in process.stderr
        if format_name == "anki":
            with zipfile.ZipFile(BytesIO(process.stdout)) as deck:
                assert "collection.anki2" in deck.namelist()
        else:
            separator = "," if format_name == "csv" else "\t"
            lines = process.stdout.decode("utf-8").splitlines()
            assert lines[0].startswith(f"term{separator}lemma{separator}")
            assert lines[1].startswith("외교")
    opml = subprocess.run(
        [sys.executable, "-m", "reader", "export-opml", "-o", "-"],
        capture_output=True,
        cwd=work,
        timeout=60,
    )
    assert opml.returncode == 0 and opml.stdout.startswith(b"<?xml")
    assert list(work.iterdir()) == []


def test_opening_an_unchanged_file_says_unchanged(tmp_path: Path) -> None:
    document = tmp_path / "note.txt"
    document.write_text("Title\n\nOne paragraph.\n", encoding="utf-8")
    assert "(imported, 1 paragraph)" in run_reader("open", str(document)).stdout
    assert "(unchanged, 1 paragraph)" in run_reader("open", str(document)).stdout
    document.write_text("Title\n\nOne paragraph.\n\nTwo.\n", encoding="utf-8")
    assert "(updated, 2 paragraphs)" in run_reader("open", str(document)).stdout


def test_add_of_a_subscribed_feed_applies_title_and_folder(httpserver: HTTPServer) -> None:
    url = serve_rss(httpserver)
    assert "(subscribed, 1 article)" in run_reader("add", url).stdout
    again = run_reader("add", url, "--title", "Mine", "--folder", "News")
    assert again.returncode == 0, again.stderr
    assert "already subscribed; title set to 'Mine'; moved to folder 'News'" in again.stdout
    [feed] = json.loads(run_reader("feeds", "--json").stdout)
    assert feed["title"] == "Mine"
    assert "(already subscribed)\n" in run_reader("add", url, "--title", "Mine").stdout
    out = run_reader("add", url, "--folder", "", "--json")
    assert json.loads(out.stdout)["folder"] is None
    assert json.loads(out.stdout)["changed"] == ["folder"]


def test_an_untitled_feed_has_the_same_title_in_feeds_and_refresh(httpserver: HTTPServer) -> None:
    url = serve_rss(httpserver, title="")
    assert run_reader("add", url).returncode == 0
    [listed] = json.loads(run_reader("feeds", "--json").stdout)
    [refreshed] = json.loads(run_reader("refresh", "--json").stdout)
    assert listed["title"] == refreshed["title"] == ""
    assert refreshed["url"] == url


def test_show_prints_local_readable_dates(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/dated").respond_with_data(
        '<rss version="2.0"><channel><title>Dated</title><item><title>Old</title>'
        "<guid>1</guid><pubDate>Sat, 25 May 2024 14:23:17 GMT</pubDate>"
        "<description>Body.</description></item></channel></rss>",
        content_type="application/rss+xml",
    )
    monkeypatch.setenv("TZ", "KST-9")
    assert run_reader("add", httpserver.url_for("/dated")).returncode == 0
    [article] = json.loads(run_reader("list", "--json").stdout)
    assert article["published"].startswith("2024-05-25T14:23:17")
    shown = run_reader("show", str(article["id"])).stdout.splitlines()
    assert "2024-05-25 23:23 KST" in shown[1]
    assert "T14:23" not in shown[1]


def test_an_anki_deck_is_not_written_to_a_terminal(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    controller, terminal = pty.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "reader", "terms", "export", "--format", "anki", "-o", "-"],
            stdout=terminal,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            timeout=60,
        )
    finally:
        os.close(terminal)
        os.close(controller)
    assert process.returncode == 1
    assert b"an Anki deck is binary" in process.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_export_to_a_full_standard_output_is_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    assert run_reader("terms", "add", "외교", "--gloss", "diplomacy").returncode == 0
    with open("/dev/full", "wb") as full:
        process = subprocess.run(
            [sys.executable, "-m", "reader", "terms", "export", "--format", "csv", "-o", "-"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            timeout=60,
        )
    assert process.returncode == 1
    assert process.stderr == "reader: standard output: cannot write: No space left on device\n"
