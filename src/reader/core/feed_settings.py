"""Per-feed settings (issue 14): full text, translation, direction, refresh interval and
retention of one feed, and the ``key=value`` assignments that change them.

The settings live in columns of the ``feeds`` table (schema migration 8,
:data:`MIGRATION`); a feed's title and folder were there from the start and are set
through the same assignments. Every value from the user is checked here, with a
one-line :class:`FeedSettingError` for an unknown key or a bad value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from reader.core.text import clean_line

if TYPE_CHECKING:
    from reader.core.models import Feed
    from reader.core.store import Store

MIGRATION = """
ALTER TABLE feeds ADD COLUMN full_text TEXT NOT NULL DEFAULT 'off';
ALTER TABLE feeds ADD COLUMN translate TEXT NOT NULL DEFAULT 'off';
ALTER TABLE feeds ADD COLUMN direction TEXT NOT NULL DEFAULT 'auto';
ALTER TABLE feeds ADD COLUMN refresh_minutes INTEGER;
ALTER TABLE feeds ADD COLUMN retention_days INTEGER;
"""
"""Schema migration 8 (see the store's MIGRATIONS)."""

OFF, AUTO = "off", "auto"
FULL_TEXT_CHOICES = (OFF, AUTO)
TRANSLATE_CHOICES = (OFF, AUTO)
DIRECTION_CHOICES = (AUTO, "ko-en", "en-ko")
"""``auto`` detects each article's language; ``ko-en`` or ``en-ko`` fixes it (a Korean
outlet's English edition detects as Korean from its names and quotes)."""
REFRESH_MINUTES_RANGE = (1, 60 * 24 * 30)
RETENTION_DAYS_RANGE = (0, 36500)
GLOBAL = "global"
"""The value that gives a number setting back to the global config."""
MAX_TITLE_CHARS = 300
MAX_FOLDER_CHARS = 200

SETTING_KEYS = (
    "title",
    "folder",
    "full_text",
    "translate",
    "direction",
    "refresh_minutes",
    "retention_days",
)
SERVER_KEYS = ("title", "folder")
"""Keys an account's feed takes from its server: they cannot be set here."""


class FeedSettingError(ValueError):
    """An assignment that cannot be applied; the message is one line for the user."""


@dataclass(frozen=True)
class FeedSettings:
    """One feed's own settings; ``None`` numbers follow the global config."""

    full_text: str = OFF
    translate: str = OFF
    direction: str = AUTO
    refresh_minutes: int | None = None
    retention_days: int | None = None

    def forced_direction(self) -> tuple[str, str] | None:
        """(source, target) when the direction is fixed, None for ``auto``."""
        if self.direction == AUTO:
            return None
        source, target = self.direction.split("-")
        return source, target

    def to_json(self) -> dict[str, Any]:
        return {
            "full_text": self.full_text,
            "translate": self.translate,
            "direction": self.direction,
            "refresh_minutes": self.refresh_minutes,
            "retention_days": self.retention_days,
        }

    def changed_keys(self) -> list[str]:
        """The keys that differ from the defaults, for a short listing."""
        default = FeedSettings()
        return [key for key, value in self.to_json().items() if value != getattr(default, key)]


@dataclass
class FeedChanges:
    """Validated assignments: the new title and folder (when given) and settings."""

    settings: FeedSettings
    title: str | None = None
    folder: str | None = None
    folder_given: bool = False
    keys: list[str] = field(default_factory=list)
    """The keys assigned, in the order given."""


def settings_from_row(row: Any) -> FeedSettings:
    """The settings stored in a ``feeds`` row (a row of a database before migration 8,
    or with a value written by hand, gives the defaults for what it lacks)."""
    names = set(row.keys())

    def text(name: str, choices: tuple[str, ...], default: str) -> str:
        value = row[name] if name in names else None
        return value if value in choices else default

    def number(name: str, limits: tuple[int, int]) -> int | None:
        value = row[name] if name in names else None
        if isinstance(value, int) and limits[0] <= value <= limits[1]:
            return value
        return None

    return FeedSettings(
        full_text=text("full_text", FULL_TEXT_CHOICES, OFF),
        translate=text("translate", TRANSLATE_CHOICES, OFF),
        direction=text("direction", DIRECTION_CHOICES, AUTO),
        refresh_minutes=number("refresh_minutes", REFRESH_MINUTES_RANGE),
        retention_days=number("retention_days", RETENTION_DAYS_RANGE),
    )


def parse_assignments(
    assignments: Sequence[str], current: FeedSettings, *, from_server: bool = False
) -> FeedChanges:
    """Check ``key=value`` assignments against ``current``; the changes they make.

    ``from_server``: the feed belongs to a feed-server account, whose title and
    folder are the server's. Raises :class:`FeedSettingError` (one line) for a text
    without ``=``, an unknown key, a key given twice, a server's key or a bad value.
    """
    if not assignments:
        raise FeedSettingError(f"give one or more key=value ({', '.join(SETTING_KEYS)})")
    changes = FeedChanges(settings=current)
    for assignment in assignments:
        key, value = _split(assignment)
        if key in changes.keys:
            raise FeedSettingError(f"{key} is given twice")
        if from_server and key in SERVER_KEYS:
            raise FeedSettingError(
                f"{key} of an account's feed is the server's (read-only here): change it there"
            )
        _apply(changes, key, value)
        changes.keys.append(key)
    return changes


def _split(assignment: str) -> tuple[str, str]:
    key, sign, value = assignment.partition("=")
    key = key.strip().lower().replace("-", "_")
    if not sign or not key:
        raise FeedSettingError(f"expected key=value, not {clean_line(assignment)[:80]!r}")
    if key not in SETTING_KEYS:
        raise FeedSettingError(
            f"unknown setting {clean_line(key)[:40]!r} (known: {', '.join(SETTING_KEYS)})"
        )
    return key, value.strip()


def _apply(changes: FeedChanges, key: str, value: str) -> None:
    if key == "title":
        changes.title = _line(value, MAX_TITLE_CHARS, key)
        if not changes.title:
            raise FeedSettingError("title cannot be empty")
    elif key == "folder":
        changes.folder = _line(value, MAX_FOLDER_CHARS, key).strip("/") or None
        changes.folder_given = True
    elif key == "full_text":
        changes.settings = replace(
            changes.settings, full_text=_choice(value, FULL_TEXT_CHOICES, key)
        )
    elif key == "translate":
        changes.settings = replace(
            changes.settings, translate=_choice(value, TRANSLATE_CHOICES, key)
        )
    elif key == "direction":
        direction = value.lower().replace("→", "-").replace("_", "-")
        changes.settings = replace(
            changes.settings, direction=_choice(direction, DIRECTION_CHOICES, key)
        )
    elif key == "refresh_minutes":
        minutes = _number(value, REFRESH_MINUTES_RANGE, key)
        changes.settings = replace(changes.settings, refresh_minutes=minutes)
    else:
        days = _number(value, RETENTION_DAYS_RANGE, key)
        changes.settings = replace(changes.settings, retention_days=days)


def _line(value: str, limit: int, key: str) -> str:
    cleaned = clean_line(value)
    if len(cleaned) > limit:
        raise FeedSettingError(f"{key} is too long ({len(cleaned)} characters; at most {limit})")
    return cleaned


def _choice(value: str, choices: tuple[str, ...], key: str) -> str:
    chosen = value.strip().lower()
    if chosen not in choices:
        shown = clean_line(value)[:40]
        raise FeedSettingError(f"{key} must be {' or '.join(choices)}, not {shown!r}")
    return chosen


def _number(value: str, limits: tuple[int, int], key: str) -> int | None:
    """A whole number in ``limits``, or None for ``global`` (or nothing)."""
    text = value.strip().lower()
    if text in ("", GLOBAL, "default", "none"):
        return None
    low, high = limits
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        shown = clean_line(value)[:40]
        raise FeedSettingError(
            f"{key} must be a whole number from {low} to {high}, or {GLOBAL}; not {shown!r}"
        )
    return int(text)


def feeds_titled(feeds: Sequence[Feed], title: str) -> list[Feed]:
    """The feeds whose title is ``title`` (case and surrounding spaces ignored)."""
    wanted = clean_line(title).casefold()
    return [feed for feed in feeds if wanted and feed.title.casefold() == wanted]


def apply_assignments(store: Store, feed: Feed, assignments: Sequence[str]) -> Feed:
    """Validate ``assignments`` for ``feed`` and store them all, or none (one
    transaction); returns the feed as stored. Raises :class:`FeedSettingError`."""
    from reader.core.models import FeedKind

    if feed.kind in (FeedKind.LOCAL, FeedKind.DEMO):
        raise FeedSettingError(f"{feed.title} is a built-in collection, not a feed: nothing to set")
    changes = parse_assignments(
        assignments, feed.settings, from_server=feed.kind is FeedKind.ACCOUNT
    )
    columns: dict[str, Any] = {}
    if changes.title is not None:
        columns["title"] = changes.title
    if changes.folder_given:
        columns["folder"] = changes.folder
    with store.transaction():
        store.update_feed(feed.id, **columns)
        store.set_feed_settings(feed.id, changes.settings)
    stored = store.feed(feed.id)
    assert stored is not None
    return stored
