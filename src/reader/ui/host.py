"""What screens and dialogs need from the app, without importing it.

Screens are pushed by the app, so the app imports them; if they imported the app in
turn, every screen would sit in one import cycle with it. Instead the app satisfies
:class:`ReaderHost`, and every screen derives from :class:`ReaderScreen` or
:class:`ReaderModal`, which reach the app only through that protocol. Going to
another screen is a message (:class:`~reader.ui.messages.OpenArticle`,
:class:`~reader.ui.messages.OpenNextUnread`) the app handles, never a call from one
screen into another.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

from textual.binding import Binding
from textual.message_pump import MessagePump
from textual.screen import ModalScreen, Screen
from textual.types import NoActiveAppError

from reader.ui.keymap import KeySource
from reader.ui.messages import OpenArticle

if TYPE_CHECKING:
    from reader.service import ReaderService
    from reader.ui.keymap import Conflict
    from reader.ui.state import UiState

ResultType = TypeVar("ResultType")

log = logging.getLogger(__name__)


class ReaderHost(KeySource, Protocol):
    """The app as screens see it: the service, the UI state, error handling and keys."""

    service: ReaderService
    ui_state: UiState
    clock: Callable[[], datetime]
    """What "now" is for article ages; tests freeze it."""
    show_demo: bool
    key_conflicts: list[Conflict]

    def guard(self, context: str) -> AbstractContextManager[None]:
        """Inside workers: an exception becomes a notification and a log line, not a crash."""
        ...

    def report_error(self, context: str, error: str) -> None: ...

    def save_ui_state(self) -> None: ...

    def open_in_browser(self, url: str | None) -> None: ...

    def effective_keys(self, binding: Binding) -> list[str]: ...

    def push_flag_changes(self) -> None:
        """Send queued read/star changes to feed-server accounts (from a worker thread)."""
        ...


class Hosted(MessagePump):
    """The host and its service, for a screen, a dialog or a widget that works with them."""

    @property
    def host(self) -> ReaderHost:
        return cast("ReaderHost", self.app)

    @property
    def service(self) -> ReaderService:
        return self.host.service

    def guard(self, context: str) -> AbstractContextManager[None]:
        """The host's :meth:`ReaderHost.guard`, for workers of this screen.

        A worker can outlive its node: the screen is closed, or the app is closing,
        while the worker's thread still runs. From that thread the node no longer
        reaches the app (``NoActiveAppError``), so there is no host to report to, and
        nothing left to show a result or an error on: the work ends quietly (logged).
        """
        try:
            return self.host.guard(context)
        except NoActiveAppError:
            return _ended_with_its_node(context)

    def keys_for(self, binding: Binding) -> str:
        """The keys that really run ``binding`` once the user's keymap is applied."""
        return self.host.keys_for(binding)

    def open_article(self, article_id: int, paragraph: int | None = None, offset: int = 0) -> None:
        """Ask the app to show an article (at ``offset`` of ``paragraph`` when given)."""
        self.app.post_message(OpenArticle(article_id, paragraph, offset))

    def open_in_browser(self, url: str | None) -> None:
        self.host.open_in_browser(url)

    def push_flag_changes(self) -> None:
        """After a read/star change (in a worker): send it to its account's server."""
        self.host.push_flag_changes()


@contextmanager
def _ended_with_its_node(context: str) -> Iterator[None]:
    """A guard for work whose screen is gone: whatever it raises is only logged."""
    try:
        yield
    except Exception as error:
        log.info("%s, after its screen closed: %s", context, error)


class ReaderScreen(Screen[ResultType], Hosted):
    """A full screen of the reader."""


class ReaderModal(ModalScreen[ResultType], Hosted):
    """A dialog of the reader, shown over a screen."""
