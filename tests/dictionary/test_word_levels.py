"""Dictionary word levels in key-term suggestions: the reader's next level rises."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.models import EntryData
from reader.core.terms import Candidate, rank_suggestions
from reader.core.word_levels import level_weight, pattern_lemma, target_level
from reader.service import ReaderService

ARTICLE = [
    "정부는 외교 협력을 강조했다. 외교 협력은 경제에 도움이 된다.",
    "대통령은 경제 협력과 외교를 말했다.",
]
LEVELS = {"경제": "초급", "외교": "중급", "협력": "고급"}
BEGINNER_WORDS = [
    "사람",
    "학교",
    "물",
    "밥",
    "집",
    "친구",
    "가족",
    "시간",
    "날씨",
    "음식",
    "나라",
    "도시",
    "회사",
    "병원",
    "시장",
    "공원",
    "책",
    "영화",
    "음악",
    "여행",
]
"""Twenty 초급 words the reader can mark known, so that 중급 becomes the level to learn."""


def krdict(levels: dict[str, str]) -> str:
    entries = "".join(
        f'<LexicalEntry att="id" val="{number}"><feat att="partOfSpeech" val="명사"/>'
        f'<feat att="vocabularyLevel" val="{level}"/>'
        f'<Lemma><feat att="writtenForm" val="{word}"/></Lemma><Sense att="id" val="1">'
        f'<Equivalent><feat att="language" val="영어"/><feat att="lemma" val="{word} gloss"/>'
        "</Equivalent></Sense></LexicalEntry>"
        for number, (word, level) in enumerate(levels.items(), 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><LexicalResource><GlobalInformation>'
        '<feat att="label" val="한국어기초사전 (levels test)"/></GlobalInformation>'
        f'<Lexicon><feat att="language" val="kor"/>{entries}</Lexicon></LexicalResource>'
    )


@pytest.fixture
def service(tmp_path: Path, reader_home: Path) -> Iterator[ReaderService]:
    service = ReaderService()
    dictionary = tmp_path / "levels.xml"
    words = {**LEVELS, **dict.fromkeys(BEGINNER_WORDS, "초급")}
    dictionary.write_text(krdict(words), encoding="utf-8")
    service.dict_install(dictionary)
    yield service
    service.close()


def article(service: ReaderService) -> int:
    feed, _ = service.store.add_feed("https://news.example/rss", "News")
    service.store.upsert_entries(
        feed.id, [EntryData(guid="a", title="a", paragraphs=ARTICLE, language="ko")]
    )
    article_id = service.store.article_id_by_guid(feed.id, "a")
    assert article_id is not None
    return article_id


@pytest.mark.parametrize(
    ("known", "expected"),
    [
        ({}, 1),
        ({1: 19}, 1),
        ({1: 20}, 2),
        ({1: 30, 2: 25}, 3),
        ({1: 30, 2: 25, 3: 40}, 3),
        ({2: 20}, 3),
    ],
)
def test_the_level_to_learn_is_one_above_the_last_one_known(
    known: dict[int, int], expected: int
) -> None:
    assert target_level(Counter(known).elements()) == expected


@pytest.mark.parametrize(
    ("rank", "target", "weight"),
    [(None, 1, 1.0), (2, 2, 1.5), (1, 2, 1.1), (3, 2, 0.9), (1, 3, 0.7), (3, 1, 0.7)],
)
def test_weights_favour_the_target_level(rank: int | None, target: int, weight: float) -> None:
    assert level_weight(rank, target) == weight


def test_patterns_become_dictionary_headwords() -> None:
    assert pattern_lemma("외교/N") == "외교"
    assert pattern_lemma("먹다/V") == "먹다"
    assert pattern_lemma("국제/N 사회/N") == "국제사회"


def test_equal_candidates_are_ordered_by_level_distance() -> None:
    candidates = {pattern: Candidate(pattern) for pattern in ("가/N", "나/N", "다/N")}
    for pattern, candidate in candidates.items():
        candidate.count = 2
        candidate.surfaces[pattern[0]] += 2
    ranks = {"가/N": 1, "나/N": 2, "다/N": 3}
    beginner = rank_suggestions(candidates, "ko", {}, 10, {}, level_ranks=ranks, target_level=1)
    assert [s.text for s in beginner] == ["가", "나", "다"]
    assert [s.level for s in beginner] == ["초급", "중급", "고급"]
    middle = rank_suggestions(candidates, "ko", {}, 10, {}, level_ranks=ranks, target_level=2)
    assert middle[0].text == "나"


def test_suggestions_carry_levels_and_follow_what_the_reader_knows(
    service: ReaderService,
) -> None:
    article_id = article(service)
    suggestions = {s.text: s for s in service.suggest_terms(article_id, limit=100)}
    assert {text: suggestions[text].level for text in LEVELS} == LEVELS
    first = [s.text for s in service.suggest_terms(article_id, limit=100) if s.text in LEVELS]
    assert first[0] == "경제", "a beginner is shown 초급 words first"
    for word in BEGINNER_WORDS:
        service.add_term(word, gloss="word", status="known")
    later = [s.text for s in service.suggest_terms(article_id, limit=100) if s.text in LEVELS]
    assert later.index("외교") < later.index("경제"), "knowing 20 초급 words, 중급 comes first"


def test_without_a_dictionary_suggestions_have_no_level(reader_home: Path) -> None:
    service = ReaderService()
    try:
        article_id = article(service)
        assert all(not s.level for s in service.suggest_terms(article_id, limit=100))
        assert not service.paths.dictionaries_database.exists()
    finally:
        service.close()
