"""Refreshing feeds and syncing feed-server accounts from the main screen, in a worker,
with progress in the header and one notification per feed or account that failed.

``R`` refreshes every feed, then syncs every account; ``r`` refreshes one feed, or for
an account's article syncs that account (its subscriptions live on the server).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from reader.core.models import Feed, FeedKind
from reader.ui.format import plain
from reader.ui.screens.library import LibraryScreen

if TYPE_CHECKING:
    from reader.core.feeds import FeedRefreshResult

MAX_FAILURE_NOTICES = 3


class RefreshingScreen(LibraryScreen):
    """The library screen with refreshing feeds and syncing accounts."""

    def refresh_feeds(self, feed_ids: list[int] | None) -> None:
        self._refresh_worker(feed_ids)

    @work(thread=True, exclusive=True, group="refresh")
    def _refresh_worker(self, feed_ids: list[int] | None) -> None:
        """Refresh feeds (every one for ``None``) and sync the accounts they involve:
        R syncs every account too, r on an account's article syncs that account."""
        with self.guard("refreshing feeds"):
            before = self.service.last_article_id()  # for translate = "auto" feeds
            accounts: list[str] | None = None  # None: every account
            known = {feed.id: feed for feed in self.service.feeds()}
            if feed_ids is None:
                count = sum(1 for feed in known.values() if feed.kind is FeedKind.FEED)
                self.app.call_from_thread(self.notify, "Refreshing…", markup=False, timeout=2)
            else:
                feeds = [known.get(feed_id) for feed_id in feed_ids]
                subscribed = [f for f in feeds if f is not None and f.kind is FeedKind.FEED]
                accounts = self._accounts_of(feeds)
                if not subscribed and not accounts:
                    note = "This article is not from a feed: nothing to refresh (R: all feeds)."
                    self.app.call_from_thread(self.notify, note, markup=False)
                    return
                feed_ids = [feed.id for feed in subscribed]
                count = len(feed_ids)
                names = ", ".join([plain(feed.title or feed.url) for feed in subscribed] + accounts)
                self.app.call_from_thread(
                    self.notify, f"Refreshing {names}…", markup=False, timeout=2
                )
            summary, failures = "", []
            if count or feed_ids is None:
                progress = _RefreshProgress(self, count)
                results = self.service.refresh(
                    feed_ids=feed_ids, progress=progress, full_text_progress=progress.pages
                )
                failures = [f"{r.feed}: {r.error}" for r in results if r.error]
                summary = results.summary()
            synced, sync_failures = self._sync_accounts(accounts)
            summary = "; ".join(part for part in (summary, synced) if part)
            self.app.call_from_thread(self._refresh_done, summary, failures, sync_failures)
            self.prefetch.after_refresh(before)
        with self.guard("refreshing feeds"):  # the screen may have closed meanwhile
            self.app.call_from_thread(setattr, self, "sub_title", self.collection.title)

    def _accounts_of(self, feeds: list[Feed | None]) -> list[str]:
        """The names of the accounts these feeds come from (in the order first seen)."""
        names: list[str] = []
        for feed in feeds:
            if feed is not None and feed.kind is FeedKind.ACCOUNT:
                account = self.service.account_of_feed(feed.id)
                if account is not None and account.name not in names:
                    names.append(account.name)
        return names

    def _sync_accounts(self, names: list[str] | None) -> tuple[str, list[str]]:
        """Sync these accounts (``None``: all of them), in this worker thread; returns
        the summary and one line per account that failed."""
        chosen = names if names is not None else [a.name for a in self.service.accounts()]
        done, failures = [], []

        def progress(account: str, step: str) -> None:
            self.app.call_from_thread(self.show_sync_progress, account, step)

        for name in chosen:
            for result in self.service.account_sync(name, progress=progress):
                if result.error:
                    failures.append(f"{result.account}: {result.error}")
                else:
                    done.append(f"{result.account} {result.new} new")
        return ("synced " + ", ".join(done) if done else ""), failures

    def show_sync_progress(self, account: str, step: str) -> None:
        self.sub_title = f"{self.collection.title} — syncing {account}: {step}"

    def show_refresh_progress(self, result: FeedRefreshResult, done: int, total: int) -> None:
        state = f"failed: {result.error}" if result.error else f"{result.new} new"
        self.sub_title = (
            f"{self.collection.title} — refreshing {done}/{total}: {result.feed} {state}"
        )

    def show_full_text_progress(self, done: int, queued: int) -> None:
        self.sub_title = f"{self.collection.title} — full text of new articles {done}/{queued}"

    def _refresh_done(self, summary: str, failures: list[str], sync_failures: list[str]) -> None:
        if summary:
            self.notify(summary, markup=False)
        for failure in failures[:MAX_FAILURE_NOTICES]:
            self.notify(failure, title="Feed failed", severity="warning", markup=False, timeout=8)
        if len(failures) > MAX_FAILURE_NOTICES:
            more = len(failures) - MAX_FAILURE_NOTICES
            self.notify(f"{more} more feeds failed; see `reader feeds`.", markup=False)
        for failure in sync_failures:
            self.notify(failure, title="Sync failed", severity="warning", markup=False, timeout=8)
        self.load_collections()
        self.reload_keeping_cursor()


class _RefreshProgress:
    """The refresh callback: counts finished feeds and shows them in the header."""

    def __init__(self, screen: RefreshingScreen, total: int) -> None:
        self.screen = screen
        self.total = total
        self.done = 0

    def __call__(self, result: FeedRefreshResult) -> None:
        self.done += 1
        self.screen.app.call_from_thread(
            self.screen.show_refresh_progress, result, self.done, self.total
        )

    def pages(self, done: int, queued: int) -> None:
        """Pages of ``full_text = "auto"`` feeds' new articles: done of queued so far."""
        self.screen.app.call_from_thread(self.screen.show_full_text_progress, done, queued)
