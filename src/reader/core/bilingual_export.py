"""Bilingual exports of an article: Markdown and standalone HTML (EPUB in
:mod:`reader.core.epub`), the text with its translation sentence by sentence.

An article is first turned into a :class:`BilingualDocument` — paragraphs of
(source sentence, translation) segments with the glossary terms found in each — and
each format renders that. Two layouts: ``interlinear`` (each sentence followed by
its translation) and ``side-by-side`` (a paragraph and its translation in two
columns). Glossary terms still being learnt are marked, and glossed once each in
numbered footnotes; known and ignored terms are not marked, as in the article view.

Every piece of text comes from outside (feed, page, the user's glossary) and is
escaped for the format it goes into: HTML-escaped for HTML and XHTML, every
Markdown metacharacter backslash-escaped for Markdown; a link is kept only when it
is http(s). The HTML page also forbids scripts and remote content with a Content
Security Policy, and is styled with the colours of the default theme (night).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from reader.core.urls import is_web_url

FORMATS = ("md", "html", "epub")
LAYOUTS = ("interlinear", "side-by-side")

NIGHT_COLOURS = {
    "background": "#161a21",
    "foreground": "#d3d7de",
    "primary": "#6c8ebf",
    "translation": "#a9c1d9",
    "rule": "#303744",
    "panel": "#252b35",
    "term-1": "#581c18",
    "term-2": "#006488",
    "term-3": "#005c18",
}
"""The default theme's colours (themes/night.toml; a test keeps them the same)."""

_LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}


@dataclass(frozen=True)
class Mark:
    """A glossary term in a segment's source: ``source[start:end]``, its footnote."""

    start: int
    end: int
    note: int
    level: int
    """1 (new), 2 (statuses 2–3) or 3 (statuses 4–5), as the article view colours it."""
    first: bool
    """Whether the footnote reference goes here (the term's first occurrence)."""


@dataclass(frozen=True)
class Segment:
    source: str
    target: str
    source_lang: str
    target_lang: str
    marks: tuple[Mark, ...] = ()
    edited: bool = False
    """The translation is the reader's own (an edit or a chosen alternative)."""


EDITED_MARK = " ✎"
"""After a translation the reader wrote or chose, in Markdown."""


def _markdown_target(segment: Segment) -> str:
    return markdown_text(segment.target) + (EDITED_MARK if segment.edited else "")


def _html_target(segment: Segment) -> str:
    if not segment.edited:
        return html_text(segment.target)
    return f'<span class="edited" title="edited by the reader">{html_text(segment.target)}</span>'


@dataclass(frozen=True)
class Footnote:
    number: int
    term: str
    lemma: str
    gloss: str
    lang: str


@dataclass
class BilingualDocument:
    title: str
    title_translation: str
    source_lang: str
    target_lang: str
    paragraphs: list[list[Segment]]
    notes: list[Footnote] = field(default_factory=list)
    publisher: str = ""
    """The feed's title (who published the article); empty for a local document."""
    url: str = ""
    published: str = ""
    author: str = ""
    identifier: str = ""
    """A stable unique id (the EPUB's ``dc:identifier``)."""

    @property
    def link(self) -> str:
        """The article's address when it is http(s), else empty (never a script URL)."""
        return self.url if is_web_url(self.url) else ""

    def source_line(self) -> str:
        """Where the text comes from, as plain text."""
        parts = [self.publisher or "local document"]
        if self.author:
            parts.append(self.author)
        if self.published:
            parts.append(self.published[:10])
        return "Source: " + " · ".join(parts)

    def licence_line(self) -> str:
        """The copyright line: no licence is stored with an article, so the publisher's."""
        holder = self.publisher or "the author"
        return (
            f"© {holder} (the publisher). Exported with reader for personal study;"
            " the translation is machine-made."
        )


_LANGUAGE_CODE = re.compile(r"[a-z]{2,8}")


def language_code(code: str) -> str:
    """A ``lang`` attribute's value: the code when it looks like one, else ``und``
    (a feed's language is outside text too)."""
    return code if _LANGUAGE_CODE.fullmatch(code) else "und"


def status_level(status: str) -> int:
    """The article view's highlight level of a status (0: not marked)."""
    return {"1": 1, "2": 2, "3": 2, "4": 3, "5": 3}.get(status, 0)


# -- Markdown ----------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~&])")
_LEADING_NUMBER = re.compile(r"^(\d+)([.)])")
_LEADING_BLOCK = re.compile(r"^([#+\-=])")


