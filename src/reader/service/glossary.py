"""The glossary: adding, merging, editing and removing terms, their patterns, and
the term index used for highlighting (rebuilt when terms change)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.core.models import (
    Term,
)
from reader.core.text import clean_line, detect_language, strip_controls
from reader.service.errors import ServiceError
from reader.service.results import (
    TermResult,
)

if TYPE_CHECKING:
    from reader.core.terms import (
        TermIndex,
    )
    from reader.service.facade import ReaderService


def add_term(
    service: ReaderService,
    text: str,
    *,
    gloss: str = "",
    lang: str | None = None,
    status: str | None = None,
    note: str = "",
    tags: Sequence[str] = (),
    lemma: str | None = None,
    sentence: str = "",
    sentence_translation: str = "",
    article_id: int | None = None,
) -> TermResult:
    """Add a term, or merge into the term of the same lemma (glosses and tags added)."""
    from reader.core import terms

    text = clean_line(text)
    if not text:
        raise ServiceError("the term is empty")
    _require_term_text(text)
    try:
        status_value = terms.normalize_status(status)
    except ValueError as error:
        raise ServiceError(str(error)) from None
    incoming = Term(
        id=0,
        lang=term_lang(lang, text),
        text=text,
        lemma=clean_line(lemma),
        gloss=clean_line(gloss),
        note=strip_controls(note, keep_newlines=True).strip(),
        status=status_value,
        tags=terms.normalize_tags(tags),
        sentence=clean_line(sentence),
        sentence_translation=clean_line(sentence_translation),
        article_id=article_id,
    )
    return save_term(service, incoming, status_given=status is not None)


def save_term(service: ReaderService, incoming: Term, status_given: bool = True) -> TermResult:
    from reader.core import terms

    incoming.lemma = incoming.lemma or service.analyser.lemma_for(incoming.text, incoming.lang)
    incoming.pattern = _term_pattern(service, incoming.text, incoming.lang)
    with service.store.transaction():
        existing = service.store.find_term(incoming.lang, incoming.lemma, incoming.pattern)
        if existing is None:
            result = TermResult(service.store.insert_term(incoming), created=True)
        else:
            merged = terms.merge_terms(existing, incoming, incoming_status=status_given)
            if merged != existing:
                merged = service.store.update_term(merged)
            result = TermResult(merged, created=False)
    service._term_index = None
    return result


def update_term(service: ReaderService, term: Term) -> Term:
    """Save an edited term (the annotation form); its pattern follows its text."""
    import sqlite3

    from reader.core import terms

    term.text = clean_line(term.text)
    if not term.text:
        raise ServiceError("the term is empty")
    _require_term_text(term.text)
    term.lang = terms.normalize_lang(term.lang)
    term.lemma = clean_line(term.lemma) or service.analyser.lemma_for(term.text, term.lang)
    try:
        term.status = terms.normalize_status(term.status)
    except ValueError as error:
        raise ServiceError(str(error)) from None
    term.tags = terms.normalize_tags(term.tags)
    term.pattern = _term_pattern(service, term.text, term.lang)
    try:
        updated = service.store.update_term(term)
    except sqlite3.IntegrityError:
        raise ServiceError(f"another term already has the lemma {term.lemma!r}") from None
    service._term_index = None
    return updated


def set_term_status(service: ReaderService, term_id: int, status: str) -> Term:
    """Set the status of a term (keys 1–5, K, I in the article view)."""
    term = service.term(term_id)
    term.status = status
    return service.update_term(term)


def term(service: ReaderService, term_id: int) -> Term:
    found = service.store.term(term_id)
    if found is None:
        raise ServiceError(f"no term with id {term_id}")
    return found


def delete_term(service: ReaderService, term_id: int) -> None:
    if not service.store.delete_terms([term_id]):
        raise ServiceError(f"no term with id {term_id}")
    service._term_index = None


def remove_term(service: ReaderService, text: str, lang: str | None = None) -> int:
    """Delete the terms whose text or lemma is ``text`` (or its lemma); returns how many."""

    found = term_ids_named(service, text, lang)
    removed = service.store.delete_terms(found)
    service._term_index = None
    return removed


def term_ids_named(service: ReaderService, text: str, lang: str | None) -> list[int]:
    """The terms whose text or lemma is ``text`` (or its lemma); ServiceError if none."""
    text = clean_line(text)
    language = term_lang(lang, text)
    wanted = {text, service.analyser.lemma_for(text, language)}
    found = [
        term.id
        for term in service.store.terms(lang=language)
        if term.text in wanted or term.lemma in wanted
    ]
    if not found:
        raise ServiceError(f"no term {text!r} in the glossary")
    return found


def list_terms(
    service: ReaderService,
    *,
    lang: str | None = None,
    status: str | None = None,
    tag: str | None = None,
    text: str | None = None,
    order: str = "created",
    limit: int | None = None,
) -> list[Term]:
    from reader.core import terms

    try:
        status_value = terms.normalize_status(status) if status else None
    except ValueError as error:
        raise ServiceError(str(error)) from None
    return service.store.terms(
        lang=terms.normalize_lang(lang) if lang else None,
        status=status_value,
        tag=tag,
        text=text,
        order=order,
        limit=limit,
    )


def lemma_for(service: ReaderService, surface: str, lang: str) -> str:
    """The dictionary form of a selected word or phrase (prefills the annotation form)."""
    return service.analyser.lemma_for(surface, lang)


def _term_pattern(service: ReaderService, text: str, lang: str) -> str:
    """The pattern of a term's text (its analysis made by the analyser)."""
    from reader.core import terms

    return terms.pattern_of(service.analyser.analyse_many([text], lang)[0])


