"""A client of the Fever API (FreshRSS, Miniflux, Tiny Tiny RSS, coldsweat …).

The API: every call is a POST of ``api_key=md5("user:password")`` to ``URL?api`` with
the command in the query string (``&groups``, ``&feeds``, ``&items&since_id=N``,
``&unread_item_ids``, ``&saved_item_ids``) or, for ``mark=item&as=read&id=N``, in the
form. Every answer is a JSON object with ``auth`` 0 or 1; items come 50 at a time.

Every answer is hostile: its body is capped after every ``Content-Encoding`` layer and
in time, its JSON shape and types are checked, ids must be positive integers, and item
text goes through the same HTML and text cleaning as feed entries.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from reader.core.bounded_http import (
    ACCEPT_ENCODING,
    DownloadError,
    content_encodings,
    decoded_chunks,
)
from reader.core.feedparse import (
    LANGUAGE_SAMPLE_CHARS,
    MAX_TITLE_CHARS,
    UNTITLED,
    _detail_text,
    _http_url,
    _paragraphs,
)
from reader.core.fetch import shared_ssl_context
from reader.core.models import EntryData
from reader.core.sync.account import (
    AuthError,
    GroupsAndFeeds,
    ItemGoneError,
    MarkAction,
    RemoteFeed,
    RemoteGroup,
    RemoteItem,
    SyncError,
)
from reader.core.text import clean_line, detect_language

MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""Largest answer, decompressed (an id list of a big server is a few MB)."""
REQUEST_SECONDS = 60.0
"""Longest one call may take, whatever the server trickles."""
CONNECT_SECONDS = 10.0
MAX_ID = 2**63 - 1
MAX_HTML_CHARS = 2 * 1024 * 1024
"""An item's HTML beyond this is cut before it is parsed."""
MAX_FEEDS = 20_000
"""Most feeds (and groups) an account may have; a longer list is refused."""
MAX_IDS = 2_000_000
"""Most ids one ``unread_item_ids``/``saved_item_ids`` list may carry."""
PAGE = 50
"""Items per ``items`` answer, as the API defines it (``with_ids`` takes at most 50)."""
USER_AGENT = "reader (bilingual terminal feed reader; Fever client)"


def fever_api_key(user: str, password: str) -> str:
    """The Fever API key: md5 of ``user:password``, as the API defines it."""
    return hashlib.md5(f"{user}:{password}".encode(), usedforsecurity=False).hexdigest()


def _int_id(value: Any, what: str) -> int:
    """A positive integer id, sent as a JSON number or a string of digits."""
    if isinstance(value, bool):
        raise SyncError(f"the server sent a malformed {what} id")
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        value = int(value)
    if not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise SyncError(f"the server sent a malformed {what} id")
    return value


def _text(value: Any) -> str:
    """A string field; anything else (a number, null, a list) counts as empty."""
    return value if isinstance(value, str) else ""


def parse_id_list(value: Any, what: str) -> set[int]:
    """``"1,2,3"`` (or a JSON list) into ids; a malformed list is refused whole."""
    if value is None or value == "":
        return set()
    if isinstance(value, str):
        pieces: list[Any] = [piece.strip() for piece in value.split(",") if piece.strip()]
    elif isinstance(value, list):
        pieces = list(value)
    else:
        raise SyncError(f"the server sent a malformed {what} list")
    if len(pieces) > MAX_IDS:
        raise SyncError(f"the server sent more than {MAX_IDS:,} {what} ids")
    return {_int_id(piece, what) for piece in pieces}


