"""HTML to clean plain-text paragraphs.

Built on the standard library's :mod:`html.parser`: it knows only the HTML
character references, never reads a DTD and never fetches anything, so no
entity in an article can expand or reach outside the text. Every paragraph
leaves through :func:`reader.core.text.clean_line`, so no control character,
escape sequence or bidi override survives.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from reader.core.text import clean_line, split_plain_text
from reader.core.urls import is_web_url, join_url

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend",
        "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
        "tfoot", "thead", "tr", "ul",
    }
)  # fmt: skip
"""Elements that start and end a paragraph."""

SKIPPED_TAGS = frozenset(
    {
        "applet", "audio", "button", "canvas", "embed", "frame", "frameset", "iframe",
        "map", "math", "noembed", "noframes", "noscript", "object", "select", "script",
        "style", "svg", "template", "textarea", "title", "video",
    }
)  # fmt: skip
"""Elements whose content is never text for the reader."""

VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
"""Elements that never have an end tag, so they never open a skipped region."""

_MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*+(?:[\s/][^<>]*+)?>|&[#a-zA-Z0-9]++;")
"""A tag or a character reference: the field holds HTML, not plain text.

Linear: an attempt starts only at ``<`` + letter or ``&`` and its scan stops at the next
``<``, ``>`` or non-name character, where the next attempt starts; the possessive
quantifiers never give characters back. (The old ``<\\s*/?\\s*…(\\s[^<>]*)?/?\\s*>``
backtracked between its whitespace runs: 74 s on ``<a`` + 300,000 spaces.)"""
_COMMENT_CLOSE = re.compile(r"--\s*+>")
"""What ends a comment for :mod:`html.parser` (its ``commentclose``)."""

MAX_MARKDOWN_CHARS = 1_000_000
"""Longer Markdown texts are read as plain text (see :func:`markdown_document`)."""

CELL_TAGS = frozenset({"td", "th"})
BULLET = "• "


class _ParagraphParser(HTMLParser):
    """Collects paragraphs; each block element or ``<br><br>`` ends one."""

    def __init__(self, base_url: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.paragraphs: list[str] = []
        self._parts: list[str] = []
        self._skipping: list[str] = []
        self._line_break_pending = False
        self._link_href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipping:
            if tag in SKIPPED_TAGS and tag not in VOID_TAGS:
                self._skipping.append(tag)
            return
        if tag in SKIPPED_TAGS and tag not in VOID_TAGS:
            self._skipping.append(tag)
        elif tag == "br":
            self._line_break()
        elif tag in CELL_TAGS:
            self._parts.append(" ")
        elif tag == "li":
            self._flush(carry_bullet=False)
            self._parts.append(BULLET)
        elif tag in BLOCK_TAGS:
            self._flush()
        elif tag == "img":
            self._image(dict(attrs))
        elif tag == "a":
            self._link_href = dict(attrs).get("href")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """``<br/>``, ``<img/>``, and ``<div/>`` written XHTML-style: never open a region."""
        if tag in SKIPPED_TAGS:
            return
        self.handle_starttag(tag, attrs)
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            if tag in self._skipping:
                while self._skipping.pop() != tag:
                    pass
            return
        if tag in CELL_TAGS:
            self._parts.append(" ")
        elif tag in BLOCK_TAGS or tag == "br":
            if tag == "br":
                self._line_break()
            else:
                self._flush(carry_bullet=tag != "li")
        elif tag == "a":
            self._link_href = None

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if data.strip():
            self._line_break_pending = False
            data = self._resolved_link_text(data)
        self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _resolved_link_text(self, data: str) -> str:
        """A link whose text is its own relative href shows the absolute URL."""
        href = self._link_href
        if href and self.base_url and data.strip() == href.strip() and "://" not in href:
            return join_url(self.base_url, href.strip()) or data
        return data

    def _line_break(self) -> None:
        if self._line_break_pending:
            self._flush()
        else:
            self._line_break_pending = True
            self._parts.append(" ")

    def _image(self, attrs: dict[str, str | None]) -> None:
        alt = clean_line(attrs.get("alt"))
        if alt:
            self._line_break_pending = False
            self._parts.append(f" [image: {alt}] ")

    def _flush(self, carry_bullet: bool = True) -> None:
        """End the current paragraph.

        A list item whose text sits in an inner block (``<li><p>…``) has only its
        bullet so far; the bullet is carried to the inner paragraph.
        """
        self._line_break_pending = False
        if not self._parts:
            return
        paragraph = clean_line("".join(self._parts))
        self._parts = []
        if paragraph == BULLET.strip():
            if carry_bullet:
                self._parts.append(BULLET)
        elif paragraph:
            self.paragraphs.append(paragraph)


class _TitleParser(HTMLParser):
    """Finds the ``<title>`` text and the first ``<h1>`` text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title_parts: list[str] = []
        self.h1_parts: list[str] = []
        self._inside: str | None = None
        self._title_done = False
        self._h1_done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and not self._title_done:
            self._inside = "title"
        elif tag == "h1" and not self._h1_done:
            self._inside = "h1"
        elif tag == "img" and self._inside == "h1":
            self.h1_parts.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._inside:
            if tag == "title":
                self._title_done = bool(clean_line("".join(self.title_parts)))
            else:
                self._h1_done = bool(clean_line("".join(self.h1_parts)))
            self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside == "title":
            self.title_parts.append(data)
        elif self._inside == "h1":
            self.h1_parts.append(data)


