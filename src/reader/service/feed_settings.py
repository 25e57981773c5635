"""A feed's own settings (``reader feeds set``, the app's feed settings dialog): finding
the feed by id, URL or title, applying ``key=value`` assignments, the direction it fixes.
The rules are in :mod:`reader.core.feed_settings`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.core.models import Article, Feed
from reader.service.errors import ServiceError

if TYPE_CHECKING:
    from reader.service.facade import ReaderService


def find_feed(service: ReaderService, feed: str) -> Feed:
    """A feed by id, URL or title (a title two feeds share needs the id)."""
    from reader.core.feed_settings import feeds_titled

    store = service.store
    found = store.feed(int(feed)) if feed.isdigit() else store.feed_by_url(feed)
    titled = [found] if found is not None else feeds_titled(store.feeds(), feed)
    if len(titled) > 1:
        ids = ", ".join(str(each.id) for each in titled)
        raise ServiceError(f"{len(titled)} feeds are titled {feed!r}: give the id ({ids})")
    if not titled:
        raise ServiceError(f"no feed {feed!r} (give a feed id, URL or title; see `reader feeds`)")
    return titled[0]


def set_feed_settings(service: ReaderService, feed: str, assignments: Sequence[str]) -> Feed:
    """Apply ``key=value`` settings to a feed (id, URL or title), all or none."""
    from reader.core.feed_settings import FeedSettingError, apply_assignments

    try:
        return apply_assignments(service.store, find_feed(service, feed), assignments)
    except FeedSettingError as error:
        raise ServiceError(str(error)) from None


def feed_direction(service: ReaderService, article: Article | str) -> tuple[str, str] | None:
    """The (source, target) an article's feed fixes (``direction=ko-en``), or None."""
    if isinstance(article, str) or article.feed_id is None:
        return None
    feed = service.store.feed(article.feed_id)
    return feed.settings.forced_direction() if feed is not None else None
