"""Full-text search over article titles and bodies."""

from __future__ import annotations

from reader.core.models import ArticleSummary
from reader.core.store.articles import SUMMARY_COLUMNS, article_summary
from reader.core.store.base import StoreBase
from reader.core.store.sql import like_containing
from reader.core.store.stories import STORY_JOIN, first_copy_only, with_sources
from reader.core.text import clean_line


class SearchMixin(StoreBase):
    """Substring search in any script: the trigram index, or LIKE for short queries."""

    def search(self, text: str, limit: int = 100) -> list[ArticleSummary]:
        """Articles whose title or body contains ``text`` (substring, any script).

        The trigram index answers queries of three or more characters; shorter ones
        (most Korean words are two syllables) fall back to LIKE over the same table.
        A story carried by several feeds is found once.
        """
        # Stored text went through clean_line (NFC, controls and invisible characters
        # out, spaces collapsed); a query typed or pasted in decomposed Hangul (NFD,
        # as macOS file names and some input methods give it) must be too.
        text = clean_line(text)
        if not text:
            return []
        if len(text) >= 3:
            phrase = '"' + text.replace('"', '""') + '"'
            condition, params = "articles_fts MATCH ?", [phrase]
        else:
            pattern = like_containing(text)
            condition = (
                "(articles_fts.title LIKE ? ESCAPE '\\' OR articles_fts.body LIKE ? ESCAPE '\\')"
            )
            params = [pattern, pattern]
        matching = (
            " FROM articles_fts JOIN articles ON articles.id = articles_fts.rowid"
            " LEFT JOIN feeds ON feeds.id = articles.feed_id"
        )
        sql = (
            f"SELECT {SUMMARY_COLUMNS}{matching}{STORY_JOIN}"
            f" WHERE {first_copy_only(matching, condition)}"
            " ORDER BY coalesce(articles.published, articles.fetched) DESC LIMIT ?"
        )
        found = [article_summary(row) for row in self.query(sql, [*params, *params, limit])]
        return with_sources(self.connection, found)
