"""A web page's main text, extracted with trafilatura.

trafilatura (and lxml under it) is imported inside the function: it takes a
quarter of a second to import. Escape sequences are removed from the page
before extraction, so none can hide in the text trafilatura keeps; its HTML
output then goes through :func:`reader.core.html.html_to_paragraphs`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from reader.core.html import html_title, html_to_paragraphs
from reader.core.text import clean_line, strip_controls

MAX_EXTRACT_CHARS = 5_000_000
MAX_EXTRACT_ELEMENTS = 25_000
"""trafilatura's time grows with the square of a page's elements past about 20,000
(20,000 short paragraphs: 1.7 s; 40,000: 5.6 s; 80,000: 22 s; 300,000: 472 s), in C
code that no time limit can interrupt. Larger pages are not given to it: their text
comes from the plain HTML cleaner, which is linear."""
_ELEMENT_START = re.compile(r"<[A-Za-z]")


@dataclass
class ExtractedPage:
    title: str
    paragraphs: list[str]
    author: str | None = None
    extracted: bool = True
    """False when trafilatura found no main text and the whole page's text was used."""


def too_large_to_extract(html: str) -> bool:
    """Whether a page is past :data:`MAX_EXTRACT_CHARS` or :data:`MAX_EXTRACT_ELEMENTS`
    (counted in one pass that stops at the limit)."""
    if len(html) > MAX_EXTRACT_CHARS:
        return True
    elements = itertools.islice(_ELEMENT_START.finditer(html), MAX_EXTRACT_ELEMENTS + 1)
    return sum(1 for _ in elements) > MAX_EXTRACT_ELEMENTS


def extract_main_text(html: str, url: str | None = None) -> ExtractedPage | None:
    """The main text and title of a page; None when trafilatura finds no article in it,
    or is not asked because the page is too large (:func:`too_large_to_extract`)."""
    if too_large_to_extract(html):
        return None
    import trafilatura
    from trafilatura.metadata import extract_metadata

    html = strip_controls(html, keep_newlines=True)
    try:
        body = trafilatura.extract(
            html, url=url, output_format="html", include_comments=False, include_tables=True
        )
        metadata = extract_metadata(html, default_url=url)
    except Exception:  # trafilatura raises many kinds on odd pages; any of them means "no text"
        return None
    if not body:
        return None
    paragraphs = html_to_paragraphs(body, url)
    if not paragraphs:
        return None
    title = clean_line(getattr(metadata, "title", None)) or html_title(html)
    author = clean_line(getattr(metadata, "author", None)) or None
    return ExtractedPage(title=title or paragraphs[0][:80], paragraphs=paragraphs, author=author)


def page_text(html: str, url: str | None = None) -> ExtractedPage:
    """The main text when it can be found, else every paragraph of the page."""
    extracted = extract_main_text(html, url)
    if extracted is not None:
        return extracted
    paragraphs = html_to_paragraphs(html, url)
    title = html_title(html) or (paragraphs[0][:80] if paragraphs else "")
    return ExtractedPage(title=title, paragraphs=paragraphs, extracted=False)
