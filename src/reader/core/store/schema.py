"""The database schema, as numbered migrations.

Migrations are applied in order by :class:`~reader.core.store.migrations.MigrationsMixin`;
migration N brings a database to ``user_version`` N.
"""

from __future__ import annotations

from reader.core import feed_settings, query_store, translation_records

# Never edit a released migration: add a new one.
_MIGRATION_1 = """
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'feed',
    site_url TEXT,
    folder TEXT,
    etag TEXT,
    last_modified TEXT,
    last_checked TEXT,
    last_status INTEGER,
    last_error TEXT,
    failure_count INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL
);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
    guid TEXT NOT NULL,
    url TEXT,
    title TEXT NOT NULL DEFAULT '',
    author TEXT,
    published TEXT,
    updated TEXT,
    fetched TEXT NOT NULL,
    language TEXT,
    content TEXT NOT NULL DEFAULT '[]',
    summary_only INTEGER NOT NULL DEFAULT 0,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    feed_title TEXT NOT NULL DEFAULT '',
    UNIQUE (feed_id, guid)
);
CREATE INDEX articles_by_date ON articles (coalesce(published, fetched) DESC);
CREATE INDEX articles_unread ON articles (read, feed_id);

CREATE VIRTUAL TABLE articles_fts USING fts5 (title, body, tokenize = 'trigram');

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, body)
    VALUES (new.id, new.title,
            (SELECT group_concat(value, char(10)) FROM json_each(new.content)));
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.id;
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, content ON articles BEGIN
    UPDATE articles_fts
    SET title = new.title,
        body = (SELECT group_concat(value, char(10)) FROM json_each(new.content))
    WHERE rowid = new.id;
END;

CREATE TABLE translations (
    model TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    options TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    target TEXT NOT NULL,
    created TEXT NOT NULL,
    PRIMARY KEY (model, source_lang, target_lang, options, source_hash)
) WITHOUT ROWID;

CREATE TABLE terms (
    id INTEGER PRIMARY KEY,
    lang TEXT NOT NULL,
    text TEXT NOT NULL,
    lemma TEXT NOT NULL,
    gloss TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '1',
    tags TEXT NOT NULL DEFAULT '[]',
    sentence TEXT NOT NULL DEFAULT '',
    sentence_translation TEXT NOT NULL DEFAULT '',
    article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    UNIQUE (lang, lemma)
);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# Terms: the match pattern of each term (see reader.core.terms) and, per analysed
# article, its distinct content words ('w') and candidate phrases ('p') with counts,
# for document frequencies (suggestions) and difficulty.
_MIGRATION_2 = """
ALTER TABLE terms ADD COLUMN pattern TEXT NOT NULL DEFAULT '';
CREATE INDEX terms_by_pattern ON terms (lang, pattern);

CREATE TABLE article_vocab (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    analysed TEXT NOT NULL
);

CREATE TABLE article_words (
    article_id INTEGER NOT NULL REFERENCES article_vocab(article_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (article_id, kind, key)
) WITHOUT ROWID;
CREATE INDEX article_words_by_key ON article_words (kind, key);
"""

# An article whose text changes loses its vocabulary, so that the background
# analysis (articles without one) picks it up again.
_MIGRATION_3 = """
CREATE TRIGGER article_vocab_stale AFTER UPDATE OF title, content ON articles BEGIN
    DELETE FROM article_vocab WHERE article_id = new.id;
END;
"""

# New articles are indexed for search by Store.upsert_entries itself, in one batch per
# feed: the same insert made by a trigger cost 2.5 times as much (FTS5 work per
# trigger firing), and it was most of the time a refresh spent writing.
_MIGRATION_4 = """
DROP TRIGGER articles_fts_insert;
"""

# Feed-server accounts (issue 16): each account's feeds (feeds.kind 'account'), the
# server id of each of its articles with the flags the server last reported, and the
# push queue of local flag changes. The triggers queue every change of read/starred on
# a server article in the transaction that makes it, whatever code path made it; a
# sync applying the server's flags marks itself in account_applying (inside its own
# transaction, so no other connection ever sees the mark) and is not queued.
_MIGRATION_5 = """
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    url TEXT NOT NULL,
    username TEXT NOT NULL,
    key_store TEXT NOT NULL,
    since_id INTEGER NOT NULL DEFAULT 0,
    last_sync TEXT,
    last_error TEXT,
    created TEXT NOT NULL
);

CREATE TABLE account_feeds (
    feed_id INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    remote_id INTEGER NOT NULL,
    UNIQUE (account_id, remote_id)
);

CREATE TABLE account_items (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    remote_id INTEGER NOT NULL,
    server_read INTEGER NOT NULL DEFAULT 0,
    server_starred INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, remote_id)
);

CREATE TABLE account_push (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    remote_id INTEGER NOT NULL,
    flag TEXT NOT NULL,
    value INTEGER NOT NULL,
    changed TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    PRIMARY KEY (account_id, remote_id, flag)
) WITHOUT ROWID;

CREATE TABLE account_applying (account_id INTEGER PRIMARY KEY);

CREATE TRIGGER account_push_read AFTER UPDATE OF read ON articles
WHEN old.read IS NOT new.read AND NOT EXISTS (SELECT 1 FROM account_applying) BEGIN
    INSERT OR REPLACE INTO account_push (account_id, remote_id, flag, value, changed)
    SELECT account_id, remote_id, 'read', new.read, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
    FROM account_items WHERE article_id = new.id;
END;

CREATE TRIGGER account_push_starred AFTER UPDATE OF starred ON articles
WHEN old.starred IS NOT new.starred AND NOT EXISTS (SELECT 1 FROM account_applying) BEGIN
    INSERT OR REPLACE INTO account_push (account_id, remote_id, flag, value, changed)
    SELECT account_id, remote_id, 'starred', new.starred,
           strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
    FROM account_items WHERE article_id = new.id;
END;
"""

# Per-article statistics (words, content words, known ones), sentence hashes and saved
# searches, for the query language (issue 14): the SQL is in reader.core.query_store.
_MIGRATION_6 = query_store.MIGRATION

# Translation details, "keep as is" terms and the reader's own translations, for the
# glossary steering (issue 12): the SQL is in reader.core.translation_records.
_MIGRATION_7 = translation_records.MIGRATION

# Per-feed settings (issue 14): full text, translation, direction override, refresh
# interval and retention of each feed: the SQL is in reader.core.feed_settings.
_MIGRATION_8 = feed_settings.MIGRATION

MIGRATIONS: list[str] = [
    _MIGRATION_1,
    _MIGRATION_2,
    _MIGRATION_3,
    _MIGRATION_4,
    _MIGRATION_5,
    _MIGRATION_6,
    _MIGRATION_7,
    _MIGRATION_8,
]
SCHEMA_VERSION = len(MIGRATIONS)
