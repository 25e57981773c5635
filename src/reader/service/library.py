"""The library: articles and their flags, feeds and collections, subscriptions,
refresh and retention, OPML, and web pages (full text, ``reader open URL``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Unpack

from reader.core.files import path_text, read_regular_file
from reader.core.filters import ArticleFilter, ArticleFilterArgs
from reader.core.models import (
    DEMO_FEED_URL,
    Article,
    ArticleSummary,
    EntryData,
    Feed,
    FeedKind,
)
from reader.core.text import clean_line, sample_language
from reader.service import common
from reader.service.errors import ServiceError
from reader.service.results import (
    AddFeedResult,
    FullTextResult,
    OpenResult,
    OpmlImportResult,
)

if TYPE_CHECKING:
    from reader.core.feeds import FeedRefreshResult, FetchSettings, RefreshResults
    from reader.service.facade import ReaderService


def list_articles(
    service: ReaderService,
    which: ArticleFilter | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    **keywords: Unpack[ArticleFilterArgs],
) -> list[ArticleSummary]:
    """The articles ``which`` keeps (or the filter the keywords make: ``unread=True``),
    newest first."""
    return service.store.articles(ArticleFilter.of(which, **keywords), limit=limit, offset=offset)


def article(service: ReaderService, article_id: int) -> Article:
    article = service.store.article(article_id)
    if article is None:
        raise ServiceError(f"no article with id {article_id}")
    return article


def count_articles(
    service: ReaderService,
    which: ArticleFilter | None = None,
    **keywords: Unpack[ArticleFilterArgs],
) -> int:
    """How many articles :meth:`list_articles` would return with the same filter."""
    return service.store.count_articles(ArticleFilter.of(which, **keywords))


def article_ids(
    service: ReaderService,
    which: ArticleFilter | None = None,
    **keywords: Unpack[ArticleFilterArgs],
) -> list[int]:
    """The ids of every article :meth:`list_articles` would return with the same filter."""
    return service.store.article_ids(ArticleFilter.of(which, **keywords))


def unread_among(service: ReaderService, article_ids: Sequence[int]) -> list[int]:
    """Which of these articles are unread (for "Mark 12 articles read?")."""
    return service.store.unread_among(article_ids)


def mark_read(service: ReaderService, article_ids: Sequence[int], read: bool = True) -> list[int]:
    """Set the read state of exactly these articles; returns the ids that changed.

    Passing the returned ids back with the opposite ``read`` undoes the change
    exactly: articles that already had the state are never touched.
    """
    return service.store.set_read_returning(article_ids, read)


def search(service: ReaderService, query: str, limit: int = 100) -> list[ArticleSummary]:
    return service.store.search(query, limit=limit)


def set_read(service: ReaderService, article_ids: list[int], read: bool = True) -> None:
    _require_articles(service, article_ids)
    service.store.set_flag(article_ids, "read", read)


def set_starred(service: ReaderService, article_ids: list[int], starred: bool = True) -> None:
    _require_articles(service, article_ids)
    service.store.set_flag(article_ids, "starred", starred)


def mark_all_read(service: ReaderService, feed: str | None = None) -> int:
    feed_id = service.resolve_feed(feed).id if feed else None
    return service.store.mark_all_read(feed_id)


def _require_articles(service: ReaderService, article_ids: list[int]) -> None:
    missing = service.store.missing_articles(article_ids)
    if missing:
        raise ServiceError(f"no article with id {missing[0]}")


def ensure_demo(service: ReaderService, force: bool = False) -> Feed | None:
    """Create the Welcome collection once per database, and again with ``force``.

    Returns the collection, or None when the user removed it and did not ask
    for it back (``reader --demo``).
    """
    from reader.core.demo import demo_entries

    if service.store.get_meta("demo_offered") and not force:
        return service.store.feed_by_url(DEMO_FEED_URL)
    demo = service.store.ensure_collection(FeedKind.DEMO)
    service.store.upsert_entries(demo.id, demo_entries())
    service.store.set_meta("demo_offered", "1")
    return service.store.feed(demo.id)


def feeds(service: ReaderService) -> list[Feed]:
    return service.store.feeds()


def resolve_feed(service: ReaderService, feed: str) -> Feed:
    """A feed by id or by URL, as the user typed it."""
    found = service.store.feed(int(feed)) if feed.isdigit() else service.store.feed_by_url(feed)
    if found is None:
        raise ServiceError(f"no feed {feed!r} (give a feed id or URL; see `reader feeds`)")
    return found


def fetch_settings(service: ReaderService) -> FetchSettings:
    from reader.core.feeds import FetchSettings

    return FetchSettings.from_config(service.config.refresh)


def add_feed(
    service: ReaderService, url: str, title: str | None = None, folder: str | None = None
) -> AddFeedResult:
    """Subscribe to a feed, or to the feed a web page advertises, and store its entries."""
    from reader.core.feeds import FetchError, probe_feed, store_parsed

    url = common.http_url_or_error(url, assume_http=True)
    existing = service.store.feed_by_url(url)
    if existing is not None:
        return _rename_existing(service, existing, title, folder)
    try:
        probed = probe_feed(url, service.fetch_settings())
    except FetchError as error:
        raise ServiceError(f"cannot subscribe to {url}: {error}") from None
    feed_title = clean_line(title) or probed.parsed.title
    feed, created = service.store.add_feed(probed.url, feed_title, clean_line(folder) or None)
    if not created:
        return _rename_existing(service, feed, title, folder)
    new, _updated = store_parsed(service.store, feed, probed.fetched, probed.parsed)
    return AddFeedResult(service.resolve_feed(str(feed.id)), created=True, new=new)


def _rename_existing(
    service: ReaderService, feed: Feed, title: str | None, folder: str | None
) -> AddFeedResult:
    """``add`` of a feed already subscribed: apply the ``--title``/``--folder``
    given (an empty folder takes the feed out of its folder)."""
    changes: dict[str, str | None] = {}
    if title is not None and clean_line(title) and clean_line(title) != feed.title:
        changes["title"] = clean_line(title)
    if folder is not None and (clean_line(folder) or None) != (feed.folder or None):
        changes["folder"] = clean_line(folder) or None
    if changes:
        service.store.update_feed(feed.id, **changes)
        feed = service.resolve_feed(str(feed.id))
    return AddFeedResult(feed, created=False, renamed=list(changes))


def remove_feed(service: ReaderService, feed: str) -> Feed:
    """Unsubscribe; starred and annotated articles of the feed stay readable."""
    found = service.resolve_feed(feed)
    if found.kind is FeedKind.LOCAL:
        raise ServiceError("the Local collection is built in and cannot be removed")
    if found.kind is FeedKind.ACCOUNT:
        raise ServiceError(
            f"{found.title} belongs to a feed-server account: unsubscribe on the server"
            " (the next `reader accounts sync` removes it here)"
        )
    service.store.remove_feed(found.id)
    return found


def refresh(
    service: ReaderService,
    feed: str | None = None,
    *,
    feed_ids: Sequence[int] | None = None,
    progress: Callable[[FeedRefreshResult], None] | None = None,
    force: bool = False,
    all_feeds: bool = False,
    full_text_progress: Callable[[int, int], None] | None = None,
) -> RefreshResults:
    """Fetch the feeds and store new entries; one result per feed.

    With ``feed`` (id or URL) or ``feed_ids`` only those are fetched, even if
    they are backing off; otherwise every subscription is, except feeds that
    keep failing and are waiting (``force`` includes them) and feeds whose own
    refresh interval has not passed (``all_feeds`` or ``force`` includes them); the
    new articles of ``full_text = "auto"`` feeds get their pages' text
    (``full_text_progress``: pages done, pages queued). ``progress`` is
    called after each feed finishes, on the calling thread. This method runs
    its own event loop and blocks until done: call it from a worker thread
    (called inside a running loop, it works, but blocks that loop).
    """
    from reader.core.feeds import refresh_feeds

    chosen = feed is not None or feed_ids is not None
    if feed is not None:
        feeds = [service.resolve_feed(feed)]
        if feeds[0].kind is FeedKind.ACCOUNT:
            raise ServiceError(
                f"{feeds[0].title} belongs to a feed-server account: run `reader accounts sync`"
            )
    elif feed_ids is not None:
        feeds = [service.resolve_feed(str(feed_id)) for feed_id in feed_ids]
        feeds = [found for found in feeds if found.kind is not FeedKind.ACCOUNT]
    else:
        feeds = service.store.feeds(FeedKind.FEED)
    results = refresh_feeds(
        service.store,
        feeds,
        service.fetch_settings(),
        force=force or chosen,
        progress=progress,
        due_only=not (chosen or force or all_feeds),
        full_text_progress=full_text_progress,
    )
    service.retention()
    return results


def retention(service: ReaderService) -> int:
    """Delete read articles older than their feed's ``retention_days`` or else
    ``refresh.retention_days`` (never starred or annotated)."""
    from reader.core.feed_settings import apply_retention

    return apply_retention(service.store, service.config.refresh.retention_days)


def import_opml(service: ReaderService, path: Path) -> OpmlImportResult:
    """Subscribe to every feed of an OPML file; folders become the feeds' folders."""
    from reader.core.opml import MAX_OPML_BYTES, OpmlError, parse_opml

    shown = path_text(path)
    try:
        document = parse_opml(read_regular_file(path, MAX_OPML_BYTES))
    except OSError as error:
        raise ServiceError(f"{shown}: cannot read: {error.strerror or error}") from None
    except OpmlError as error:
        raise ServiceError(f"{shown}: {error}") from None
    added: list[Feed] = []
    skipped = 0
    for item in document.feeds:
        feed, created = service.store.add_feed(item.url, item.title, item.folder)
        if created:
            if item.site_url:
                service.store.update_feed(feed.id, site_url=item.site_url)
            added.append(feed)
        else:
            skipped += 1
    return OpmlImportResult(added=added, skipped=skipped, invalid=document.invalid)


