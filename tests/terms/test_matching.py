"""Lemma-aware matching on real sentences: what must and must not match."""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

import pytest

from reader.core.terms import (
    IndexedTerm,
    TermIndex,
    analyse,
    analyse_many,
    english_key,
    lemma_for,
    match_terms,
    term_pattern,
    word_spans,
)


def _index(lang: str, *texts: str, status: str = "1") -> TermIndex:
    return TermIndex(
        IndexedTerm(number, lang, term_pattern(text, lang), status)
        for number, text in enumerate(texts, start=1)
    )


def _highlighted(term: str, sentence: str, lang: str) -> list[str]:
    text = unicodedata.normalize("NFC", sentence)
    return [text[m.start : m.end] for m in match_terms(sentence, lang, _index(lang, term))]


# term, sentence, the highlighted text (None: must not match)
KOREAN = [
    ("외교", "정부는 외교를 최우선 과제로 삼았다.", "외교를"),
    ("외교", "외교는 국가의 얼굴이라고 그는 말했다.", "외교는"),
    ("외교", "한미 외교와 안보 협력이 강화됐다.", "외교와"),
    ("외교", "외교부 장관이 내일 방한한다.", None),
    ("외교를", "정부는 외교를 최우선 과제로 삼았다.", "외교를"),
    ("먹다", "아침에 밥을 먹었다.", "먹었다"),
    ("먹다", "빵을 먹고 학교에 갔다.", "먹고"),
    ("먹다", "천천히 먹는 습관이 건강에 좋다.", "먹는"),
    ("먹다", "새들에게 먹이를 주었다.", None),
    ("먹다", "먹구름이 몰려오고 있다.", None),
    ("실용 외교", "정부는 실용 외교를 내세웠다.", "실용 외교를"),
    ("실용 외교", "실용외교는 새 정부의 기조다.", "실용외교는"),
    ("실용외교", "정부는 실용 외교를 내세웠다.", "실용 외교를"),
    ("실용 외교", "실용적인 외교가 필요하다.", None),
    ("실용 외교", "실용의 외교를 말했다.", None),
    ("실용 외교", "외교 실용 노선을 택했다.", None),
    ("강조하다", "대통령은 협력을 강조했다.", "강조했다"),
    ("강조하다", "강조의 뜻을 밝혔다.", None),
    ("정상회담", "한미 정상회담이 열렸다.", "정상회담이"),
    ("어렵다", "협상이 어려웠다.", "어려웠다"),
    ("시민", "시민들의 목소리를 들었다.", "시민들의"),
    ("시민들", "시민의 목소리를 들었다.", "시민의"),
    ("시민", "시민들 사이에서 말이 돌았다.", "시민들"),
    ("들판", "넓은 들판에서 놀았다.", "들판에서"),
]

ENGLISH = [
    ("summit", "The summit ended early.", "summit"),
    ("summit", "Two summits were held in Seoul.", "summits"),
    ("summit", "SUMMIT talks resumed.", "SUMMIT"),
    ("summits", "The summit ended early.", "summit"),
    ("summit", "The summitry of the era.", None),
    ("deflect", "He deflected the question.", "deflected"),
    ("deflect", "She deflects criticism well.", "deflects"),
    ("deflect", "Deflecting blame is easy.", "Deflecting"),
    ("deflect", "The light reflected off the water.", None),
    ("rule of law", "They defended the rule of law.", "rule of law"),
    ("rule of law", "Rules of law differ.", "Rules of law"),
    ("rule of law", "A rule, of law and order.", None),
    ("bake", "She baked bread and was baking more.", "baked"),
]


@pytest.mark.parametrize(("term", "sentence", "expected"), KOREAN)
def test_korean_matching(term: str, sentence: str, expected: str | None) -> None:
    found = _highlighted(term, sentence, "ko")
    assert found == ([expected] if expected else [])


@pytest.mark.parametrize(("term", "sentence", "expected"), ENGLISH)
def test_english_matching(term: str, sentence: str, expected: str | None) -> None:
    found = _highlighted(term, sentence, "en")
    assert found[:1] == ([expected] if expected else [])


def test_decomposed_hangul_matches_composed_terms() -> None:
    sentence = unicodedata.normalize("NFD", "정부는 외교를 최우선 과제로 삼았다.")
    assert _highlighted("외교", sentence, "ko") == ["외교를"]
    term = unicodedata.normalize("NFD", "외교")
    assert _highlighted(term, "외교는 국가의 얼굴이다.", "ko") == ["외교는"]


def test_longest_term_wins_and_matches_do_not_overlap() -> None:
    index = _index("ko", "외교", "실용 외교")
    sentence = "정부는 실용 외교를 내세웠고 외교는 바뀌었다."
    matches = match_terms(sentence, "ko", index)
    assert [(sentence[m.start : m.end], m.term_id) for m in matches] == [
        ("실용 외교를", 2),
        ("외교는", 1),
    ]


def test_matches_carry_status_and_offsets() -> None:
    index = _index("en", "summit", status="known")
    [match] = match_terms("A summit.", "en", index)
    assert (match.start, match.end, match.status) == (2, 8, "known")


def test_terms_of_another_language_do_not_match() -> None:
    assert match_terms("The summit ended.", "en", _index("ko", "summit")) == []


def test_empty_and_symbol_only_terms_match_nothing() -> None:
    assert term_pattern("...", "ko") == ""
    assert match_terms("...", "ko", _index("ko", "...")) == []


