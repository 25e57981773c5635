"""Term values: statuses, tags, and merging two records of the same term."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from reader.core.models import TERM_STATUSES, Term

KNOWN_STATUSES = frozenset({"known", "ignored"})


def normalize_status(status: str | None) -> str:
    """``1``–``5``, ``known`` or ``ignored`` (``K``/``I`` and Lute's 99/98 accepted);
    ValueError otherwise."""
    value = (status or "1").strip().lower()
    value = {"k": "known", "i": "ignored", "99": "known", "98": "ignored"}.get(value, value)
    if value not in TERM_STATUSES:
        raise ValueError(f"unknown status {status!r}; use 1-5, known or ignored")
    return value


def normalize_tags(tags: Iterable[str]) -> list[str]:
    """Tags without spaces (Anki cannot store them), deduplicated, order kept."""
    cleaned = (re.sub(r"\s+", "_", unicodedata.normalize("NFC", tag).strip()) for tag in tags)
    return list(dict.fromkeys(tag for tag in cleaned if tag))


def _merge_text(old: str, new: str, separator: str) -> str:
    if not new or new == old:
        return old
    if not old:
        return new
    if new in old.split(separator):
        return old
    return old + separator + new


def merge_terms(existing: Term, incoming: Term, incoming_status: bool = True) -> Term:
    """One term from two records of the same lemma: glosses and notes combined, tags
    united, the earliest creation time kept, the incoming status taken if given."""
    return Term(
        id=existing.id,
        lang=existing.lang,
        text=existing.text,
        lemma=existing.lemma,
        gloss=_merge_text(existing.gloss, incoming.gloss, "; "),
        note=_merge_text(existing.note, incoming.note, "\n"),
        status=incoming.status if incoming_status else existing.status,
        tags=normalize_tags([*existing.tags, *incoming.tags]),
        sentence=existing.sentence or incoming.sentence,
        sentence_translation=existing.sentence_translation or incoming.sentence_translation,
        article_id=existing.article_id if existing.article_id is not None else incoming.article_id,
        created=min(filter(None, (existing.created, incoming.created)), default=existing.created),
        updated=existing.updated,
        pattern=existing.pattern or incoming.pattern,
    )
