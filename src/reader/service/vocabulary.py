"""The glossary met in text: matching, key-term suggestions, difficulty, the stored
vocabulary of analysed articles, and where a term occurs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.core.models import (
    Article,
    Term,
)
from reader.core.text import sample_language
from reader.service import queries

if TYPE_CHECKING:
    from reader.core.terms import (
        Analysis,
        Difficulty,
        Occurrence,
        Suggestion,
        TermMatch,
    )
    from reader.service.facade import ReaderService


def match_terms(service: ReaderService, paragraph: str, lang: str) -> list[TermMatch]:
    """Glossary terms in one paragraph: (start, end, term id, status), NFC offsets."""
    index = service.term_index()
    return index.match(service.analyser.analyse_many([paragraph], lang)[0])


def article_language(service: ReaderService, article: Article) -> str:
    """The language terms of this article are analysed and matched in."""
    forced = service.feed_direction(article)
    return forced[0] if forced else _article_lang(article)


def article_term_matches(
    service: ReaderService, article: Article, lang: str | None = None
) -> list[list[TermMatch]]:
    """Glossary terms in each paragraph of an article (analysed in one batch, with
    its title, which suggestions need next), matched in ``lang`` (default: the
    article's own, :meth:`article_language`)."""
    index = service.term_index()
    lang = lang or service.article_language(article)
    analyses = service.analyser.analyse_many([article.title, *article.paragraphs], lang)
    return [index.match(analysis) for analysis in analyses[1:]]


def suggest_terms(service: ReaderService, article_id: int, limit: int = 30) -> list[Suggestion]:
    """Candidate key terms of an article, ranked by TF-IDF over the analysed articles."""
    from reader.core import terms

    article = service.article(article_id)
    lang = service.article_language(article)
    analyses = _index_article_vocabulary(service, article)
    candidates = terms.candidate_phrases(analyses)
    frequencies = service.store.document_frequencies(lang, "p", list(candidates))
    documents = service.store.vocab_documents(lang)
    existing = {
        pattern: (term_id, status)
        for term_id, term_lang, pattern, status in service.store.term_patterns()
        if term_lang == lang
    }
    levels, target = _word_levels(service, lang, list(candidates), existing)
    return terms.rank_suggestions(
        candidates, lang, frequencies, documents, existing, limit, levels, target
    )


def _word_levels(
    service: ReaderService, lang: str, patterns: list[str], existing: dict[str, tuple[int, str]]
) -> tuple[dict[str, int], int]:
    """The installed dictionaries' word levels of these Korean patterns, and the
    level the reader learns now (from the levels of the terms they know)."""
    from reader.core.dictionary import DictionaryError
    from reader.core.word_levels import pattern_lemma, target_level

    if lang != "ko" or not service.paths.dictionaries_database.exists():
        return {}, 1
    known = [pattern for pattern, (_, status) in existing.items() if status == "known"]
    lemmas = {pattern: pattern_lemma(pattern) for pattern in [*patterns, *known]}
    try:
        ranks = service.dictionaries.level_ranks(set(lemmas.values()))
    except DictionaryError:
        return {}, 1
    by_pattern = {pattern: ranks[lemma] for pattern, lemma in lemmas.items() if lemma in ranks}
    target = target_level(by_pattern[pattern] for pattern in known if pattern in by_pattern)
    return by_pattern, target


def article_difficulty(service: ReaderService, article_id: int) -> Difficulty:
    """Share of the article's distinct content words that are known or ignored.

    Counting an article's words and phrases is the heaviest step of opening a long
    one, so the whole job runs on the analyser's side (the TUI's helper process).
    """
    article = service.article(article_id)
    return service.analyser.run_whole(service, _article_difficulty, article)


def _article_difficulty(service: ReaderService, article: Article) -> Difficulty:
    _index_article_vocabulary(service, article)
    return service.article_difficulties([article.id])[article.id]


def article_difficulties(
    service: ReaderService, article_ids: Sequence[int]
) -> dict[int, Difficulty]:
    """Difficulty of the articles already analysed (see :meth:`index_vocabulary`);
    one query, for sorting the article list."""
    from reader.core import terms

    counts = service.store.known_word_counts(article_ids)
    return {
        article_id: terms.Difficulty(article_id, words, known)
        for article_id, (words, known) in counts.items()
    }


def index_vocabulary(service: ReaderService, limit: int | None = None) -> int:
    """Analyse articles never analysed (a background worker's job); returns how many.

    The whole job runs on the analyser's side (the TUI's helper process).
    """
    return service.analyser.run_whole(service, _index_vocabulary, limit)


def vocabulary_pending_count(service: ReaderService) -> int:
    """How many articles :meth:`index_vocabulary` still has to analyse."""
    from reader.core.terms import ANALYSER_VERSION

    return len(service.store.articles_without_vocab(ANALYSER_VERSION))


def vocabulary_pending(service: ReaderService) -> bool:
    """Whether some article was never analysed (:meth:`index_vocabulary` has work)."""
    from reader.core.terms import ANALYSER_VERSION

    return bool(service.store.articles_without_vocab(ANALYSER_VERSION, 1))


def _index_article_vocabulary(
    service: ReaderService, article: Article, keep: bool = True
) -> list[Analysis]:
    """The article's analyses (title and paragraphs, kept in the cache unless
    ``keep`` is false); its stored vocabulary is refreshed when its text changed."""
    from reader.core import terms

    lang = service.article_language(article)
    texts = [article.title, *article.paragraphs]
    analyses = service.analyser.analyse_many(texts, lang, keep=keep)
    digest = (
        terms.ANALYSER_VERSION
        + ":"
        + hashlib.sha256(json.dumps([lang, texts], ensure_ascii=False).encode()).hexdigest()
    )
    if service.store.vocab_hash(article.id) != digest:
        phrases = {p: c.count for p, c in terms.candidate_phrases(analyses).items()}
        words = terms.content_words(analyses)
        others = terms.other_words(analyses)
        service.store.replace_vocab(article.id, lang, digest, words, phrases, others)
    queries.index_article_sentences(service, article)
    return analyses


def term_occurrences(service: ReaderService, term_id: int, limit: int = 20) -> list[Occurrence]:
    """Where a term occurs in the analysed articles (newest first), with sentences.

    Articles are preselected by their stored vocabulary, then matched for real;
    articles not analysed yet (see :meth:`index_vocabulary`) are not searched. The
    whole search runs on the analyser's side (the TUI's helper process).
    """
    term = service.term(term_id)
    return service.analyser.run_whole(service, _term_occurrences, term, limit)


def _term_occurrences(service: ReaderService, term: Term, limit: int) -> list[Occurrence]:
    from reader.core import terms

    index = terms.TermIndex([terms.IndexedTerm(term.id, term.lang, term.pattern, term.status)])
    found: list[Occurrence] = []
    keys = terms.word_keys(term.pattern)
    for article_id in service.store.articles_with_words(term.lang, keys):
        article = service.store.article(article_id)
        if article is None:
            continue
        analyses = service.analyser.analyse_many(article.paragraphs, term.lang)
        for number, analysis in enumerate(analyses):
            for match in index.match(analysis):
                sentence = next(
                    (
                        s.text
                        for s in service.split_sentences(analysis.text, term.lang)
                        if s.start <= match.start < s.end
                    ),
                    analysis.text,
                )
                found.append(
                    terms.Occurrence(
                        article.id, article.title, number, match.start, match.end, sentence
                    )
                )
                if len(found) >= limit:
                    return found
    return found


def _article_lang(article: Article) -> str:
    from reader.core.terms import normalize_lang

    language = article.language or sample_language(article.paragraphs, article.title)
    return normalize_lang(language or "en")


def _index_vocabulary(service: ReaderService, limit: int | None) -> int:
    """:meth:`ReaderService.index_vocabulary`'s work, on the analyser's side."""
    from reader.core.terms import ANALYSER_VERSION

    article_ids = service.store.articles_without_vocab(ANALYSER_VERSION, limit)
    for article_id in article_ids:
        article = service.store.article(article_id)
        if article is not None:
            _index_article_vocabulary(service, article, keep=False)
    return len(article_ids)
