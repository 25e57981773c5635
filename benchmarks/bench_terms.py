"""How fast glossary terms are highlighted and the glossary is loaded.

1. Highlighting a 5,000-word Korean article (real news text from
   ../shared/corpus/korean) against 10,000 terms (real nouns, verbs and noun
   phrases of the same corpus): kiwipiepy analysis is timed on its own (cold, with
   the model load, and warm), then matching over the cached analyses, next to the
   obvious alternatives measured in the same run: a substring search per term per
   paragraph, and one regex alternation of all term texts. (Both alternatives are
   also weaker: they find ``외교`` inside ``외교부`` and never find ``먹다`` in
   ``먹었다``.) Target: matching < 50 ms.
2. Loading a glossary of 10,000 terms from the store (the glossary screen's query)
   and building the match index. Target: < 200 ms.
3. Suggested terms for that article against 500 stored articles (after their
   vocabularies are analysed, which is timed too).
4. The queries behind sorting: difficulty of 1,000 articles, and how many articles
   contain each of 10,000 terms.

Run: .venv/bin/python benchmarks/bench_terms.py
"""

from __future__ import annotations

import html
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "korean"
FEED = CORPUS / "knews_rerendered_categories_all_2022-07-30.xml"
T = TypeVar("T")
ARTICLE_WORDS = 5_000
TERMS = 10_000
RUNS = 20

sys.path.insert(0, str(REPO_ROOT / "src"))


