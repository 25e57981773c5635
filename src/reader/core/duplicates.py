"""Recognising one story carried by several feeds (issue 14): the keys and the test.

Two articles are copies of one story when

* their links are the same once normalised (:func:`link_key`: tracking parameters such
  as ``utm_*``, ``fbclid`` or ``gclid`` dropped, the other parameters sorted, the
  scheme, ``www.``, the fragment and a trailing slash ignored), and they come from two
  feeds (or from one feed under the same title: a feed whose every entry links to one
  page does not fold into one story); or
* they come from two feeds, their titles are the same once normalised
  (:func:`title_key`) and their texts are near-identical (:func:`same_text`: most of
  the shorter text's character shingles are in the longer one, so a summary and the
  full text of one story match too, and a different story under the same title, a
  "속보" or a "Daily briefing", does not).

Both keys are indexed in the store (:mod:`reader.core.store.stories`), so finding the
candidates of a new article costs two index look-ups bounded to a recent window
(:data:`WINDOW_DAYS`), never a scan of every article. Plain functions: no I/O.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta

from reader.core.urls import WEB_SCHEMES, split_url

WINDOW_DAYS = 14
"""Copies are looked for among the articles stored this many days before."""

TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "_hsenc",
        "_hsmi",
        "_ga",
        "_gl",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "rb_clickid",
        "s_cid",
        "wickedid",
        "ref_src",
        "ncid",
        "cmpid",
        "spm",
    }
)
"""Query parameters that say who sent the reader, not which page it is."""
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmb_")
"""Families of tracking parameters (``utm_source``, Piwik/Matomo ``pk_``/``mtm_``)."""

SHINGLE = 4
"""Characters per shingle: short enough for Korean, where a word is two or three."""
TEXT_SAMPLE = 2000
"""Normalised characters of an article's start that are compared."""
MIN_SHINGLES = 12
"""Texts shorter than this (in shingles) are never called the same story by text."""
SAME_TEXT_SHARE = 0.8
"""Share of the shorter text's shingles the longer one must hold."""
MIN_TITLE = 4
"""Normalised titles shorter than this have no key (too many stories share them)."""
_NOT_WORD = re.compile(r"[\W_]+")


def link_key(url: str | None) -> str | None:
    """The link with what does not name the page stripped; None for a link that is not
    an http(s) URL with a host, or that points at a site's front page (feeds that link
    every entry to their home page must not fold into one story)."""
    if not url:
        return None
    parts = split_url(url.strip())
    if parts is None or parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    port = parts.port
    if port is not None and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    kept = sorted(
        pair for pair in parts.query.split("&") if pair and not _is_tracking(pair.partition("=")[0])
    )
    if not path and not kept:
        return None
    query = "?" + "&".join(kept) if kept else ""
    return f"{host}{path}{query}"


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def normalised(text: str) -> str:
    """Letters and digits only, compatibility-folded and case-folded: what two copies of
    one text keep in common whatever their spacing, punctuation or quotes."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def title_key(title: str) -> str | None:
    """A short hash of the normalised title, or None for a title too short to tell."""
    text = normalised(title)
    if len(text) < MIN_TITLE:
        return None
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def shingles(paragraphs: Sequence[str]) -> frozenset[str]:
    """The character shingles of the start of a text (normalised)."""
    sample = normalised("".join(paragraphs[:20]))[:TEXT_SAMPLE]
    return frozenset(sample[i : i + SHINGLE] for i in range(len(sample) - SHINGLE + 1))


def same_text(first: frozenset[str], second: frozenset[str]) -> bool:
    """Whether two texts (as :func:`shingles`) are near-identical: the shorter's
    shingles are nearly all in the longer one (a summary matches its full text)."""
    smaller = min(len(first), len(second))
    if smaller < MIN_SHINGLES:
        return False
    return len(first & second) >= SAME_TEXT_SHARE * smaller


@functools.lru_cache(maxsize=256)
def window_start(stored: str) -> str:
    """The oldest ``stored`` time a copy of an article stored at ``stored`` may have."""
    try:
        moment = datetime.fromisoformat(stored)
    except ValueError:
        return ""
    return (moment - timedelta(days=WINDOW_DAYS)).isoformat()


_NOW = "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')"
_COPIES_OF_NEW = (
    "SELECT copy.article_id FROM article_stories AS mine"
    " JOIN article_stories AS copy ON copy.story_id = mine.story_id"
    " AND copy.article_id != mine.article_id WHERE mine.article_id = new.id"
)


def _follow_trigger(flag: str) -> str:
    """A trigger making every copy of an article take its ``flag``. Copies on a feed
    server are queued for pushing like any change; while a sync applies the server's
    flags (when the migration 5 triggers queue nothing) this trigger queues the copies
    itself, since the server has not seen their change."""
    return f"""
CREATE TRIGGER story_{flag}_follows AFTER UPDATE OF {flag} ON articles
WHEN old.{flag} IS NOT new.{flag} BEGIN
    INSERT OR REPLACE INTO account_push (account_id, remote_id, flag, value, changed)
    SELECT items.account_id, items.remote_id, '{flag}', new.{flag}, {_NOW}
    FROM account_items AS items JOIN articles ON articles.id = items.article_id
    WHERE items.article_id IN ({_COPIES_OF_NEW})
    AND articles.{flag} IS NOT new.{flag} AND EXISTS (SELECT 1 FROM account_applying);
    UPDATE articles SET {flag} = new.{flag}
    WHERE id IN ({_COPIES_OF_NEW}) AND {flag} IS NOT new.{flag};
END;
"""


MIGRATION = (
    """
CREATE TABLE article_stories (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story_id INTEGER NOT NULL,
    link_key TEXT,
    title_key TEXT,
    stored TEXT NOT NULL
);
CREATE INDEX article_stories_by_story ON article_stories (story_id);
CREATE INDEX article_stories_by_link ON article_stories (link_key, stored)
    WHERE link_key IS NOT NULL;
CREATE INDEX article_stories_by_title ON article_stories (title_key, stored)
    WHERE title_key IS NOT NULL;
"""
    + _follow_trigger("read")
    + _follow_trigger("starred")
)
"""Migration 9: each article's story (``story_id``: the id of its first stored copy)
and keys, and the triggers that carry read and starred across copies. Articles stored
before it are linked by :meth:`~reader.core.store.stories.StoriesMixin.link_stories`
when the store opens."""
