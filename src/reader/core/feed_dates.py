"""Feed dates: Korean formats (``2004년 05월 28일 01:31:15``, ``2004-05-25 오후
11:23:17``) taught to feedparser, dates without a time zone in a Korean feed read as
KST, and every date stored as an ISO 8601 UTC string.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

KST = timedelta(hours=9)


_HAS_TIMEZONE = re.compile(
    r"(?:Z|[+-]\d{2}:?\d{2}|\b(?:UT|UTC|GMT|Z|[A-IK-Z]|[A-Z]{2,4}T|KST|JST))\s*$",
    re.IGNORECASE,
)
_KOREAN_YMD = re.compile(
    r"^\s*(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일"
    r"(?:\s*(오전|오후)?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
_KOREAN_AMPM = re.compile(
    r"^\s*(\d{4})[-./](\d{1,2})[-./](\d{1,2})\.?\s*(오전|오후)\s*(\d{1,2}):(\d{2})(?::(\d{2}))?"
)


def _korean_date_handler(value: str) -> time.struct_time | None:
    """feedparser date handler for ``2004년 05월 28일 01:31:15`` and ``2004-05-25 오후 11:23:17``.

    Returns the wall-clock time as if it were UTC; :func:`_entry_date` then reads
    a date without a zone in a Korean feed as KST.
    """
    match = _KOREAN_YMD.match(value) or _KOREAN_AMPM.match(value)
    if not match:
        return None
    year, month, day, ampm, hour, minute, second = match.groups()
    hours = int(hour or 0) % 12 if ampm else int(hour or 0)
    if ampm == "오후":
        hours += 12
    moment = datetime(int(year), int(month), int(day), hours, int(minute or 0), int(second or 0))
    return moment.timetuple()


_handlers_registered = False


def _register_date_handlers() -> None:
    global _handlers_registered
    if _handlers_registered:
        return
    import feedparser

    feedparser.registerDateHandler(_korean_date_handler)
    _handlers_registered = True


def has_timezone(raw: str) -> bool:
    """Whether a date string names its zone (``Z``, ``+0900``, ``GMT``, ``KST`` …)."""
    if re.search(r"[가-힣]", raw):
        return False
    return _HAS_TIMEZONE.search(raw.strip()) is not None


def to_utc_iso(parsed: Any, raw: str | None, korean: bool) -> str | None:
    """feedparser's UTC tuple as ISO 8601; zone-less dates of Korean feeds are KST."""
    if not parsed:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in parsed[:6])
        moment = datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None
    if raw and not has_timezone(raw) and (korean or re.search(r"[가-힣]", raw)):
        with contextlib.suppress(OverflowError):
            moment -= KST
    return moment.isoformat()


def _entry_date(entry: Mapping[str, Any], key: str, korean: bool) -> str | None:
    return to_utc_iso(entry.get(f"{key}_parsed"), entry.get(key), korean)