def markdown_text(text: str) -> str:
    """Text that Markdown shows as it is: inline metacharacters backslash-escaped
    (emphasis, code, links, images, footnotes, HTML, entities, table cells), and at
    its start what would begin a heading, list or rule; line breaks as spaces."""
    flat = " ".join(text.split()) if "\n" in text or "\r" in text else text
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
    escaped = _LEADING_BLOCK.sub(r"\\\1", escaped)
    return _LEADING_NUMBER.sub(r"\1\\\2", escaped)


def _markdown_url(url: str) -> str:
    """A link target inside ``<…>``: characters that could end it percent-encoded."""
    return quote(url, safe=":/?#@!$&'*+,;=%-._~")


def _markdown_source(segment: Segment) -> str:
    out, position = [], 0
    for mark in segment.marks:
        out.append(markdown_text(segment.source[position : mark.start]))
        out.append("**" + markdown_text(segment.source[mark.start : mark.end]) + "**")
        if mark.first:
            out.append(f"[^{mark.note}]")
        position = mark.end
    out.append(markdown_text(segment.source[position:]))
    return "".join(out)


def to_markdown(document: BilingualDocument, layout: str = "interlinear") -> str:
    """The document as CommonMark with GitHub's tables and footnotes."""
    lines = [f"# {markdown_text(document.title)}", ""]
    if document.title_translation:
        lines += [f"*{markdown_text(document.title_translation)}*", ""]
    source = markdown_text(document.source_line())
    if document.link:
        source += f" · [{markdown_text(document.link)}](<{_markdown_url(document.link)}>)"
    lines += [source, "", markdown_text(document.licence_line()), ""]
    if layout == "side-by-side":
        names = [
            _LANGUAGE_NAMES.get(code, code) for code in (document.source_lang, document.target_lang)
        ]
        lines += [f"| {names[0]} | {names[1]} |", "| --- | --- |"]
        for paragraph in document.paragraphs:
            left = " ".join(_markdown_source(segment) for segment in paragraph)
            right = " ".join(_markdown_target(segment) for segment in paragraph)
            lines.append(f"| {left} | {right} |")
        lines.append("")
    else:
        for paragraph in document.paragraphs:
            for segment in paragraph:
                lines += [
                    _markdown_source(segment) + "\\",
                    f"*{_markdown_target(segment)}*",
                    "",
                ]
    if document.notes:
        lines += ["## Glossary", ""]
        for note in document.notes:
            lines.append(f"[^{note.number}]: {_note_text(note, markdown_text, '**')}")
        lines.append("")
    return "\n".join(lines)


def _note_text(note: Footnote, escape: Callable[[str], str], strong: str) -> str:
    lemma = f" ({escape(note.lemma)})" if note.lemma and note.lemma != note.term else ""
    gloss = escape(note.gloss) if note.gloss else "—"
    if strong == "**":
        return f"**{escape(note.term)}**{lemma}: {gloss}"
    return f"<b>{escape(note.term)}</b>{lemma}: {gloss}"


# -- HTML and XHTML --------------------------------------------------------------------

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def html_text(text: str) -> str:
    """Text as HTML/XHTML character data or attribute value (characters XML forbids
    dropped, so that the EPUB stays well-formed)."""
    return html.escape(_XML_FORBIDDEN.sub("", text), quote=True)


def _html_source(segment: Segment, epub: bool) -> str:
    out, position = [], 0
    for mark in segment.marks:
        out.append(html_text(segment.source[position : mark.start]))
        term = html_text(segment.source[mark.start : mark.end])
        out.append(f'<mark class="term term-{mark.level}">{term}</mark>')
        if mark.first:
            kind = ' epub:type="noteref"' if epub else ""
            out.append(
                f'<sup><a id="ref-{mark.note}" href="#note-{mark.note}"{kind}>{mark.note}</a></sup>'
            )
        position = mark.end
    out.append(html_text(segment.source[position:]))
    return "".join(out)