def term_index(service: ReaderService) -> TermIndex:
    """The index used for highlighting; rebuilt when terms change (here or in another
    process — checked at most once a second)."""
    from reader.core import terms

    now = time.monotonic()
    if service._term_index is not None and now - service._term_index_checked < 1.0:
        return service._term_index
    signature = service.store.terms_signature()
    if service._term_index is None or signature != service._term_signature:
        fill_term_patterns(service)
        service._term_index = terms.TermIndex(
            terms.IndexedTerm(*row) for row in service.store.term_patterns()
        )
        service._term_signature = service.store.terms_signature()
    service._term_index_checked = now
    return service._term_index


def term_patterns_outdated(service: ReaderService) -> bool:
    """Whether :meth:`term_index` would first analyse the texts of stored terms (a
    database from before patterns, or a new analyser)."""
    from reader.core import terms

    if service.store.get_meta("terms_analyser") != terms.ANALYSER_VERSION:
        return service.store.terms_signature()[0] > 0
    return bool(service.store.terms_without_pattern())


def refresh_term_patterns(service: ReaderService) -> None:
    """Compute the patterns :meth:`term_patterns_outdated` reports missing."""
    fill_term_patterns(service)


def fill_term_patterns(service: ReaderService) -> None:
    """Compute the patterns of terms stored without one (older databases), or of
    every term when the analyser's keys changed (``ANALYSER_VERSION``)."""
    from reader.core import terms

    current = service.store.get_meta("terms_analyser") == terms.ANALYSER_VERSION
    missing = service.store.terms_without_pattern(every_term=not current)
    for lang in {lang for _id, lang, _text in missing}:
        of_lang = [(term_id, text) for term_id, term_lang, text in missing if term_lang == lang]
        analyses = service.analyser.analyse_many([text for _id, text in of_lang], lang, keep=False)
        patterns = [terms.pattern_of(analysis) for analysis in analyses]
        service.store.set_term_patterns(
            [
                (term_id, pattern)
                for (term_id, _text), pattern in zip(of_lang, patterns, strict=True)
            ]
        )
    if not current:
        service.store.set_meta("terms_analyser", terms.ANALYSER_VERSION)


def existing_glosses(
    service: ReaderService, surface: str, lang: str, lemma: str | None = None
) -> list[str]:
    """Glosses the glossary already has for a word or phrase (the annotation form);
    pass ``lemma`` when it is known already."""
    from reader.core import terms

    language = terms.normalize_lang(lang)
    lemma = lemma or service.analyser.lemma_for(surface, language)
    term = service.store.find_term(language, lemma, _term_pattern(service, surface, language))
    if term is None or not term.gloss:
        return []
    return term.gloss.split("; ")


def term_frequencies(service: ReaderService) -> dict[int, int]:
    """Term id → how many analysed articles contain it (the glossary's frequency sort)."""
    return service.store.term_article_counts()


def _require_term_text(text: str) -> None:
    """ServiceError when ``text`` is no word or phrase (see ``terms.check_term_text``)."""
    from reader.core.terms import TermTextError, check_term_text

    try:
        check_term_text(text)
    except TermTextError as error:
        raise ServiceError(str(error)) from None


def is_term_text(text: str) -> bool:
    try:
        _require_term_text(text)
    except ServiceError:
        return False
    return True


def term_lang(lang: str | None, text: str) -> str:
    """The language given, else the one the text looks like."""
    from reader.core.terms import normalize_lang

    return normalize_lang(lang or detect_language(text) or "en")
