"""The app's translating ahead: while the reader works through an article list, the
article under its cursor and the next unread ones are translated in the background
(:mod:`reader.core.prefetch`), and the list marks the articles whose translation is ready.

What is next follows the list: on the list, the highlighted article (when unread) and
the ``[translation] prefetch`` unread articles after it; reading, the unread ones after
the open article. Moving, reading another article or choosing another collection
replaces that list (what is no longer next is cancelled); going to another screen (the
glossary, the translator) stops it. New articles of a refresh wait on a second list
that moving does not touch. Nothing starts while the open article is still being split
or translated, and the queue puts every article the reader opened first.

Everything public here is called on the UI thread; the prefetcher's own thread prepares the
articles (the split goes through :func:`~reader.ui.translation.split_paragraphs`, whose
cache the article screen reads too, so opening a prefetched article splits nothing).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.ui.widgets.article_list import ArticleList

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    from reader.core.models import ArticleSummary, Sentence
    from reader.core.prefetch import ArticleWork, PrefetchDone, Prefetcher
    from reader.service import ReaderService
    from reader.ui.host import ReaderScreen

log = logging.getLogger(__name__)

REST_SECONDS = 1.0
"""How long the list's cursor rests on an article before translating ahead starts:
skimming the list (or starting the app) loads no model."""
QUIET_SECONDS = 1.0
"""How long after the reader's last key translating ahead waits: its model calls share
the two cores with the screen, so they start when the reader pauses, not mid-keystroke."""
BUSY = ("loading…", "translating…")
"""The article screen's ``status`` while its article is being split or translated: the
prefetch waits (see :class:`~reader.ui.screens.article_reading.ArticleReading`)."""


class ListPrefetch:
    """The main screen's prefetch: what is next in ``article_list()``, translated ahead."""

    def __init__(self, screen: ReaderScreen[None]) -> None:
        self._screen = screen
        """The screen that shows the list (its app, service and :class:`ArticleList`)."""
        self._prefetcher: Prefetcher | None = None
        self._rest_timer: Timer | None = None

    @property
    def _app(self) -> App[object]:
        return self._screen.app

    def _service(self) -> ReaderService:
        return self._screen.service

    def _article_list(self) -> ArticleList:
        return self._screen.query_one(ArticleList)

    @property
    def count(self) -> int:
        """How many unread articles after the current one are translated ahead (0: off)."""
        return self._service().config.translation.prefetch

    def follow_cursor(self) -> None:
        """The list's cursor moved: once it rests for :data:`REST_SECONDS`, the article
        under it and the unread ones after it are next."""
        if self._rest_timer is not None:
            self._rest_timer.stop()
        self._rest_timer = self._screen.set_timer(REST_SECONDS, self._follow_now)

    def _follow_now(self) -> None:
        self._rest_timer = None
        if not self._screen.is_current:
            return  # reading (the article screen says what is next) or another screen
        article_list = self._article_list()
        summary = article_list.highlighted
        if summary is None or not self.count:
            self.pause()
            return
        first = [summary.id] if not summary.read else []
        self._want(first + self._unread_after(article_list, summary.id))

    def reading(self, article_id: int) -> None:
        """The reader opened an article: the unread ones after it in the list are next."""
        if self._rest_timer is not None:  # reading decides what is next now
            self._rest_timer.stop()
            self._rest_timer = None
        if not self.count:
            return
        self._want(self._unread_after(self._article_list(), article_id))

    def pause(self) -> None:
        """Nothing is next any more (another screen, another collection)."""
        if self._rest_timer is not None:
            self._rest_timer.stop()
            self._rest_timer = None
        if self._prefetcher is not None:
            self._prefetcher.want([])

    def translate_new(self, article_ids: Sequence[int]) -> None:
        """Translate these articles (new in a refresh) after what is next in the list."""
        if article_ids:
            self._ensure().add(article_ids)

    def after_refresh(self, before: int) -> None:
        """(On the refresh's worker thread.) The articles a refresh added after article
        ``before`` to feeds set to ``translate = "auto"``, newest first and at most
        ``[translation] per_refresh``, are translated in the background."""
        service = self._service()
        feeds = service.auto_translate_feed_ids()
        article_ids = service.new_article_ids(before, feeds) if feeds else []
        if article_ids:
            self._app.call_from_thread(self.translate_new, article_ids)

    def pending(self) -> list[int]:
        """The articles still to translate, in order."""
        return self._prefetcher.pending() if self._prefetcher is not None else []

    def close(self) -> None:
        if self._prefetcher is not None:
            self._prefetcher.close(timeout=1.0)
            self._prefetcher = None

    # -- the list ----------------------------------------------------------------------

    def _unread_after(self, article_list: ArticleList, article_id: int) -> list[int]:
        """The first :attr:`count` unread rows after ``article_id``'s row (after the
        cursor when the article is not in the list), among the rows loaded."""
        rows = article_list.loaded_rows()
        start = next((i for i, row in rows if row.id == article_id), article_list.cursor)
        after: list[ArticleSummary] = [
            row for index, row in rows if index > start and not row.read and row.id != article_id
        ]
        return [row.id for row in after[: self.count]]

    def _want(self, article_ids: list[int]) -> None:
        self._ensure().want(article_ids)

    # -- the prefetcher (its own thread) -----------------------------------------------

    def _ensure(self) -> Prefetcher:
        from reader.core.prefetch import Prefetcher

        if self._prefetcher is None:
            service = self._service()
            self._prefetcher = Prefetcher(
                service.translation_queue,
                self._prepare,
                idle=self._reader_idle,
                on_done=self._done,
            )
        return self._prefetcher

    def _reader_idle(self) -> bool:
        """The article on screen, if any, is split and translated, and the reader has
        not pressed a key for :data:`QUIET_SECONDS`."""
        try:
            app = self._app
            screen = app.screen
        except Exception:  # no screen: the app is closing
            return False
        last_key = float(getattr(app, "last_key_at", 0.0))
        if time.monotonic() - last_key < QUIET_SECONDS:
            return False
        return getattr(screen, "status", None) not in BUSY

    def _prepare(self, article_id: int) -> ArticleWork:
        """The article as the article screen submits it (the prefetcher's thread); an
        article without a model for its direction is not split at all."""
        from reader.core.prefetch import prepare_article
        from reader.ui.translation import split_paragraphs

        service = self._service()

        def split(paragraphs: list[str], lang: str) -> list[list[Sentence]]:
            return split_paragraphs(service, paragraphs, lang)

        return prepare_article(service, article_id, split)

    def _done(self, done: PrefetchDone) -> None:
        """An article is translated whole: mark it at once, then analyse it (in the
        helper process) so that the mark and its known share outlive this session."""
        if done.error is not None:
            return
        ready = {done.article_id}
        self._app.call_from_thread(lambda: self._article_list().set_ready(ready))
        try:
            share = self._service().article_difficulty(done.article_id).known_share
        except Exception as error:  # the article is gone, the helper is closing
            log.info("analysing prefetched article %s: %s", done.article_id, error)
            return
        shares = {done.article_id: share}
        self._app.call_from_thread(lambda: self._article_list().set_difficulties(shares))
