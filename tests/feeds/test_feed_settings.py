"""Per-feed settings: the assignments' validation, their storage and migration 8."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.core.feed_settings import FeedSettingError, FeedSettings, parse_assignments
from reader.core.models import FeedKind
from reader.core.store import MIGRATIONS, SCHEMA_VERSION, Store
from reader.service import ReaderService, ServiceError

VALID = [
    (["full_text=auto"], FeedSettings(full_text="auto")),
    (["full_text=OFF"], FeedSettings()),
    (["translate=auto"], FeedSettings(translate="auto")),
    (["direction=en-ko"], FeedSettings(direction="en-ko")),
    (["direction=ko→en"], FeedSettings(direction="ko-en")),
    (["direction=auto"], FeedSettings()),
    (["refresh_minutes=90"], FeedSettings(refresh_minutes=90)),
    (["refresh-minutes=global"], FeedSettings()),
    (["retention_days=0"], FeedSettings(retention_days=0)),
    (["retention_days=30", "full_text=auto"], FeedSettings(full_text="auto", retention_days=30)),
]


@pytest.mark.parametrize(("assignments", "expected"), VALID)
def test_valid_assignments(assignments: list[str], expected: FeedSettings) -> None:
    assert parse_assignments(assignments, FeedSettings()).settings == expected


INVALID = [
    (["colour=red"], "unknown setting 'colour' (known: title, folder, full_text"),
    (["full_text"], "expected key=value, not 'full_text'"),
    (["=auto"], "expected key=value"),
    (["full_text=yes"], "full_text must be off or auto, not 'yes'"),
    (["translate=always"], "translate must be off or auto, not 'always'"),
    (["direction=ko-ja"], "direction must be auto or ko-en or en-ko, not 'ko-ja'"),
    (["refresh_minutes=0"], "refresh_minutes must be a whole number from 1 to 43200, or global"),
    (["refresh_minutes=1.5"], "refresh_minutes must be a whole number"),
    (["refresh_minutes=٣"], "refresh_minutes must be a whole number"),
    (["retention_days=-1"], "retention_days must be a whole number from 0 to 36500"),
    (["title="], "title cannot be empty"),
    (["title=" + "x" * 301], "title is too long (301 characters; at most 300)"),
    (["full_text=auto", "full_text=off"], "full_text is given twice"),
    ([], "give one or more key=value"),
]


@pytest.mark.parametrize(("assignments", "message"), INVALID)
def test_invalid_assignments_say_why_in_one_line(assignments: list[str], message: str) -> None:
    with pytest.raises(FeedSettingError) as raised:
        parse_assignments(assignments, FeedSettings())
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_title_and_folder_of_an_account_feed_are_the_servers() -> None:
    with pytest.raises(FeedSettingError, match="server's"):
        parse_assignments(["folder=x"], FeedSettings(), from_server=True)
    changes = parse_assignments(["full_text=auto"], FeedSettings(), from_server=True)
    assert changes.settings.full_text == "auto"


def test_settings_are_stored_all_or_none_and_found_by_title() -> None:
    service = ReaderService()
    feed, _created = service.store.add_feed("http://127.0.0.1:9/feed", "한겨레 English")
    changed = service.set_feed_settings(
        "한겨레 english", ["direction=ko-en", "full_text=auto", "folder=news/ko", "title=Hani"]
    )
    assert (changed.title, changed.folder) == ("Hani", "news/ko")
    assert changed.settings == FeedSettings(full_text="auto", direction="ko-en")
    with pytest.raises(ServiceError, match="retention_days must be"):
        service.set_feed_settings(str(feed.id), ["translate=auto", "retention_days=x"])
    again = service.store.feed(feed.id)
    assert again is not None and again.settings.translate == "off"
    cleared = service.set_feed_settings(feed.url, ["folder=", "direction=auto"])
    assert cleared.folder is None and cleared.settings == FeedSettings(full_text="auto")
    with pytest.raises(ServiceError, match="no feed 'nope'"):
        service.set_feed_settings("nope", ["full_text=auto"])
    service.close()


def test_two_feeds_with_one_title_need_the_id() -> None:
    service = ReaderService()
    service.store.add_feed("http://127.0.0.1:9/a", "Same")
    service.store.add_feed("http://127.0.0.1:9/b", "Same")
    with pytest.raises(ServiceError, match="2 feeds are titled 'Same': give the id"):
        service.set_feed_settings("Same", ["full_text=auto"])
    local = service.store.ensure_collection(FeedKind.LOCAL)
    with pytest.raises(ServiceError, match="built-in collection"):
        service.set_feed_settings(str(local.id), ["full_text=auto"])
    service.close()


def test_migration_8_from_a_v7_database_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    connection = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:7], start=1):
        connection.executescript(script)
        connection.execute(f"PRAGMA user_version = {number}")
    connection.executescript(
        """
        INSERT INTO feeds (id, url, title, folder, kind, etag, failure_count, created)
            VALUES (1, 'http://x/f', 'X', 'news', 'feed', '"e1"', 1, 'now');
        INSERT INTO articles (id, feed_id, guid, title, fetched, content, read, starred)
            VALUES (1, 1, 'g', '실용외교', 'now', '["본문"]', 1, 1);
        INSERT INTO terms (lang, text, lemma, created, updated)
            VALUES ('ko', '외교', '외교', 'now', 'now');
        INSERT INTO user_translations (source_lang, target_lang, source_hash, source, target,
            kind, created) VALUES ('ko', 'en', 'h', '고양이', 'cat', 'edit', 'now');
        """
    )
    connection.commit()
    connection.close()

    store = Store(path)

    assert store.schema_version() == SCHEMA_VERSION >= 8
    assert path.with_name("old.sqlite3.v7.bak").exists()
    feed = store.feed(1)
    assert feed is not None
    assert (feed.title, feed.folder, feed.etag, feed.failure_count) == ("X", "news", '"e1"', 1)
    assert feed.settings == FeedSettings()
    article = store.article(1)
    assert article is not None and (article.title, article.read, article.starred) == (
        "실용외교",
        True,
        True,
    )
    assert store.query("SELECT text FROM terms")[0][0] == "외교"
    assert store.query("SELECT target FROM user_translations")[0][0] == "cat"
    store.set_feed_settings(1, FeedSettings(full_text="auto", refresh_minutes=30))
    reread = store.feed(1)
    assert reread is not None and reread.settings.refresh_minutes == 30
    store.close()
