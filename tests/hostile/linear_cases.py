"""Every pass over outside text, each with an input built to make it super-linear.

Shared by tests/hostile/test_linearity.py (n against 4n, ratio ≤ 5) and
benchmarks/bench_linear.py (prints the ratios). ``make(n)`` builds an input of
size about n; ``run`` is the pass (caches bypassed, so each call does the work).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Case:
    name: str
    run: Callable[[Any], object]
    make: Callable[[int], Any]
    n: int
    """Small enough that the quadratic versions took seconds at 4n, not hours."""


def _feed(items: str) -> bytes:
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    ).encode()


def _atom(content: str, kind: str = "text/markdown") -> bytes:
    return (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        f'<entry><id>1</id><title>e</title><content type="{kind}">{content}</content></entry>'
        "</feed>"
    ).encode()


def _parse_feed(data: bytes) -> object:
    from reader.core.feedparse import FeedParseError, parse_feed

    try:
        return parse_feed(data, "http://127.0.0.1/feed.xml")
    except FeedParseError as error:
        return error


def _english(text: str) -> object:
    from reader.core import sentences

    return sentences._split_cached.__wrapped__(text, "en")


def _long_sentence(text: str) -> object:
    from reader.core.models import Sentence
    from reader.core.sentences import split_long_sentence

    return split_long_sentence(Sentence(text, 0, len(text)), lambda piece: len(piece) < 400)


def _html(text: str) -> object:
    from reader.core.html import html_to_paragraphs

    return html_to_paragraphs(text, "http://127.0.0.1/")


def _looks_like_html(text: str) -> object:
    from reader.core.html import looks_like_html

    return looks_like_html(text)


def _safe_xml(text: str) -> object:
    from reader.core.feedparse import safe_xml

    return safe_xml(text)


def _clean_line(text: str) -> object:
    from reader.core.text import clean_line

    return clean_line(text)


def _plain_text(text: str) -> object:
    from reader.core.text import split_plain_text

    return split_plain_text(text)


def _decode(data: bytes) -> object:
    from reader.core.feedparse import decode_body

    return decode_body(data, "text/html")


def _opml(data: bytes) -> object:
    from reader.core.opml import OpmlError, parse_opml

    try:
        return parse_opml(data)
    except OpmlError as error:
        return error


def _latin_terms(text: str) -> object:
    from reader.core.terms.english import analyse_latin

    return analyse_latin(text, "en")


def _word_spans(text: str) -> object:
    from reader.core.terms import word_spans

    return word_spans(text)


def _markdown(text: str) -> object:
    from reader.core.html import markdown_to_paragraphs

    return markdown_to_paragraphs(text)


def _page_text(text: str) -> object:
    from reader.core.fulltext import page_text

    return page_text(text, "http://127.0.0.1/page")


def _has_timezone(text: str) -> object:
    from reader.core.feedparse import has_timezone

    return has_timezone(text)


def _feed_links(text: str) -> object:
    from reader.core.html import feed_links

    return feed_links(text, "http://127.0.0.1/")


CASES = [
    Case("safe_xml: '<!DOCTYPE ' * n", _safe_xml, lambda n: "<!DOCTYPE " * (n // 10), 100_000),
    Case("safe_xml: '<!ENTITY ' * n", _safe_xml, lambda n: "<!ENTITY " * (n // 9), 100_000),
    Case(
        "safe_xml: '<!DOCTYPE x [' + ']' * n",
        _safe_xml,
        lambda n: "<!DOCTYPE x [" + "] " * (n // 2),
        100_000,
    ),
    Case(
        "parse_feed: '<!DOCTYPE ' * n body",
        _parse_feed,
        lambda n: ("<!DOCTYPE " * (n // 10)).encode(),
        100_000,
    ),
    Case(
        "parse_feed: markdown '&lt;a' + spaces",
        _parse_feed,
        lambda n: _atom("&lt;a" + " " * n + "x"),
        100_000,
    ),
    Case(
        "parse_feed: description '<a ' * n",
        _parse_feed,
        lambda n: _feed(
            f"<item><guid>1</guid><description>{'&lt;a ' * (n // 6)}</description></item>"
        ),
        100_000,
    ),
    Case(
        "parse_feed: pubDate of n digits",
        _parse_feed,
        lambda n: _feed(f"<item><guid>1</guid><pubDate>{'1 ' * (n // 2)}</pubDate></item>"),
        300_000,
    ),
    Case("looks_like_html: '<a' + spaces", _looks_like_html, lambda n: "<a" + " " * n, 100_000),
    Case("looks_like_html: '<' + spaces", _looks_like_html, lambda n: "<" + " " * n, 30_000),
    Case("looks_like_html: '&a' * n", _looks_like_html, lambda n: "&" + "a" * n, 300_000),
    Case(
        "sentences: 'The cat sleeps on the mat. ' * n",
        _english,
        lambda n: "The cat sleeps on the mat. " * (n // 27),
        100_000,
    ),
    Case("sentences: 'Hi' + '!' * n", _english, lambda n: "Hi" + "!" * n, 20_000),
    Case(
        "sentences: one n-character token",
        _english,
        lambda n: "Start. " + "x" * n + ". Next one.",
        300_000,
    ),
    Case("sentences: 'A. ' * n", _english, lambda n: "A. " * (n // 3), 50_000),
    Case("sentences: '.' * n + ' A'", _english, lambda n: "." * n + " A", 100_000),
    Case("split_long_sentence: 'a, ' * n", _long_sentence, lambda n: "a, " * (n // 3), 50_000),
    Case(
        "split_long_sentence: spaces then no dash",
        _long_sentence,
        lambda n: "a" + " " * n + "b",
        30_000,
    ),
    Case("html_to_paragraphs: '<p>x' * n", _html, lambda n: "<p>x" * (n // 4), 50_000),
    Case("html_to_paragraphs: '<!-- >' * n", _html, lambda n: "<!-- >" * (n // 6), 30_000),
    Case("html_to_paragraphs: '<![x[' * n", _html, lambda n: "<![x[ >" * (n // 7), 30_000),
    Case("html_to_paragraphs: '<a x=\"' * n", _html, lambda n: '<a x="' * (n // 6), 30_000),
    Case("html_to_paragraphs: '<a ' * n", _html, lambda n: "<a " * (n // 3), 100_000),
    Case("html_to_paragraphs: '<!--' * n", _html, lambda n: "<!--" * (n // 4), 100_000),
    Case("html_to_paragraphs: '</' * n", _html, lambda n: "x</" * (n // 3), 100_000),
    Case("html_to_paragraphs: '&#' * n", _html, lambda n: "&#" * (n // 2), 100_000),
    Case("markdown: '[' * n", _markdown, lambda n: "[" * n, 2_500),
    Case("markdown: '*a' * n", _markdown, lambda n: "*a" * (n // 2), 2_500),
    Case("markdown: '- a' lines", _markdown, lambda n: "- a\n" * (n // 4), 2_500),
    Case("markdown: '> ' * n", _markdown, lambda n: "> " * (n // 2) + "x", 30_000),
    Case("clean_line: ESC '[' * n", _clean_line, lambda n: "\x1b[" * (n // 2), 300_000),
    Case("clean_line: spaces and tabs", _clean_line, lambda n: " \t\u200b" * (n // 3), 300_000),
    Case("split_plain_text: '\\n' + spaces", _plain_text, lambda n: "\n" + " " * n, 300_000),
    Case("split_plain_text: '\\n \\n' * n", _plain_text, lambda n: "x\n \n" * (n // 4), 300_000),
    Case("decode_body: '<meta ' * n", _decode, lambda n: b"<meta " * (n // 6), 300_000),
    Case("feed_links: '<link ' * n", _feed_links, lambda n: "<link " * (n // 6), 300_000),
    Case(
        "parse_opml: '&a' * n in an attribute",
        _opml,
        lambda n: b'<opml><body><outline text="' + b"&a" * (n // 2) + b'"/></body></opml>',
        300_000,
    ),
    Case("terms: 'a' * n", _latin_terms, lambda n: "a" * n, 300_000),
    Case('terms: "a\'" * n', _latin_terms, lambda n: "a'" * (n // 2), 300_000),
    Case("terms: '1.' * n", _latin_terms, lambda n: "1." * (n // 2), 300_000),
    Case("word_spans: '.' * n", _word_spans, lambda n: "." * n, 300_000),
    Case(
        "page_text (open URL): '<p>x</p>' * n",
        _page_text,
        lambda n: "<html><body>" + "<p>x</p>" * (n // 8) + "</body></html>",
        30_000,  # n and 4n both under MAX_EXTRACT_ELEMENTS: both take the extraction path
    ),
    Case("has_timezone: 'Z' + spaces + 'x'", _has_timezone, lambda n: "Z" + " " * n + "x", 300_000),
]


def _timed(case: Case, data: Any) -> float:
    """CPU seconds of this thread for one run: time spent waiting for a core (two cores,
    many processes here) is not work, and neither is the CPU of the process's other
    threads (an xdist worker's I/O thread, servers and queues left by earlier tests), which
    ``process_time`` would count. Every pass runs in the calling thread."""
    gc.collect()
    started = time.thread_time()
    case.run(data)
    return time.thread_time() - started


def best_time(case: Case, n: int, repeats: int = 3) -> float:
    """The fastest of a few runs (the machine is shared: the minimum is the work)."""
    data = case.make(n)
    return min(_timed(case, data) for _ in range(repeats))


MEASURABLE = 0.02
"""Below this many seconds a timing is mostly noise: n is doubled until it takes this long."""
MAX_GROWN_N = 250_000
"""...but not past this: 4n stays within the sizes a pass really meets (a 10 MB body,
1,000,000 characters of Markdown), where the memory system does not change the figures."""


def ratio(case: Case, repeats: int = 3, give_up: float = 2.0) -> tuple[int, float, float, float]:
    """(n, time at n, time at 4n, their ratio); a linear pass gives about 4.

    n starts at ``case.n`` and doubles (up to MAX_GROWN_N) until its run is measurable.
    The n and 4n runs alternate and the fastest of each counts, so that a burst of
    load from another process does not land on one size only. When the n run alone
    takes longer than ``give_up`` seconds, 4n is not run (it would take minutes if the
    pass is quadratic) and the ratio is infinite.
    """
    case.run(case.make(1000))  # imports and first-call set-up are not the pass
    n = case.n
    small = best_time(case, n, 1)
    while small < MEASURABLE and 2 * n <= MAX_GROWN_N:
        n *= 2
        small = best_time(case, n, 1)
    if small > give_up:
        return n, small, float("inf"), float("inf")
    small_input, large_input = case.make(n), case.make(4 * n)
    large = float("inf")
    for _ in range(repeats):
        small = min(small, _timed(case, small_input))
        large = min(large, _timed(case, large_input))
    return n, small, large, large / max(small, 1e-6)
