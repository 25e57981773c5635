"""`reader refresh --translate`: the articles a refresh added, translated into the cache
(newest first, at most ``[translation] per_refresh``), one progress line each on stderr.

Without the flag, only the new articles of feeds set to ``translate = "auto"`` are
translated; with it, those of every feed. The translations are those the app would make
(the same sentences, directions and cache), so opening such an article in the app shows
it translated at once, and the list marks it ready.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from reader.core.text import clean_line, strip_controls

if TYPE_CHECKING:
    from reader.core.prefetch import PrefetchDone
    from reader.service import ReaderService

TRANSLATE_HELP = (
    "then translate the new articles of every feed (newest first, at most"
    " [translation] per_refresh); feeds set to translate=auto get theirs without it"
)


def translate_new_articles(service: ReaderService, after: int, every_feed: bool) -> None:
    """Translate what the refresh added after article ``after`` (see the module)."""
    feed_ids = None if every_feed else service.auto_translate_feed_ids()
    if feed_ids == []:
        return
    article_ids = service.new_article_ids(after, feed_ids)
    if not article_ids:
        if every_feed:
            print("no new articles to translate", file=sys.stderr)
        return
    total = len(article_ids)
    done = 0

    def report(result: PrefetchDone) -> None:
        nonlocal done
        done += 1
        title = clean_line(strip_controls(result.title))[:80] or "(untitled)"
        if result.error is None:
            line = f"translated {done}/{total}: {result.article_id} {title}"
            line += f" ({result.sentences} sentences)"
        else:
            line = f"! not translated {done}/{total}: {result.article_id} {title}: {result.error}"
        print(line, file=sys.stderr, flush=True)

    print(f"translating {total} new articles, newest first", file=sys.stderr, flush=True)
    service.translate_articles(article_ids, report)
