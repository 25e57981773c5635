"""Which links may leave reader, and how.

Only ``http`` and ``https`` URLs are handed to the system browser, through the
``webbrowser`` module (never a shell string). Everything else — ``javascript:``,
``file:``, ``data:``, custom schemes — is refused with a message for the user.
"""

from __future__ import annotations

import webbrowser

from reader.core.text import strip_controls
from reader.core.urls import split_url

ALLOWED_SCHEMES = ("http", "https")


class LinkRefusedError(Exception):
    """A link that reader will not open; the message says why, in one line."""


def checked_web_url(url: str | None) -> str:
    """``url`` if it is an http(s) URL with a host, else raise LinkRefusedError."""
    if not url:
        raise LinkRefusedError("this article has no link")
    cleaned = strip_controls(url).strip()
    if cleaned != url.strip() or any(char.isspace() for char in cleaned):
        raise LinkRefusedError("refusing a link that contains control characters or spaces")
    parts = split_url(cleaned)
    if parts is None:
        raise LinkRefusedError("refusing a malformed link")
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = scheme + ":" if scheme else "a relative"
        raise LinkRefusedError(
            f"refusing to open {shown} link: only http and https links are opened"
        )
    if not parts.hostname:
        raise LinkRefusedError("refusing a link without a host")
    return cleaned


def open_in_browser(url: str | None) -> str:
    """Open a checked http(s) URL in the system browser; returns the URL opened."""
    checked = checked_web_url(url)
    if not webbrowser.open(checked, new=2):
        raise LinkRefusedError("no web browser could be started")
    return checked
