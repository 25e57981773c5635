"""Small named values the program keeps about itself (versions, last runs)."""

from __future__ import annotations

from reader.core.store.base import StoreBase


class MetaMixin(StoreBase):
    """The ``meta`` table: one text value per key."""

    def get_meta(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as connection:
            connection.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value)
            )

    def delete_meta(self, key: str) -> None:
        with self.transaction() as connection:
            connection.execute("DELETE FROM meta WHERE key = ?", (key,))
