"""ReaderApp: themes, keymap, persistent UI state, error reporting; screens do the rest.

This module is imported when ``reader`` starts the TUI, so it must stay light: no
translation, HTTP or feed-parsing library is imported here or by the first screen.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.types import NoActiveAppError

from reader.logfile import attach_log_file
from reader.ui.account_push import AccountPush
from reader.ui.keymap import MAX_KEYMAP_ENTRIES, Conflict
from reader.ui.keys import APP_BINDINGS
from reader.ui.messages import ErrorReported, OpenArticle, OpenNextUnread
from reader.ui.state import UiState, load_state, save_state
from reader.ui.themes import (
    FALLBACK_THEME,
    SHIPPED_THEMES_DIR,
    load_themes,
    resolve_references,
    theme_variable_defaults,
)

if TYPE_CHECKING:
    from reader.service import ReaderService
    from reader.ui.host import ReaderHost


ARTICLE_SCREEN = "article"


class ReaderApp(App[None]):
    """The reader TUI."""

    CSS_PATH = "reader.tcss"
    TITLE = "reader"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012

    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.last_key_at = time.monotonic()
        await super().on_event(event)

    def __init__(
        self,
        service: ReaderService,
        show_demo: bool = False,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        from reader.analysis import for_interactive

        service.analyser = for_interactive(service.analyser)  # kiwipiepy stays out of here
        self.service = service
        self.show_demo = show_demo
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        """What "now" is for article ages; tests freeze it."""
        self.ui_state: UiState = load_state(service.paths.state_file)
        self.keymap: dict[str, str] = dict(islice(service.config.keys.items(), MAX_KEYMAP_ENTRIES))
        self.keymap_entries = len(service.config.keys)
        """How many ``[keys]`` entries the config has; past the cap the rest are ignored."""
        self.key_conflicts: list[Conflict] = []
        """Keys the keymap gave to two actions in one place (reported once, listed in help)."""
        self._lost_keys: dict[str, set[str]] = {}
        if self.keymap:
            self._find_key_conflicts()
        self.theme_errors: list[str] = []
        self.last_key_at = 0.0
        """When the reader last pressed a key (monotonic seconds): translating ahead
        waits for a quiet moment, so background translation never competes with keys."""
        self._started = False
        self._account_push = AccountPush(
            self, service, partial(_log_to_file, service.paths.log_file)
        )
        self._install_themes()

    # -- start-up --------------------------------------------------------------------

    def _install_themes(self) -> None:
        loaded = load_themes(SHIPPED_THEMES_DIR, self.service.paths.themes_dir)
        for theme in loaded.themes.values():
            self.register_theme(theme)
        self.theme_errors = loaded.errors
        wanted = self._wanted_theme()
        self.theme = wanted if wanted in self.available_themes else FALLBACK_THEME

    def _wanted_theme(self) -> str:
        """``--theme``/READER_THEME first, then the last choice made in the app, then config."""
        import os

        if os.environ.get("READER_THEME"):
            return self.service.config.theme
        return self.ui_state.theme or self.service.config.theme

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return theme_variable_defaults()

    def get_css_variables(self) -> dict[str, str]:
        variables = resolve_references(super().get_css_variables())
        self.theme_variables = variables
        return variables

    def _find_key_conflicts(self) -> None:
        """Replay Textual's key lookup with the keymap: which keys clash, which are lost."""
        from reader.ui.keymap import find_conflicts, lost_keys, user_conflicts
        from reader.ui.keys import key_contexts

        contexts = key_contexts()
        conflicts = find_conflicts(contexts, self.keymap)
        self.key_conflicts = user_conflicts(conflicts, self.keymap)
        self._lost_keys = lost_keys(contexts, conflicts)

    def _report_keymap_problems(self) -> None:
        """Typos, clashes and an oversized [keys] table are each reported once, at start."""
        from reader.ui.keys import all_binding_ids

        config = self.service.paths.config_file
        if self.keymap_entries > MAX_KEYMAP_ENTRIES:
            self.notify(
                f"{config}: [keys] has {self.keymap_entries:,} entries; only the first "
                f"{MAX_KEYMAP_ENTRIES:,} were read",
                severity="warning",
                markup=False,
            )
        unknown = sorted(set(self.keymap) - all_binding_ids())
        if unknown:
            self.notify(
                f"{config}: [keys] names no action: {_some(unknown)} (press ? for the action ids)",
                severity="warning",
                markup=False,
            )
        if self.key_conflicts:
            described = [conflict.describe() for conflict in self.key_conflicts]
            self.notify(
                f"{config}: [keys] gives one key to two actions: {_some(described, '; ')}"
                " (? lists what each key does)",
                severity="warning",
                markup=False,
                timeout=12,
            )

    def get_default_screen(self) -> Screen[None]:
        """The library; or, when the database cannot be opened, a screen that says why."""
        from reader.ui.screens.main import MainScreen

        problem = self._database_problem()
        if problem is not None:
            from reader.ui.screens.database_error import DatabaseErrorScreen

            return DatabaseErrorScreen(problem, self.service.paths.database)
        return MainScreen()

    def _database_problem(self) -> str | None:
        """Why the store cannot be opened (see :meth:`ReaderService.database_problem`),
        logged, or None."""
        problem = self.service.database_problem()
        if problem is not None:
            _log_to_file(self.service.paths.log_file, f"opening the database: {problem}")
        return problem

    def on_mount(self) -> None:
        attach_log_file(self.service.paths.log_file)
        if self.keymap:
            self.set_keymap(self.keymap)
            self._report_keymap_problems()
        for error in self.theme_errors:
            self.report_error("loading themes", error)
        wanted = self._wanted_theme()
        if wanted not in self.available_themes:
            self.notify(
                f"Unknown theme {wanted!r}; using {self.theme}.", severity="warning", markup=False
            )
        self._started = True

    # -- themes and state ------------------------------------------------------------

    def watch_theme(self, theme: str) -> None:
        if self._started and self.ui_state.theme != theme:
            self.ui_state.theme = theme
            self.save_ui_state()

    def save_ui_state(self) -> None:
        try:
            save_state(self.service.paths.state_file, self.ui_state)
        except OSError as error:
            self.report_error("saving the UI state", str(error))

    # -- errors ----------------------------------------------------------------------

    def report_error(self, context: str, error: str) -> None:
        """Show an error and log it; safe to call from any thread."""
        self.post_message(ErrorReported(context, error))

    @contextmanager
    def guard(self, context: str) -> Iterator[None]:
        """Use inside workers: an exception becomes a notification and a log line, not a
        crash. A worker whose screen has closed under it (see :meth:`Hosted.guard`) is
        only logged: there is nothing left to show its error on."""
        try:
            yield
        except NoActiveAppError:
            _log_to_file(self.service.paths.log_file, f"{context}: ended with its screen")
        except Exception as error:
            _log_to_file(self.service.paths.log_file, f"{context}:\n{traceback.format_exc()}")
            self.report_error(context, str(error) or type(error).__name__)

    @on(ErrorReported)
    def show_error(self, message: ErrorReported) -> None:
        _log_to_file(self.service.paths.log_file, f"{message.context}: {message.error}")
        self.notify(
            f"{message.context}: {message.error}",
            title="Error",
            severity="error",
            markup=False,
            timeout=8,
        )

    # -- feed-server accounts --------------------------------------------------------

    def push_flag_changes(self) -> None:
        """Send the read/star changes queued for feed-server accounts, in the background
        (from a worker thread, after the change is stored; see :class:`AccountPush`)."""
        self._account_push.push()

    # -- actions ---------------------------------------------------------------------

    def action_back_or_quit(self) -> None:
        """Close the screen on top; on the main screen leave search results; else quit."""
        from reader.ui.screens.main import MainScreen

        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif not (isinstance(self.screen, MainScreen) and self.screen.leave_search()):
            self.exit()

    def open_article(self, article_id: int, paragraph: int | None = None, offset: int = 0) -> None:
        """Read an article in the one article screen (made on first use, then reused);
        with ``paragraph``, the sentence cursor goes to ``offset`` there once it shows."""
        from reader.ui.screens.article import ArticleScreen
        from reader.ui.screens.main import MainScreen

        if not self.is_screen_installed(ARTICLE_SCREEN):
            self.install_screen(ArticleScreen(), ARTICLE_SCREEN)
        screen = cast(ArticleScreen, self.get_screen(ARTICLE_SCREEN))
        if self.screen is not screen:
            self.push_screen(screen)
        if screen.is_mounted:
            screen.open(article_id)
        else:
            screen.article_id = article_id
        for main in (s for s in self.screen_stack if isinstance(s, MainScreen)):
            main.prefetch.reading(article_id)  # the unread articles after it are next
        if paragraph is not None:
            screen.terms.go_to_offset(paragraph, offset)

    @on(OpenArticle)
    def open_article_asked(self, message: OpenArticle) -> None:
        self.open_article(message.article_id, message.paragraph, message.offset)

    @on(OpenNextUnread)
    def open_next_unread(self, message: OpenNextUnread) -> None:
        """The next unread article of the main screen's list (its cursor moves there)."""
        from reader.ui.screens.main import MainScreen

        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        summary = main.step_to_unread(message.direction) if main is not None else None
        if summary is None:
            self.notify("No more unread articles in this list.", markup=False)
            return
        self.open_article(summary.id)

    def action_mining(self) -> None:
        from reader.ui.screens.mining import MiningScreen

        if not isinstance(self.screen, MiningScreen):
            self.push_screen(MiningScreen())

    def action_help(self) -> None:
        from reader.ui.keys import section_for
        from reader.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(section_for(self.screen, self.focused)))

    def action_glossary(self) -> None:
        from reader.ui.screens.glossary import GlossaryScreen

        if not isinstance(self.screen, GlossaryScreen):
            self.push_screen(GlossaryScreen())

    def action_translator(self) -> None:
        from reader.ui.screens.translator import TranslatorScreen

        if not isinstance(self.screen, TranslatorScreen):
            self.push_screen(TranslatorScreen())

    def open_in_browser(self, url: str | None) -> None:
        """Hand an http(s) link to the system browser, in a thread; other links are refused."""

        def open_link() -> None:
            from reader.core.links import LinkRefusedError, open_in_browser

            with self.guard("opening the link"):
                try:
                    open_in_browser(url)
                except LinkRefusedError as error:
                    self.call_from_thread(self.notify, str(error), severity="warning", markup=False)

        self.run_worker(open_link, thread=True, group="browser")

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette lists every action bound on this screen, then Textual's own commands
        (see :mod:`reader.ui.palette`)."""
        from reader.ui.palette import system_commands

        return system_commands(self, screen, self.keys_for, super().get_system_commands(screen))

    def shown_app_bindings(self) -> list[Binding]:
        """The app-wide bindings every screen's key hints end with."""
        return [b for b in self.BINDINGS if isinstance(b, Binding) and b.show]

    def keys_for(self, binding: Binding) -> str:
        """The keys a binding answers to after the user's keymap is applied, without any
        another binding takes from it (``""`` when none is left)."""
        return ",".join(self.effective_keys(binding))

    def effective_keys(self, binding: Binding) -> list[str]:
        """:meth:`keys_for` as a list: what really runs this binding's action."""
        from reader.ui.keymap import keys_of

        lost = self._lost_keys.get(binding.id or "", set())
        return [key for key in keys_of(binding, self.keymap) if key not in lost]


def _some(names: list[str], separator: str = ", ", shown: int = 8) -> str:
    """The first few of a list that may be huge, and how many more there are."""
    more = f"{separator}and {len(names) - shown:,} more" if len(names) > shown else ""
    return separator.join(names[:shown]) + more


def _log_to_file(path: object, line: str) -> None:
    """Append one line to the log file; logging must never raise into the UI."""
    from pathlib import Path

    try:
        log_path = Path(str(path))
        log_path.parent.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
        with log_path.open("a", encoding="utf-8") as handle:
            handle.write(f"{stamp} ERROR {line}\n")
    except OSError:
        pass


if TYPE_CHECKING:

    def _is_a_host(app: ReaderApp) -> ReaderHost:
        """mypy proves here that the app is what screens take it for."""
        return app
