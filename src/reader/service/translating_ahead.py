"""Translating ahead (issue 14): which articles are ready (every sentence cached), an
article prepared as the app submits it, articles translated into the cache in order
(the app's prefetch, ``reader refresh --translate``), the new articles of a refresh.
The rules are in :mod:`reader.core.prefetch`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.core.models import Sentence
    from reader.core.prefetch import ArticleWork, PrefetchDone
    from reader.service.facade import ReaderService


def translation_ready(service: ReaderService, article_ids: Sequence[int]) -> set[int]:
    """The articles among these whose every sentence is in the translation cache of
    the model its direction uses now (analysed ones: see ``translated``); one query."""
    from reader.core import prefetch
    from reader.service.queries import _compiled_query

    analysed = prefetch.with_sentences(service.store.connection, article_ids)
    if not analysed:
        return set()
    translated = _compiled_query(service, "translated")
    return prefetch.ready_among(service.store.connection, translated, analysed)


def prepare_article(service: ReaderService, article_id: int) -> ArticleWork:
    """The article's sentences and directions, as the app submits them to the queue."""
    from reader.core import prefetch

    def split(paragraphs: list[str], lang: str) -> list[list[Sentence]]:
        return prefetch.split_by_language(service.split_paragraphs, paragraphs, lang)

    return prefetch.prepare_article(service, article_id, split)


def translate_articles(
    service: ReaderService,
    article_ids: Sequence[int],
    on_done: Callable[[PrefetchDone], None] | None = None,
) -> list[PrefetchDone]:
    """Translate articles into the cache in order, as the app would, then analyse each
    (so ``translated`` and the list's mark know it); one result per article."""
    from reader.core import prefetch

    def done(result: PrefetchDone) -> None:
        if result.error is None:
            service.article_difficulty(result.article_id)
        if on_done is not None:
            on_done(result)

    return prefetch.translate_articles(
        service.translation_queue, service.prepare_article, article_ids, done
    )


def auto_translate_feed_ids(service: ReaderService) -> list[int]:
    """The feeds set to ``translate = "auto"``: their new articles are translated
    after each refresh."""
    from reader.core.feed_settings import AUTO

    return [feed.id for feed in service.store.feeds() if feed.settings.translate == AUTO]


def last_article_id(service: ReaderService) -> int:
    """The newest article's id: :func:`new_article_ids` takes what comes after it."""
    from reader.core import prefetch

    return prefetch.last_article_id(service.store.connection)


def new_article_ids(
    service: ReaderService,
    after: int,
    feed_ids: Sequence[int] | None = None,
    limit: int | None = None,
) -> list[int]:
    """Unread articles added after article ``after``, newest first, at most ``limit``
    (default: ``[translation] per_refresh``)."""
    from reader.core import prefetch

    cap = service.config.translation.per_refresh if limit is None else limit
    return prefetch.articles_after(service.store.connection, after, cap, feed_ids)