def defuse_markup(html: str) -> str:
    """The same markup without the constructs :mod:`html.parser` rescans: linear to parse.

    The standard parser (3.11) gives up on a construct that never ends, shows its ``<``
    as text and starts again at the next ``<``, rescanning to the end of the input each
    time: ``'<a ' * n``, ``'<!-- >' * n`` or ``'<![x[' * n`` took minutes for 100 KB.
    Here, in one pass each, every ``<`` after the last ``>`` and every ``<!--`` after the
    last comment end become text (``&lt;``), which is what the parser would have shown;
    and every ``<![`` becomes ``<!-[``, a bogus comment that ends at the next ``>`` as
    browsers read CDATA in HTML (the parser also raised AssertionError on ``<![x[``).
    """
    html = html.replace("<![", "<!-[")
    comment_end = 0
    for comment_end_match in _COMMENT_CLOSE.finditer(html):
        comment_end = comment_end_match.end()
    if "<!--" in html[comment_end:]:
        html = html[:comment_end] + html[comment_end:].replace("<!--", "&lt;!--")
    last_close = html.rfind(">") + 1
    if "<" in html[last_close:]:
        html = html[:last_close] + html[last_close:].replace("<", "&lt;")
    return html


def _parse(parser: HTMLParser, html: str) -> None:
    parser.feed(defuse_markup(html))
    parser.close()


def html_to_paragraphs(html: str, base_url: str | None = None) -> list[str]:
    """Plain-text paragraphs of an HTML fragment or document.

    Block elements and ``<br><br>`` split paragraphs, list items become ``• ``
    lines, headings stay paragraphs of their own, scripts/styles/iframes are
    dropped, entities are decoded and images appear as ``[image: alt]`` when
    they have alt text. ``base_url`` turns a link whose text is its own
    relative address into an absolute one.
    """
    parser = _ParagraphParser(base_url)
    _parse(parser, html)
    return parser.paragraphs


def markdown_document(markdown: str) -> tuple[str, list[str]]:
    """The title and paragraphs of a Markdown text, read as Markdown.

    markdown-it-py (CommonMark; imported here, it is needed only for ``.md`` files)
    renders it to HTML, which then goes through the same cleaner as every HTML
    article: list items become ``• `` paragraphs, links show their text, emphasis
    marks go. A heading that opens the document is its title (the rest are the
    paragraphs); otherwise the title is "" and the caller picks one.
    """
    if len(markdown) > MAX_MARKDOWN_CHARS:
        return "", split_plain_text(markdown)
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")
    tokens = parser.parse(markdown)
    paragraphs = html_to_paragraphs(parser.renderer.render(tokens, parser.options, {}))
    opens_with_heading = bool(tokens) and tokens[0].type == "heading_open"
    if opens_with_heading and len(tokens) > 1 and tokens[1].content.strip() and paragraphs:
        return paragraphs[0], paragraphs[1:]
    return "", paragraphs


def markdown_to_paragraphs(markdown: str) -> list[str]:
    """Every paragraph of a Markdown text, its opening heading included."""
    title, paragraphs = markdown_document(markdown)
    return [title, *paragraphs] if title else paragraphs


def html_title(html: str) -> str:
    """The document's ``<title>``, else its first ``<h1>``, cleaned; "" when neither."""
    parser = _TitleParser()
    _parse(parser, html)
    return clean_line("".join(parser.title_parts)) or clean_line("".join(parser.h1_parts))


def looks_like_html(text: str) -> bool:
    """Whether a feed field holds markup rather than plain text."""
    return _MARKUP.search(text) is not None


FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"}
)


class _FeedLinkParser(HTMLParser):
    """Collects ``<link rel="alternate" type="application/rss+xml" href>`` targets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {name: (value or "") for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        href = values.get("href", "").strip()
        if "alternate" in rels and kind in FEED_TYPES and href:
            self.hrefs.append(href)


def feed_links(html: str, base_url: str | None = None) -> list[str]:
    """Feed URLs a web page advertises, absolute, http(s) only, in page order."""
    parser = _FeedLinkParser()
    _parse(parser, html[:1_000_000])
    found: list[str] = []
    for href in parser.hrefs:
        absolute = clean_line(join_url(base_url, href) or "")
        if is_web_url(absolute) and absolute not in found:
            found.append(absolute)
    return found
