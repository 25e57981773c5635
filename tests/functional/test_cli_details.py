"""Messages, exit codes and output details of the ``reader`` command (issue 17),
run as the real command in a subprocess with its own READER_HOME."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.conftest import run_reader
from tests.functional.test_cli import assert_clean_failure, open_json

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
