"""HTML to paragraphs: structure, hostile text, and properties that always hold."""

from __future__ import annotations

import html
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.html import (
    feed_links,
    html_title,
    html_to_paragraphs,
    looks_like_html,
    markdown_document,
    markdown_to_paragraphs,
)
from reader.service import ReaderService

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class TestStructure:
    def test_blocks_and_double_breaks_split_paragraphs(self) -> None:
        source = "<p>one <b>bold</b></p><div>two<br>same<br><br>three</div>"
        assert html_to_paragraphs(source) == ["one bold", "two same", "three"]

    def test_lists_become_bullet_lines_even_with_inner_blocks(self) -> None:
        source = "<ul><li>a</li><li><p>b</p></li><li><ul><li>c</li></ul></li><li></li></ul><p>x</p>"
        assert html_to_paragraphs(source) == ["• a", "• b", "• c", "x"]

    def test_headings_are_their_own_paragraphs(self) -> None:
        assert html_to_paragraphs("intro<h2>Heading</h2>body") == ["intro", "Heading", "body"]

    def test_scripts_styles_iframes_are_dropped(self) -> None:
        source = "<script>alert(1)</script><style>p{}</style><iframe src=x>inner</iframe>kept"
        assert html_to_paragraphs(source) == ["kept"]

    def test_unclosed_head_does_not_hide_the_body(self) -> None:
        source = "<html><head><title>T</title><meta charset=utf-8><body><p>text</p>"
        assert html_to_paragraphs(source) == ["text"]

    def test_images_only_with_alt_text(self) -> None:
        source = '<p>see <img src="a.png" alt="a cat"> and <img src="b.png"></p>'
        assert html_to_paragraphs(source) == ["see [image: a cat] and"]

    def test_entities_decoded_and_whitespace_normalised(self) -> None:
        source = "<p>Tom&nbsp;&amp;\n\n  Jerry &#xAC00;&#44033;</p>"
        assert html_to_paragraphs(source) == ["Tom & Jerry 가각"]

    def test_korean_bracket_text_is_kept(self) -> None:
        assert html_to_paragraphs("&lt;눈보다 귀&gt; 연재") == ["<눈보다 귀> 연재"]
        assert html_to_paragraphs("<p><눈보다 귀> 연재</p>") == ["<눈보다 귀> 연재"]

    def test_table_cells_are_separated(self) -> None:
        source = "<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table>"
        assert html_to_paragraphs(source) == ["a b", "c"]

    def test_relative_link_text_resolved_against_base(self) -> None:
        source = '<a href="/x/y">/x/y</a> <a href="/z">words</a>'
        assert html_to_paragraphs(source, "https://e.com/a/") == ["https://e.com/x/y words"]

    def test_no_external_entities_or_dtd(self) -> None:
        source = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><p>&e;</p>'
        paragraphs = html_to_paragraphs(source)
        assert paragraphs[-1] == "&e;"
        assert "root:" not in " ".join(paragraphs)


class TestHostileText:
    def test_escape_sequences_controls_and_bidi_removed(self) -> None:
        source = "<p>a\x1b[2Jb\x1b]0;title\x07c\x9b31m\u202ed\x00e</p>"
        assert html_to_paragraphs(source) == ["abcde"]

    def test_markup_is_literal_text(self) -> None:
        assert html_to_paragraphs("[bold red]x[/] [link=file:///etc/passwd]y") == [
            "[bold red]x[/] [link=file:///etc/passwd]y"
        ]

    def test_deep_nesting_and_large_input(self) -> None:
        deep = "<div>" * 20000 + "deep" + "</div>" * 20000
        assert html_to_paragraphs(deep) == ["deep"]
        big = "<p>" + "가" * 1_000_000 + "</p>"
        assert len(html_to_paragraphs(big)[0]) == 1_000_000


