"""Helpers more than one of the service's domain modules use."""

from __future__ import annotations

import re

from reader.core.text import clean_line
from reader.core.urls import is_web_url, split_url
from reader.service.errors import ServiceError

_BARE_HOST = re.compile(
    r"(?:localhost|(?:[\w-]+\.)+[\w-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?(?:[/?#]|$)"
)
"""An address typed without a scheme: a dotted host or localhost, maybe a port
(``127.0.0.1:8765/feed.xml``, ``example.com/rss``); http:// is assumed for it."""


def http_url_or_error(url: str, assume_http: bool = False) -> str:
    """The URL, stripped, when it is http(s) with a host; otherwise a ServiceError.

    With ``assume_http`` an address without a scheme that starts with a host name
    gets ``http://``, as a browser's address bar does.
    """
    url = clean_line(url)
    if assume_http and "://" not in url and _BARE_HOST.match(url):
        url = "http://" + url
    if split_url(url) is None:
        raise ServiceError(f"{url!r}: not a valid address (malformed host or port)")
    if not is_web_url(url):
        raise ServiceError(f"{url!r}: only http:// and https:// addresses can be fetched")
    return url
