"""The query language (``reader query``), saved searches, and the data its learning
terms need (analysed articles, sentence hashes for ``translated``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.core.models import (
    Article,
    ArticleSummary,
)
from reader.core.text import clean_line, strip_controls
from reader.service.errors import ServiceError

if TYPE_CHECKING:
    from reader.core.query import Compiled
    from reader.core.query_store import SavedSearch
    from reader.service.facade import ReaderService


MAX_SAVED_SEARCH_NAME = 100
"""Longest name of a saved search (it is shown in the sidebar)."""


def query_articles(
    service: ReaderService,
    query: str,
    *,
    unread: bool = False,
    starred: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[ArticleSummary]:
    """Articles matching a query (see :mod:`reader.core.query`), newest first;
    ServiceError with the position for a query that is not valid."""
    from reader.core import query_store

    compiled = _compiled_query(service, query)
    return query_store.select_articles(
        service.store.connection,
        compiled,
        unread=unread,
        starred=starred,
        limit=limit,
        offset=offset,
    )


def count_query(service: ReaderService, query: str, *, unread: bool = False) -> int:
    """How many articles :meth:`query_articles` would list (``unread``: of them unread)."""
    from reader.core import query_store

    return query_store.count_articles(
        service.store.connection, _compiled_query(service, query), unread=unread
    )


def query_article_ids(service: ReaderService, query: str, *, unread: bool = False) -> list[int]:
    """The ids of every article matching a query (for mark-all-read), newest first."""
    from reader.core import query_store

    return query_store.article_ids(
        service.store.connection, _compiled_query(service, query), unread=unread
    )


def check_query(service: ReaderService, query: str) -> None:
    """ServiceError (with the position) unless ``query`` is valid."""
    _compiled_query(service, query)


def saved_searches(service: ReaderService) -> list[SavedSearch]:
    from reader.core import query_store

    return query_store.saved_searches(service.store.connection)


def add_saved_search(
    service: ReaderService, name: str, query: str, replace: bool = False
) -> SavedSearch:
    """Save a valid query under a name (one line, at most 100 characters); a name
    already taken is an error unless ``replace``."""
    from reader.core import query_store
    from reader.core.store import utc_now

    cleaned = clean_line(strip_controls(name))
    if not cleaned:
        raise ServiceError("a saved search needs a name")
    if len(cleaned) > MAX_SAVED_SEARCH_NAME:
        raise ServiceError(f"name longer than {MAX_SAVED_SEARCH_NAME} characters")
    text = clean_line(strip_controls(query))
    service.check_query(text)
    with service.store.transaction() as connection:
        if not query_store.add_saved_search(connection, cleaned, text, utc_now(), replace):
            raise ServiceError(
                f"a saved search named {cleaned!r} exists; remove it first"
                " (`reader saved remove`) or choose another name"
            )
        saved = query_store.saved_search(connection, cleaned)
    assert saved is not None
    return saved


def remove_saved_search(service: ReaderService, name: str) -> SavedSearch:
    from reader.core import query_store

    with service.store.transaction() as connection:
        saved = query_store.saved_search(connection, clean_line(name))
        if saved is None:
            raise ServiceError(f"no saved search named {clean_line(name)!r}")
        query_store.remove_saved_search(connection, saved.name)
    return saved


def saved_search_unread(service: ReaderService) -> dict[str, int]:
    """Each saved search's unread articles (a query this version cannot read: 0)."""
    counts: dict[str, int] = {}
    for saved in service.saved_searches():
        try:
            counts[saved.name] = service.count_query(saved.query, unread=True)
        except ServiceError:
            counts[saved.name] = 0
    return counts


def query_needs_analysis(service: ReaderService, query: str) -> bool:
    """Whether a valid query reads analysed articles' data while some article was
    never analysed (or, for ``translated``, never split into sentences)."""
    from reader.core import query as query_language
    from reader.core import query_store

    try:
        node = query_language.parse(query)
    except query_language.QuerySyntaxError:
        return False
    if not query_language.uses_vocabulary(node):
        return False
    if service.vocabulary_pending():
        return True
    return query_language.uses_translation(node) and bool(
        query_store.articles_without_sentences(service.store.connection, 1)
    )


def analyse_for_query(service: ReaderService, query: str, limit: int | None = None) -> int:
    """Analyse the articles a query's learning terms need (see
    :meth:`query_needs_analysis`); returns how many were analysed."""
    from reader.core import query as query_language
    from reader.core import query_store

    done = service.index_vocabulary(limit)
    if query_language.uses_translation(query_language.parse(query)):
        remaining = -1 if limit is None else max(0, limit - done)
        for article_id in query_store.articles_without_sentences(
            service.store.connection, remaining
        ):
            index_article_sentences(service, service.article(article_id))
            done += 1
    return done


def _compiled_query(service: ReaderService, query: str) -> Compiled:
    from reader.core import query as query_language

    try:
        node = query_language.parse(query)
    except query_language.QuerySyntaxError as error:
        raise ServiceError(str(error)) from None
    context = query_language.QueryContext()
    if query_language.uses_translation(node):
        context = query_language.QueryContext(_current_engines(service))
    return query_language.compile_query(node, context)


def _current_engines(service: ReaderService) -> dict[tuple[str, str], tuple[str, str]]:
    """(model id, options) of the engine each direction translates with now."""
    from reader.core.translation import NoModelError

    engines: dict[tuple[str, str], tuple[str, str]] = {}
    for direction in (("ko", "en"), ("en", "ko")):
        try:
            engine = service.translations.engine(*direction)
        except NoModelError:
            continue
        engines[direction] = (engine.model.model_id, engine.options)
    return engines


def index_article_sentences(service: ReaderService, article: Article) -> None:
    """Store the hash of each sentence of an analysed article, in the direction its
    paragraph is translated (for ``translated``); once per analysis. The analyser
    splits them (in the app, in its helper process), one batch per language."""
    from reader.core import query_store
    from reader.core.translation import sentence_hash

    if not query_store.needs_sentences(service.store.connection, article.id):
        return
    try:
        direction = service.direction_for(article)
    except ServiceError:
        return
    directions = service.paragraph_directions(article.paragraphs, direction)
    chosen = [
        (paragraph, way)
        for paragraph, way in zip(article.paragraphs, directions, strict=True)
        if way is not None
    ]
    # A paragraph without letters goes the article's way, so direction[0] is its language.
    split = service.split_by_language([paragraph for paragraph, _ in chosen], direction[0])
    rows = [
        (way[0], way[1], sentence_hash(sentence.text))
        for (_, way), sentences in zip(chosen, split, strict=True)
        for sentence in sentences
        if sentence.text.strip()
    ]
    with service.store.transaction() as connection:
        query_store.replace_sentences(connection, article.id, rows)
