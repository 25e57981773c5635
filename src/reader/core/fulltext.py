"""A web page's main text, extracted with trafilatura.

trafilatura (and lxml under it) is imported inside the function: it takes a
quarter of a second to import. Escape sequences are removed from the page
before extraction, so none can hide in the text trafilatura keeps; its HTML
output then goes through :func:`reader.core.html.html_to_paragraphs`.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.core.html import html_title, html_to_paragraphs
from reader.core.text import clean_line, strip_controls


@dataclass
class ExtractedPage:
    title: str
    paragraphs: list[str]
    author: str | None = None
    extracted: bool = True
    """False when trafilatura found no main text and the whole page's text was used."""


def extract_main_text(html: str, url: str | None = None) -> ExtractedPage | None:
    """The main text and title of a page; None when trafilatura finds no article in it."""
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