class TestTitle:
    def test_title_element_first(self) -> None:
        assert html_title("<title>\n My \x1b[31m title </title><h1>H</h1>") == "My title"

    def test_first_h1_when_no_title(self) -> None:
        assert html_title("<title> </title><h1>Only <i>this</i></h1><h1>not</h1>") == "Only this"

    def test_empty_when_neither(self) -> None:
        assert html_title("<p>text</p>") == ""


def test_looks_like_html() -> None:
    assert looks_like_html("a <b>b</b>")
    assert looks_like_html("Tom &amp; Jerry")
    assert not looks_like_html("<눈보다 귀> plain")
    assert not looks_like_html("1 < 2 and 3 > 2")


html_fragments = st.lists(
    st.one_of(
        st.text(),
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<br>",
                "<li>",
                "<ul>",
                "</li>",
                "<script>",
                "</script>",
                "<h1>",
                "\x1b[31m",
                "\x1b]0;x\x07",
                "\u202e",
                "\x9b",
                "&amp;",
                "&#27;",
                "&#x9b;",
                "<img alt='\x1b'>",
            ]
        ),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(html_fragments)
def test_no_control_character_survives(source: str) -> None:
    for paragraph in html_to_paragraphs(source):
        assert not CONTROL.search(paragraph)
        assert paragraph == paragraph.strip()
        assert paragraph
    assert not CONTROL.search(html_title(source))


@settings(max_examples=300, deadline=None)
@given(html_fragments)
def test_output_is_idempotent(source: str) -> None:
    """Writing the paragraphs back as escaped HTML and parsing again gives the same paragraphs."""
    paragraphs = html_to_paragraphs(source)
    rendered = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    assert html_to_paragraphs(rendered) == paragraphs


def test_feed_links_are_absolute_http_and_unique() -> None:
    page = (
        '<html><head><link rel="alternate" type="application/rss+xml" href="/rss">'
        '<link rel="alternate" type="application/atom+xml" href="https://e.com/atom">'
        '<link rel="alternate" type="application/rss+xml" href="/rss">'
        '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'
        '<link rel="stylesheet" type="text/css" href="/style.css">'
        '<link rel="alternate" type="text/html" href="/ko/"></head></html>'
    )
    assert feed_links(page, "https://e.com/blog/") == ["https://e.com/rss", "https://e.com/atom"]


class TestMarkdown:
    """``.md`` files are read as Markdown into the same paragraphs as HTML."""

    SOURCE = (
        "# Notes on *markdown*\n\n"
        "Some *emphasis*, **strong** and [a link](http://x) with `code`.\n"
        "Same paragraph, next line.\n\n"
        "- first item\n- second item with [link text](http://y)\n\n"
        "1. one\n2. two\n\n"
        "> quoted\n\n"
        "![a cat](cat.png)\n\n"
        "```\ncode block\n```\n\n"
        "<script>alert(1)</script>\n\n"
        "Escape \x1b[31mred\x1b[0m text.\n"
    )

    def test_markdown_becomes_paragraphs(self) -> None:
        title, paragraphs = markdown_document(self.SOURCE)
        assert title == "Notes on markdown"
        assert paragraphs == [
            "Some emphasis, strong and a link with code. Same paragraph, next line.",
            "• first item",
            "• second item with link text",
            "• one",
            "• two",
            "quoted",
            "[image: a cat]",
            "code block",
            "Escape red text.",
        ]

    def test_without_an_opening_heading_there_is_no_title(self) -> None:
        assert markdown_document("Just *text*.\n\n## Later\n") == ("", ["Just text.", "Later"])
        assert markdown_to_paragraphs("# T\n\nx") == ["T", "x"]
        assert markdown_document("") == ("", [])

    def test_open_a_markdown_file(self, tmp_path: Path) -> None:
        path = tmp_path / "notes.md"
        path.write_text(self.SOURCE, encoding="utf-8")
        service = ReaderService()
        try:
            article = service.open_path(path).article
        finally:
            service.close()
        assert article.title == "Notes on markdown"
        assert article.paragraphs[1:3] == ["• first item", "• second item with link text"]
        assert not any("*" in p or "](" in p for p in article.paragraphs)
