"""Sentence mining: stored sentences with one word not known yet (i+1)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from reader.service import glossary
from reader.service.errors import ServiceError
from reader.service.results import (
    MinedTerm,
    TermResult,
)

if TYPE_CHECKING:
    from reader.core.mining import MinedSentence, StoredArticle
    from reader.service.facade import ReaderService


def mine_sentences(
    service: ReaderService, limit: int = 50, per_word: int = 1, include_terms: bool = False
) -> list[MinedSentence]:
    """Stored sentences with exactly one word not known yet (i+1), the most common
    words first, each with its cached translation (see :mod:`reader.core.mining`).
    Articles new or changed since the last call are analysed first, on the
    analyser's side (the TUI's helper process)."""
    return service.analyser.run_whole(service, _mine_sentences, limit, per_word, include_terms)


def _mine_sentences(
    service: ReaderService, limit: int, per_word: int, include_terms: bool
) -> list[MinedSentence]:
    from reader.core import mining

    cache = mining.MiningCache(service.paths.cache_dir / mining.CACHE_FILE)
    try:
        cache.refresh(stored_articles(service))
        known, learning = mining_vocabulary(service)
        found = mining.mine(cache.rows(), known, learning, limit, per_word, include_terms)
    finally:
        cache.close()
    return _with_cached_translations(service, found)


def mine_add(
    service: ReaderService,
    number: int,
    gloss: str | None = None,
    per_word: int = 1,
    include_terms: bool = False,
) -> MinedTerm:
    """Add the word of the ``number``-th mined sentence (1 is the first, as ``mine``
    lists them) as a term, with that sentence and its translation as its context;
    the gloss is ``gloss``, else the installed dictionaries' first glosses."""
    found = service.mine_sentences(number, per_word, include_terms)
    if number < 1 or number > len(found):
        raise ServiceError(f"no mined sentence {number}: `reader mine` lists {len(found)}")
    chosen = found[number - 1]
    return MinedTerm(chosen, service.add_mined(chosen, gloss))


def add_mined(
    service: ReaderService, chosen: MinedSentence, gloss: str | None = None
) -> TermResult:
    """Add a mined sentence's word as a term, with that sentence and its translation
    as its context; the gloss is ``gloss``, else the dictionaries' first glosses."""
    return service.add_term(
        chosen.lemma,
        gloss=gloss if gloss is not None else _dictionary_gloss(service, chosen),
        lang=chosen.lang,
        lemma=chosen.lemma,
        sentence=chosen.text,
        sentence_translation=chosen.translation,
        article_id=chosen.article_id,
    )


def stored_articles(service: ReaderService) -> Iterator[StoredArticle]:
    from reader.core.mining import StoredArticle

    rows = service.store.query("SELECT id, language, title, content FROM articles ORDER BY id")
    for row in rows:
        yield StoredArticle(int(row[0]), row[1], str(row[2]), str(row[3]))


def mining_vocabulary(
    service: ReaderService,
) -> tuple[dict[str, set[str]], dict[tuple[str, str], str]]:
    """Known patterns by language, and the statuses of the other terms' patterns."""
    from reader.core.terms import KNOWN_STATUSES

    glossary.fill_term_patterns(service)
    known: dict[str, set[str]] = {}
    learning: dict[tuple[str, str], str] = {}
    for _term_id, lang, pattern, status in service.store.term_patterns():
        if status in KNOWN_STATUSES:
            known.setdefault(lang, set()).add(pattern)
        else:
            learning[(lang, pattern)] = status
    return known, learning


def _with_cached_translations(
    service: ReaderService, found: list[MinedSentence]
) -> list[MinedSentence]:
    """The sentences with the translations the cache has (no model is run)."""
    import dataclasses

    from reader.core.translation import NoModelError

    translated: dict[tuple[str, str], str] = {}
    for lang in {sentence.lang for sentence in found}:
        target = "en" if lang == "ko" else "ko"
        texts = list(dict.fromkeys(s.text for s in found if s.lang == lang))
        try:
            # A cache-only pass (it stops before any model work), with the same
            # glossary and own translations as reading, so the keys are the same.
            outcomes = service.translations.translate(
                texts,
                lang,
                target,
                should_stop=lambda: True,
                glossary=service.glossary_for((lang, target)),
            )
        except NoModelError:
            continue
        translated.update(
            ((lang, text), outcome.target)
            for text, outcome in zip(texts, outcomes, strict=True)
            if outcome is not None and outcome.error is None
        )
    return [dataclasses.replace(s, translation=translated.get((s.lang, s.text), "")) for s in found]


def _dictionary_gloss(service: ReaderService, sentence: MinedSentence) -> str:
    """The first glosses of the installed dictionaries' exact entry, or empty."""
    glosses = service.dictionary_glosses(sentence.word, sentence.lemma, sentence.lang, exact=True)
    return "; ".join(gloss for gloss, _ in glosses[:3])
