"""What a refresh did: one result per feed and the run's one-line summary (the CLI
prints them, the UI shows progress with them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class FeedRefreshResult:
    """What refreshing one feed did; the CLI prints it, the UI shows progress with it."""

    feed_id: int
    feed: str
    url: str
    status: int | None = None
    new: int = 0
    updated: int = 0
    error: str | None = None
    skipped: bool = False
    """The feed kept failing and is backing off, or is not due; nothing was fetched."""
    not_due: str | None = None
    """When skipped because the feed's own refresh interval has not passed: when it is due."""
    full_text: int = 0
    """New articles whose page's main text replaced the summary (``full_text = "auto"``)."""
    full_text_kept: int = 0
    """New articles of such a feed that kept the summary (the page failed or was shorter)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "feed": self.feed_id,
            "title": self.feed,
            "url": self.url,
            "status": self.status,
            "new": self.new,
            "updated": self.updated,
            "error": self.error,
            "not_due": self.not_due,
            "full_text": self.full_text,
            "full_text_kept": self.full_text_kept,
        }


class RefreshResults(list[FeedRefreshResult]):
    """The results of one refresh, in feed order, with a one-line summary."""

    def summary(self) -> str:
        fetched = [r for r in self if not r.skipped]
        failed = sum(1 for r in fetched if r.error)
        new = sum(r.new for r in self)
        updated = sum(r.updated for r in self)
        parts = [f"{len(fetched)} feed{'s' if len(fetched) != 1 else ''} refreshed", f"{new} new"]
        if updated:
            parts.append(f"{updated} updated")
        if failed:
            parts.append(f"{failed} failed")
        not_due = sum(1 for r in self if r.not_due)
        skipped = len(self) - len(fetched) - not_due
        if skipped:
            parts.append(f"{skipped} backing off")
        if not_due:
            parts.append(f"{not_due} not due")
        full_text = sum(r.full_text for r in self)
        kept = sum(r.full_text_kept for r in self)
        if full_text or kept:
            plural = "" if full_text == 1 else "s"
            note = f" ({kept} kept the summary)" if kept else ""
            parts.append(f"{full_text} full text{plural}{note}")
        return ", ".join(parts)
