"""The feed settings dialog: a feed's title, folder and own settings, saved together.

It sends what changed to the service as the same ``key=value`` assignments as
``reader feeds set``, so the checks (and their one-line errors) are the same; a bad
value keeps the dialog open with the error shown and nothing saved. An account's
feed shows its title and folder read-only: they are the server's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from reader.core.feed_settings import (
    DIRECTION_CHOICES,
    FULL_TEXT_CHOICES,
    TRANSLATE_CHOICES,
    FeedSettings,
)
from reader.core.models import Feed, FeedKind
from reader.ui.format import plain
from reader.ui.host import ReaderModal

HINT = "enter or ctrl+s: save · escape: cancel · an empty number follows the config"
CHOICES = {
    "full_text": FULL_TEXT_CHOICES,
    "translate": TRANSLATE_CHOICES,
    "direction": DIRECTION_CHOICES,
}
LABELS = {
    "title": "Title",
    "folder": "Folder",
    "full_text": "Full text",
    "translate": "Translate",
    "direction": "Direction",
    "refresh_minutes": "Refresh every (minutes)",
    "retention_days": "Keep read articles (days)",
}


class FeedSettingsDialog(ReaderModal[None]):
    """Edit one feed's settings; ``saved`` gets the feed as stored after a save."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="feed_settings_save"),
        Binding("escape", "cancel", "Cancel", id="feed_settings_cancel"),
    ]

    def __init__(self, feed: Feed, saved: Callable[[Feed], None]) -> None:
        super().__init__()
        self.feed = feed
        self.saved = saved
        self.from_server = feed.kind is FeedKind.ACCOUNT
        self.error = ""
        """Why the last save was refused, shown under the fields."""

    def compose(self) -> ComposeResult:
        settings = self.feed.settings
        with Vertical(id="feed-settings-body"):
            yield Label(Text(f"Settings of {plain(self.feed.title or self.feed.url)}", "bold"))
            yield from self._text_row("title", self.feed.title)
            yield from self._text_row("folder", self.feed.folder or "")
            for key, choices in CHOICES.items():
                with Horizontal(classes="feed-setting"):
                    yield Label(LABELS[key], classes="feed-setting-label")
                    yield Select(
                        [(choice, choice) for choice in choices],
                        value=getattr(settings, key),
                        allow_blank=False,
                        id=f"feed-{key}",
                        compact=True,
                    )
            yield from self._text_row("refresh_minutes", _number(settings.refresh_minutes))
            yield from self._text_row("retention_days", _number(settings.retention_days))
            note = "Title, folder and refresh are the account server's. " * self.from_server
            yield Static(Text(note + HINT), id="feed-settings-hint")

    def _text_row(self, key: str, value: str) -> ComposeResult:
        with Horizontal(classes="feed-setting"):
            yield Label(LABELS[key], classes="feed-setting-label")
            read_only = self.from_server and key in ("title", "folder", "refresh_minutes")
            yield Input(plain(value), id=f"feed-{key}", disabled=read_only, compact=True)

    def assignments(self) -> list[str]:
        """``key=value`` for every field that differs from the stored feed."""
        settings = self.feed.settings
        stored: dict[str, str] = {
            "title": plain(self.feed.title),
            "folder": plain(self.feed.folder or ""),
            "full_text": settings.full_text,
            "translate": settings.translate,
            "direction": settings.direction,
            "refresh_minutes": _number(settings.refresh_minutes),
            "retention_days": _number(settings.retention_days),
        }
        changed = []
        for key, before in stored.items():
            now = self._value(key)
            if now != before:
                changed.append(f"{key}={now or 'global'}" if key in _NUMBERS else f"{key}={now}")
        return changed

    def _value(self, key: str) -> str:
        if key in CHOICES:
            return str(self.query_one(f"#feed-{key}", Select).value)
        return self.query_one(f"#feed-{key}", Input).value.strip()

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        """Store what changed (nothing changed: just close); an error keeps the dialog."""
        changes = self.assignments()
        if not changes:
            self.dismiss(None)
            return
        feed_id, service, app = str(self.feed.id), self.service, self.app

        def save() -> None:
            try:
                stored = service.set_feed_settings(feed_id, changes)
            except Exception as error:  # shown in the dialog: the user fixes the value
                app.call_from_thread(self._failed, str(error) or type(error).__name__)
                return
            app.call_from_thread(self._done, stored)

        app.run_worker(save, thread=True, group="feed-settings")

    def _failed(self, message: str) -> None:
        self.error = plain(message)
        if self.is_attached:
            self.query_one("#feed-settings-hint", Static).update(
                Text(f"✗ {self.error}\n{HINT}", style="bold")
            )

    def _done(self, feed: Feed) -> None:
        self.saved(feed)
        if self.is_attached:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


_NUMBERS = ("refresh_minutes", "retention_days")


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def describe_settings(settings: FeedSettings) -> str:
    """A short line of what differs from the defaults, for the saved notice."""
    return settings.describe() or "the defaults"
