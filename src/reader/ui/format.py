"""Small helpers that turn stored values into short strings for the screen."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text

from reader.core.text import strip_controls


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 timestamp from the store, or None when it is missing or malformed."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def age(published: str | None, now: datetime) -> str:
    """How long ago, in at most four characters: ``now``, ``5m``, ``3h``, ``2d``, ``7w``, ``2y``."""
    when = parse_time(published)
    if when is None:
        return ""
    seconds = (now - when).total_seconds()
    if seconds < 60:
        return "now"
    for unit_seconds, suffix in ((31_536_000, "y"), (604_800, "w"), (86_400, "d"), (3_600, "h")):
        if seconds >= unit_seconds:
            return f"{int(seconds // unit_seconds)}{suffix}"
    return f"{int(seconds // 60)}m"


def literal(value: str | None, style: str = "") -> Text:
    """Stored text for the screen: never parsed as markup, and with any control or escape
    sequence removed again (the store should never hold one, but the terminal must never
    receive one even if it does)."""
    return Text(strip_controls(value or ""), style=style)


def plain(value: str | None) -> str:
    """Stored text with control and escape sequences removed, for layout code that styles it."""
    return strip_controls(value or "")