def export_opml(service: ReaderService, path: Path | None = None) -> str:
    """The subscriptions as OPML; written to ``path`` (atomically) when given."""
    from reader.core.files import write_file_atomically
    from reader.core.opml import export_opml

    text = export_opml(service.store.feeds(FeedKind.FEED))
    if path is not None:
        try:
            write_file_atomically(path, text.encode("utf-8"))
        except OSError as error:
            raise ServiceError(
                f"{path_text(path)}: cannot write: {error.strerror or error}"
            ) from None
    return text


def fetch_full(service: ReaderService, article_id: int) -> FullTextResult:
    """Replace an article's summary with its page's main text; the summary stays on failure."""
    from reader.core.fulltext import extract_main_text

    article = service.article(article_id)
    if not article.url:
        raise ServiceError(f"article {article_id} has no web address to fetch")
    html, final_url = _fetch_page(service, common.http_url_or_error(article.url))
    extracted = extract_main_text(html, final_url)
    if extracted is None:
        return FullTextResult(article, extracted=False)
    service.store.set_article_content(article_id, extracted.paragraphs, summary_only=False)
    return FullTextResult(service.article(article_id), extracted=True)


def open_url(service: ReaderService, url: str) -> OpenResult:
    """Import a web page's main text into the Local collection (again: update it)."""
    from reader.core.fulltext import page_text

    url = common.http_url_or_error(url)
    html, final_url = _fetch_page(service, url)
    page = page_text(html, final_url)
    if not page.paragraphs:
        raise ServiceError(f"{url}: no text found on the page")
    entry = EntryData(
        guid="url:" + url,
        title=page.title or url,
        paragraphs=page.paragraphs,
        url=final_url,
        author=page.author,
        language=sample_language(page.paragraphs, page.title),
    )
    return service.store_local_entry(entry)


def _fetch_page(service: ReaderService, url: str) -> tuple[str, str]:
    """A web page's decoded HTML and final URL (see :mod:`reader.core.pages`)."""
    from reader.core.pages import PageError, fetch_page

    try:
        return fetch_page(url, service.fetch_settings())
    except PageError as error:
        raise ServiceError(str(error)) from None
