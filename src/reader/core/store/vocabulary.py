"""Article vocabularies: each analysed article's words and phrases with counts, for
suggestions (document frequencies) and difficulty (known-word shares)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reader.core.store.base import StoreBase
from reader.core.store.sql import in_chunks, utc_now


class VocabularyMixin(StoreBase):
    """Replacing and querying the words of analysed articles."""

    def vocab_hash(self, article_id: int) -> str | None:
        rows = self.query(
            "SELECT content_hash FROM article_vocab WHERE article_id = ?", (article_id,)
        )
        return str(rows[0][0]) if rows else None

    def replace_vocab(
        self,
        article_id: int,
        lang: str,
        content_hash: str,
        words: Mapping[str, int],
        phrases: Mapping[str, int],
        others: Mapping[str, int] | None = None,
    ) -> None:
        """Store an article's content words ('w'), other words ('k') and candidate
        phrases ('p'), replacing older ones."""
        with self.transaction() as connection:
            connection.execute("DELETE FROM article_vocab WHERE article_id = ?", (article_id,))
            connection.execute(
                "INSERT INTO article_vocab VALUES (?, ?, ?, ?)",
                (article_id, lang, content_hash, utc_now()),
            )
            connection.executemany(
                "INSERT INTO article_words VALUES (?, ?, ?, ?)",
                [(article_id, "w", key, count) for key, count in words.items()]
                + [(article_id, "k", key, count) for key, count in (others or {}).items()]
                + [(article_id, "p", key, count) for key, count in phrases.items()],
            )

    def document_frequencies(self, lang: str, kind: str, keys: Sequence[str]) -> dict[str, int]:
        """How many analysed articles of ``lang`` contain each key."""
        found: dict[str, int] = {}
        for chunk, marks in in_chunks(keys):
            rows = self.query(
                "SELECT key, count(*) FROM article_words"
                " JOIN article_vocab USING (article_id)"
                f" WHERE kind = ? AND lang = ? AND key IN ({marks}) GROUP BY key",
                [kind, lang, *chunk],
            )
            found.update((row[0], int(row[1])) for row in rows)
        return found

    def vocab_documents(self, lang: str) -> int:
        return int(self.query("SELECT count(*) FROM article_vocab WHERE lang = ?", (lang,))[0][0])

    def articles_without_vocab(self, version: str, limit: int | None = None) -> list[int]:
        """Ids of articles without a vocabulary of this analyser ``version`` (content
        hashes start with ``version:``), newest first."""
        rows = self.query(
            "SELECT id FROM articles WHERE id NOT IN"
            " (SELECT article_id FROM article_vocab WHERE substr(content_hash, 1, ?) = ?)"
            " ORDER BY coalesce(published, fetched) DESC, id DESC LIMIT ?",
            (len(version) + 1, version + ":", -1 if limit is None else limit),
        )
        return [int(row[0]) for row in rows]

    def articles_with_words(self, lang: str, keys: Sequence[str], limit: int = 200) -> list[int]:
        """Analysed articles whose words include all ``keys`` (kinds 'w' and 'k'), newest first."""
        distinct = sorted(set(keys))
        if not distinct:
            return []
        marks = ",".join("?" * len(distinct))
        rows = self.query(
            "SELECT w.article_id FROM article_words w JOIN article_vocab v USING (article_id)"
            f" WHERE v.lang = ? AND w.kind IN ('w', 'k') AND w.key IN ({marks})"
            " GROUP BY w.article_id HAVING count(DISTINCT w.key) = ?"
            " ORDER BY w.article_id DESC LIMIT ?",
            [lang, *distinct, len(distinct), limit],
        )
        return [int(row[0]) for row in rows]

    def term_article_counts(self) -> dict[int, int]:
        """For each term, how many analysed articles contain it as a word or noun phrase
        (other multi-word terms are not counted)."""
        rows = self.query(
            "SELECT t.id, count(DISTINCT w.article_id) FROM terms t"
            " JOIN article_words w ON w.key = t.pattern AND w.kind IN ('w', 'k', 'p')"
            " JOIN article_vocab v ON v.article_id = w.article_id AND v.lang = t.lang"
            " GROUP BY t.id"
        )
        return {int(row[0]): int(row[1]) for row in rows}

    def known_word_counts(self, article_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """For analysed articles: (distinct content words, of which known or ignored)."""
        found: dict[int, tuple[int, int]] = {}
        for chunk, marks in in_chunks(article_ids):
            rows = self.query(
                "SELECT v.article_id, count(w.key), coalesce(sum(EXISTS ("
                "    SELECT 1 FROM terms t WHERE t.lang = v.lang AND t.pattern = w.key"
                "    AND t.status IN ('known', 'ignored'))), 0)"
                " FROM article_vocab v LEFT JOIN article_words w"
                "   ON w.article_id = v.article_id AND w.kind = 'w'"
                f" WHERE v.article_id IN ({marks}) GROUP BY v.article_id",
                chunk,
            )
            found.update((int(row[0]), (int(row[1]), int(row[2]))) for row in rows)
        return found
