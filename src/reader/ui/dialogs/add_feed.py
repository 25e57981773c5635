"""The add-feed dialog: it stays open while the feed is fetched, and on an error, with the
address kept, so a typo is fixed rather than typed again."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, Label, Static

from reader.ui.format import plain
from reader.ui.host import ReaderModal

if TYPE_CHECKING:
    from reader.service import AddFeedResult

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
TICK_SECONDS = 0.2
HINT = "The address of a feed or of a web page that links one"


class AddFeedDialog(ReaderModal[None]):
    """Ask for an address and fetch it with visible progress; ``added`` gets the result.

    Closing the dialog (escape) while a fetch runs does not stop the fetch: the feed is
    still added and announced, and a failure then comes as a notification.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="add_feed_cancel"),
    ]

    def __init__(self, added: Callable[[AddFeedResult], None]) -> None:
        super().__init__()
        self.added = added
        self.busy = False
        """A fetch is running: enter waits for it instead of starting another."""
        self.error = ""
        """Why the last address failed, shown under the field."""
        self._started = 0.0
        self._ticker: Timer | None = None
        self._url = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-body"):
            yield Label(Text("Add a feed", style="bold"))
            yield Input(id="prompt-add")
            yield Static(Text(HINT), id="prompt-hint")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        url = event.value.strip()
        if not url or self.busy:
            return
        self.busy = True
        self.error = ""
        self._url = url
        self._started = time.monotonic()
        self._ticker = self.set_interval(TICK_SECONDS, self._show_progress)
        self._show_progress()
        self._add(url)

    def _show_progress(self) -> None:
        elapsed = time.monotonic() - self._started
        frame = SPINNER[int(elapsed / TICK_SECONDS) % len(SPINNER)]
        self._hint(
            Text(f"{frame} Fetching {plain(self._url)} … {elapsed:.0f} s  (escape: stop waiting)")
        )

    def _hint(self, text: Text) -> None:
        self.query_one("#prompt-hint", Static).update(text)

    def _add(self, url: str) -> None:
        """Fetch in an app worker (it outlives the dialog); failures are shown, not raised."""
        app = self.app
        service = self.service

        def fetch() -> None:
            try:
                result = service.add_feed(url)
            except Exception as error:  # shown to the user, who fixes the address
                app.call_from_thread(self._failed, str(error) or type(error).__name__)
                return
            app.call_from_thread(self._done, result)

        app.run_worker(fetch, thread=True, group="add-feed")

    def _stop_ticker(self) -> None:
        self.busy = False
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def _failed(self, message: str) -> None:
        self._stop_ticker()
        self.error = plain(message)
        if not self.is_attached:
            self.app.notify(
                self.error, title="Adding a feed failed", severity="error", markup=False
            )
            return
        self._hint(Text(f"✗ {self.error}\n{HINT}", style="bold"))
        self.query_one(Input).focus()

    def _done(self, result: AddFeedResult) -> None:
        self._stop_ticker()
        self.added(result)
        if self.is_attached:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Close; a fetch already running still finishes and is announced."""
        self.dismiss(None)
