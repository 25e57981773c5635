"""Sending the read and star changes made in the app to feed-server accounts, in the
background, folding a burst of requests into at most two pushes."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import App

if TYPE_CHECKING:
    from reader.service import ReaderService


class AccountPush:
    """One push at a time to the accounts' servers, and one more round for requests made
    while it runs. A push that fails (offline, a server down) leaves the changes queued
    for the next sync and is only logged: the sync with R is where failures are shown."""

    def __init__(self, app: App[Any], service: ReaderService, log: Callable[[str], None]) -> None:
        self._app = app
        self._service = service
        self._log = log
        """Appends one line to ``reader.log`` (never raises)."""
        self._lock = threading.Lock()
        self._pushing = False
        self._again = False

    def push(self) -> None:
        """Called from a worker thread, after the change is stored."""
        with self._lock:
            if self._pushing:
                self._again = True
                return
            self._pushing = True
        self._app.call_from_thread(
            lambda: self._app.run_worker(self._push_worker, thread=True, group="account-push")
        )

    def _push_worker(self) -> None:
        while True:
            with self._lock:
                self._again = False
            try:
                for result in self._service.account_push():
                    if result.error:
                        self._log(
                            f"pushing to {result.account}: {result.error}"
                            f" ({result.pending} changes stay queued)"
                        )
            except Exception:
                self._log(f"pushing flags:\n{traceback.format_exc()}")
            with self._lock:
                if not self._again:
                    self._pushing = False
                    return
