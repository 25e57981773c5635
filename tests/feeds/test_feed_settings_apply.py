"""Per-feed settings at work: the refresh interval, retention, the direction override
and ``reader feeds set``."""

from __future__ import annotations

import json

from pytest_httpserver import HTTPServer

from reader.config import Config, RefreshConfig
from reader.core.models import EntryData
from reader.service import ReaderService
from tests.conftest import run_reader
from tests.feeds.conftest import fast_config

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Paced</title>
<item><title>One</title><guid>1</guid><description>Body one.</description></item>
</channel></rss>"""


def test_a_feed_not_due_is_skipped_unless_all_or_named(server: HTTPServer) -> None:
    server.expect_request("/paced.xml").respond_with_data(FEED, content_type="application/rss+xml")
    service = ReaderService(config=fast_config())
    feed, _created = service.store.add_feed(server.url_for("/paced.xml"))
    other, _created = service.store.add_feed(server.url_for("/missing.xml"))
    service.set_feed_settings(str(feed.id), ["refresh_minutes=60"])
    first = service.refresh()
    assert [r.not_due for r in first] == [None, None]
    assert next(r for r in first if r.feed_id == feed.id).new == 1
    second = service.refresh()
    paced = next(r for r in second if r.feed_id == feed.id)
    assert paced.skipped and paced.not_due and paced.error is None
    assert next(r for r in second if r.feed_id == other.id).error  # the other is tried again
    assert "1 not due" in second.summary() and "backing off" not in second.summary()
    requests = len([r for r, _ in server.log if r.path == "/paced.xml"])
    assert requests == 1
    forced = service.refresh(all_feeds=True)
    assert not next(r for r in forced if r.feed_id == feed.id).skipped
    assert not service.refresh(str(feed.id))[0].skipped
    assert len([r for r, _ in server.log if r.path == "/paced.xml"]) == 3
    service.close()


def _old_read_entries(service: ReaderService, feed_id: int) -> None:
    service.store.upsert_entries(
        feed_id,
        [
            EntryData(
                guid="old", title="old", paragraphs=["x"], published="2001-01-01T00:00:00+00:00"
            )
        ],
    )
    service.set_read([a.id for a in service.list_articles() if a.feed_id == feed_id])


def test_a_feeds_own_retention_overrides_the_global_one() -> None:
    service = ReaderService(config=Config(refresh=RefreshConfig(retention_days=30)))
    short, _ = service.store.add_feed("http://127.0.0.1:9/short", "short")
    kept, _ = service.store.add_feed("http://127.0.0.1:9/kept", "kept")
    plain, _ = service.store.add_feed("http://127.0.0.1:9/plain", "plain")
    for feed in (short, kept, plain):
        _old_read_entries(service, feed.id)
    service.set_feed_settings("short", ["retention_days=10"])
    service.set_feed_settings("kept", ["retention_days=0"])
    assert service.retention() == 2
    assert {a.feed_id for a in service.list_articles()} == {kept.id}
    service.close()
    everything = ReaderService()  # global 0 keeps everything, a feed's own days still apply
    _old_read_entries(everything, plain.id)
    _old_read_entries(everything, short.id)
    assert everything.retention() == 1
    assert {a.feed_id for a in everything.list_articles()} == {plain.id, kept.id}
    everything.close()


def test_the_feeds_direction_decides_an_articles_direction_and_language() -> None:
    service = ReaderService()
    feed, _ = service.store.add_feed("http://127.0.0.1:9/english-edition", "Hani English")
    service.store.upsert_entries(
        feed.id,
        [EntryData(guid="1", title="Seoul talks", paragraphs=["The minister met the envoy."])],
    )
    article = service.article(service.list_articles()[0].id)
    assert service.direction_for(article) == ("en", "ko")
    assert service.article_language(article) == "en"
    service.set_feed_settings("Hani English", ["direction=ko-en"])
    assert service.direction_for(article) == ("ko", "en")
    assert service.article_language(article) == "ko"
    assert service.direction_for(article, "en") == ("en", "ko")  # a forced side still wins
    service.close()


def test_feeds_set_on_the_command_line(server: HTTPServer) -> None:
    server.expect_request("/paced.xml").respond_with_data(FEED, content_type="application/rss+xml")
    assert run_reader("add", server.url_for("/paced.xml"), "--folder", "news").returncode == 0
    done = run_reader("feeds", "set", "Paced", "full_text=auto", "refresh_minutes=30")
    assert done.returncode == 0, done.stderr
    assert "full_text=auto" in done.stdout and "refresh_minutes=30" in done.stdout
    [listed] = json.loads(run_reader("feeds", "--json").stdout)
    assert listed["folder"] == "news"
    assert listed["settings"] == {
        "full_text": "auto",
        "translate": "off",
        "direction": "auto",
        "refresh_minutes": 30,
        "retention_days": None,
    }
    assert "news/Paced" in run_reader("feeds").stdout
    bad = run_reader("feeds", "set", "Paced", "full_text=sometimes")
    assert bad.returncode == 1
    assert bad.stderr.strip() == "reader: full_text must be off or auto, not 'sometimes'"
    refreshed = run_reader("refresh")
    assert "not due until" in refreshed.stdout and "1 not due" in refreshed.stdout
