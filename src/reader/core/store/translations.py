"""The translation cache: targets by model, direction, options and source hash."""

from __future__ import annotations

from collections.abc import Sequence

from reader.core.store.base import StoreBase
from reader.core.store.sql import escape_like, in_chunks, utc_now


class TranslationCacheMixin(StoreBase):
    """Cached translations, looked up in chunks and dropped per model."""

    def cached_translations(
        self, model: str, source_lang: str, target_lang: str, options: str, hashes: Sequence[str]
    ) -> dict[str, str]:
        """Cached targets for the given source hashes (missing ones are absent)."""
        found: dict[str, str] = {}
        for chunk, marks in in_chunks(hashes):
            rows = self.query(
                "SELECT source_hash, target FROM translations WHERE model = ? AND source_lang = ?"
                f" AND target_lang = ? AND options = ? AND source_hash IN ({marks})",
                [model, source_lang, target_lang, options, *chunk],
            )
            found.update((row[0], row[1]) for row in rows)
        return found

    def cache_translations(
        self, model: str, source_lang: str, target_lang: str, options: str, pairs: dict[str, str]
    ) -> None:
        now = utc_now()
        with self.transaction() as connection:
            connection.executemany(
                "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(model, source_lang, target_lang, options, h, t, now) for h, t in pairs.items()],
            )

    def drop_translations(self, model_prefix: str) -> int:
        """Invalidate the cache of one model (all its versions share the prefix)."""
        with self.transaction() as connection:
            cursor = connection.execute(
                "DELETE FROM translations WHERE model = ? OR model LIKE ? ESCAPE '\\'",
                (model_prefix, escape_like(model_prefix) + "@%"),
            )
        return cursor.rowcount
