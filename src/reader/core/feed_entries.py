"""One parsed feed entry to :class:`~reader.core.models.EntryData`: its title and body
(HTML to paragraphs, leftover entities unescaped), its http(s) link, its identity (a
guid, or a hash of what identifies it) and its language; every string goes through
:mod:`reader.core.text` and is capped.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from typing import Any

from reader.core.feed_charsets import _KOREAN_ENCODINGS
from reader.core.feed_dates import _entry_date
from reader.core.html import html_to_paragraphs, looks_like_html
from reader.core.models import EntryData
from reader.core.text import clean_line, detect_language, hangul_ratio, split_plain_text
from reader.core.urls import is_web_url, join_url

MAX_GUID_CHARS = 2048
LANGUAGE_SAMPLE_CHARS = 600


MAX_TITLE_CHARS = 1000
UNTITLED = "(untitled)"


_LEFTOVER_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_ABSOLUTE_URL = re.compile(r"https?://", re.IGNORECASE)
_HTML_TYPES = {"text/html", "application/xhtml+xml"}


def _detail_text(value: str | None, detail: Mapping[str, Any] | None, base: str | None) -> str:
    """One line of text from a feedparser field, reading HTML when it is HTML."""
    if not value:
        return ""
    kind = (detail or {}).get("type", "text/plain")
    if kind in _HTML_TYPES or (kind != "text/plain" and looks_like_html(value)):
        return _unescape_leftovers(clean_line(" ".join(html_to_paragraphs(value, base))))
    return clean_line(value)


def _body(entry: Mapping[str, Any], base: str | None) -> tuple[list[str], bool]:
    """The entry's paragraphs and whether they are only a summary."""
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    if contents:
        chosen = max(contents, key=lambda c: len(c.get("value", "")))
        return _paragraphs(chosen["value"], chosen.get("type"), base), False
    summary = entry.get("summary") or ""
    detail = entry.get("summary_detail") or {}
    return _paragraphs(summary, detail.get("type"), base), True


def _paragraphs(value: str, kind: str | None, base: str | None) -> list[str]:
    if kind in _HTML_TYPES or (kind != "text/plain" and looks_like_html(value)):
        return [_unescape_leftovers(p) for p in html_to_paragraphs(value, base)]
    return split_plain_text(value)


def _unescape_leftovers(text: str) -> str:
    """Text of an over-escaped feed (``&amp;amp;lt;``) still shows ``&lt;``: decode it once more.

    Korean papers quote titles in angle brackets (``<이상한 변호사 우영우>``), and
    aggregators escape them one time too many; the reader should see the brackets.
    """
    if not _LEFTOVER_ENTITY.search(text):
        return text
    return clean_line(html.unescape(text))


def _http_url(value: str | None, base: str | None) -> str | None:
    """An absolute http(s) URL, or None (``javascript:``, ``data:``, ``file:`` are dropped)."""
    cleaned = clean_line(value)
    if not cleaned:
        return None
    absolute = join_url(base, cleaned) if not _ABSOLUTE_URL.match(cleaned) else cleaned
    return absolute if absolute is not None and is_web_url(absolute) else None


def _joined(base: str | None, relative: str | None) -> str | None:
    """``relative`` (an ``xml:base``) resolved against ``base``; either may be missing."""
    if not relative:
        return base
    return join_url(base, relative) or base


def entry_identity(guid: str | None, link: str | None, title: str, date: str | None) -> str:
    """The entry's guid, else its link, else a hash of its title and date."""
    guid = clean_line(guid)[:MAX_GUID_CHARS]
    if guid:
        return guid
    if link:
        return link[:MAX_GUID_CHARS]
    digest = hashlib.sha256(f"{title}\n{date or ''}".encode()).hexdigest()
    return "sha256:" + digest[:32]


def _entry(entry: Mapping[str, Any], feed_base: str | None, korean: bool) -> EntryData:
    base = _joined(feed_base, (entry.get("title_detail") or {}).get("base"))
    link = _http_url(entry.get("link"), base)
    paragraphs, summary_only = _body(entry, base)
    title = _detail_text(entry.get("title"), entry.get("title_detail"), base)[:MAX_TITLE_CHARS]
    published = _entry_date(entry, "published", korean) or _entry_date(entry, "updated", korean)
    updated = _entry_date(entry, "updated", korean)
    raw_date = entry.get("published") or entry.get("updated")
    guid = entry_identity(entry.get("id"), link, title, raw_date)
    sample = " ".join([title, *paragraphs[:3]])[:LANGUAGE_SAMPLE_CHARS]
    if not title:
        title = paragraphs[0][:80] if paragraphs else UNTITLED
    return EntryData(
        guid=guid,
        title=title,
        paragraphs=paragraphs,
        url=link,
        author=clean_line(entry.get("author")) or None,
        published=published,
        updated=updated,
        language=detect_language(sample) or ("ko" if korean else None),
        summary_only=summary_only,
    )


def _is_korean_feed(feed: dict[str, Any], entries: list[dict[str, Any]], encoding: str) -> bool:
    """Declared Korean, served in a Korean code page, or titled mostly in Hangul."""
    language = str(feed.get("language") or "").lower()
    if language.startswith("ko") or encoding in _KOREAN_ENCODINGS:
        return True
    titles = [str(feed.get("title") or "")]
    titles += [str(entry.get("title") or "") for entry in entries[:20]]
    return hangul_ratio(" ".join(titles)) >= 0.3
