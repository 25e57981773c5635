"""Terms through the service and the real store: add, merge, match, suggest, difficulty."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reader.core.models import EntryData
from reader.core.store import SCHEMA_VERSION
from reader.service import ReaderService, ServiceError

ARTICLE_KO = [
    "정부는 실용 외교를 내세웠다. 외교부는 한미 정상회담을 준비하고 있다.",
    "대통령은 정상회담에서 경제 협력을 강조했다. 실용외교는 새 정부의 기조다.",
    "전문가들은 실용 외교가 국익에 도움이 된다고 말했다.",
]
OTHER_KO = [
    ["날씨가 맑고 기온이 올라 경제 활동이 늘었다."],
    ["경제 성장률이 둔화됐다고 정부가 발표했다."],
    ["프로야구 경기가 비 때문에 취소됐다."],
]


@pytest.fixture
def service() -> Iterator[ReaderService]:
    reader = ReaderService()
    yield reader
    reader.close()


def _feed_article(service: ReaderService, guid: str, paragraphs: list[str], title: str = "") -> int:
    feed, _created = service.store.add_feed("https://news.example/rss", "News")
    service.store.upsert_entries(
        feed.id, [EntryData(guid=guid, title=title or guid, paragraphs=paragraphs, language="ko")]
    )
    article_id = service.store.article_id_by_guid(feed.id, guid)
    assert article_id is not None
    return article_id


def test_schema_has_term_patterns_and_vocabulary(service: ReaderService) -> None:
    assert service.store.schema_version() == SCHEMA_VERSION >= 2
    tables = {row[0] for row in service.store.query("SELECT name FROM sqlite_master")}
    assert {"article_vocab", "article_words", "terms_by_pattern"} <= tables


def test_add_computes_lemma_and_pattern(service: ReaderService) -> None:
    result = service.add_term("먹었다", gloss="to eat", status="2", tags=["food", "verb x"])
    assert result.created
    term = result.term
    assert (term.lemma, term.lang, term.status, term.pattern) == ("먹다", "ko", "2", "먹다/V")
    assert term.tags == ["food", "verb_x"]
    assert term.created and term.updated


def test_same_lemma_is_merged_not_doubled(service: ReaderService) -> None:
    service.add_term("외교를", gloss="diplomacy", tags=["politics"])
    again = service.add_term("외교", gloss="foreign policy", tags=["news"], status="3")
    service.add_term("외교", gloss="diplomacy")
    assert not again.created
    [term] = service.list_terms()
    assert term.gloss == "diplomacy; foreign policy"
    assert term.tags == ["politics", "news"]
    assert term.status == "3"


def test_spacing_variants_of_a_phrase_are_one_term(service: ReaderService) -> None:
    service.add_term("실용 외교", gloss="pragmatic diplomacy")
    assert not service.add_term("실용외교", gloss="pragmatic diplomacy").created
    assert len(service.list_terms()) == 1


def test_bad_status_and_empty_term_are_refused(service: ReaderService) -> None:
    with pytest.raises(ServiceError, match="status"):
        service.add_term("외교", gloss="x", status="9")
    with pytest.raises(ServiceError, match="empty"):
        service.add_term("\x1b[31m ", gloss="x")


@pytest.mark.parametrize(
    ("text", "reason"),
    [(".*(a+)+$", "holds"), ("...", "no letters"), ("50%", "no letters"), ("=SUM(A1)", "holds")],
)
def test_terms_that_are_no_word_or_phrase_are_refused(
    service: ReaderService, text: str, reason: str
) -> None:
    with pytest.raises(ServiceError, match=reason) as raised:
        service.add_term(text, gloss="x")
    assert "\n" not in str(raised.value)
    assert service.list_terms() == []


@pytest.mark.parametrize(
    "text", ["U.S.", "don't", "AT&T", "(으)ㄹ 수 있다", "~에 대해서", "Washington, D.C.", "(주)"]
)
def test_words_with_inner_punctuation_are_terms(service: ReaderService, text: str) -> None:
    assert service.add_term(text, gloss="x").created


def test_a_refused_term_cannot_be_edited_in_either(service: ReaderService) -> None:
    term = service.add_term("summit", gloss="x").term
    term.text = ".*(a+)+$"
    with pytest.raises(ServiceError, match="not a word"):
        service.update_term(term)


def test_zero_width_characters_are_stripped_from_terms(service: ReaderService) -> None:
    term = service.add_term("sum\u200bmit\u2060\ufeff", gloss="x").term
    assert term.text == "summit"


def test_term_text_is_cleaned(service: ReaderService) -> None:
    term = service.add_term("sum\x1b[2Jmit\u202e", gloss="top\x07 meeting").term
    assert (term.text, term.gloss) == ("summit", "top meeting")


def test_list_filters(service: ReaderService) -> None:
    service.add_term("외교", gloss="diplomacy", tags=["politics"])
    service.add_term("summit", gloss="정상회담", status="known")
    assert [t.text for t in service.list_terms(status="known")] == ["summit"]
    assert [t.text for t in service.list_terms(status="K")] == ["summit"]
    assert [t.text for t in service.list_terms(lang="ko")] == ["외교"]
    assert [t.text for t in service.list_terms(tag="politics")] == ["외교"]
    assert [t.text for t in service.list_terms(text="정상")] == ["summit"]


def test_status_edit_and_delete(service: ReaderService) -> None:
    term = service.add_term("외교", gloss="diplomacy").term
    assert service.set_term_status(term.id, "I").status == "ignored"
    term = service.term(term.id)
    term.text, term.gloss = "실용 외교", "pragmatic diplomacy"
    edited = service.update_term(term)
    assert edited.pattern == "실용/N 외교/N"
    service.delete_term(term.id)
    assert service.list_terms() == []
    with pytest.raises(ServiceError):
        service.delete_term(term.id)


def test_remove_by_text_or_lemma(service: ReaderService) -> None:
    service.add_term("먹었다", gloss="to eat")
    assert service.remove_term("먹다") == 1
    with pytest.raises(ServiceError, match="no term"):
        service.remove_term("먹다")


def test_article_highlights_follow_glossary_changes(service: ReaderService) -> None:
    article_id = _feed_article(service, "a1", ARTICLE_KO)
    article = service.article(article_id)
    assert service.article_term_matches(article) == [[], [], []]
    term = service.add_term("실용 외교", gloss="pragmatic diplomacy", status="2").term
    matches = service.article_term_matches(article)
    found = [
        (paragraph[m.start : m.end], m.status)
        for paragraph, found in zip(article.paragraphs, matches, strict=True)
        for m in found
    ]
    assert found == [("실용 외교를", "2"), ("실용외교는", "2"), ("실용 외교가", "2")]
    service.set_term_status(term.id, "known")
    assert service.match_terms(article.paragraphs[0], "ko")[0].status == "known"


def test_terms_added_by_another_process_are_seen(service: ReaderService) -> None:
    service.match_terms("외교는 어렵다.", "ko")
    other = ReaderService()
    other.add_term("외교", gloss="diplomacy")
    other.close()
    service._term_index_checked = 0.0  # the once-a-second check is due
    assert len(service.match_terms("외교는 어렵다.", "ko")) == 1


def test_annotations_survive_refetch_with_changed_text(service: ReaderService) -> None:
    article_id = _feed_article(service, "a1", ARTICLE_KO)
    term = service.add_term(
        "실용 외교",
        gloss="pragmatic diplomacy",
        sentence="정부는 실용 외교를 내세웠다.",
        article_id=article_id,
    ).term
    changed = [*ARTICLE_KO[:2], "수정된 문단: 실용 외교는 계속된다."]
    assert _feed_article(service, "a1", changed) == article_id
    assert service.article(article_id).paragraphs == changed
    kept = service.term(term.id)
    assert (kept.article_id, kept.sentence) == (article_id, "정부는 실용 외교를 내세웠다.")
    assert service.store.terms(article_id=article_id) == [kept]
    matches = service.article_term_matches(service.article(article_id))
    assert len(matches[2]) == 1


def test_suggestions_rank_article_specific_nouns(service: ReaderService) -> None:
    for number, paragraphs in enumerate(OTHER_KO):
        _feed_article(service, f"other{number}", paragraphs)
    service.index_vocabulary()
    article_id = _feed_article(service, "a1", ARTICLE_KO)
    suggestions = service.suggest_terms(article_id, limit=10)
    texts = [s.text for s in suggestions]
    assert texts[:2] == ["실용 외교", "정상회담"]
    assert "정상" not in texts  # a piece of the solid compound 정상회담
    assert "경제" not in texts  # common to the other articles
    assert all(s.lang == "ko" and s.score > 0 for s in suggestions)


def test_suggestions_leave_out_known_and_ignored_terms(service: ReaderService) -> None:
    article_id = _feed_article(service, "a1", ARTICLE_KO)
    service.add_term("정상회담", gloss="summit", status="known")
    service.add_term("실용 외교", gloss="pragmatic diplomacy", status="ignored")
    learning = service.add_term("협력", gloss="cooperation", status="2").term
    suggestions = {s.text: s for s in service.suggest_terms(article_id, limit=100)}
    assert "정상회담" not in suggestions
    assert "실용 외교" not in suggestions
    assert (suggestions["협력"].term_id, suggestions["협력"].status) == (learning.id, "2")


def test_english_suggestions_use_noun_phrases(service: ReaderService) -> None:
    feed, _ = service.store.add_feed("https://en.example/rss", "EN")
    text = [
        "The trade talks stalled again. Officials said the trade talks would resume.",
        "Trade talks between the two countries quickly collapsed on Monday.",
    ]
    service.store.upsert_entries(
        feed.id, [EntryData(guid="e1", title="Trade", paragraphs=text, language="en")]
    )
    article_id = service.store.article_id_by_guid(feed.id, "e1")
    assert article_id is not None
    texts = [s.text.lower() for s in service.suggest_terms(article_id)]
    assert texts[0] == "trade talks"
    assert "said" not in texts and "the" not in texts


def test_difficulty_is_share_of_known_content_words(service: ReaderService) -> None:
    article_id = _feed_article(service, "a1", ["외교는 어렵다. 외교를 배운다."])
    before = service.article_difficulty(article_id)
    assert before.content_words == 3  # 외교, 어렵다, 배우다
    assert before.known_words == 0
    service.add_term("외교", gloss="diplomacy", status="known")
    service.add_term("어렵다", gloss="difficult", status="ignored")
    service.add_term("배우다", gloss="to learn", status="3")
    after = service.article_difficulty(article_id)
    assert (after.known_words, round(after.known_share, 2)) == (2, 0.67)


def test_difficulties_for_the_article_list(service: ReaderService) -> None:
    first = _feed_article(service, "a1", ["외교는 어렵다."])
    second = _feed_article(service, "a2", ["경제는 쉽다."])
    assert service.article_difficulties([first, second]) == {}
    assert service.index_vocabulary() == 2
    assert service.index_vocabulary() == 0
    service.add_term("경제", gloss="economy", status="known")
    shares = {k: v.known_share for k, v in service.article_difficulties([first, second]).items()}
    assert shares == {first: 0.0, second: 0.5}


def test_vocabulary_follows_changed_text(service: ReaderService) -> None:
    article_id = _feed_article(service, "a1", ["외교는 어렵다."])
    service.add_term("경제", gloss="economy", status="known")
    assert service.article_difficulty(article_id).known_words == 0
    _feed_article(service, "a1", ["경제는 어렵다."])
    assert service.article_difficulty(article_id).known_words == 1


def test_occurrences_list_articles_and_sentences(service: ReaderService) -> None:
    first = _feed_article(service, "a1", ARTICLE_KO, title="실용 외교 기사")
    _feed_article(service, "a2", OTHER_KO[0])
    third = _feed_article(service, "a3", ["경제가 어렵다. 그래서 정부는 실용외교를 택했다."])
    service.index_vocabulary()
    term = service.add_term("실용 외교", gloss="pragmatic diplomacy").term
    found = service.term_occurrences(term.id)
    assert [(o.article_id, o.paragraph, o.sentence) for o in found] == [
        (third, 0, "그래서 정부는 실용외교를 택했다."),
        (first, 0, "정부는 실용 외교를 내세웠다."),
        (first, 1, "실용외교는 새 정부의 기조다."),
        (first, 2, "전문가들은 실용 외교가 국익에 도움이 된다고 말했다."),
    ]
    paragraph = service.article(third).paragraphs[0]
    assert paragraph[found[0].start : found[0].end] == "실용외교를"
    assert found[1].title == "실용 외교 기사"
    verb = service.add_term("강조하다", gloss="to stress").term
    assert [o.sentence for o in service.term_occurrences(verb.id)] == [
        "대통령은 정상회담에서 경제 협력을 강조했다."
    ]
    assert len(service.term_occurrences(term.id, limit=2)) == 2


def test_frequencies_count_articles(service: ReaderService) -> None:
    for number, paragraphs in enumerate([ARTICLE_KO, *OTHER_KO]):
        _feed_article(service, f"a{number}", paragraphs)
    service.index_vocabulary()
    economy = service.add_term("경제", gloss="economy").term
    phrase = service.add_term("실용 외교", gloss="pragmatic diplomacy").term
    baseball = service.add_term("농구", gloss="basketball").term
    counts = service.term_frequencies()
    assert (counts[economy.id], counts[phrase.id]) == (3, 1)
    assert baseball.id not in counts


def test_existing_glosses_for_the_annotation_form(service: ReaderService) -> None:
    assert service.existing_glosses("외교를", "ko") == []
    service.add_term("외교", gloss="diplomacy")
    service.add_term("외교", gloss="foreign policy")
    assert service.existing_glosses("외교를", "ko") == ["diplomacy", "foreign policy"]


def test_terms_stored_without_pattern_get_one(service: ReaderService) -> None:
    with service.store.transaction() as connection:
        connection.execute(
            "INSERT INTO terms (lang, text, lemma, created, updated) VALUES (?, ?, ?, ?, ?)",
            ("ko", "외교", "외교", "2024-01-01T00:00:00+00:00", "2024-01-01T00:00:00+00:00"),
        )
    assert len(service.match_terms("외교는 어렵다.", "ko")) == 1
    assert service.list_terms()[0].pattern == "외교/N"


def test_changed_text_puts_the_article_back_in_the_analysis_queue(service: ReaderService) -> None:
    article_id = _feed_article(service, "a1", ["외교는 어렵다."])
    assert service.index_vocabulary() == 1
    assert service.index_vocabulary() == 0
    _feed_article(service, "a1", ["경제는 어렵다."])
    assert service.article_difficulties([article_id]) == {}
    assert service.index_vocabulary() == 1
    assert service.article_difficulties([article_id])[article_id].content_words == 2


def test_patterns_are_recomputed_when_the_analyser_changes(service: ReaderService) -> None:
    term = service.add_term("외교", gloss="diplomacy").term
    service.match_terms("외교", "ko")
    with service.store.transaction() as connection:
        connection.execute("UPDATE terms SET pattern = 'stale/N' WHERE id = ?", (term.id,))
    service.store.set_meta("terms_analyser", "0")
    service._term_index = None
    assert len(service.match_terms("외교는 어렵다.", "ko")) == 1
    assert service.term(term.id).pattern == "외교/N"


def test_editing_a_lemma_into_another_terms_lemma_is_refused(service: ReaderService) -> None:
    service.add_term("외교", gloss="diplomacy")
    term = service.add_term("경제", gloss="economy").term
    term.lemma = "외교"
    with pytest.raises(ServiceError, match="already has the lemma"):
        service.update_term(term)


def test_suggestions_skip_predicate_stems_and_weak_nouns(service: ReaderService) -> None:
    article_id = _feed_article(
        service, "a1", ["순수했던 소년이 오후 서울 광진구 공연장에서 노래했다. 소년은 순수하다."]
    )
    texts = {s.text for s in service.suggest_terms(article_id, limit=100)}
    assert {"소년", "서울 광진구", "광진구 공연장"} <= texts
    assert not texts & {"순수", "오후", "오후 서울", "노래"}