def _epoch_iso(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 0 < value < 253402300800:  # before year 10000
        return None
    return datetime.fromtimestamp(int(value), UTC).isoformat()


def item_entry(item: dict[str, Any]) -> EntryData:
    """A Fever item as an entry, cleaned exactly as a feed entry is."""
    link = _http_url(_text(item.get("url")), None)
    html = _text(item.get("html"))[:MAX_HTML_CHARS]
    paragraphs = _paragraphs(html, None, link)
    title = _detail_text(_text(item.get("title")), None, link)[:MAX_TITLE_CHARS]
    sample = " ".join([title, *paragraphs[:3]])[:LANGUAGE_SAMPLE_CHARS]
    if not title:
        title = paragraphs[0][:80] if paragraphs else UNTITLED
    published = _epoch_iso(item.get("created_on_time"))
    return EntryData(
        guid=f"fever:{_int_id(item.get('id'), 'item')}",
        title=title,
        paragraphs=paragraphs,
        url=link,
        author=clean_line(_text(item.get("author")))[:MAX_TITLE_CHARS] or None,
        published=published,
        updated=published,
        language=detect_language(sample),
    )


def _flag(value: Any) -> bool:
    return value in (1, "1", True)


class FeverClient:
    """One Fever account. Methods raise :class:`SyncError`/:class:`AuthError`."""

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        timeout: float = REQUEST_SECONDS,
        max_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.url = url
        self._api_key = api_key
        self._timeout = timeout
        self._max_bytes = max_bytes
        self.requests = 0
        """Calls made so far (for benchmarks and the sync summary)."""
        self._client = httpx.Client(
            timeout=httpx.Timeout(min(timeout, CONNECT_SECONDS * 3), connect=CONNECT_SECONDS),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
            follow_redirects=False,
            trust_env=True,  # proxies and SSL_CERT_FILE, as for feeds
            verify=shared_ssl_context(),
        )

    def close(self) -> None:
        self._client.close()

    def __repr__(self) -> str:  # never shows the key
        return f"FeverClient({self.url!r})"

    # -- the protocol -------------------------------------------------------------------

    def check(self) -> None:
        """One authenticated call: raises AuthError for a wrong user or password."""
        self._call([])

    def list_groups_and_feeds(self) -> GroupsAndFeeds:
        answer = self._call(["groups", "feeds"])
        for key in ("groups", "feeds", "feeds_groups"):
            if len(self._objects(answer, key)) > MAX_FEEDS:
                raise SyncError(f"{self.url}: the server lists more than {MAX_FEEDS:,} {key}")
        groups = [
            RemoteGroup(
                _int_id(g.get("id"), "group"), clean_line(_text(g.get("title")))[:MAX_TITLE_CHARS]
            )
            for g in self._objects(answer, "groups")
        ]
        memberships: dict[int, list[int]] = {}
        for link in self._objects(answer, "feeds_groups"):
            group_id = _int_id(link.get("group_id"), "group")
            for feed_id in sorted(parse_id_list(link.get("feed_ids"), "feed")):
                memberships.setdefault(feed_id, []).append(group_id)
        feeds = []
        for feed in self._objects(answer, "feeds"):
            feed_id = _int_id(feed.get("id"), "feed")
            feeds.append(
                RemoteFeed(
                    id=feed_id,
                    title=clean_line(_text(feed.get("title")))[:MAX_TITLE_CHARS],
                    url=_http_url(_text(feed.get("url")), None),
                    site_url=_http_url(_text(feed.get("site_url")), None),
                    group_ids=tuple(memberships.get(feed_id, ())),
                )
            )
        return GroupsAndFeeds(groups, feeds)

    def items_since(self, since_id: int, limit: int) -> list[RemoteItem]:
        """Pages of ``&items&since_id=`` until none is left or ``limit`` is reached."""
        found: dict[int, RemoteItem] = {}
        cursor = since_id
        while len(found) < limit:
            page = self._objects(self._call(["items", f"since_id={cursor}"]), "items")
            page = page[: max(PAGE, limit - len(found))]  # a server sending more is cut
            new = [item for item in (self._item(raw) for raw in page) if item.id > cursor]
            if not new:
                break
            for item in new:
                found.setdefault(item.id, item)
            cursor = max(item.id for item in new)
        return sorted(found.values(), key=lambda item: item.id)[:limit]

    def items_with_ids(self, ids: Sequence[int]) -> list[RemoteItem]:
        """``&items&with_ids=`` 50 at a time (the API's page); only items asked for are kept."""
        found: dict[int, RemoteItem] = {}
        wanted = list(dict.fromkeys(_int_id(item_id, "item") for item_id in ids))
        for start in range(0, len(wanted), PAGE):
            batch = wanted[start : start + PAGE]
            command = "with_ids=" + ",".join(map(str, batch))
            page = self._objects(self._call(["items", command]), "items")
            asked = set(batch)
            for raw in page[: PAGE * 2]:  # only what was asked is cleaned and kept
                item_id = _int_id(raw.get("id"), "item")
                if item_id in asked and item_id not in found:
                    found[item_id] = self._item(raw)
        return list(found.values())

    def unread_ids(self) -> set[int]:
        return parse_id_list(self._call(["unread_item_ids"]).get("unread_item_ids"), "item")

    def saved_ids(self) -> set[int]:
        return parse_id_list(self._call(["saved_item_ids"]).get("saved_item_ids"), "item")

    def mark(self, item_id: int, action: MarkAction) -> None:
        if action not in ("read", "unread", "saved", "unsaved"):
            raise ValueError(action)
        form = {"mark": "item", "as": action, "id": str(_int_id(item_id, "item"))}
        self._call([], form, gone_on_404=True)

    # -- calls --------------------------------------------------------------------------

    def _item(self, raw: dict[str, Any]) -> RemoteItem:
        return RemoteItem(
            id=_int_id(raw.get("id"), "item"),
            feed_id=_int_id(raw.get("feed_id"), "feed"),
            entry=item_entry(raw),
            is_read=_flag(raw.get("is_read")),
            is_saved=_flag(raw.get("is_saved")),
        )

    @staticmethod
    def _objects(answer: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = answer.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise SyncError(f"the server sent a malformed {key!r} list")
        return value

    def _address(self, commands: list[str]) -> str:
        separator = "&" if "?" in self.url else "?"
        return self.url + separator + "&".join(["api", *commands])

    def _call(
        self, commands: list[str], form: dict[str, str] | None = None, gone_on_404: bool = False
    ) -> dict[str, Any]:
        """POST one command; the checked JSON object of an authenticated answer."""
        self.requests += 1
        deadline = time.monotonic() + self._timeout
        data = {"api_key": self._api_key, **(form or {})}
        try:
            with self._client.stream("POST", self._address(commands), data=data) as response:
                if gone_on_404 and response.status_code == 404:
                    raise ItemGoneError(f"{self.url}: the item is no longer on the server")
                body = self._body(response, deadline)
        except httpx.TimeoutException:
            raise SyncError(f"{self.url}: the server did not answer in time") from None
        except httpx.HTTPError as error:
            reason = clean_line(str(error))[:200] or type(error).__name__
            raise SyncError(f"{self.url}: cannot reach the server ({reason})") from None
        except DownloadError as error:
            raise SyncError(f"{self.url}: {error}") from None
        return self._checked(body)

    def _body(self, response: httpx.Response, deadline: float) -> bytes:
        if response.status_code in (401, 403):
            raise AuthError(f"{self.url}: the server refused the user name or password")
        if response.status_code != 200:
            raise SyncError(
                f"{self.url}: the server answered HTTP {response.status_code} "
                "(is this the address of its Fever API?)"
            )
        chunks = decoded_chunks(
            response.iter_raw(), content_encodings(response.headers), self._max_bytes, deadline
        )
        return b"".join(chunks)

    def _checked(self, body: bytes) -> dict[str, Any]:
        try:
            answer = json.loads(body)
        except (ValueError, RecursionError):
            start = body.lstrip()[:1]
            kind = "a web page" if start == b"<" else "something that is not JSON"
            raise SyncError(
                f"{self.url}: the server answered {kind}, not the Fever API "
                "(check the address: FreshRSS …/api/fever.php, Miniflux …/fever/)"
            ) from None
        if not isinstance(answer, dict) or answer.get("auth") not in (0, 1):
            raise SyncError(f"{self.url}: the server's answer is not a Fever API answer")
        if answer["auth"] != 1:
            raise AuthError(f"{self.url}: the server refused the user name or password")
        return answer