@pytest.mark.parametrize(
    ("surface", "lang", "lemma"),
    [
        ("외교를", "ko", "외교"),
        ("먹었다", "ko", "먹다"),
        ("강화했다", "ko", "강화하다"),
        ("도와줬다", "ko", "도와주다"),
        ("실용 외교를", "ko", "실용 외교"),
        ("실용외교", "ko", "실용외교"),
        ("시민들의", "ko", "시민"),
        ("학생들이", "ko", "학생"),
        ("시민들 사이", "ko", "시민들 사이"),
        ("Summits", "en", "summit"),
        ("deflected", "en", "deflect"),
        ("summit meetings", "en", "summit meeting"),
    ],
)
def test_lemma_for(surface: str, lang: str, lemma: str) -> None:
    assert lemma_for(surface, lang) == lemma


def test_lemma_and_surface_share_a_pattern() -> None:
    for surface, lang in [("먹었다", "ko"), ("외교를", "ko"), ("deflected", "en")]:
        assert term_pattern(surface, lang) == term_pattern(lemma_for(surface, lang), lang)


@pytest.mark.parametrize(
    ("words", "same"),
    [
        (("summit", "summits", "Summit's"), True),
        (("bake", "baked", "baking", "bakes"), True),
        (("stop", "stopped", "stopping"), True),
        (("study", "studies", "studied"), True),
        (("news", "new"), False),
        (("deflect", "reflect"), False),
    ],
)
def test_english_keys(words: tuple[str, ...], same: bool) -> None:
    keys = {english_key(word) for word in words}
    assert (len(keys) == 1) is same


def test_analysis_is_cached() -> None:
    assert analyse("외교는 어렵다.", "ko") is analyse("외교는 어렵다.", "ko")


def _corpus_texts(corpus: Path, count: int) -> list[str]:
    raw = (corpus / "korean" / "knews_rerendered_categories_all_2022-07-30.xml").read_text("utf-8")
    texts = (html.unescape(t) for t in re.findall(r"<content:encoded>(.*?)</content:encoded>", raw))
    chosen = list(dict.fromkeys(texts))[:count]
    analyse_many(chosen, "ko")  # one batch, then cached
    return chosen


@pytest.mark.parametrize(
    ("term", "surface"),
    [
        ("정부", r"정부(?:는|가|를|의|와|에서|에|도|로)"),
        ("밝히다", r"밝혔다|밝혔습니다|밝힌|밝히며|밝혀"),
        ("대통령", r"대통령(?:은|이|의|을|과|도)"),
    ],
)
def test_inflected_forms_in_real_news_are_found(corpus: Path, term: str, surface: str) -> None:
    """Every word-initial particle or verb form of the term in 200 real news texts is
    highlighted, and every highlight starts with the term's first syllable."""
    index = _index("ko", term)
    expected = found = 0
    for text in _corpus_texts(corpus, 200):
        starts = {m.start for m in match_terms(text, "ko", index)}
        for occurrence in re.finditer(rf"(?<![^\s‘“'\"(])(?:{surface})(?=[\s.,’”'\")]|$)", text):
            expected += 1
            found += occurrence.start() in starts
        assert all(text[start] == term[0] for start in starts)
    assert expected > 20
    assert found == expected


def test_matching_from_several_threads_agrees() -> None:
    """Textual workers call in from threads; the one Kiwi and the cache are shared."""
    from concurrent.futures import ThreadPoolExecutor

    index = _index("ko", "외교", "먹다", "실용 외교")
    sentences = [
        f"{n}번째: 정부는 실용 외교를 내세웠고 밥을 먹었다. 외교는 어렵다." for n in range(40)
    ]

    def highlights(sentence: str) -> list[str]:
        return [sentence[m.start : m.end] for m in match_terms(sentence, "ko", index)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(highlights, sentences))
    assert all(found == ["실용 외교를", "먹었다", "외교는"] for found in results)


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        ("정부는 “실용 외교”를 내세웠다.", ["정부는", "실용", "외교”를", "내세웠다"]),
        ("He said: 'summits (twice)!'", ["He", "said", "summits", "twice"]),
        ("  …  ", []),
    ],
)
def test_word_spans_for_the_cursor(sentence: str, words: list[str]) -> None:
    assert [sentence[start:end] for start, end in word_spans(sentence)] == words


def test_background_analysis_can_leave_the_cache_alone() -> None:
    on_screen = analyse("외교는 어렵다.", "ko")
    [other] = analyse_many(["경제는 쉽다."], "ko", keep=False)
    assert analyse("외교는 어렵다.", "ko") is on_screen
    assert analyse("경제는 쉽다.", "ko") is not other


def test_analyses_made_in_another_process_are_used(tmp_path: Path) -> None:
    """The TUI may analyse in a helper process; matching here then needs no kiwipiepy."""
    import pickle
    import subprocess
    import sys

    made_elsewhere = pickle.dumps(analyse_many(["외교는 어렵다.", "밥을 먹었다."], "ko"))
    (tmp_path / "analyses.pickle").write_bytes(made_elsewhere)
    script = f"""
import pickle, sys
from reader.core import terms
terms.cache_analyses(pickle.loads(open({str(tmp_path / "analyses.pickle")!r}, "rb").read()))
index = terms.TermIndex([terms.IndexedTerm(1, "ko", "외교/N", "1"),
                         terms.IndexedTerm(2, "ko", "먹다/V", "known")])
found = [len(terms.match_terms(t, "ko", index)) for t in ("외교는 어렵다.", "밥을 먹었다.")]
print(found, "kiwipiepy" in sys.modules)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["[1,", "1]", "False"]
