"""The query language against a real store file: known articles, a glossary, the real
analyser; and the per-article statistics the triggers keep, checked against the
join the store computes difficulty with."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core import query_store
from reader.core.models import EntryData
from reader.core.store import MIGRATIONS, SCHEMA_VERSION, Store
from reader.service import ReaderService, ServiceError

DIPLOMACY = ["정부는 실용 외교를 내세웠다. 외교부는 정상회담을 준비하고 있다."]
ECONOMY = ["경제 성장률이 둔화됐다고 정부가 발표했다."]
SUMMIT = ["The summit talks were about trade and diplomacy."]
LONG_EN = ["Trade " + "grows " * 40 + "today."]

ARTICLES = {
    # guid: (feed, title, paragraphs, language, published)
    "ko-diplomacy": ("hani", "외교 기사", DIPLOMACY, "ko", "2026-11-02T09:00:00+00:00"),
    "ko-economy": ("hani", "경제 소식", ECONOMY, "ko", "2026-10-15T09:00:00+00:00"),
    "en-summit": ("herald", "Summit talks", SUMMIT, "en", "2026-11-05T09:00:00+00:00"),
    "en-long": ("herald", "Trade grows", LONG_EN, "en-US", "2026-09-01T09:00:00+00:00"),
}


@pytest.fixture
def library() -> Iterator[tuple[ReaderService, dict[str, int]]]:
    """Two feeds (one in the folder News), four analysed articles, a small glossary."""
    service = ReaderService()
    hani, _ = service.store.add_feed("https://www.hani.co.kr/rss", "한겨레", folder="News")
    herald, _ = service.store.add_feed(
        "https://koreaherald.example/rss", "The Korea Herald", folder="news_en/Herald"
    )
    feeds = {"hani": hani.id, "herald": herald.id}
    for guid, (feed, title, paragraphs, language, published) in ARTICLES.items():
        service.store.upsert_entries(
            feeds[feed],
            [EntryData(guid, title, paragraphs, language=language, published=published)],
        )
    found = {
        guid: service.store.article_id_by_guid(feeds[feed], guid)
        for guid, (feed, *_rest) in ARTICLES.items()
    }
    ids = {guid: article_id for guid, article_id in found.items() if article_id is not None}
    assert len(ids) == len(found)
    assert service.index_vocabulary() == 4
    service.set_read([ids["ko-economy"]], True)
    service.set_starred([ids["ko-economy"], ids["en-summit"]], True)
    service.add_term("외교", gloss="diplomacy", status="3")
    service.add_term("정부", gloss="government", status="known")
    service.add_term("발표하다", gloss="to announce", status="ignored")
    service.add_term("summit", gloss="정상회담", status="1")
    service.add_term("trade", gloss="무역", status="known")
    yield service, {guid: article_id for guid, article_id in ids.items() if article_id}
    service.close()


RESULTS: list[tuple[str, set[str]]] = [
    ("unread", {"ko-diplomacy", "en-summit", "en-long"}),
    ("starred", {"ko-economy", "en-summit"}),
    ("not starred", {"ko-diplomacy", "en-long"}),
    ("feed:hani", {"ko-diplomacy", "ko-economy"}),
    ("feed:HERALD", {"en-summit", "en-long"}),
    ("feed:한겨레", {"ko-diplomacy", "ko-economy"}),
    ("folder:news", {"ko-diplomacy", "ko-economy"}),
    ("not folder:news", {"en-summit", "en-long"}),
    ("folder:news_en", {"en-summit", "en-long"}),  # and the folders inside it
    ("folder:news_en/herald", {"en-summit", "en-long"}),
    ("folder:news_", set()),
    ("folder:herald", set()),
    ("lang:ko", {"ko-diplomacy", "ko-economy"}),
    ("lang:en", {"en-summit", "en-long"}),
    ("after:2026-11-01", {"ko-diplomacy", "en-summit"}),
    ("before:2026-10-15", {"en-long"}),
    ("after:2026-10-01 before:2026-11-03", {"ko-diplomacy", "ko-economy"}),
    ("title:기사", {"ko-diplomacy"}),
    ("title:talks", {"en-summit"}),
    ("외교", {"ko-diplomacy"}),
    ("정부", {"ko-diplomacy", "ko-economy"}),
    ("정상회담", {"ko-diplomacy"}),
    ('"실용 외교"', {"ko-diplomacy"}),
    ("diplomacy", {"en-summit"}),
    ("경제 or summit", {"ko-economy", "en-summit"}),
    ("has:외교", {"ko-diplomacy"}),
    ("has:summit", {"en-summit"}),
    ("has:Summit", {"en-summit"}),
    ("has:trade", {"en-summit", "en-long"}),
    ("has:없는말", set()),
    ("has:발표하다", {"ko-economy"}),
    ("status:learning", {"ko-diplomacy", "en-summit"}),
    ("status:1", {"en-summit"}),
    ("status:ignored", {"ko-economy"}),
    ("status:known and not status:learning", {"ko-economy", "en-long"}),
    ("known>=50%", {"en-long"}),
    ("known=25", {"en-summit"}),
    ("known>20%", {"en-summit", "en-long"}),
    ("known<20%", {"ko-diplomacy", "ko-economy"}),
    ("unknown<3", {"en-long"}),
    ("unknown>=5", {"ko-diplomacy", "ko-economy"}),
    ("unknown=3", {"en-summit"}),
    ("words<10", {"ko-diplomacy", "ko-economy", "en-summit"}),
    ("words>40", {"en-long"}),
    ("unread and (feed:hani or has:summit)", {"ko-diplomacy", "en-summit"}),
    ("not (unread or starred)", set()),
    ("translated", set()),
]


@pytest.mark.parametrize(("query", "expected"), RESULTS, ids=[q for q, _ in RESULTS])
def test_query_results(
    library: tuple[ReaderService, dict[str, int]], query: str, expected: set[str]
) -> None:
    service, ids = library
    found = {guid for guid, article_id in ids.items() if article_id in _ids(service, query)}
    assert found == expected
    assert service.count_query(query) == len(expected)


def _ids(service: ReaderService, query: str) -> list[int]:
    return [summary.id for summary in service.query_articles(query)]


def test_known_share_matches_the_difficulty(library: tuple[ReaderService, dict[str, int]]) -> None:
    service, ids = library
    difficulties = service.article_difficulties(list(ids.values()))
    for article_id, difficulty in difficulties.items():
        share = round(difficulty.known_share * 100, 6)
        assert article_id in _ids(service, f"known>={share - 0.001}")
        assert article_id not in _ids(service, f"known>{share + 0.001}")


def test_results_are_newest_first_and_combine_with_list_filters(
    library: tuple[ReaderService, dict[str, int]],
) -> None:
    service, ids = library
    assert _ids(service, "lang:ko or lang:en") == [
        ids["en-summit"],
        ids["ko-diplomacy"],
        ids["ko-economy"],
        ids["en-long"],
    ]
    starred_unread = service.query_articles("feed:herald", unread=True, starred=True)
    assert [summary.id for summary in starred_unread] == [ids["en-summit"]]
    assert [s.id for s in service.query_articles("feed:herald", limit=1, offset=1)] == [
        ids["en-long"]
    ]
    assert service.count_query("feed:herald", unread=True) == 2


def test_an_invalid_query_is_a_service_error(library: tuple[ReaderService, dict[str, int]]) -> None:
    service, _ = library
    with pytest.raises(ServiceError, match=r"^position 21: expected '\)'$"):
        service.query_articles("unread and (feed:hani")


def test_a_new_term_status_changes_the_results(
    library: tuple[ReaderService, dict[str, int]],
) -> None:
    service, ids = library
    assert ids["ko-diplomacy"] not in _ids(service, "known>=50%")
    for word in ("외교", "실용", "내세우다", "외교부", "정상회담", "준비하다"):
        service.add_term(word, status="known")
    assert ids["ko-diplomacy"] in _ids(service, "known>=50%")
    service.store.delete_terms([service.add_term("외교", status="known").term.id])
    assert ids["ko-diplomacy"] not in _ids(service, "has:외교")


# -- the statistics the triggers keep ----------------------------------------------------


def _assert_stats_agree(store: Store) -> None:
    """article_stats says what the join over article_words and terms says."""
    article_ids = [int(row[0]) for row in store.query("SELECT id FROM articles")]
    assert query_store.known_counts(store.connection, article_ids) == store.known_word_counts(
        article_ids
    )


def test_statistics_follow_every_change_of_terms_and_articles(
    library: tuple[ReaderService, dict[str, int]],
) -> None:
    service, ids = library
    store = service.store
    _assert_stats_agree(store)
    term = service.add_term("경제", status="2").term
    _assert_stats_agree(store)
    for status in ("known", "ignored", "4", "known"):  # known to ignored changes nothing
        term = store.update_term(dataclasses.replace(term, status=status))
        _assert_stats_agree(store)
    # Two terms with one pattern: the word stays known until neither is.
    first = service.add_term("실용", status="known").term
    second = store.insert_term(dataclasses.replace(first, lemma="실용 "))
    _assert_stats_agree(store)
    assert ids["ko-diplomacy"] in _ids(service, "known>20%")  # 정부, 실용: 2 of 9
    service.store.delete_terms([first.id])
    _assert_stats_agree(store)
    assert ids["ko-diplomacy"] in _ids(service, "known>20%")
    service.store.delete_terms([second.id])
    _assert_stats_agree(store)
    assert ids["ko-diplomacy"] not in _ids(service, "known>20%")
    # A term whose pattern changes (the analyser was upgraded) moves its count.
    store.set_term_patterns([(term.id, "성장률/N")])
    _assert_stats_agree(store)
    # An article whose text changes loses its vocabulary, then gets it back.
    hani = store.feed_by_url("https://www.hani.co.kr/rss")
    assert hani is not None
    store.upsert_entries(hani.id, [EntryData("ko-economy", "경제 소식", ["정부가 외교를 말했다."])])
    stats = query_store.article_stats(store.connection, ids["ko-economy"])
    assert stats is not None and stats.content_words is None and stats.words == 3
    _assert_stats_agree(store)
    assert service.index_vocabulary() == 1
    _assert_stats_agree(store)
    assert ids["ko-economy"] in _ids(service, "has:외교")


def test_migration_fills_the_statistics_of_an_existing_database(tmp_path: Path) -> None:
    """A database of schema 5 with an analysed article and terms gets the same counts
    (and is backed up first, as before every migration)."""
    path = tmp_path / "old.sqlite3"
    connection = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:5], start=1):
        connection.executescript(script)
        connection.execute(f"PRAGMA user_version = {number}")
    connection.executescript(
        """
        INSERT INTO feeds (id, url, title, kind, created) VALUES (1, 'http://x/f', 'X', 'feed', 'now');
        INSERT INTO articles (id, feed_id, guid, title, fetched, content)
            VALUES (1, 1, 'g', 't', 'now', '["정부는 실용 외교를 내세웠다.", "외교부는 준비한다."]');
        INSERT INTO article_vocab VALUES (1, 'ko', '3:x', 'now');
        INSERT INTO article_words VALUES (1, 'w', '정부/N', 1), (1, 'w', '실용/N', 1),
            (1, 'w', '외교/N', 1), (1, 'k', '외교부/N', 1), (1, 'p', '실용/N 외교/N', 1);
        INSERT INTO terms (lang, text, lemma, status, pattern, created, updated) VALUES
            ('ko', '외교', '외교', 'known', '외교/N', 'now', 'now'),
            ('ko', '실용', '실용', '3', '실용/N', 'now', 'now'),
            ('en', '정부', '정부', 'known', '정부/N', 'now', 'now');
        """
    )
    connection.commit()
    connection.close()

    upgraded = Store(path)

    assert upgraded.schema_version() == SCHEMA_VERSION
    assert path.with_name("old.sqlite3.v5.bak").exists()
    assert query_store.known_counts(upgraded.connection, [1]) == {1: (3, 1)}
    assert upgraded.known_word_counts([1]) == {1: (3, 1)}
    stats = query_store.article_stats(upgraded.connection, 1)
    assert stats is not None and (stats.words, stats.lang, stats.sentences) == (6, "ko", None)
    upgraded.close()


def test_translated_means_every_sentence_is_in_the_cache(installed_tiny_models: Path) -> None:
    service = ReaderService()
    feed, _ = service.store.add_feed("https://news.example/rss", "News")
    service.store.upsert_entries(
        feed.id,
        [
            EntryData("one", "하나", DIPLOMACY, language="ko", published="2026-11-02T00:00:00Z"),
            EntryData("two", "둘", ECONOMY, language="ko", published="2026-11-01T00:00:00Z"),
        ],
    )
    first, second = (service.store.article_id_by_guid(feed.id, guid) for guid in ("one", "two"))
    assert _ids(service, "translated") == []  # not split into sentences yet
    service.index_vocabulary()
    assert _ids(service, "translated") == []
    pairs = service.translate_article_pairs(service.article(first or 0))
    assert len(pairs["pairs"]) == 2 and not any("error" in pair for pair in pairs["pairs"])
    assert _ids(service, "translated") == [first]
    assert _ids(service, "not translated") == [second]
    service.close()


def test_the_cli_analyses_what_a_learning_query_needs_first() -> None:
    from tests.conftest import run_reader

    service = ReaderService()
    feed, _ = service.store.add_feed("https://news.example/rss", "News")
    service.store.upsert_entries(
        feed.id,
        [
            EntryData("one", "하나", DIPLOMACY, language="ko"),
            EntryData("two", "둘", ECONOMY, language="ko"),
        ],
    )
    service.add_term("외교", status="2")
    assert service.vocabulary_pending() and service.query_needs_analysis("has:외교")
    assert not service.query_needs_analysis("unread 외교")
    plain = run_reader("list", "--where", "unread", "--json")
    assert "analysing" not in plain.stderr
    result = run_reader("list", "--where", "has:외교", "--json")
    assert result.returncode == 0, result.stderr
    assert "analysing articles" in result.stderr
    assert [row["title"] for row in json.loads(result.stdout)] == ["하나"]
    assert not service.vocabulary_pending()
    service.close()


def test_articles_analysed_before_sentences_were_kept_get_them(
    library: tuple[ReaderService, dict[str, int]],
) -> None:
    service, ids = library
    connection = service.store.connection
    connection.execute("DELETE FROM article_sentences")
    connection.execute("UPDATE article_stats SET sentences = NULL")
    assert service.query_needs_analysis("translated or unread")
    assert not service.query_needs_analysis("known>5%")
    assert service.analyse_for_query("translated") == len(ids)
    assert not service.query_needs_analysis("translated")
    stats = query_store.article_stats(connection, ids["ko-diplomacy"])
    assert stats is not None and stats.sentences == 2
