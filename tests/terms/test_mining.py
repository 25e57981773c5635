"""Sentence mining (`reader mine`): i+1 sentences, ranked, and adding their word (issue 15)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core import mining
from reader.core.models import EntryData
from reader.service import ReaderService, ServiceError
from tests.conftest import run_reader

ARTICLES = [
    ("정치", "ko", ["정부는 외교를 강조했다. 정부는 경제를 발표했다.", "대통령은 외교를 말했다."]),
    ("경제", "ko", ["정부는 경제를 발표했다. 외교는 경제다."]),
    ("시장", "ko", ["경제가 좋다."]),
    ("Summit", "en", ["The summit ended early. The summit was long.", "Leaders met."]),
]
KNOWN = [("정부", "ko"), ("강조", "ko"), ("대통령", "ko"), ("말", "ko"), ("발표", "ko")]
KNOWN_EN = ["end", "early", "long"]


@pytest.fixture
def service() -> Iterator[ReaderService]:
    reader = ReaderService()
    yield reader
    reader.close()


def _library(service: ReaderService) -> list[int]:
    feed, _ = service.store.add_feed("https://news.example/feed.xml", "News")
    service.store.upsert_entries(
        feed.id,
        [
            EntryData(guid=title, title=title, paragraphs=paragraphs, language=lang)
            for title, lang, paragraphs in ARTICLES
        ],
    )
    for word, lang in KNOWN:
        service.add_term(word, gloss="g", lang=lang, status="known")
    for word in KNOWN_EN:
        service.add_term(word, gloss="g", lang="en", status="ignored")
    ids = {article.title: article.id for article in service.store.articles()}
    return [ids[title] for title, _lang, _paragraphs in ARTICLES]


def test_exactly_the_i_plus_one_sentences_ranked(service: ReaderService) -> None:
    ids = _library(service)
    found = service.mine_sentences(limit=50, per_word=10)
    listed = [(s.lemma, s.text, s.article_id) for s in found]
    assert listed[:2] == [
        ("경제", "정부는 경제를 발표했다.", ids[1]),  # in 3 articles; the newer article first
        ("경제", "정부는 경제를 발표했다.", ids[0]),
    ]
    assert sorted(listed[2:4]) == sorted(
        [("외교", "정부는 외교를 강조했다.", ids[0]), ("외교", "대통령은 외교를 말했다.", ids[0])]
    )
    assert listed[4:] == [
        ("summit", "The summit was long.", ids[3]),  # shorter first
        ("summit", "The summit ended early.", ids[3]),
    ]
    # Not i+1: 외교는 경제다 (two new words), 경제가 좋다 (two), Leaders met (two).
    assert [(s.articles, s.sentences) for s in found[:1]] == [(3, 4)]
    assert found[0].word == "경제" and found[0].lang == "ko"
    assert found[0].start == 0 and found[0].paragraph == 0


def test_one_sentence_per_word_by_default_and_limit(service: ReaderService) -> None:
    _library(service)
    assert [s.lemma for s in service.mine_sentences()] == ["경제", "외교", "summit"]
    assert [s.lemma for s in service.mine_sentences(limit=2)] == ["경제", "외교"]


def test_adding_creates_the_term_with_its_sentence(service: ReaderService) -> None:
    ids = _library(service)
    chosen, result = service.mine_add(2, gloss="diplomacy")
    assert result.created and chosen.lemma == "외교"
    term = result.term
    assert (term.text, term.lemma, term.lang, term.gloss, term.status) == (
        "외교",
        "외교",
        "ko",
        "diplomacy",
        "1",
    )
    assert term.sentence == chosen.text and term.article_id == ids[0]
    assert [s.lemma for s in service.mine_sentences()] == ["경제", "summit"]
    with_terms = service.mine_sentences(include_terms=True)
    assert [(s.lemma, s.term_status) for s in with_terms] == [
        ("경제", ""),
        ("외교", "1"),
        ("summit", ""),
    ]
    with pytest.raises(ServiceError, match="no mined sentence 9"):
        service.mine_add(9)


def test_marking_a_word_known_changes_the_list(service: ReaderService) -> None:
    _library(service)
    service.add_term("경제", gloss="economy", lang="ko", status="known")
    lemmas = [s.lemma for s in service.mine_sentences(per_word=10)]
    # 외교는 경제다 and 경제가 좋다 are now i+1 (외교, 좋다); 경제 sentences are all known.
    assert "경제" not in lemmas and lemmas.count("외교") == 3 and "좋다" in lemmas


def test_the_cache_analyses_only_new_and_changed_articles(tmp_path: Path) -> None:
    cache = mining.MiningCache(tmp_path / "mining.sqlite")
    first = mining.StoredArticle(1, "en", "a", json.dumps(["The summit ended early."]))
    second = mining.StoredArticle(2, "en", "b", json.dumps(["Leaders met."]))
    assert cache.refresh([first, second]) == 2
    assert cache.refresh([first, second]) == 0
    changed = mining.StoredArticle(2, "en", "b", json.dumps(["Leaders met twice."]))
    assert cache.refresh([first, changed]) == 1
    assert cache.refresh([changed]) == 0  # article 1 removed: forgotten
    assert [row[6] for row in cache.rows()] == ["Leaders met twice."]
    cache.close()
    (tmp_path / "broken.sqlite").write_bytes(b"not a database" * 100)
    broken = mining.MiningCache(tmp_path / "broken.sqlite")
    assert broken.refresh([first]) == 1  # a damaged cache is made anew
    broken.close()


def test_cached_translation_is_shown(installed_tiny_models: Path, service: ReaderService) -> None:
    feed, _ = service.store.add_feed("https://news.example/feed.xml", "News")
    service.store.upsert_entries(
        feed.id,
        [EntryData(guid="t", title="t", paragraphs=["오늘 사과 를 먹는다."], language="ko")],
    )
    service.add_term("사과", gloss="apple", lang="ko", status="known")
    service.add_term("먹다", gloss="eat", lang="ko", status="known")
    article = service.store.articles()[0]
    assert [s.translation for s in service.mine_sentences()] == [""]  # nothing cached yet
    service.translate_article_pairs(service.article(article.id))
    found = service.mine_sentences()
    assert [(s.lemma, s.translation) for s in found] == [("오늘", "today apple 를 먹는다.")]


def test_cli_mine(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("제목\n\n정부는 외교를 강조했다.", encoding="utf-8")
    assert run_reader("open", str(story)).returncode == 0
    empty = run_reader("mine")
    assert empty.returncode == 0 and empty.stdout == "" and empty.stderr.count("\n") == 1
    for word in ("정부", "강조"):
        assert run_reader("terms", "add", word, "--gloss", "g", "--status", "known").returncode == 0
    listed = run_reader("mine", "--json")
    assert [row["lemma"] for row in json.loads(listed.stdout)] == ["외교"]
    shown = run_reader("mine")
    assert shown.stdout.startswith("1. 외교 (외교) · 1 article\n   정부는 외교를 강조했다.\n")
    added = run_reader("mine", "--add", "1", "--gloss", "diplomacy")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("added: 외교 (외교, ko) = diplomacy")
    terms = json.loads(run_reader("terms", "list", "--json").stdout)
    assert "외교" in {term["term"] for term in terms}
    assert run_reader("mine", "--add", "1").returncode == 1
