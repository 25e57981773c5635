"""OPML subscription lists: reading real exports and writing our own.

Reading uses lxml in recovery mode (real exports contain stray ``&`` and
broken markup) with entities, DTDs and network access all switched off; the
DOCTYPE is removed beforehand as for feeds. Outlines that carry an
``xmlUrl`` are feeds; the outlines around them are folders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import quoteattr

from reader.core.feedparse import decode_body, safe_xml
from reader.core.folders import SEPARATOR, folder_parts
from reader.core.models import Feed
from reader.core.text import clean_line, strip_controls
from reader.core.urls import is_web_url

MAX_OPML_BYTES = 20 * 1024 * 1024
_NOT_XML_CHARACTERS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 forbids even as references (U+FFFE, U+FFFF, lone surrogates,
C0 controls): lxml and expat refuse a document holding one."""
_STRAY_AMPERSAND = re.compile(r"&(?!(?:[A-Za-z][A-Za-z0-9._-]*|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});)")


class OpmlError(Exception):
    """The file is not OPML; the message is one line for the user."""


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str
    folder: str | None = None
    site_url: str | None = None


@dataclass
class OpmlDocument:
    title: str
    feeds: list[OpmlFeed] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    """Outlines that looked like feeds but had no usable http(s) address."""


def _attribute(element: object, name: str) -> str:
    """An attribute by case-insensitive name (``xmlUrl``, ``xmlurl``, ``XMLURL`` all occur)."""
    attributes = getattr(element, "attrib", {})
    for key, value in attributes.items():
        local = str(key).rsplit("}", 1)[-1]
        if local.lower() == name.lower():
            return str(value)
    return ""


def parse_opml(data: bytes) -> OpmlDocument:
    """Feeds and folders of an OPML file; raises OpmlError when it is not OPML."""
    from lxml import etree

    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"file too large ({len(data) / 2**20:.1f} MB)")
    text = _repair(safe_xml(decode_body(data).text))
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as error:
        raise OpmlError(clean_line(f"not an OPML file: {error}")) from None
    if root is None or etree.QName(root).localname.lower() != "opml":
        raise OpmlError("not an OPML file (no <opml> element)")
    title_element = root.find("head/title")
    document = OpmlDocument(
        title=clean_line(title_element.text if title_element is not None else "")
    )
    body = root.find("body")
    if body is not None:
        _walk(body, [], document)
    return document


def _repair(text: str) -> str:
    """Escape sequences, controls and characters XML forbids removed, stray ``&``
    escaped: exports often hold raw URLs."""
    text = xml_characters(strip_controls(text, keep_newlines=True))
    return _STRAY_AMPERSAND.sub("&amp;", text)


def xml_characters(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (see _NOT_XML_CHARACTERS)."""
    return _NOT_XML_CHARACTERS.sub("", text)


def _walk(parent: Any, folders: list[str], document: OpmlDocument) -> None:
    for outline in parent.iterchildren():
        tag = outline.tag if isinstance(outline.tag, str) else ""
        if tag.rsplit("}", 1)[-1].lower() != "outline":
            continue
        name = clean_line(_attribute(outline, "title") or _attribute(outline, "text"))
        url = clean_line(_attribute(outline, "xmlUrl"))
        if url:
            if is_web_url(url):
                document.feeds.append(
                    OpmlFeed(
                        url=url,
                        title=name,
                        folder=SEPARATOR.join(folders) or None,
                        site_url=clean_line(_attribute(outline, "htmlUrl")) or None,
                    )
                )
            else:
                document.invalid.append(url)
        elif _attribute(outline, "type").lower() in ("rss", "atom") and not len(outline):
            document.invalid.append(name or "(an outline without xmlUrl)")
        if len(outline):
            _walk(outline, [*folders, name] if name and not url else folders, document)


def export_opml(feeds: Iterable[Feed], title: str = "reader subscriptions") -> str:
    """An OPML 2.0 document; a feed's folder is an outline around it, and a folder
    inside another (``news/korea``, as an import of nested outlines files it) an
    outline inside that one, so other readers see the same tree."""
    root = _Outline()
    for feed in feeds:
        node = root
        for name in folder_parts(feed.folder, MAX_FOLDER_DEPTH) if feed.folder else []:
            node = node.folders.setdefault(name, _Outline())
        node.feeds.append(feed)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_text(title)}</title></head>",
        "  <body>",
        *_outline_lines(root, "    "),
        "  </body>",
        "</opml>",
        "",
    ]
    return "\n".join(lines)


MAX_FOLDER_DEPTH = 32
"""Deeper folders are written as one outline named by the rest of their path."""


@dataclass
class _Outline:
    feeds: list[Feed] = field(default_factory=list)
    folders: dict[str, _Outline] = field(default_factory=dict)


def _outline_lines(outline: _Outline, indent: str) -> list[str]:
    """The feeds of ``outline``, then its folders by name, each nested one step in."""
    lines = [_feed_line(feed, indent) for feed in outline.feeds]
    for name in sorted(outline.folders, key=lambda folder: (folder.lower(), folder)):
        quoted = _attr(name)
        lines.append(f"{indent}<outline text={quoted} title={quoted}>")
        lines += _outline_lines(outline.folders[name], indent + "  ")
        lines.append(f"{indent}</outline>")
    return lines


def _feed_line(feed: Feed, indent: str) -> str:
    title = _attr(feed.title or feed.url)
    site = f" htmlUrl={_attr(feed.site_url)}" if feed.site_url else ""
    return (
        f'{indent}<outline type="rss" text={title} title={title} xmlUrl={_attr(feed.url)}{site}/>'
    )


def _attr(value: str) -> str:
    """An attribute value, quoted and escaped, without characters XML forbids."""
    return quoteattr(xml_characters(value))


def _text(value: str) -> str:
    value = xml_characters(value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
