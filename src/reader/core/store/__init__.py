"""SQLite storage: schema, numbered migrations and queries, one module per concern.

One connection per thread (SQLite connections must not be shared across threads
without a lock, and Textual workers run in threads). WAL lets readers and one
writer work at once, ``busy_timeout`` makes a second process wait instead of
failing, and every write runs in ``BEGIN IMMEDIATE`` so that two writers never
deadlock upgrading a read lock. A writer that holds the database longer than the
busy timeout (indexing a 10 MB article for search takes seconds) does not make
another writer fail either: :meth:`Store.transaction` tries again until
:data:`WRITE_WAIT_SECONDS` have passed, and logs the wait.

:class:`Store` is assembled from one mixin per concern, each over :class:`StoreBase`
(connections and transactions): :mod:`~.feeds`, :mod:`~.articles` (with retention),
:mod:`~.search`, :mod:`~.translations` (the cache), :mod:`~.meta`, :mod:`~.terms`,
:mod:`~.vocabulary` and :mod:`~.stories` (copies of one story); :mod:`~.schema` holds
the migrations and :mod:`~.migrations` applies them; :mod:`~.sql` and :mod:`~.errors` are shared helpers.
"""

from __future__ import annotations

from pathlib import Path

from reader.core.store.articles import SEARCH_SEPARATOR as SEARCH_SEPARATOR
from reader.core.store.articles import ArticlesMixin
from reader.core.store.base import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS
from reader.core.store.base import WRITE_WAIT_SECONDS as WRITE_WAIT_SECONDS
from reader.core.store.base import StoreBase as StoreBase
from reader.core.store.errors import LOW_SPACE_BYTES as LOW_SPACE_BYTES
from reader.core.store.errors import DiskFullError as DiskFullError
from reader.core.store.errors import StoreError as StoreError
from reader.core.store.errors import is_disk_full as is_disk_full
from reader.core.store.feeds import FeedsMixin
from reader.core.store.meta import MetaMixin
from reader.core.store.migrations import MigrationsMixin
from reader.core.store.schema import MIGRATIONS as MIGRATIONS
from reader.core.store.schema import SCHEMA_VERSION as SCHEMA_VERSION
from reader.core.store.search import SearchMixin
from reader.core.store.sql import SQL_VARIABLES_PER_QUERY as SQL_VARIABLES_PER_QUERY
from reader.core.store.sql import utc_now as utc_now
from reader.core.store.stories import StoriesMixin
from reader.core.store.terms import TermsMixin
from reader.core.store.translations import TranslationCacheMixin
from reader.core.store.vocabulary import VocabularyMixin


class Store(
    FeedsMixin,
    ArticlesMixin,
    SearchMixin,
    TranslationCacheMixin,
    MetaMixin,
    TermsMixin,
    VocabularyMixin,
    StoriesMixin,
    MigrationsMixin,
    StoreBase,
):
    """The reader database. Safe to use from several threads and processes.

    Opening it checks the file, then brings the schema up to date (raises
    :class:`StoreError` for a file that is not a reader database, a damaged one or
    one written by a newer reader).
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._migrate()
        self.link_stories()
