"""URL handling that never raises on hostile input.

``urllib.parse`` raises ``ValueError`` for malformed hosts (``http://[bold]x/``,
an unclosed ``[``); feed text is full of such strings, so every URL from outside
goes through these helpers, which answer None instead.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urljoin, urlsplit

WEB_SCHEMES = ("http", "https")


def split_url(url: str) -> SplitResult | None:
    """``urlsplit(url)``, or None when the URL is malformed."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — a bad port raises only when read
    except ValueError:
        return None
    return parts


def join_url(base: str | None, href: str) -> str | None:
    """``href`` resolved against ``base``; None when either is malformed."""
    if not base:
        return href
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def url_scheme(url: str) -> str | None:
    """The lower-case scheme ('' for a relative URL), or None when the URL is malformed."""
    parts = split_url(url)
    return None if parts is None else parts.scheme.lower()


def is_web_url(url: str) -> bool:
    """An absolute http(s) URL with a host, well-formed."""
    parts = split_url(url)
    return parts is not None and parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def url_host(url: str) -> str:
    """The lower-case host name, or '' when there is none or the URL is malformed."""
    parts = split_url(url)
    return (parts.hostname or "").lower() if parts is not None else ""
