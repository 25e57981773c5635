"""Reading one article: the bilingual view, its layouts, progress and translation jobs.

Opening, splitting and translating the article is
:class:`~reader.ui.screens.article_reading.ArticleReading`'s; this module holds the
screen's keys and what they do.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from reader.ui.messages import OpenNextUnread
from reader.ui.screens.article_reading import ArticleReading
from reader.ui.screens.article_review import REVIEW_BINDINGS, ArticleReview, ReviewKeys
from reader.ui.screens.article_terms import TERM_BINDINGS
from reader.ui.screens.article_translating import LAYOUT_NAMES
from reader.ui.widgets.bilingual import BilingualView
from reader.ui.widgets.key_hints import KeyHints
from reader.ui.widgets.suggestions import SuggestionsPanel

__all__ = ["LAYOUT_NAMES", "ArticleScreen"]


class ArticleScreen(ReviewKeys, ArticleReading):
    """One article, source and translation aligned by paragraph."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="article_back"),
        Binding("t", "cycle_layout", "Layout", id="cycle_layout"),
        Binding("x", "swap_direction", "Swap direction", id="swap_direction"),
        Binding("ctrl+r", "retranslate", "Re-translate", show=False, id="retranslate"),
        Binding("y", "copy_pair", "Copy pair", id="copy_pair"),
        Binding("n", "next_unread", "Next unread", id="article_next_unread"),
        Binding(
            "N", "previous_unread", "Previous unread", show=False, id="article_previous_unread"
        ),
        Binding("s", "toggle_star", "Star", show=False, id="article_star"),
        Binding("m", "toggle_read", "Read/unread", show=False, id="article_read"),
        Binding("o", "open_browser", "Open in browser", show=False, id="article_open_browser"),
        Binding("f", "fetch_full", "Full text", show=False, id="article_fetch_full"),
        Binding("r,R", "refresh_hint", "Refresh (on the list)", show=False, id="article_refresh"),
        *TERM_BINDINGS,
        *REVIEW_BINDINGS,
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="article-title")
        yield Static(id="article-meta")
        yield SuggestionsPanel(id="suggestions")
        yield BilingualView(id="bilingual", reading_layout=self.host.ui_state.layout)
        yield KeyHints(self.BINDINGS)
        yield self.terms
        yield self.review

    def on_mount(self) -> None:
        view = self.query_one(BilingualView)
        view.low_confidence = self.service.config.translation.low_confidence
        view.focus()
        if self.article_id:
            self.open(self.article_id)

    # -- actions ---------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_next_unread(self) -> None:
        self._open_unread(1)

    def action_previous_unread(self) -> None:
        self._open_unread(-1)

    def _open_unread(self, direction: int) -> None:
        """Go straight to the next unread article of the list this one was opened from."""
        self.app.post_message(OpenNextUnread(direction))

    def action_cycle_layout(self) -> None:
        layout = self.query_one(BilingualView).cycle_layout()
        self.host.ui_state.layout = layout
        self.host.save_ui_state()
        self._update_meta()

    def action_swap_direction(self) -> None:
        source, target = self.direction
        self._restart_translation((target, source))

    def action_retranslate(self) -> None:
        if self.article is None:
            return
        self._restart_translation(self.direction)
        self.notify("Translating the article again.", markup=False, timeout=3)

    def action_refresh_hint(self) -> None:
        """Refreshing is a list action; say so instead of doing nothing."""
        self.notify(
            "Feeds are refreshed from the list: escape, then r (this feed) or R (all feeds).",
            markup=False,
            timeout=5,
        )

    @on(BilingualView.SelectionModeChanged)
    @on(BilingualView.CursorMoved)
    @on(ArticleReview.Kept)
    def show_selection_mode(self) -> None:
        """The header says the selection mode and the cursor sentence's confidence."""
        self._update_meta()

    def action_copy_pair(self) -> None:
        pair = self.query_one(BilingualView).current_pair()
        if pair is None:
            return
        source, target = pair
        self.app.copy_to_clipboard(source if target is None else f"{source}\n{target}")
        self.notify("Copied the sentence and its translation.", markup=False, timeout=2)

    def action_toggle_star(self) -> None:
        self._flip("starred")

    def action_toggle_read(self) -> None:
        self._flip("read")

    def _flip(self, flag: str) -> None:
        article = self.article
        if article is None:
            return
        value = not getattr(article, flag)

        def write() -> None:
            with self.guard("saving the article"):
                if flag == "read":
                    self.service.set_read([article.id], value)
                else:
                    self.service.set_starred([article.id], value)
                self.push_flag_changes()
                setattr(article, flag, value)
                self._announce(article)
                self.app.call_from_thread(self._update_meta)
                self.app.call_from_thread(
                    self.notify, _flag_message(flag, value), markup=False, timeout=2
                )

        self.run_worker(write, thread=True, group="flags")

    def action_open_browser(self) -> None:
        if self.article is not None:
            self.open_in_browser(self.article.url)

    def action_fetch_full(self) -> None:
        def fetch() -> None:
            with self.guard("fetching the full text"):
                result = self.service.fetch_full(self.article_id)
                if not result.extracted:
                    self.app.call_from_thread(
                        self.notify,
                        "No main text found on the page; kept the summary.",
                        markup=False,
                    )
                    return
                self.app.call_from_thread(self._reload)

        self.run_worker(fetch, thread=True, exclusive=True, group="full-text")

    # -- terms (see article_terms) -----------------------------------------------------

    def action_annotate(self) -> None:
        self.terms.annotate()

    def action_edit_term(self) -> None:
        self.terms.edit()

    def action_lookup(self) -> None:
        self.terms.lookup()

    def action_delete_term(self) -> None:
        self.terms.delete()

    def action_term_status(self, status: str) -> None:
        self.terms.set_status(status)

    def action_toggle_suggestions(self) -> None:
        self.terms.toggle_suggestions()

    @on(SuggestionsPanel.Accepted)
    def annotate_suggestion(self, message: SuggestionsPanel.Accepted) -> None:
        self.terms.accept(message.suggestion)


def _flag_message(flag: str, value: bool) -> str:
    if flag == "read":
        return "Marked read." if value else "Marked unread."
    return "Starred." if value else "Unstarred."
