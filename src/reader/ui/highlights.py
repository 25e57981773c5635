"""Where a term's highlight comes from: the glossary's terms found in an article, and
the colour level of each learning status.

The article screen and the main screen's preview both mark terms this way; the
bilingual view only draws the term marks (:class:`~reader.ui.widgets.paragraphs.TermMark`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.ui.widgets.paragraphs import TermMark

if TYPE_CHECKING:
    from reader.core.models import Article
    from reader.core.terms import TermMatch
    from reader.service import ReaderService

STATUS_LEVELS = {"1": 1, "2": 2, "3": 2, "4": 3, "5": 3}
"""Highlight level (``$reader-term-1..3``) of each learning status: new, learning,
almost known. Known and ignored terms are not marked."""


def find_terms(service: ReaderService, article: Article, lang: str) -> list[list[TermMatch]]:
    """The glossary's terms in each paragraph of an article (call from a worker thread;
    the service's analyser keeps kiwipiepy out of this process)."""
    return service.article_term_matches(article, lang)


def term_levels(matches: list[list[TermMatch]]) -> dict[int, list[TermMark]]:
    """What :meth:`BilingualView.set_terms` takes: the marks of each paragraph."""
    return {
        paragraph: [
            TermMark(match.start, match.end, STATUS_LEVELS[match.status], match.term_id)
            for match in found
            if match.status in STATUS_LEVELS
        ]
        for paragraph, found in enumerate(matches)
    }