def html_body(document: BilingualDocument, layout: str, epub: bool = False) -> str:
    """The article as XHTML-compatible markup (also valid HTML5), without ``<body>``."""
    source_lang, target_lang = document.source_lang, document.target_lang
    parts = [
        "<article>",
        "<header>",
        f'<h1 lang="{language_code(source_lang)}">{html_text(document.title)}</h1>',
    ]
    if document.title_translation:
        parts.append(
            f'<p class="title-translation" lang="{language_code(target_lang)}">'
            f"{html_text(document.title_translation)}</p>"
        )
    source = html_text(document.source_line())
    if document.link:
        link = html_text(document.link)
        source += f' · <a href="{link}">{link}</a>'
    parts += [
        f'<p class="source">{source}</p>',
        f'<p class="licence">{html_text(document.licence_line())}</p>',
        "</header>",
    ]
    if layout == "side-by-side":
        parts.append('<table class="side-by-side">')
        for paragraph in document.paragraphs:
            left = " ".join(_html_source(segment, epub) for segment in paragraph)
            right = " ".join(_html_target(segment) for segment in paragraph)
            first = paragraph[0] if paragraph else None
            left_lang = first.source_lang if first else source_lang
            right_lang = first.target_lang if first else target_lang
            parts.append(
                f'<tr><td class="original" lang="{language_code(left_lang)}">{left}</td>'
                f'<td class="translation" lang="{language_code(right_lang)}">{right}</td></tr>'
            )
        parts.append("</table>")
    else:
        for paragraph in document.paragraphs:
            parts.append('<div class="paragraph">')
            for segment in paragraph:
                parts.append(
                    f'<p class="pair"><span class="original" lang="{language_code(segment.source_lang)}">'
                    f"{_html_source(segment, epub)}</span><br/>"
                    f'<span class="translation" lang="{language_code(segment.target_lang)}">'
                    f"{_html_target(segment)}</span></p>"
                )
            parts.append("</div>")
    if document.notes:
        parts += ['<section class="glossary" id="glossary">', "<h2>Glossary</h2>", "<ol>"]
        for note in document.notes:
            kind = ' epub:type="footnote"' if epub else ""
            tag = "aside" if epub else "li"
            text = _note_text(note, html_text, "<b>")
            back = f' <a href="#ref-{note.number}">↩</a>'
            if epub:
                parts.append(
                    f'<li><{tag} id="note-{note.number}"{kind} lang="{language_code(note.lang)}">'
                    f"{text}{back}</{tag}></li>"
                )
            else:
                parts.append(
                    f'<li id="note-{note.number}" lang="{language_code(note.lang)}">{text}{back}</li>'
                )
        parts += ["</ol>", "</section>"]
    parts.append("</article>")
    return "\n".join(parts)


def html_css(colours: dict[str, str] | None = None) -> str:
    """The page's style: the theme's colours when given (HTML), neutral otherwise
    (EPUB: e-readers pick their own background and text colour)."""
    base = """body { max-width: 48em; margin: 2em auto; padding: 0 1em; line-height: 1.6;
  font-family: "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif; }
h1 { margin-bottom: 0.2em; }
.title-translation { font-style: italic; margin-top: 0; }
.source, .licence { font-size: 0.85em; opacity: 0.8; margin: 0.2em 0; }
.paragraph { margin: 1.2em 0; }
.pair { margin: 0.4em 0; }
.translation { font-style: italic; }
table.side-by-side { border-collapse: collapse; width: 100%; }
table.side-by-side td { vertical-align: top; padding: 0.5em; width: 50%; }
mark.term { padding: 0 0.1em; color: inherit; }
.glossary { margin-top: 2em; font-size: 0.9em; }
"""
    if colours is None:
        return base + (
            "mark.term { background: none; text-decoration: underline; }\n"
            "table.side-by-side td { border-top: 1px solid #999; }\n"
        )
    return base + (
        f"body {{ background: {colours['background']}; color: {colours['foreground']}; }}\n"
        f"a {{ color: {colours['primary']}; }}\n"
        f".translation {{ color: {colours['translation']}; }}\n"
        f"table.side-by-side td {{ border-top: 1px solid {colours['rule']}; }}\n"
        f".glossary {{ border-top: 1px solid {colours['rule']}; }}\n"
        f"mark.term-1 {{ background: {colours['term-1']}; }}\n"
        f"mark.term-2 {{ background: {colours['term-2']}; }}\n"
        f"mark.term-3 {{ background: {colours['term-3']}; }}\n"
    )


_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'"


def to_html(document: BilingualDocument, layout: str = "interlinear") -> str:
    """A standalone HTML page (no script, nothing remote) in the default theme's colours."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{language_code(document.source_lang)}">',
            "<head>",
            '<meta charset="utf-8"/>',
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}"/>',
            '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
            '<meta name="generator" content="reader"/>',
            f"<title>{html_text(document.title)}</title>",
            f"<style>\n{html_css(NIGHT_COLOURS)}</style>",
            "</head>",
            "<body>",
            html_body(document, layout),
            "</body>",
            "</html>",
            "",
        ]
    )
