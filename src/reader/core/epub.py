"""EPUB 3 of a bilingual article (see :mod:`reader.core.bilingual_export`).

The container is what e-readers and epubcheck expect: ``mimetype`` first and stored
(not compressed, no extra field), ``META-INF/container.xml`` naming the package
document, which has a ``unique-identifier``, ``dcterms:modified``, a navigation
document and one XHTML content document. Content documents carry ``lang`` and
``xml:lang`` (the article's language; each sentence and translation its own), and
glossary footnotes are EPUB 3 ``noteref``/``footnote`` pairs, which e-readers show
as pop-ups.
"""

from __future__ import annotations

import io
import zipfile

from reader.core.bilingual_export import (
    BilingualDocument,
    html_body,
    html_css,
    html_text,
    language_code,
)

_FIXED_TIME = (2000, 1, 1, 0, 0, 0)
"""Every member's time stamp, so that exporting the same article twice gives the same
bytes apart from ``dcterms:modified``."""

_CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""


def _xhtml(document: BilingualDocument, title: str, body: str) -> str:
    lang = language_code(document.source_lang)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
        f' lang="{lang}" xml:lang="{lang}">\n<head>\n<meta charset="utf-8"/>\n'
        f'<title>{html_text(title)}</title>\n<link rel="stylesheet" type="text/css" href="style.css"/>\n'
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _xml_lang_attributes(markup: str) -> str:
    """Content documents also give ``xml:lang`` beside each ``lang`` (EPUB readers
    that predate HTML5 read the XML one)."""
    for code in ("ko", "en"):
        markup = markup.replace(f' lang="{code}"', f' lang="{code}" xml:lang="{code}"')
    return markup


def _nav(document: BilingualDocument) -> str:
    items = [f'<li><a href="article.xhtml">{html_text(document.title)}</a></li>']
    if document.notes:
        items.append('<li><a href="article.xhtml#glossary">Glossary</a></li>')
    body = (
        '<nav epub:type="toc" id="toc">\n<h1>Contents</h1>\n<ol>\n'
        + "\n".join(items)
        + "\n</ol>\n</nav>"
    )
    return _xhtml(document, document.title, body)


def _package(document: BilingualDocument, modified: str) -> str:
    languages = dict.fromkeys([document.source_lang, document.target_lang])
    metadata = [
        f'<dc:identifier id="book-id">{html_text(document.identifier)}</dc:identifier>',
        f"<dc:title>{html_text(document.title)}</dc:title>",
        *(f"<dc:language>{language_code(code)}</dc:language>" for code in languages),
        f"<dc:rights>{html_text(document.licence_line())}</dc:rights>",
        f'<meta property="dcterms:modified">{html_text(modified)}</meta>',
    ]
    if document.publisher:
        metadata.append(f"<dc:publisher>{html_text(document.publisher)}</dc:publisher>")
    if document.author:
        metadata.append(f"<dc:creator>{html_text(document.author)}</dc:creator>")
    if document.link:
        metadata.append(f"<dc:source>{html_text(document.link)}</dc:source>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0"'
        f' unique-identifier="book-id" xml:lang="{language_code(document.source_lang)}">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        + "\n".join(metadata)
        + "\n</metadata>\n<manifest>\n"
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>\n'
        '<item id="article" href="article.xhtml" media-type="application/xhtml+xml"/>\n'
        '<item id="style" href="style.css" media-type="text/css"/>\n'
        '</manifest>\n<spine>\n<itemref idref="article"/>\n</spine>\n</package>\n'
    )


def _member(archive: zipfile.ZipFile, name: str, text: str, stored: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    archive.writestr(info, text.encode("utf-8"))


def epub_bytes(document: BilingualDocument, layout: str, modified: str) -> bytes:
    """The EPUB file; ``modified`` is ``dcterms:modified`` (``CCYY-MM-DDThh:mm:ssZ``).

    Built in memory (an article is small) so that ``mimetype`` is written before
    anything else with no data descriptor, which a pipe would force.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _member(archive, "mimetype", "application/epub+zip", stored=True)
        _member(archive, "META-INF/container.xml", _CONTAINER)
        _member(archive, "OEBPS/package.opf", _package(document, modified))
        _member(archive, "OEBPS/nav.xhtml", _nav(document))
        body = _xml_lang_attributes(html_body(document, layout, epub=True))
        _member(archive, "OEBPS/article.xhtml", _xhtml(document, document.title, body))
        _member(archive, "OEBPS/style.css", html_css(None))
    return buffer.getvalue()