def corpus_snippets() -> list[str]:
    """Distinct article texts of the big Korean feed."""
    if not FEED.is_file():
        sys.exit(f"corpus file missing: {FEED}")
    raw = FEED.read_text(encoding="utf-8")
    texts = (
        html.unescape(t) for t in re.findall(r"<content:encoded>(.*?)</content:encoded>", raw, re.S)
    )
    cleaned = (re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", t)).strip() for t in texts)
    return list(dict.fromkeys(t for t in cleaned if t))


def build_article(snippets: list[str]) -> list[str]:
    """About 5,000 words as paragraphs of 40–80 words, cut at sentence ends."""
    paragraphs: list[str] = []
    words = 0
    for snippet in snippets:
        current: list[str] = []
        for sentence in re.split(r"(?<=[.!?])\s+", snippet):
            current.append(sentence)
            if len(" ".join(current).split()) >= 40:
                paragraphs.append(" ".join(current))
                words += len(paragraphs[-1].split())
                current = []
                if words >= ARTICLE_WORDS:
                    return paragraphs
        if current:
            paragraphs.append(" ".join(current))
            words += len(paragraphs[-1].split())
    return paragraphs


def build_terms(snippets: list[str]) -> list[str]:
    """10,000 distinct term texts: content words and two-noun phrases of the corpus."""
    from reader.core.terms import analyse_many

    words: dict[str, None] = {}
    phrases: dict[str, None] = {}
    for analysis in analyse_many(snippets, "ko", keep=False):
        tags, lemmas = analysis.tags, analysis.lemmas
        for index, tag in enumerate(tags):
            if tag in ("NNG", "NNP", "VV", "VA") and len(lemmas[index]) > 1:
                words.setdefault(lemmas[index])
            if index and tag in ("NNG", "NNP") and tags[index - 1] in ("NNG", "NNP"):
                phrases.setdefault(f"{lemmas[index - 1]} {lemmas[index]}")
    single = list(words)[: TERMS - min(len(phrases), TERMS // 4)]
    return list(dict.fromkeys(single + list(phrases)))[:TERMS]


def timed(function: Callable[[], T], runs: int = RUNS) -> tuple[float, T]:
    """Median seconds of ``function`` over ``runs`` runs, and its last result."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def bench_highlighting(snippets: list[str], term_texts: list[str], model_load: float) -> list[str]:
    from reader.core import terms

    paragraphs = build_article(snippets)
    words = sum(len(p.split()) for p in paragraphs)

    start = time.perf_counter()
    analyses = terms.analyse_many(paragraphs, "ko")
    analysis_cold = time.perf_counter() - start

    def analyse_uncached() -> object:
        terms.clear_analysis_cache()
        return terms.analyse_many(paragraphs, "ko")

    analysis_warm, _ = timed(analyse_uncached, runs=3)

    start = time.perf_counter()
    patterns = terms.term_patterns(term_texts, "ko")
    patterns_time = time.perf_counter() - start
    indexed = [
        terms.IndexedTerm(number, "ko", pattern, "1") for number, pattern in enumerate(patterns)
    ]
    start = time.perf_counter()
    index = terms.TermIndex(indexed)
    index_time = time.perf_counter() - start

    analyses = terms.analyse_many(paragraphs, "ko")  # cached from here on
    match_time, found = timed(lambda: [index.match(a) for a in analyses])
    via_cache_time, _ = timed(lambda: [terms.match_terms(p, "ko", index) for p in paragraphs])
    matches = sum(len(m) for m in found)

    def naive_substring() -> int:
        hits = 0
        for paragraph in paragraphs:
            for text in term_texts:
                position = paragraph.find(text)
                while position != -1:
                    hits += 1
                    position = paragraph.find(text, position + len(text))
        return hits

    substring_time, substring_hits = timed(naive_substring, runs=3)
    start = time.perf_counter()
    alternation = re.compile(
        "|".join(re.escape(t) for t in sorted(term_texts, key=len, reverse=True))
    )
    regex_compile = time.perf_counter() - start
    regex_time, regex_hits = timed(
        lambda: sum(1 for p in paragraphs for _ in alternation.finditer(p)), runs=5
    )

    return [
        f"Highlighting: {words:,} words in {len(paragraphs)} paragraphs, "
        f"{len(term_texts):,} terms ({sum(' ' in t for t in term_texts):,} phrases)",
        f"  kiwipiepy model load (once per process)   {ms(model_load)}",
        f"  analysis of the article, first            {ms(analysis_cold)}",
        f"  analysis of the article, again (uncached) {ms(analysis_warm)}",
        f"  patterns of 10,000 terms (batch analysis) {ms(patterns_time)}",
        f"  term index build                          {ms(index_time)}",
        f"  MATCHING, analyses cached (median)        {ms(match_time)}   "
        f"{matches:,} matches   target < 50 ms",
        f"  matching via match_terms (cache lookups)  {ms(via_cache_time)}",
        f"  naive substring search per term           {ms(substring_time)}   "
        f"{substring_hits:,} hits   x{substring_time / match_time:,.0f} slower",
        f"  regex alternation, compile (once)         {ms(regex_compile)}",
        f"  regex alternation, search                 {ms(regex_time)}   "
        f"{regex_hits:,} hits   x{regex_time / match_time:,.1f} of matching",
    ]


def bench_glossary_load(term_texts: list[str]) -> list[str]:
    from reader.core import terms
    from reader.core.models import Term
    from reader.core.store import Store

    patterns = terms.term_patterns(term_texts, "ko")
    with tempfile.TemporaryDirectory() as home:
        store = Store(Path(home) / "reader.db")
        with store.transaction():
            for number, (text, pattern) in enumerate(zip(term_texts, patterns, strict=True)):
                store.insert_term(
                    Term(
                        id=0,
                        lang="ko",
                        text=text,
                        lemma=text,
                        gloss=f"gloss {number}",
                        note="a note",
                        status=str(1 + number % 5),
                        tags=["news", f"t{number % 7}"],
                        pattern=pattern,
                    )
                )
        store.close()
        store = Store(Path(home) / "reader.db")
        load_time, loaded = timed(store.terms, runs=10)
        filtered_time, _ = timed(lambda: store.terms(status="3", text="경"), runs=10)
        index_time, _ = timed(
            lambda: terms.TermIndex(terms.IndexedTerm(*row) for row in store.term_patterns()),
            runs=10,
        )
        store.close()
    return [
        f"Glossary: {len(loaded):,} terms in the store",
        f"  load all terms (store.terms)              {ms(load_time)}   target < 200 ms",
        f"  filtered (status + text)                  {ms(filtered_time)}",
        f"  load patterns + build match index         {ms(index_time)}",
    ]


def bench_article_list(term_texts: list[str]) -> list[str]:
    """Difficulty for a list of 1,000 analysed articles (sorting the article list) and
    per-term article counts (sorting the glossary by frequency), from stored vocabularies."""
    import random

    from reader.core import terms
    from reader.core.models import EntryData, Term
    from reader.core.store import Store

    random.seed(6)
    patterns = terms.term_patterns(term_texts, "ko")
    words = [p for p in patterns if " " not in p]
    with tempfile.TemporaryDirectory() as home:
        store = Store(Path(home) / "reader.db")
        feed, _created = store.add_feed("https://news.example/rss")
        entries = [EntryData(guid=f"g{n}", title=f"t{n}", paragraphs=["."]) for n in range(1000)]
        store.upsert_entries(feed.id, entries)
        article_ids = [int(row[0]) for row in store.query("SELECT id FROM articles")]
        for article_id in article_ids:
            vocabulary = dict.fromkeys(random.sample(words, 250), 1)
            store.replace_vocab(article_id, "ko", f"{terms.ANALYSER_VERSION}:x", vocabulary, {})
        with store.transaction():
            for text, pattern in zip(term_texts, patterns, strict=True):
                status = random.choice(["1", "3", "known", "ignored"])
                store.insert_term(
                    Term(id=0, lang="ko", text=text, lemma=text, status=status, pattern=pattern)
                )
        difficulty_time, _ = timed(lambda: store.known_word_counts(article_ids), runs=5)
        counts_time, _ = timed(store.term_article_counts, runs=5)
        store.close()
    return [
        "Article list and glossary sorting (stored vocabularies, 10,000 terms)",
        f"  difficulty of 1,000 articles (250 words)  {ms(difficulty_time)}",
        f"  article counts of 10,000 terms            {ms(counts_time)}",
    ]


def bench_suggestions(snippets: list[str]) -> list[str]:
    """Vocabulary analysis of stored articles, then suggestions for the long article."""
    from reader.core import terms
    from reader.core.models import EntryData
    from reader.service import ReaderService

    paragraphs = build_article(snippets)
    others = snippets[200:700]
    service = ReaderService()
    feed, _created = service.store.add_feed("https://news.example/rss")
    entries = [
        EntryData(guid=f"o{n}", title=text[:30], paragraphs=[text], language="ko")
        for n, text in enumerate(others)
    ]
    entries.append(EntryData(guid="long", title="long", paragraphs=paragraphs, language="ko"))
    service.store.upsert_entries(feed.id, entries)
    start = time.perf_counter()
    indexed = service.index_vocabulary()
    index_time = time.perf_counter() - start
    article_id = service.store.article_id_by_guid(feed.id, "long")
    assert article_id is not None
    terms.analyse_many(paragraphs, "ko")
    suggest_time, suggestions = timed(lambda: service.suggest_terms(article_id), runs=5)
    difficulty_time, _ = timed(lambda: service.article_difficulty(article_id), runs=5)
    service.close()
    top = ", ".join(s.text for s in suggestions[:8])
    return [
        f"Suggestions: {indexed} stored articles",
        f"  vocabulary analysis, per article          {ms(index_time / indexed)}",
        f"  suggestions for the 5,000-word article    {ms(suggest_time)}   {top}",
        f"  its difficulty                            {ms(difficulty_time)}",
    ]


def main() -> None:
    os.environ.setdefault("READER_HOME", tempfile.mkdtemp(prefix="bench-terms-"))
    from reader.core.terms import analyse

    snippets = corpus_snippets()
    start = time.perf_counter()
    analyse("모델을 불러온다.", "ko")
    model_load = time.perf_counter() - start
    term_texts = build_terms(snippets[200:])
    lines = bench_highlighting(snippets, term_texts, model_load)
    lines += bench_suggestions(snippets)
    lines += bench_glossary_load(term_texts) + bench_article_list(term_texts)
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
